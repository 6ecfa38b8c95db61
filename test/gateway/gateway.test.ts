import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { gatewayPerTest } from '../support/index.js';

const gateways = gatewayPerTest();

describe('configuration', () => {
  it('reads DESIGN.md environment variables over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccgate-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ http: { port: 9000 }, logLevel: 'warn', telservices: { sessionLimit: 5 } }));
    const c = loadConfig({ env: { CCGATE_CONFIG: file, CCGATE_HTTP_PORT: '9100', CCGATE_QM_ADMIN_PASSWORD: 's3cret' } });
    expect(c.http.port).toBe(9100);
    expect(c.logLevel).toBe('warn');
    expect(c.telservices.sessionLimit).toBe(5);
    expect(c.ciscoqm.adminPassword).toBe('s3cret');
    expect(c.telservices.port).toBe(7001);
  });

  it('names the key and the problem of an invalid setting', () => {
    expect(() => loadConfig({ env: { CCGATE_HTTP_PORT: 'eighty' } })).toThrow(/^CCGATE_HTTP_PORT: must be a port number from 0 to 65535/);
    expect(() => loadConfig({ env: { CCGATE_TELSERVICES_PORT: '70000' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { CCGATE_TELSERVICES_PORT: '70000' } })).toThrow(/^CCGATE_TELSERVICES_PORT: /);
    expect(() => loadConfig({ env: { CCGATE_LOG_LEVEL: 'loud' } })).toThrow(/^CCGATE_LOG_LEVEL: /);
    expect(() => loadConfig({ env: {}, overrides: { notify: { queueLimit: -1 } } as never })).toThrow(/^notify\.queueLimit: /);
  });

  it('stops start-up with one clear line', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, CCGATE_HTTP_PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('ccgate: invalid configuration: CCGATE_HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free port), got "eighty"');
  });
});

describe('gateway over real sockets', () => {
  it('answers /health with every bound port once listening', async () => {
    const { gw, ports } = await gateways.start();
    const r = await request(`${gw.baseUrl}/health`);
    expect(r.statusCode).toBe(200);
    const body = (await r.body.json()) as { status: string; listeners: Record<string, number> };
    expect(body.status).toBe('ok');
    expect(body.listeners.http).toBe(ports.http);
    expect(ports.http).toBeGreaterThan(0);
    expect(Object.keys(body.listeners).sort()).toEqual(['http', 'openMedia', 'qmDesktop', 'qmNetwork', 'telservices']);
  });

  it('refuses clients outside an interface allow-list', async () => {
    const { gw } = await gateways.start({ config: { allow: { api: ['10.0.0.0/8'], qmi: [], ici: [], openmedia: [], telservices: [], ciscoqm: [] } } });
    const blocked = await request(`${gw.baseUrl}/api/v1/state`);
    expect(blocked.statusCode).toBe(403);
    await blocked.body.dump();
    const health = await request(`${gw.baseUrl}/health`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it('serves HTTPS when a certificate and key are configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccgate-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const { gw } = await gateways.start({ config: { http: { tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } } } });
    expect(gw.baseUrl.startsWith('https://')).toBe(true);
    const r = await request(`${gw.baseUrl}/health`, { dispatcher: new Agent({ connect: { rejectUnauthorized: false } }) });
    expect(r.statusCode).toBe(200);
    await r.body.dump();
  });
});

describe('dashboard', () => {
  it('serves the live page at /', async () => {
    const { gw } = await gateways.start({ interfaces: [], listen: false });
    const r = await gw.app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toContain("fetch('/api/v1/state')");
    // The recordings archive: the page reads the route it polls, and the route answers the page's query.
    expect(r.body).toContain("fetch('/api/v1/recordings?order=desc&limit=20')");
    const recs = await gw.app.inject({ method: 'GET', url: '/api/v1/recordings?order=desc&limit=20' });
    expect(recs.statusCode).toBe(200);
    expect(recs.json()).toEqual({ recordings: [] });
  });
});
