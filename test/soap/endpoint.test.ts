/**
 * registerSoapEndpoint as the next interfaces will use it: fault hooks (an ICI-like SoapException answered with HTTP
 * 200, WCF-like named details), mustUnderstand declarations, body-only dispatch, content codings, and two
 * case-insensitive .asmx paths of the same shape on one server.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSoapEndpoint, SoapFault, type SoapFaultKind, type SoapRequestInfo } from '../../src/soap/index.js';
import { child, parseXml, textOf } from '../../src/xml/index.js';
import { nsOf, readFault } from './helpers.js';

const NS = 'urn:ccgate:test:ici';
const ICI_ERRORS = 'urn:IciEventInterface';
const SEC = 'urn:ccgate:test:sec';

class NoSuchCall extends Error {}

let app: FastifyInstance;
const seen: { kind: SoapFaultKind; reasonCode: string | undefined }[] = [];
const infos: SoapRequestInfo[] = [];
let calls = 0;

beforeAll(async () => {
  let n = 0;
  app = Fastify({ logger: false, genReqId: () => `req-${++n}` });
  // ICI-like: .asmx, SoapException detail with HTTP 200 (seed 002 §1.2), its own error table.
  registerSoapEndpoint(app, {
    path: '/Svc/One.asmx',
    interfaceName: 'one',
    wording: 'asmx',
    caseInsensitivePath: true,
    operations: [
      { name: 'MakeCall', elements: ['makeCall'], actions: ['urn:ici/makeCall'], ns: NS },
      { name: 'Crash', elements: ['crash'], ns: NS },
    ],
    understoodHeaders: ['language', `{${NS}}user`],
    handle: ({ operation, element }) => {
      calls += 1;
      if (operation === 'Crash') throw new TypeError("cannot read properties of undefined (reading 'secret')");
      if (textOf(element, 'number') === 'nope') throw new NoSuchCall('call 42 is gone');
      return '<ok/>';
    },
    onRequest: (info) => infos.push(info),
    faults: {
      mapError: (err) =>
        err instanceof NoSuchCall
          ? new SoapFault({
              code: 'Client',
              reason: 'com.sap.bcb.common.S SoapException',
              httpStatus: 200,
              namespaces: { ns1: ICI_ERRORS },
              detail: (d) => {
                const e = d.ele(ICI_ERRORS, 'ns1:IciErrorCodes');
                e.ele('areaCode').txt('5');
                e.ele('errorCode').txt('2');
                e.ele('errorText').txt(err.message);
              },
            })
          : undefined,
      fault: (fault) => {
        seen.push({ kind: fault.kind, reasonCode: fault.reasonCode });
        return fault.kind === 'request' ? fault.with({ reason: `Unreadable: ${fault.reason}` }) : fault;
      },
    },
  });
  // Cisco-QM-like: body-only dispatch, understands wsse:Security; a WCF-like named detail on every fault.
  registerSoapEndpoint(app, {
    path: '/Svc/Two.asmx',
    interfaceName: 'two',
    dispatchBy: 'body',
    caseInsensitivePath: true,
    operations: [{ name: 'Ping', elements: ['Ping'], actions: ['urn:two/Ping'] }],
    understoodHeaders: [`{${SEC}}Security`],
    handle: () => '<pong/>',
    faults: {
      fault: (fault) => fault.with({ namespaces: { t: 'urn:two' }, bodyEntries: (b) => void b.ele('urn:two', 't:Failed').txt('1'), detail: (d) => void d.ele('urn:two', 't:Why').txt(fault.kind) }),
    },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

const env = (version: '1.1' | '1.2', body: string, header = '') =>
  `<e:Envelope xmlns:e="${nsOf(version)}" xmlns:i="${NS}">${header === '' ? '' : `<e:Header>${header}</e:Header>`}<e:Body>${body}</e:Body></e:Envelope>`;
const type = (version: '1.1' | '1.2') => (version === '1.2' ? 'application/soap+xml' : 'text/xml');

function post(url: string, payload: string | Buffer, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'text/xml', ...headers } });
}

describe('fault hooks', () => {
  it("maps the interface's errors through its table: an ICI SoapException with HTTP 200 in 1.1, 400 in 1.2", async () => {
    const res = await post('/Svc/One.asmx', env('1.1', '<i:makeCall><i:number>nope</i:number></i:makeCall>'));
    expect(res.statusCode).toBe(200);
    expect(readFault(res.body)).toMatchObject({ code: 'soap:Client', reason: 'com.sap.bcb.common.S SoapException' });
    expect(res.body).toMatch(/<soap:Envelope xmlns:soap="[^"]+" xmlns:ns1="urn:IciEventInterface">/);
    expect(res.body).toContain('<detail><ns1:IciErrorCodes><areaCode>5</areaCode><errorCode>2</errorCode><errorText>call 42 is gone</errorText></ns1:IciErrorCodes></detail>');
    const res12 = await post('/Svc/One.asmx', env('1.2', '<i:makeCall><i:number>nope</i:number></i:makeCall>'), { 'content-type': type('1.2') });
    expect(res12.statusCode).toBe(400);
    expect(readFault(res12.body)).toMatchObject({ code: 'soap:Sender', reason: 'com.sap.bcb.common.S SoapException' });
  });

  it('turns anything unexpected into a Server fault with a correlation id, seen by the hook as internal', async () => {
    const res = await post('/Svc/One.asmx', env('1.1', '<i:crash/>'));
    expect(res.statusCode).toBe(500);
    expect(readFault(res.body)).toMatchObject({ code: 'soap:Server', reason: expect.stringMatching(/^Internal server error \(correlation id req-\d+\)$/) });
    expect(res.body).not.toContain('secret');
    expect(seen.at(-1)).toMatchObject({ kind: 'internal' });
    expect(infos.at(-1)).toMatchObject({ operation: 'Crash', outcome: 'fault', faultKind: 'internal' });
  });

  it('lets the interface word the requests it could not read, without re-parsing anything', async () => {
    const res = await post('/Svc/One.asmx', '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><a></e:Body></e:Envelope>');
    expect(res.statusCode).toBe(400);
    expect(readFault(res.body).reason).toMatch(/^Unreadable: Malformed XML/);
    expect(seen.at(-1)).toMatchObject({ kind: 'request', reasonCode: 'malformed' });
  });

  it('adds body entries, a named detail and their namespaces to every fault, the toolkit’s own included', async () => {
    const res = await post('/Svc/Two.asmx', env('1.1', '<Unknown/>'));
    expect(res.statusCode).toBe(500);
    const body = child(parseXml(res.body), 'Body');
    expect(body?.children.map((c) => c.name)).toEqual(['Failed', 'Fault']);
    expect(res.body).toMatch(/<soap:Envelope xmlns:soap="[^"]+" xmlns:t="urn:two">/);
    expect(res.body).toContain('<detail><t:Why>dispatch</t:Why></detail>');
    expect(readFault(res.body).reason).toBe('Unknown operation: Unknown');
  });
});

describe('mustUnderstand declarations', () => {
  it('accepts the blocks an endpoint declares (local names any namespace, or Clark names) and refuses others', async () => {
    const before = calls;
    const ok = await post('/Svc/One.asmx', env('1.1', '<i:makeCall/>', '<x:Language xmlns:x="urn:any" e:mustUnderstand="1">fi</x:Language><i:user e:mustUnderstand="1">u</i:user>'));
    expect(ok.statusCode).toBe(200);
    expect(calls).toBe(before + 1);
    const refused = await post('/Svc/One.asmx', env('1.1', '<i:makeCall/>', '<x:user xmlns:x="urn:other" e:mustUnderstand="1">u</x:user>'));
    expect(refused.statusCode).toBe(500);
    expect(readFault(refused.body)).toMatchObject({ code: 'soap:MustUnderstand', reason: 'SOAP header user was not understood.' });
    expect(calls).toBe(before + 1);
    const security = `<s:Security xmlns:s="${SEC}" e:mustUnderstand="1"/>`;
    expect((await post('/Svc/Two.asmx', env('1.2', '<Ping/>', security), { 'content-type': type('1.2') })).statusCode).toBe(200);
  });

  it('reads mustUnderstand and actor in the envelope namespace only: a foreign spelling neither hides nor stands for them', async () => {
    const before = calls;
    const hidden = '<x:Evil xmlns:x="urn:other" xmlns:f="urn:f" f:mustUnderstand="0" e:mustUnderstand="1"/>';
    const hiddenRes = await post('/Svc/One.asmx', env('1.1', '<i:makeCall/>', hidden));
    expect(readFault(hiddenRes.body)).toMatchObject({ code: 'soap:MustUnderstand' });
    const elsewhere = '<x:Evil xmlns:x="urn:other" xmlns:f="urn:f" f:actor="urn:someone-else" e:mustUnderstand="1"/>';
    expect(readFault((await post('/Svc/One.asmx', env('1.1', '<i:makeCall/>', elsewhere))).body)).toMatchObject({ code: 'soap:MustUnderstand' });
    expect(calls).toBe(before);
    // A value SOAP does not define is refused, not read as false.
    const yes = await post('/Svc/One.asmx', env('1.1', '<i:makeCall/>', '<x:Evil xmlns:x="urn:other" e:mustUnderstand="yes"/>'));
    expect(yes.statusCode).toBe(500);
    expect(readFault(yes.body)).toMatchObject({ code: 'soap:Client', reason: expect.stringMatching(/mustUnderstand on header Evil is "yes"/) });
    expect(calls).toBe(before);
    const foreignOnly = '<x:Note xmlns:x="urn:other" xmlns:f="urn:f" f:mustUnderstand="1"/>';
    expect((await post('/Svc/One.asmx', env('1.1', '<i:makeCall/>', foreignOnly))).statusCode).toBe(200);
    expect(calls).toBe(before + 1);
  });
});

describe('dispatch by body only', () => {
  it('ignores a SOAPAction header and an action= parameter that name nothing', async () => {
    expect((await post('/Svc/Two.asmx', env('1.1', '<Ping/>'), { soapaction: '"urn:garbage"' })).statusCode).toBe(200);
    expect((await post('/Svc/Two.asmx', env('1.2', '<Ping/>'), { 'content-type': 'application/soap+xml; action="urn:garbage"' })).statusCode).toBe(200);
  });
});

describe('content codings', () => {
  it('decodes gzip, and refuses other codings with 415 in both versions', async () => {
    expect((await post('/Svc/Two.asmx', gzipSync(env('1.1', '<Ping/>')), { 'content-encoding': 'gzip' })).statusCode).toBe(200);
    for (const version of ['1.1', '1.2'] as const) {
      const res = await post('/Svc/Two.asmx', env(version, '<Ping/>'), { 'content-encoding': 'compress', 'content-type': type(version) });
      expect(res.statusCode).toBe(415);
      expect(res.headers['accept-encoding']).toBe('gzip, deflate');
      expect(readFault(res.body).ns).toBe(nsOf(version));
    }
  });

  it('refuses corrupt gzip data as a request fault', async () => {
    const res = await post('/Svc/One.asmx', Buffer.from('definitely not gzip'), { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(500);
    expect(readFault(res.body).reason).toBe('Unreadable: Request body is not valid gzip data');
  });
});

describe('case-insensitive paths', () => {
  it('reaches two endpoints of the same shape on any spelling, and nothing else', async () => {
    for (const url of ['/svc/one.asmx', '/SVC/ONE.ASMX', '/Svc/One.asmx']) expect((await post(url, env('1.1', '<i:makeCall/>'))).statusCode, url).toBe(200);
    for (const url of ['/svc/two.asmx', '/Svc/Two.asmx']) expect((await post(url, env('1.1', '<Ping/>'))).statusCode, url).toBe(200);
    expect((await post('/svc/three.asmx', env('1.1', '<Ping/>'))).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/svc/one.asmx?wsdl' })).statusCode).toBe(404);
  });
});
