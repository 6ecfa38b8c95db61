/** The `ccgate` command line: help and version without starting anything; subcommands against a running gateway. */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/index.js';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import { VERSION } from '../../src/version.js';
import { baseEnv, ccgate, occupiedPort } from './helpers.js';

describe('ccgate --help and --version answer without starting anything', { timeout: 60_000 }, () => {
  it('--help lists the commands and exits 0 even when the HTTP port is taken', async () => {
    const held = await occupiedPort();
    try {
      const run = await ccgate(['--help'], baseEnv({ CCGATE_HTTP_PORT: String(held.port) }));
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Usage: ccgate \[options\] \[command\]/);
      for (const cmd of ['start', 'state', 'traffic', 'scenario']) expect(run.stdout).toMatch(new RegExp(`\\n  ${cmd} `));
    } finally {
      await held.close();
    }
  });

  it('an unknown command is named as such, with the commands, and starts nothing', async () => {
    const run = await ccgate(['frobnicate'], baseEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: unknown command 'frobnicate' \(commands: start, state, traffic, scenario; ccgate --help\)\n/);
    expect(run.stdout).toBe('');
  });

  it('--version prints the package version', async () => {
    const run = await ccgate(['--version'], baseEnv());
    expect(run).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('every subcommand has its own --help', () => {
    const program = buildProgram();
    const help = (path: string[]): string => {
      let cmd = program;
      for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
      return cmd.helpInformation();
    };
    expect(help(['start'])).toMatch(/^Usage: ccgate start \[options\][\s\S]*--config <file>/);
    expect(help(['state'])).toMatch(/^Usage: ccgate state \[options\][\s\S]*--url <url>/);
    expect(help(['traffic'])).toMatch(/^Usage: ccgate traffic \[options\] \[command\][\s\S]*start[\s\S]*stop/);
    expect(help(['traffic', 'start'])).toMatch(/--calls-per-minute <n>[\s\S]*--handle-seconds <n>/);
    expect(help(['scenario'])).toMatch(/^Usage: ccgate scenario \[options\] <file>[\s\S]*--wait/);
  });
});

describe('subcommands against a running gateway', { timeout: 60_000 }, () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await buildGateway({
      env: {},
      config: { logLevel: 'silent', host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'ccgate-cli-gw-')), http: { port: 0 }, telservices: { port: 0 }, ciscoqm: { desktopPort: 0, networkPort: 0 }, openmedia: { port: 0 } },
    });
    await gw.listen();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('state prints the control API snapshot', async () => {
    const run = await ccgate(['state', '--url', gw.baseUrl], baseEnv());
    expect(run.code).toBe(0);
    const state = JSON.parse(run.stdout) as { agents: { userId: string }[] };
    expect(state.agents.map((a) => a.userId)).toContain('HARRI');
  });

  it('traffic start and stop', async () => {
    const started = await ccgate(['traffic', 'start', '--calls-per-minute', '1', '--handle-seconds', '5', '--url', gw.baseUrl], baseEnv());
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ traffic: { callsPerMinute: 1, handleSeconds: 5 } });
    const stopped = await ccgate(['traffic', 'stop', '--url', gw.baseUrl], baseEnv());
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ traffic: null });
  });

  it('scenario runs a file and, with --wait, reports every step', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ccgate-scn-')), 'call.json');
    writeFileSync(file, JSON.stringify({ name: 'one call', steps: [{ at: 0, do: 'call', args: { from: '+35840111222', to: '1101', ref: 'c1' } }, { at: 50, do: 'hangup', args: { ref: 'c1' } }] }));
    const run = await ccgate(['scenario', file, '--wait', '--url', gw.baseUrl], baseEnv());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'one call', steps: 2, done: 2 });
  });

  it('a gateway that does not answer is one line and exit code 1', async () => {
    const held = await occupiedPort();
    await held.close();
    const run = await ccgate(['state', '--url', `http://127.0.0.1:${held.port}`], baseEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`ccgate: connection refused at http://127.0.0.1:${held.port}: is the gateway running there? (--url)\n`);
    // Port 1 is one of the Fetch standard's "bad ports": still a refused connection, not a bare TypeError.
    const low = await ccgate(['state', '--url', 'http://127.0.0.1:1'], baseEnv());
    expect(low).toMatchObject({ code: 1, stderr: 'ccgate: connection refused at http://127.0.0.1:1: is the gateway running there? (--url)\n' });
  });
});
