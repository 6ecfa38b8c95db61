/**
 * Hostile input on the REST twin (om-findings 3, 5, 6, 9, 10): every refusal is the twin's own JSON
 * `{ error, message }` — on the main port and on the Open Media port, before or after routing — and changes nothing.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { api, startGateway } from './helpers.js';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

const ports = (): [string, number][] => [['main', gw.ctx.ports.http], ['openmedia', gw.ctx.ports.openMedia]];

async function world(): Promise<string> {
  const s = (await api(gw, 'GET', '/api/v1/state')).json as { items: unknown; interfaces: { openmedia: unknown } };
  return JSON.stringify([s.items, s.interfaces.openmedia]);
}

async function rest(method: string, path: string, body?: string, port = gw.ctx.ports.openMedia): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const r = await fetch(`http://127.0.0.1:${port}/OpenMediaServiceRest${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body }) });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), json: JSON.parse(text) as Record<string, unknown> };
}

describe('the REST twin answers its own JSON every time (om-findings 3)', () => {
  it('a path that is not valid percent-encoding, an unknown path or method: the twin JSON on both ports', async () => {
    for (const [name, port] of ports()) {
      const bad = await rest('GET', '/requests/%ZZ', undefined, port);
      expect(bad, name).toEqual({ status: 400, type: expect.stringMatching(/^application\/json/), json: { error: 'InvalidDataException', message: expect.any(String) } });
      const unknown = await rest('GET', '/nothing/here', undefined, port);
      expect(unknown, name).toEqual({ status: 404, type: expect.stringMatching(/^application\/json/), json: { error: 'notFound', message: 'no route GET /OpenMediaServiceRest/nothing/here' } });
      const method = await rest('PATCH', '/requests', '{}', port);
      expect(method.status, name).toBe(404);
      expect(method.json['error']).toBe('notFound');
    }
  });

  it('on the Open Media port, an unknown path is JSON and one under the SOAP path a SOAP fault, never Fastify\'s own', async () => {
    const base = `http://127.0.0.1:${gw.ctx.ports.openMedia}`;
    const other = await fetch(`${base}/nope`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: 'notFound', message: 'no route GET /nope' });
    const soapPath = await fetch(`${base}/OpenMediaService/nope`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<x/>' });
    expect(soapPath.status).toBe(404);
    expect(await soapPath.text()).toMatch(/<faultcode>soap:Client<\/faultcode>/);
  });
});

const json = (v: unknown) => JSON.stringify(v);
const refusedWith = (pattern: RegExp) => ({ status: 400, type: expect.stringMatching(/^application\/json/), json: { error: 'InvalidDataException', message: expect.stringMatching(pattern) } });

describe('the REST twin refuses what it cannot read exactly, changing nothing (om-findings 4, 5, 6, 9, 10)', () => {
  beforeAll(async () => {
    // Nobody takes a request: they stay queued, so ModifyRequest applies.
    for (const a of ['HARRI', 'PEKKA', 'ANNA']) expect((await api(gw, 'PUT', `/api/v1/agents/${a}/state`, { state: 'notReady' })).status).toBe(200);
  });

  it('query parameters: one given twice, or one the request does not take, is refused naming it (5)', async () => {
    const before = await world();
    expect(await rest('GET', '/requests?id=1&id=1')).toEqual(refusedWith(/^id: given more than once/));
    expect(await rest('GET', '/requests?id=1&ID=2')).toEqual(refusedWith(/^id: given more than once/));
    expect(await rest('GET', '/requests?foo=1')).toEqual(refusedWith(/^foo: not a parameter of this request \(it takes id\)/));
    expect(await rest('GET', '/requests/time?laterThan=2020-01-01T00:00:00Z&id=3')).toEqual(refusedWith(/^id: not a parameter/));
    expect(await rest('GET', '/serviceGroups?id=10&id=10')).toEqual(refusedWith(/given more than once/));
    expect(await world()).toBe(before);
  });

  it('dates: /Date(ms)/ in query strings as in bodies; a date .NET cannot hold is refused (6)', async () => {
    expect((await rest('GET', '/requests/time?laterThan=/Date(0)/')).status).toBe(200);
    expect((await rest('GET', '/requests/time?laterThan=%2FDate(0%2B0100)%2F')).status).toBe(200);
    const before = await world();
    for (const bad of ['/Date(-99999999999999999)/', '/Date(253402300800000)/', '0000-01-01T00:00:00', '10000-01-01T00:00:00Z']) {
      expect(await rest('GET', `/requests/time?laterThan=${encodeURIComponent(bad)}`), bad).toEqual(refusedWith(/^laterThan: not a date/));
      expect(await rest('POST', '/requests/add', json({ ServiceGroupID: 10, IVRInfo: [{ Label: 'L', Data: 'D' }], QueueStartTime: bad })), bad).toEqual(refusedWith(/^QueueStartTime: not a valid dateTime/));
    }
    expect(await rest('POST', '/requests/add', json({ ServiceGroupID: 10, IVRInfo: [{ Label: 'L' }], QueueStartTime: -99999999999999999 }))).toEqual(refusedWith(/^QueueStartTime/));
    expect(await world()).toBe(before);
  });

  it('text: invalid UTF-8, a lone surrogate, NUL and other control characters are refused; a member spelled twice is ambiguous (9, 10)', async () => {
    const before = await world();
    const port = gw.ctx.ports.openMedia;
    const bytes = Buffer.concat([Buffer.from('{"ServiceGroupID":10,"IVRInfo":[{"Label":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    const r = await fetch(`http://127.0.0.1:${port}/OpenMediaServiceRest/requests/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes });
    expect([r.status, await r.json()]).toEqual([400, { error: 'InvalidDataException', message: 'the body is not valid UTF-8' }]);
    for (const label of ['\\ud800', '\\udc00x', 'a\\u0000b', '\\u0007']) {
      expect(await rest('POST', '/requests/add', `{"ServiceGroupID":10,"IVRInfo":[{"Label":"${label}"}]}`), label).toEqual(refusedWith(/^Label: holds a character that is not allowed/));
    }
    expect(await rest('POST', '/requests/add', json({ ServiceGroupID: 10, ServiceGroupId: 999, IVRInfo: [{ Label: 'L' }] }))).toEqual(refusedWith(/^ServiceGroupID: given more than once \(ServiceGroupID, ServiceGroupId\)/));
    // The same member twice in the same spelling (JSON.parse would keep the last), at any depth.
    expect(await rest('POST', '/requests/add', '{"ServiceGroupID":10,"ServiceGroupID":11,"IVRInfo":[{"Label":"L"}]}')).toEqual(refusedWith(/^ServiceGroupID: given more than once/));
    expect(await rest('POST', '/requests/add', '{"ServiceGroupID":10,"IVRInfo":[{"Label":"L","Label":"M"}]}')).toEqual(refusedWith(/^IVRInfo\[\]\.Label: given more than once/));
    expect(await rest('POST', '/requests/add', '{"__proto__":{"x":1},"ServiceGroupID":10}')).toEqual(refusedWith(/"__proto__" is not a member name/));
    expect(await rest('POST', '/requests/add', 'null')).toEqual(refusedWith(/expected a JSON object/));
    expect(await world()).toBe(before);
  });

  it('a compressed body is refused by its coding (415), a body nested beyond the stack in the twin\'s words', async () => {
    const before = await world();
    const port = gw.ctx.ports.openMedia;
    const zipped = gzipSync(JSON.stringify({ ServiceGroupID: 10, IVRInfo: [{ Label: 'L', Data: 'D' }] }));
    const r = await fetch(`http://127.0.0.1:${port}/OpenMediaServiceRest/requests/add`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: zipped });
    expect(r.status).toBe(415);
    expect(await r.json()).toMatchObject({ error: 'InvalidDataException', message: expect.stringMatching(/^Content-Encoding gzip is not supported/) });
    const deep = await rest('POST', '/requests/add', '['.repeat(100_000) + ']'.repeat(100_000));
    expect(deep.status).toBe(400);
    expect(deep.json['message']).toMatch(/^the body is not valid JSON/);
    expect(String(deep.json['message'])).not.toMatch(/call stack/);
    expect(await world()).toBe(before);
  });

  it('a label "__proto__" is kept as a label; ModifyRequest never lets a request hold more than 3 IVRInfo (4, 10)', async () => {
    const add = await rest('POST', '/requests/add', json({ ServiceGroupID: 10, IVRInfo: [{ Label: '__proto__', Data: 'p' }, { Label: 'A', Data: 'a' }] }));
    expect(add.json).toMatchObject({ QueuePosition: expect.any(Number), RequestStatus: 0 });
    const id = add.json['OpenMediaID'] as number;
    // The IVR data is the core item's (no wire answer of the seed returns it).
    const itemData = async () => gw.ctx.center.items.find(`openmedia-${id}`)?.data ?? {};
    expect(Object.entries(await itemData())).toEqual([['__proto__', 'p'], ['A', 'a']]);
    // Replacing a label and adding one: 3 in all, allowed.
    expect((await rest('PUT', '/requests', json({ OpenMediaID: id, IVRInfo: [{ Label: 'A', Data: 'a2' }, { Label: 'B', Data: 'b' }] }))).json).toBe(true);
    const before = await world();
    // A fourth label, alone or beside a replaced one, would exceed the seed's 3.
    expect(await rest('PUT', '/requests', json({ OpenMediaID: id, IVRInfo: [{ Label: 'C', Data: 'c' }] }))).toEqual(refusedWith(/At most 3 IVRInfo may be held; the request would hold 4/));
    expect(await rest('PUT', '/requests', json({ OpenMediaID: id, IVRInfo: [{ Label: 'A', Data: 'x' }, { Label: 'D', Data: 'd' }] }))).toEqual(refusedWith(/would hold 4/));
    expect(await world()).toBe(before);
    expect(Object.entries(await itemData())).toEqual([['__proto__', 'p'], ['A', 'a2'], ['B', 'b']]);
  });
});

describe('a request\'s status history is bounded (om-findings 7)', () => {
  it('diverted back and forth 150 times, it keeps its latest 100 events, and pollers see only those', async () => {
    for (const a of ['HARRI', 'PEKKA', 'ANNA']) await api(gw, 'PUT', `/api/v1/agents/${a}/state`, { state: 'notReady' });
    const add = await rest('POST', '/requests/add', json({ ServiceGroupID: 10, IVRInfo: [{ Label: 'L', Data: 'D' }] }));
    const id = add.json['OpenMediaID'] as number;
    const since = (await rest('GET', `/requests/history?ID=${id}`)).json['TimeStamp'] as string;
    for (let n = 0; n < 150; n++) expect((await rest('POST', '/requests', json({ OpenMediaID: id, ServiceGroupID: 10 }))).json).toEqual({ OpenMediaID: id, RequestStatus: 0 });
    const history = (await rest('GET', `/requests/history?ID=${id}`)).json['OpenMediaRequests'] as { Status: number; TimeStamp: string }[];
    expect(history).toHaveLength(100);
    expect(history.at(-1)?.Status).toBe(1); // Queued, its current status
    const byTime = (await rest('GET', `/requests/time?laterThan=${encodeURIComponent(since)}`)).json['OpenMediaRequests'] as { ID: number }[];
    expect(byTime.filter((r) => r.ID === id)).toHaveLength(100);
  });
});
