/**
 * Logs rule: one line per request at debug (method, path without query, status, ms), none at the default level;
 * a SOAP request adds its operation line. Over real HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, startGateway, type TestGateway } from '../support/index.js';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('per-request log lines', () => {
  it('writes one request line at debug, without the query string', async () => {
    const { logger, lines } = captureLogger('debug');
    t = await startGateway({ logger });
    const r = await fetch(`${t.baseUrl}/api/v1/state?secret=x`);
    expect(r.status).toBe(200);
    await r.text();
    const line = lines.find((l) => l.msg === 'request' && l.path === '/api/v1/state');
    expect(line).toMatchObject({ method: 'GET', path: '/api/v1/state', status: 200 });
    expect(typeof line?.ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret=x');
  });

  it('writes no request line at info', async () => {
    const { logger, lines } = captureLogger('info');
    t = await startGateway({ logger });
    const r = await fetch(`${t.baseUrl}/api/v1/state`);
    await r.text();
    expect(r.status).toBe(200);
    expect(lines.filter((l) => l.msg === 'request' || l.msg === 'soap request')).toEqual([]);
  });
});
