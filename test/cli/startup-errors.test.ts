/**
 * Every start-up problem a setting, the fixture or a listener causes is one line on stderr naming the key (and the
 * port), exit code 2, never a stack trace. Each case runs the real process.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { baseEnv, ccgate, configFile, occupiedPort } from './helpers.js';

const PREFIX = 'ccgate: invalid configuration: ';

/**
 * The one line on stderr, exit code 2, and nothing else that looks like a failure: no stack trace on either stream,
 * no log line at error level or above (pino: 50 and up) and no logged error object on stdout.
 */
async function expectConfigFailure(env: Record<string, string>, line: string | RegExp, args: string[] = []): Promise<void> {
  const run = await ccgate(args, baseEnv(env));
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(PREFIX + line);
  else expect(lines[0]).toMatch(line);
  expect(run.code).toBe(2);
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at |\\n\s+at /);
  const logged = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level?: number; err?: unknown; msg?: string });
  expect(logged.filter((l) => (l.level ?? 0) >= 50 || l.err !== undefined).map((l) => l.msg)).toEqual([]);
}

const PEM = (name: string): string => fileURLToPath(new URL(`../notify/fixtures/${name}`, import.meta.url));

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
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ http: { tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } } }) }, 'http.tls.cert: no such file: /nonexistent/cert.pem');
  });

  it('a TLS file that is not PEM, or a key that is not the certificate\'s', async () => {
    const notPem = configFile('{}');
    await expectConfigFailure(
      { CCGATE_CONFIG: configFile({ http: { port: 0, tls: { cert: notPem, key: notPem } }, telservices: { port: 0 } }) },
      `http.tls.cert: ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
    await expectConfigFailure(
      { CCGATE_CONFIG: configFile({ http: { tls: { cert: PEM('server.crt'), key: notPem } } }) },
      `http.tls.key: ${notPem}: not a PEM private key (-----BEGIN PRIVATE KEY-----)`,
    );
    await expectConfigFailure(
      { CCGATE_CONFIG: configFile({ http: { tls: { cert: PEM('server.crt'), key: PEM('client.key') } } }) },
      `http.tls.key: ${PEM('client.key')} is not the private key of the certificate in http.tls.cert (${PEM('server.crt')})`,
    );
  });

  it('the callback client certificate, key and CA files', async () => {
    const notPem = configFile('{}');
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ notify: { clientCert: notPem, clientKey: PEM('client.key') } }) }, `notify.clientCert: ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ notify: { clientCert: PEM('client.crt'), clientKey: PEM('server.key') } }) }, /^ccgate: invalid configuration: notify\.clientKey: .* is not the private key of the certificate in notify\.clientCert/);
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ notify: { clientCert: PEM('client.crt') } }) }, 'notify.clientKey: is needed with notify.clientCert');
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ notify: { ca: PEM('client.key') } }) }, `notify.ca: ${PEM('client.key')} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  });

  it('a data directory that is a file', async () => {
    const file = configFile('{}');
    await expectConfigFailure({ CCGATE_DATA_DIR: file }, `dataDir: is a file, not a directory: ${file}`);
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

  it('a config file that cannot be read or is not an object, named as the user named it', async () => {
    await expectConfigFailure({ CCGATE_CONFIG: '/nonexistent/ccgate.json' }, 'CCGATE_CONFIG: no such file: /nonexistent/ccgate.json');
    await expectConfigFailure({}, '--config: no such file: /nonexistent/ccgate.json', ['--config', '/nonexistent/ccgate.json']);
    const dir = mkdtempSync(join(tmpdir(), 'ccgate-dir-'));
    await expectConfigFailure({}, `--config: is a directory, not a file: ${dir}`, ['start', '--config', dir]);
    expect(() => loadConfig({ env: { CCGATE_CONFIG: configFile('[1, 2]') } })).toThrow(/^CCGATE_CONFIG: .* must hold a JSON object$/);
  });

  it('a file that is not JSON: one line naming it and where, never its content', async () => {
    const config = configFile('{\n  "http": { "port": 8080 },\n  oops secret\n}');
    await expectConfigFailure({}, `--config: ${config} is not valid JSON (line 3 column 3)`, ['--config', config]);
    const fixture = configFile('hello\nworld');
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ center: { fixture } }) }, `center.fixture: ${fixture} is not valid JSON`);
    const cut = configFile('{"agents": [');
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ center: { fixture: cut } }) }, `center.fixture: ${cut} is not valid JSON (it ends too early)`);
  });

  it('a fixture key nobody reads (a typo) names its path', async () => {
    const fixture = JSON.parse(readFileSync('fixtures/default-center.json', 'utf8')) as { agents: Record<string, unknown>[] };
    fixture.agents[1] = { ...fixture.agents[1], skils: { sales: 3 } };
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ center: { fixture: configFile(fixture) } }) }, /^ccgate: invalid configuration: center\.fixture: .*: agents\.1\.skils: unknown key$/);
    const top = { ...JSON.parse(readFileSync('fixtures/default-center.json', 'utf8')), bogusKey: 1 };
    await expectConfigFailure({ CCGATE_CONFIG: configFile({ center: { fixture: configFile(top) } }) }, /^ccgate: invalid configuration: center\.fixture: .*: bogusKey: unknown key$/);
  });

  it('a port from the environment out of range says the rule', async () => {
    await expectConfigFailure({ CCGATE_HTTP_PORT: '-1' }, 'CCGATE_HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free port), got "-1"');
    expect(() => loadConfig({ env: { CCGATE_TELSERVICES_PORT: '70000' } })).toThrow('CCGATE_TELSERVICES_PORT: must be a port number from 0 to 65535 (0 picks a free port), got "70000"');
    expect(() => loadConfig({ env: { CCGATE_CONFIG: configFile({ http: { port: -1 } }) } })).toThrow('http.port: must be a port number from 0 to 65535 (0 picks a free port)');
  });

  it('two listeners given one port name both settings, not a port "in use"', async () => {
    await expectConfigFailure({ CCGATE_QM_DESKTOP_PORT: '5555', CCGATE_QM_NETWORK_PORT: '5555' }, "CCGATE_QM_NETWORK_PORT: port 5555 is also CCGATE_QM_DESKTOP_PORT's: each listener needs a port of its own");
    expect(() => loadConfig({ env: { CCGATE_CONFIG: configFile({ http: { port: 9000 }, openmedia: { port: 9000 } }) } })).toThrow("openmedia.port: port 9000 is also http.port's: each listener needs a port of its own");
    // 0 is any free port for each; a UDP and a TCP listener may share a number.
    expect(() => loadConfig({ env: {}, overrides: { http: { port: 0 }, openmedia: { port: 0 }, ciscoqm: { desktopPort: 7001, networkPort: 0 } } })).not.toThrow();
  });

  it('a headers timeout longer than the request timeout', () => {
    expect(() => loadConfig({ env: {}, overrides: { http: { headersTimeoutMs: 40_000 } } })).toThrow('http.headersTimeoutMs: must not exceed http.requestTimeoutMs (30000)');
  });
});
