/**
 * Hostile input on the REST twin (om-findings 3, 5, 6, 9, 10): every refusal is the twin's own JSON
 * `{ error, message }` — on the main port and on the Open Media port, before or after routing — and changes nothing.
 */
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
