/**
 * The control API answers what it cannot use with its documented `{ error, message }` and a 4xx, naming what was
 * wrong: query parameters (history, recordings), JSON bodies with prototype keys, a call id nobody knows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/gateway.js';

let gw: Gateway | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** A data directory of this test's own: a shared one would hold what another branch or run wrote there. */
function privateDataDir(): string {
  dataDir = mkdtempSync(join(tmpdir(), 'ccgate-test-'));
  return dataDir;
}

async function api() {
  const g = await buildGateway({ env: {}, config: { logLevel: 'silent', dataDir: privateDataDir() }, interfaces: [] });
  gw = g;
  return async (method: 'GET' | 'POST', url: string, payload?: string) => {
    const r = await g.app.inject({ method, url, ...(payload === undefined ? {} : { payload, headers: { 'content-type': 'application/json' } }) });
    return { status: r.statusCode, json: r.json() as Record<string, unknown> };
  };
}

describe('control API hostile input', () => {
  it('validates history and recordings query parameters, naming the parameter', async () => {
    const call = await api();
    const cases: [string, RegExp][] = [
      ['/api/v1/history?limit=abc', /^query parameter limit: must be a whole number from 1 to 10000$/],
      ['/api/v1/history?limit=0', /^query parameter limit: /],
      ['/api/v1/history?limit=1e3', /^query parameter limit: /],
      ['/api/v1/history?limit=%FF', /^query parameter limit: not valid percent-encoded UTF-8$/],
      ['/api/v1/history?recordType=bogus', /^query parameter recordType: /],
      ['/api/v1/history?colour=blue', /^query parameter colour: unknown \(this route reads deviceNumber, userId, recordType, limit\)$/],
      ['/api/v1/recordings?limit=-1', /^query parameter limit: must be a whole number from 1 to 1000$/],
      ['/api/v1/recordings?offset=1', /^query parameter offset: unknown/],
      ['/api/v1/recordings?__proto__=1', /^query parameter __proto__: unknown \(this route reads callId, /],
      ['/api/v1/recordings?limit=1e2', /^query parameter limit: must be a whole number from 1 to 1000$/],
      ['/api/v1/recordings?limit=', /^query parameter limit: must be a whole number from 1 to 1000$/],
      ['/api/v1/recordings?startFrom=0x10', /^query parameter startFrom: must be a whole number/],
      ['/api/v1/recordings?userId=%00', /^A parameter is missing or invalid: (?!A parameter)/],
    ];
    for (const [url, message] of cases) {
      const r = await call('GET', url);
      expect(r.status, url).toBe(400);
      expect(r.json['error'], url).toBe('invalidArgument');
      expect(r.json['message'], url).toMatch(message);
    }
    expect((await call('GET', '/api/v1/history?limit=5&recordType=call')).status).toBe(200);
    expect((await call('GET', '/api/v1/recordings?limit=5')).json).toEqual({ recordings: [] });
  });

  it('refuses a JSON body with a __proto__ or constructor.prototype key, naming its path', async () => {
    const call = await api();
    const a = await call('POST', '/api/v1/agents/HARRI/actions', '{"action":"answer","__proto__":{"callId":"x"}}');
    expect(a.status).toBe(400);
    expect(a.json).toEqual({ error: 'invalidArgument', message: 'body.__proto__: the key "__proto__" is refused (it could change an object\'s prototype)' });
    const b = await call('POST', '/api/v1/calls', '{"from":"0401234567","to":"2001","attachedData":{"constructor":{"prototype":{}}}}');
    expect(b.status).toBe(400);
    expect(b.json['message']).toMatch(/^body\.attachedData\.constructor: /);
    const c = await call('POST', '/api/v1/calls', '{"from":');
    expect(c.json).toEqual({ error: 'invalidArgument', message: 'body is not valid JSON' });
    // A member given twice: which one would count is a guess (JSON.parse keeps the last).
    expect((await call('POST', '/api/v1/calls', '{"from":"+358401112222","to":"2001","from":"+1"}')).json).toEqual({ error: 'invalidArgument', message: 'body.from: given more than once (which one would count is a guess)' });
    // JSON null is no object: said of the body, not of its first field.
    expect((await call('POST', '/api/v1/calls', 'null')).json).toMatchObject({ error: 'invalidArgument', message: expect.stringMatching(/^body: .*null/) });
    expect(((await call('GET', '/api/v1/state')).json['calls'] as unknown[]).length).toBe(0);
  });

  it('refuses a body in a content coding or another charset (415) and bytes that are not UTF-8 (400), changing nothing', async () => {
    const g = await buildGateway({ env: {}, config: { logLevel: 'silent', dataDir: privateDataDir() }, interfaces: [] });
    gw = g;
    const put = async (headers: Record<string, string>, payload: string | Buffer) => {
      const r = await g.app.inject({ method: 'PUT', url: '/api/v1/agents/PEKKA/state', headers: { 'content-type': 'application/json', ...headers }, payload });
      return { status: r.statusCode, json: r.json() as Record<string, unknown> };
    };
    const body = '{"state":"notReady"}';
    expect(await put({ 'content-encoding': 'br' }, body)).toEqual({ status: 415, json: { error: 'unsupportedMediaType', message: 'Content-Encoding br is not supported: send the JSON as it is' } });
    expect(await put({ 'content-encoding': 'identity, xyz' }, body)).toMatchObject({ status: 415 });
    expect(await put({ 'content-type': 'application/json; charset=utf-16' }, body)).toEqual({ status: 415, json: { error: 'unsupportedMediaType', message: 'charset utf-16 is not supported: JSON is UTF-8' } });
    expect(await put({ 'content-type': 'text/plain' }, body)).toMatchObject({ status: 415, json: { error: 'unsupportedMediaType' } });
    const notUtf8 = Buffer.concat([Buffer.from('{"state":"notReady","reason":"a'), Buffer.from([0xff]), Buffer.from('b"}')]);
    expect(await put({}, notUtf8)).toEqual({ status: 400, json: { error: 'invalidArgument', message: 'body is not valid UTF-8' } });
    expect(g.center.agent('PEKKA').state).not.toBe('notReady');
    // Identity and a UTF-8 charset are the body as sent.
    expect((await put({ 'content-encoding': 'identity', 'content-type': 'application/json; charset=UTF-8' }, body)).status).toBe(200);
    expect(g.center.agent('PEKKA').state).toBe('notReady');
  });

  it('refuses e-mail and chat text holding a character XML cannot carry, as attached data is refused', async () => {
    const call = await api();
    const bad = [
      ['/api/v1/emails', { from: 'a@example.com', to: 'support@example.com', subject: 'x\u0007', body: 'b' }, 'subject'],
      ['/api/v1/emails', { mime: 'From: a@example.com\r\nTo: support@example.com\r\nSubject: hi\u0001\r\n\r\nbody' }, 'mime: subject'],
      ['/api/v1/chats', { from: 'web', to: 'chat@example.com', text: '\udfff' }, 'text'],
    ] as const;
    for (const [url, body, where] of bad) {
      const r = await call('POST', url, JSON.stringify(body));
      expect(r, url).toMatchObject({ status: 400, json: { error: 'invalidArgument' } });
      expect(String(r.json['message']), url).toContain(where);
    }
    expect((await call('GET', '/api/v1/state')).json['items']).toEqual([]);
  });

  it('answers an agent action naming a call nobody knows 404 unknownCall', async () => {
    const call = await api();
    const r = await call('POST', '/api/v1/agents/HARRI/actions', '{"action":"answer","callId":"no-such-call"}');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: 'unknownCall' });
  });
});
