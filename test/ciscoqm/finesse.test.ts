/**
 * Tagging from Finesse (issue 11 point 5): the workflow action's JSON at POST /serverapi/finesse/metadata, with the
 * Recording API's rules; a workflow that fires while the next call rings tags the previous recording.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { plainNumber } from '../../src/interfaces/ciscoqm/finesse.js';
import { QmServerClient } from './client.js';
import { CUSTOMER, startQm, World } from './gateway.js';

let gw: Gateway;
let world: World;
let qm: QmServerClient;

async function finesse(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${gw.baseUrl}/serverapi/finesse/metadata`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  gw = await startQm();
  world = new World(gw.baseUrl);
  qm = new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin');
});
afterAll(async () => {
  await gw?.close();
});

describe('Finesse workflow metadata as JSON', () => {
  it('attaches metadata to the active call, and at the next call\'s start to the previous recording', async () => {
    const first = await world.answeredCall('1102', 'MAIJA');
    expect(await finesse({ peripheral_id: '1', sender_id: 'MAIJA', metadata: { custID: '1000', customer: 'Acme' } })).toMatchObject({ status: 200, json: { applied: true } });
    await world.hangup(first);
    await world.ready('MAIJA');
    // The next call rings: no active call yet, so the workflow's data goes to the last call.
    await world.json('POST', '/api/v1/calls', { from: CUSTOMER, to: '1102' });
    expect(await finesse({ peripheral_id: 1, sender_id: 'maija', metadata: { balance: 12.5 } })).toMatchObject({ status: 200, json: { applied: true } });
    const { ccrs } = await qm.searchAll('<metadata><key>custID</key><data>1000</data></metadata><metadata><key>balance</key><data>12.5</data></metadata>');
    expect(ccrs).toHaveLength(1);
    expect(gw.center.recordings.get(Number(ccrs[0]?.id)).callId).toBe(first);
  });

  it('takes a JSON number written in exponent form as the plain number it is (0.0000001, 1e21)', async () => {
    const call = await world.answeredCall('1101', 'HARRI');
    expect(await finesse({ sender_id: 'HARRI', metadata: { balance: 1e-7, custID: 1e21 } })).toMatchObject({ status: 200, json: { applied: true } });
    const { ccrs } = await qm.searchAll('<metadata><key>balance</key><data>0.0000001</data></metadata><metadata><key>custID</key><data>1000000000000000000000</data></metadata>');
    expect(ccrs).toHaveLength(1);
    await world.hangup(call);
    expect([plainNumber(1.5e-7), plainNumber(-2.5e22), plainNumber(12.5)]).toEqual(['0.00000015', '-25000000000000000000000', '12.5']);
  });

  it('runs another command when one is named, with the same rules', async () => {
    expect(await finesse({ sender_id: 'PEKKA', command: 'tag' })).toEqual({ status: 200, json: { applied: false, reason: 'noCall' } });
  });

  it('refuses bad input and changes nothing; an unknown sender_id is 404', async () => {
    expect((await finesse({ sender_id: 'MAIJA', metadata: { balance: '2,500' } })).json).toMatchObject({ error: 'badFormat' });
    expect((await finesse({ sender_id: 'MAIJA', metadata: { balance: '2,500' } })).status).toBe(400);
    expect((await finesse({ sender_id: 'MAIJA' })).status).toBe(400);
    expect((await finesse({ sender_id: 'MAIJA', metadata: { custID: { nested: 1 } } })).status).toBe(400);
    expect((await finesse('{"sender_id":"MAIJA","metadata":{"__proto__":{"x":"1"}}}')).status).toBe(400);
    expect((await finesse('not json')).status).toBe(400);
    expect(await finesse({ sender_id: 'NOBODY', metadata: { custID: '1' } })).toMatchObject({ status: 404, json: { error: 'unknownSender' } });
    expect((await qm.searchAll('<metadata><key>balance</key><data>2,500</data></metadata>')).ccrs).toEqual([]);
  });

  it('answers unreadable JSON, __proto__, a body over 16 KiB and a non-JSON type as {"error","message"}, never Fastify\'s shape', async () => {
    const shape = { error: expect.any(String), message: expect.any(String) };
    const cases: [string, number, string][] = [
      ['{"sender_id":', 400, 'invalidArgument'],
      ['{"sender_id":"MAIJA","metadata":{"__proto__":{"x":"1"}}}', 400, 'invalidArgument'],
      [JSON.stringify({ sender_id: 'MAIJA', metadata: { customer: 'x'.repeat(17 * 1024) } }), 413, 'tooLarge'],
    ];
    for (const [body, status, error] of cases) {
      const r = await finesse(body);
      expect(r.status, body.slice(0, 40)).toBe(status);
      expect(r.json, body.slice(0, 40)).toEqual({ ...shape, error });
    }
    expect((await finesse('not json')).json).toMatchObject({ error: 'invalidArgument', message: expect.stringMatching(/^body is not valid JSON/) });
    const res = await fetch(`${gw.baseUrl}/serverapi/finesse/metadata`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ ...shape, error: 'unsupportedMediaType' });
    // A body claiming a content coding is not read as plain JSON (it was, and applied).
    const coded = await fetch(`${gw.baseUrl}/serverapi/finesse/metadata`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body: '{"sender_id":"MAIJA","metadata":{"custID":"1"}}' });
    expect(coded.status).toBe(415);
    expect(await coded.json()).toEqual({ ...shape, error: 'unsupportedMediaType' });
  });

  it('refuses 11 items as too many (400) even when every key is unknown, an unknown field, and a negative number', async () => {
    await world.answeredCall('1104', 'ANNA');
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`dne${i}`, 'x']));
    expect(await finesse({ sender_id: 'ANNA', metadata: eleven })).toMatchObject({ status: 400, json: { error: 'tooManyMetadata' } });
    expect(await finesse({ sender_id: 'ANNA', metadata: { custID: '1' }, extra: 1 })).toMatchObject({ status: 400, json: { error: 'invalidArgument', message: 'extra: unknown field' } });
    expect(await finesse({ sender_id: 'ANNA', metadata: { custID: -7 } })).toMatchObject({ status: 400, json: { error: 'badFormat' } });
    expect(await finesse({ sender_id: 'ANNA', metadata: { orderDate: '2026-02-30' } })).toMatchObject({ status: 400, json: { error: 'badFormat' } });
    const long = await finesse({ sender_id: 'x'.repeat(5000), metadata: { custID: '1' } });
    expect(long.status).toBe(400);
    expect(String(long.json['message']).length).toBeLessThan(200);
  });
});
