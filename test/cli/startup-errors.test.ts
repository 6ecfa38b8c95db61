/**
 * Every start-up problem a setting, the fixture or a listener causes is one line on stderr naming the key (and the
 * port), exit code 2, never a stack trace. Each case runs the real process.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { baseEnv, ccgate, configFile, occupiedPort } from './helpers.js';

const PREFIX = 'ccgate: invalid configuration: ';

async function expectConfigFailure(env: Record<string, string>, line: string | RegExp): Promise<void> {
  const run = await ccgate([], baseEnv(env));
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(PREFIX + line);
  else expect(lines[0]).toMatch(line);
  expect(run.code).toBe(2);
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
}

function badFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccgate-fx-'));
  const file = join(dir, 'center.json');
  writeFileSync(file, JSON.stringify({ agents: [{ userId: 'A', extension: '1', name: 'A', queues: ['nope'] }], queues: [] }));
  return file;
}

// Each case starts a real process (up to a few seconds of CPU each on a loaded machine).
describe('start-up errors: one line naming the key, exit code 2', { timeout: 60_000 }, () => {
  it('an HTTP port already in use names the port and its setting', async () => {
    const held = await occupiedPort();
    try {
      await expectConfigFailure(
        { CCGATE_HTTP_PORT: String(held.port) },
        `http.port: port ${held.port} on 127.0.0.1 is already in use; change http.port (CCGATE_HTTP_PORT), or use 0 for any free port`,
      );
    } finally {
      await held.close();
    }
  });

  it("an interface's own port already in use names that setting", async () => {
    const held = await occupiedPort();
    try {
      await expectConfigFailure({ CCGATE_TELSERVICES_PORT: String(held.port) }, new RegExp(`^${PREFIX}telservices\\.port: port ${held.port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      await held.close();
    }
  });

  it('a host that is not an address of this machine, or does not resolve', async () => {
    await expectConfigFailure({ CCGATE_HOST: '192.0.2.1' }, /^ccgate: invalid configuration: host: cannot listen on "192\.0\.2\.1": it is not an address of this machine/);
  });

  it('an unknown time zone', async () => {
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ telservices: { timeZone: 'Mars/Olympus' } }) }, 'telservices.timeZone: unknown time zone "Mars/Olympus"');
  });

  it("a bad CIDR in an interface's list", async () => {
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ allow: { qmi: ['10.0.0.0/8', '10.0.0.0/40'] } }) }, 'allow.qmi: "10.0.0.0/40" is not an address or CIDR range');
    expect(() => loadConfig({ env: {}, overrides: { qmi: { callbackAllow: ['nonsense'] } } })).toThrow(new ConfigError('qmi.callbackAllow', '"nonsense" is not an address or CIDR range'));
  });

  it('a missing TLS file', async () => {
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ http: { tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } } }) }, 'http.tls.key: no such file: /nonexistent/key.pem');
  });

  it('a fixture error', async () => {
    const file = badFixture();
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ center: { fixture: file } }) }, `center.fixture: ${file}: (root): agent A names unknown queue nope`);
  });

  it('a recordings archive that cannot be opened names dataDir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-bad-archive-'));
    mkdirSync(join(dataDir, 'recordings'));
    writeFileSync(join(dataDir, 'recordings', 'archive.sqlite'), 'not a database: plain text where the catalogue should be');
    await expectConfigFailure({ CCGATE_DATA_DIR: dataDir }, /^ccgate: invalid configuration: dataDir: The catalogue cannot be opened: /);
  });

  it('a config-file key of the wrong type, named by its file key', async () => {
    // CCGATE_HTTP_PORT empty = not set, so the file's value is the one read.
    await expectConfigFailure({ CCGATE_HTTP_PORT: '', CCGATE_CONFIG: configFile({ http: { port: 'eighty' } }) }, 'http.port: Invalid input: expected number, received string');
    // The same value from the environment is named by its variable.
    expect(() => loadConfig({ env: { CCGATE_HTTP_PORT: '70000' } })).toThrow(/^CCGATE_HTTP_PORT: /);
    expect(() => loadConfig({ env: { CCGATE_CONFIG: configFile({ http: { port: 70000 } }) } })).toThrow(/^http\.port: /);
  });

  it('an unknown config-file key', async () => {
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ http: { prot: 8080 } }) }, 'http.prot: unknown setting');
    expect(() => loadConfig({ env: { CCGATE_CONFIG: configFile({ telservice: {} }) } })).toThrow(new ConfigError('telservice', 'unknown setting'));
  });

  it('a config file that cannot be read or is not an object', async () => {
    await expectConfigFailure({ CCGATE_CONFIG: '/nonexistent/ccgate.json' }, 'CCGATE_CONFIG: cannot read /nonexistent/ccgate.json: no such file: /nonexistent/ccgate.json');
    expect(() => loadConfig({ env: { CCGATE_CONFIG: configFile('[1, 2]') } })).toThrow(/^CCGATE_CONFIG: .* must hold a JSON object$/);
  });
});
