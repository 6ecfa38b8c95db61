/**
 * Open Media's transport as a WCF BasicHttpBinding service has it: metadata (`?wsdl`, `?xsd=xsdN`, `?disco`) pointing
 * at the address the client used, SOAP 1.1 only (415 for SOAP 1.2 unless `openmedia.acceptSoap12`), the
 * authentication headers understood, members read in any order or as WCF reads them (`openmedia.memberOrder: wcf`),
 * both ports reported by /health, and a port in use named at start-up.
 */
import { createServer } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import type { Gateway } from '../../src/gateway.js';
import { addRequestXml, endpoint, field, ivr, result, soap, startGateway, statusItems } from './helpers.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('metadata', () => {
  it('serves ?wsdl, every ?xsd=xsdN and ?disco with the address the client used, on both ports', async () => {
    gw = await startGateway();
    for (const base of [`${gw.baseUrl}/OpenMediaService`, endpoint(gw)]) {
      const wsdl = await (await fetch(`${base}?wsdl`)).text();
      expect(wsdl).toContain(`<soap:address location="${base}" />`);
      const locations = [...wsdl.matchAll(/schemaLocation="([^"]+)"/g)].map((m) => m[1]);
      expect(locations.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => `${base}?xsd=xsd${n}`));
      for (const url of locations) {
        const r = await fetch(url ?? '');
        expect(r.status).toBe(200);
        const text = await r.text();
        expect(text).toContain('<xs:schema');
        expect(text).not.toContain('localhost:12615');
      }
      const disco = await (await fetch(`${base}?disco`)).text();
      expect(disco).toContain(`ref="${base}?wsdl" docRef="${base}"`);
    }
    expect((await fetch(`${endpoint(gw)}?xsd=xsd9`)).status).toBe(404);
  });

  it('reports its own port in /health and refuses a port in use naming the setting', async () => {
    gw = await startGateway();
    const health = (await (await fetch(`${gw.baseUrl}/health`)).json()) as { listeners: Record<string, number> };
    expect(health.listeners['openMedia']).toBe(gw.ctx.ports.openMedia);
    expect(health.listeners['openMedia']).toBeGreaterThan(0);
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    const err = await startGateway({ openmedia: { port } }).then(
      (g) => g.close().then(() => undefined),
      (e: unknown) => e,
    );
    taken.close();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('openmedia.port');
  });
});

describe('its own port', () => {
  /** A debug-level logger whose lines land in `lines`. */
  const capture = (lines: Record<string, unknown>[]) =>
    pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });

  it('logs one line per request at debug, and refuses clients outside its allow-list', async () => {
    const lines: Record<string, unknown>[] = [];
    gw = await startGateway({}, undefined, undefined, undefined, capture(lines));
    const a = await soap(endpoint(gw), 'AddRequest', addRequestXml(`${ivr('Ticket', 'T')}<a:ServiceGroupID>10</a:ServiceGroupID>`));
    expect(a.status).toBe(200);
    // The line is written once the response is finished, after the client may have read it.
    await vi.waitFor(() => expect(lines.filter((l) => l['msg'] === 'request' && l['interface'] === 'openmedia')).toHaveLength(1));
    expect(lines.find((l) => l['msg'] === 'request' && l['interface'] === 'openmedia')).toMatchObject({ method: 'POST', path: '/OpenMediaService', status: 200 });
    await gw.close();
    gw = await startGateway({ allow: { openmedia: ['10.0.0.0/8'] } });
    const r = await fetch(endpoint(gw), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<x/>' });
    expect([r.status, await r.text()]).toEqual([403, 'Forbidden']);
    expect(gw.center.items.list()).toEqual([]);
  });
});

