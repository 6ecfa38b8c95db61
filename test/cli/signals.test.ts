/**
 * `npm start` runs the gateway as the process that receives signals: SIGTERM to the npm process stops the gateway
 * cleanly and frees its ports (npm forwards the signal; the start script execs node, so no shell swallows it).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { onLogLines } from '../support/log.js';
import { baseEnv, portIsFree } from './helpers.js';

interface LogLine {
  msg?: string;
  ports?: { http: number; telservices: number };
}

describe('npm start', () => {
  // The prestart step compiles dist/ when it is missing or stale: allow for it.
  it('SIGTERM to the npm process stops the gateway and frees its ports', { timeout: 180_000 }, async () => {
    const child = spawn('npm', ['start', '--silent'], { env: baseEnv({ CCGATE_LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: LogLine[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<LogLine>((resolve, reject) => {
      onLogLines(child.stdout, (logged) => {
        const line = logged as LogLine;
        lines.push(line);
        if (line.msg?.includes(' listening on ')) resolve(line);
      });
      void exited.then((code) => reject(new Error(`npm start exited (${code}) before listening: ${stderr}`)));
    });
    const up = await listening;
    const ports = up.ports!;
    expect(await portIsFree(ports.http)).toBe(false);
    expect(await portIsFree(ports.telservices)).toBe(false);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['ccgate stopping', 'ccgate stopped']));
    expect(await portIsFree(ports.http)).toBe(true);
    expect(await portIsFree(ports.telservices)).toBe(true);
  });
});
