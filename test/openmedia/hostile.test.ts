/**
 * Hostile input on both Open Media paths: every bad request gets the protocol's own error (a SOAP fault on
 * /OpenMediaService, a JSON 4xx on /OpenMediaServiceRest) and changes nothing; the service keeps answering.
 * Engineering rule "inputs are hostile"; issue 10 point 7 ("a rejected request changes nothing").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { addRequestXml, api, endpoint, envelope, field, ivr, result, soap, startGateway } from './helpers.js';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});

const ADD = { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://tempuri.org/IOpenMediaService/AddRequest"' };
const GOOD = addRequestXml(`${ivr('Ticket', 'T')}<a:ServiceGroupID>10</a:ServiceGroupID>`);
const statusById = (id: string) => `<GetOpenMediaRequestStatusByID xmlns="http://tempuri.org/"><openMediaID>${id}</openMediaID></GetOpenMediaRequestStatusByID>`;

/** The core's items and the service's cache, as JSON: what a refused request must leave alone. */
async function world(): Promise<string> {
  const s = (await api(gw, 'GET', '/api/v1/state')).json as { items: unknown; interfaces: { openmedia: unknown } };
  return JSON.stringify([s.items, s.interfaces.openmedia]);
}

/** POSTs raw text to the SOAP endpoint; answers the status and the fault code (undefined when not a fault). */
async function rawSoap(body: string, headers: Record<string, string> = ADD): Promise<{ status: number; code: string | undefined; type: string | null }> {
  const r = await fetch(endpoint(gw), { method: 'POST', headers, body });
  const text = await r.text();
  const code = /<faultcode[^>]*>([^<]*)<\/faultcode>/.exec(text)?.[1];
  return { status: r.status, code, type: r.headers.get('content-type') };
}

async function rest(method: string, path: string, body?: string, type = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = `http://127.0.0.1:${gw.ctx.ports.openMedia}/OpenMediaServiceRest${path}`;
  const r = await fetch(url, { method, ...(body === undefined ? {} : { headers: { 'content-type': type }, body }) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe('the SOAP endpoint refuses bad input with a SOAP fault and changes nothing', () => {
  it('malformed XML, not XML, an empty body, a DTD (entity expansion), a root that is not Envelope, nesting too deep', async () => {
    const before = await world();
    const bad = [
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><AddRequest`,
      'hello',
      '',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${envelope(addRequestXml(ivr('L', '&e;')))}`,
      '<Envelope/>',
      envelope(addRequestXml(`${'<a:x>'.repeat(5000)}${'</a:x>'.repeat(5000)}`)),
    ];
    for (const body of bad) {
      const a = await rawSoap(body);
      expect(a.status, body.slice(0, 60)).toBe(500);
      expect(a.type).toMatch(/^text\/xml/);
      expect(a.code, body.slice(0, 60)).toBe('soap:Client');
    }
    expect(await world()).toBe(before);
  });

  it('a payload over the size limit is refused without being read into an item', async () => {
    const before = await world();
    const a = await rawSoap(envelope(addRequestXml(`${ivr('L', 'd'.repeat(5_000_000))}<a:ServiceGroupID>10</a:ServiceGroupID>`)));
    // 413, as WCF's HTTP transport answers a message over its quota (maxReceivedMessageSize).
    expect(a).toMatchObject({ status: 413, code: 'soap:Client' });
    expect(await world()).toBe(before);
  });

  it("a missing SOAPAction header is WCF's ActionNotSupported; a Body without the operation is DeserializationFailed", async () => {
    const before = await world();
    const missing = await soap(endpoint(gw), 'AddRequest', GOOD, { action: null });
    expect(missing.fault?.code).toBe('a:ActionNotSupported');
    const empty = await rawSoap(envelope(''));
    expect(empty.code).toBe('a:DeserializationFailed');
    expect(await world()).toBe(before);
  });

  it('wrong types: a string, an out-of-range integer, a fraction or nothing where an int goes; a boolean that is not one', async () => {
    const before = await world();
    for (const id of ['abc', '99999999999', '1.5', '']) {
      const a = await soap(endpoint(gw), 'GetOpenMediaRequestStatusByID', statusById(id));
      expect(a.fault?.code, id).toBe('a:DeserializationFailed');
    }
    const flag = await soap(
      endpoint(gw),
      'CancelRequest',
      `<CancelRequest xmlns="http://tempuri.org/"><request xmlns:a="http://schemas.datacontract.org/2004/07/Solidus.OpenMedia.Contracts.DataContracts"><a:CancelIfAllocated>maybe</a:CancelIfAllocated><a:OpenMediaID>1</a:OpenMediaID></request></CancelRequest>`,
    );
    expect(flag.fault?.code).toBe('a:DeserializationFailed');
    expect(await world()).toBe(before);
  });

  it('unknown ids are InvalidOpenMediaIDFault; after all of the above the service still serves, from OpenMediaID 1', async () => {
    for (const id of ['0', '-1', '2147483647']) {
      expect((await soap(endpoint(gw), 'GetOpenMediaRequestStatusByID', statusById(id))).fault?.detail, id).toBe('InvalidOpenMediaIDFault');
    }
    const ok = await soap(endpoint(gw), 'AddRequest', GOOD);
    expect(field(result(ok), 'OpenMediaID')).toBe('1');
  });
});

describe('the REST twin refuses bad input with a JSON 4xx and changes nothing', () => {
  it('malformed JSON, a JSON array, not JSON, wrong types, a body over the limit, unknown and missing ids', async () => {
    const before = await world();
    const cases: [string, string, string | undefined, number, string][] = [
      ['POST', '/requests/add', '{"ServiceGroupID":', 400, 'InvalidDataException'],
      ['POST', '/requests/add', '[1,2]', 400, 'InvalidDataException'],
      ['POST', '/requests/add', '{"ServiceGroupID":"ten"}', 400, 'InvalidDataException'],
      ['POST', '/requests/add', JSON.stringify({ ServiceGroupID: 10, PrivateData: 'x'.repeat(5_000_000) }), 413, 'InvalidDataException'],
      ['POST', '/requests/add', '{"__proto__":{"polluted":1},"ServiceGroupID":10}', 400, 'InvalidDataException'],
      ['PUT', '/options', '{"MaxNumberOfSessions":"x"}', 400, 'InvalidDataException'],
      ['PUT', '/options', '{"CloseTabOptions":9}', 400, 'InvalidDataException'],
      ['GET', '/requests?id=abc', undefined, 400, 'InvalidDataException'],
      ['GET', '/requests/history?ID=1&RetrieveLaterThan=soon', undefined, 400, 'InvalidDataException'],
      ['GET', '/requests?id=4242', undefined, 404, 'InvalidOpenMediaIDFault'],
      ['DELETE', '/requests/cancel', '{"OpenMediaID":4242}', 404, 'InvalidOpenMediaIDFault'],
      ['DELETE', '/requests/cancel', undefined, 404, 'InvalidOpenMediaIDFault'],
    ];
    for (const [method, path, body, status, error] of cases) {
      const r = await rest(method, path, body);
      expect(r, `${method} ${path} ${body?.slice(0, 40) ?? ''}`).toEqual({ status, json: { error, message: expect.any(String) } });
    }
    const text = await rest('POST', '/requests/add', 'hi', 'text/plain');
    expect(text.status).toBe(400);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(await world()).toBe(before);
  });
});
