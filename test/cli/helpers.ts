/** Runs the real `ccgate` process (src/main.ts through tsx) and collects what it prints. */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every listener on a free port, data in a fresh directory: a start-up that fails, fails for the reason under test. */
export const FREE_PORTS = {
  CCGATE_HTTP_PORT: '0',
  CCGATE_TELSERVICES_PORT: '0',
  CCGATE_QM_DESKTOP_PORT: '0',
  CCGATE_QM_NETWORK_PORT: '0',
};

export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  // The caller's CCGATE_* settings must not leak into the case under test.
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('CCGATE_')) env[k] = v;
  return { ...env, ...FREE_PORTS, CCGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'ccgate-cli-')), CCGATE_LOG_LEVEL: 'warn', ...extra };
}

/** `ccgate <args>`; resolves when the process exits (a start that succeeds is killed after `killAfterMs`). */
export function ccgate(args: string[], env: Record<string, string>, killAfterMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A config file holding `content` (JSON unless it is a string). */
export function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ccgate-cfg-')), 'ccgate.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** A TCP port held by this process until `close()`. */
export async function occupiedPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Whether `port` on 127.0.0.1 can be bound now. */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