describe('SOAP versions', () => {
  const body = addRequestXml(`${ivr('Ticket', 'T')}<a:ServiceGroupID>10</a:ServiceGroupID>`);
  const soap12 = `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>${body}</e:Body></e:Envelope>`;

  it('answers SOAP 1.2 with HTTP 415 as BasicHttpBinding does, and a 1.2 envelope as text/xml with VersionMismatch', async () => {
    gw = await startGateway();
    const r = await fetch(endpoint(gw), { method: 'POST', headers: { 'content-type': 'application/soap+xml; charset=utf-8; action="http://tempuri.org/IOpenMediaService/AddRequest"' }, body: soap12 });
    expect(r.status).toBe(415);
    expect(r.statusText).toMatch(/^Cannot process the message because the content type 'application\/soap\+xml; charset=utf-8; action=.*' was not the expected type 'text\/xml; charset=utf-8'\.$/);
    const mismatch = await fetch(endpoint(gw), { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: 'http://tempuri.org/IOpenMediaService/AddRequest' }, body: soap12 });
    expect(mismatch.status).toBe(500);
    expect(await mismatch.text()).toContain('<faultcode>soap:VersionMismatch</faultcode>');
    expect((await fetch(`${gw.baseUrl}/api/v1/state`).then((x) => x.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('with openmedia.acceptSoap12 answers SOAP 1.2 in 1.2', async () => {
    gw = await startGateway({ openmedia: { acceptSoap12: true } });
    const r = await fetch(endpoint(gw), { method: 'POST', headers: { 'content-type': 'application/soap+xml; charset=utf-8; action="http://tempuri.org/IOpenMediaService/AddRequest"' }, body: soap12 });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<a:RequestStatus>Success</a:RequestStatus>');
  });
});

describe('member order', () => {
  // Members out of alphabetical order: ServiceGroupID before IVRInfo, PrivateData after ServiceGroupID.
  const shuffled = addRequestXml(`<a:ServiceGroupID>10</a:ServiceGroupID>${ivr('Ticket', 'T-9')}<a:TypeOfSession>2</a:TypeOfSession><a:PrivateData>late</a:PrivateData>`);

  it('reads members in any order by default (tolerant reader)', async () => {
    gw = await startGateway();
    const a = await soap(endpoint(gw), 'AddRequest', shuffled);
    expect(field(result(a), 'RequestStatus')).toBe('Success');
    const items = (await fetch(`${gw.baseUrl}/api/v1/state`).then((x) => x.json())) as { items: { itemId: string }[] };
    const item = gw.center.items.get(items.items[0]?.itemId ?? '');
    expect([item.data, item.attached, item.routing.type]).toEqual([{ Ticket: 'T-9' }, { PrivateData: 'late' }, 2]);
  });

  it("with openmedia.memberOrder 'wcf' silently ignores members that arrive out of order, as WCF does", async () => {
    gw = await startGateway({ openmedia: { memberOrder: 'wcf' } });
    // IVRInfo and PrivateData come after a later member: ignored, so the request has no IVR data (InvalidData).
    const a = await soap(endpoint(gw), 'AddRequest', shuffled);
    expect(a.fault?.detail).toBe('InvalidDataException');
    // In order, the same members are all read; a member after TypeOfSession that sorts before it is dropped.
    const ordered = addRequestXml(`${ivr('Ticket', 'T-9')}<a:ServiceGroupID>10</a:ServiceGroupID><a:TypeOfSession>2</a:TypeOfSession><a:PrivateData>late</a:PrivateData>`);
    expect(field(result(await soap(endpoint(gw), 'AddRequest', ordered)), 'RequestStatus')).toBe('Success');
    const [item] = gw.center.items.list({ channel: 'openmedia' });
    expect([item?.data, item?.attached, item?.routing.type]).toEqual([{ Ticket: 'T-9' }, {}, 2]);
    // The bare parameters too: retrieveLaterThan before openMediaID leaves openMediaID unread (0: not a request).
    const h = await soap(endpoint(gw), 'GetOpenMediaRequestHistoryByID', '<GetOpenMediaRequestHistoryByID xmlns="http://tempuri.org/"><retrieveLaterThan>2000-01-01T00:00:00</retrieveLaterThan><openMediaID>1</openMediaID></GetOpenMediaRequestHistoryByID>');
    expect(h.fault?.detail).toBe('InvalidOpenMediaIDFault');
  });
});

describe('authentication headers', () => {
  it('understands LogonID and Password marked mustUnderstand, and refuses other such headers as WCF does', async () => {
    gw = await startGateway({ openmedia: { authentication: true, administrators: [{ logonId: 'admin', password: 'pw' }] } });
    const headers = '<LogonID xmlns="OpenMediaService" s:mustUnderstand="1">admin</LogonID><Password xmlns="OpenMediaService" s:mustUnderstand="1">pw</Password>';
    const ok = await soap(endpoint(gw), 'GetAllOpenMediaRequestStatus', '<GetAllOpenMediaRequestStatus xmlns="http://tempuri.org/"/>', { header: headers });
    expect(ok.status).toBe(200);
    expect(statusItems(ok)).toEqual([]);
    const other = await soap(endpoint(gw), 'GetAllOpenMediaRequestStatus', '<GetAllOpenMediaRequestStatus xmlns="http://tempuri.org/"/>', { header: `${headers}<X xmlns="urn:x" s:mustUnderstand="1"/>` });
    expect(other.fault?.code).toBe('soap:MustUnderstand');
    expect(other.fault?.reason).toContain("The header 'X' from the namespace 'urn:x' was not understood");
  });
});
