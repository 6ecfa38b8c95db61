import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSoap, type SoapVersion } from '../../src/soap/index.js';
import { textOf } from '../../src/xml/index.js';
import {
  buildTestApp,
  contentTypeOf,
  expectedClientCode,
  goodRequest,
  HOSTILE,
  MAX_BYTES,
  nsOf,
  PATH,
  readFault,
  type TestApp,
} from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.app.close();
});

function post(body: Buffer | string, headers: Record<string, string>) {
  return t.app.inject({ method: 'POST', url: PATH, headers, payload: body });
}

describe.each<SoapVersion>(['1.1', '1.2'])('SOAP %s endpoint in-process', (version) => {
  it('answers a good request with 200 in the request version', async () => {
    const before = t.calls.count;
    const headers: Record<string, string> =
      version === '1.1'
        ? { 'content-type': contentTypeOf(version), soapaction: '"urn:ccgate:test:echo/Echo"' }
        : { 'content-type': `${contentTypeOf(version)}; action="urn:ccgate:test:echo/Echo"` };
    const res = await post(goodRequest(version, 'hi'), headers);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(contentTypeOf(version));
    const soap = parseSoap(res.body);
    expect(soap.version).toBe(version);
    expect(soap.operation?.name).toBe('EchoResponse');
    expect(textOf(soap.operation, 'Text')).toBe('hi');
    expect(t.calls.count).toBe(before + 1);
    expect(t.calls.actions.at(-1)).toBe('urn:ccgate:test:echo/Echo');
    expect(t.metrics.at(-1)).toMatchObject({ interfaceName: 'echo', operation: 'Echo', outcome: 'ok' });
  });

  it.each(HOSTILE.map((c) => [c.name, c] as const))('refuses %s without calling the handler', async (_n, hostile) => {
    const before = t.calls.count;
    const res = await post(hostile.body(version), { 'content-type': contentTypeOf(version) });
    expect(res.statusCode).toBe(version === '1.2' ? 400 : 500);
    expect(res.headers['content-type']).toBe(contentTypeOf(version));
    const fault = readFault(res.body);
    expect(fault.ns).toBe(nsOf(version));
    expect(fault.code).toBe(expectedClientCode(version));
    expect(fault.reason).toContain(hostile.reason);
    expect(t.calls.count).toBe(before);
    expect(t.metrics.at(-1)?.outcome).toBe('fault');
  });

  it('turns a plain Error into a generic Server fault carrying the request id, not the message', async () => {
    const res = await post(goodRequest(version, 'boom'), { 'content-type': contentTypeOf(version) });
    expect(res.statusCode).toBe(500);
    const fault = readFault(res.body);
    expect(fault.code).toBe(version === '1.2' ? 'soap:Receiver' : 'soap:Server');
    expect(fault.reason).toBe(`Internal server error (correlation id ${t.requestIds.at(-1)})`);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('SOAP endpoint details', () => {
  it('renders a thrown SoapFault in the request version with its status and detail', async () => {
    const res11 = await post(goodRequest('1.1', 'reject'), { 'content-type': 'text/xml' });
    expect(res11.statusCode).toBe(400);
    expect(readFault(res11.body)).toMatchObject({ code: 'soap:Client', reason: 'Rejected <by> policy' });
    expect(res11.body).toContain('<detail><Why xmlns="urn:ccgate:test:echo">policy</Why></detail>');
    const res12 = await post(goodRequest('1.2', 'reject'), { 'content-type': 'application/soap+xml' });
    expect(readFault(res12.body)).toMatchObject({ code: 'soap:Sender', lang: 'en' });
  });

  it('passes a SoapReply status and body through', async () => {
    const res = await post(goodRequest('1.1', 'accepted'), { 'content-type': 'text/xml' });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
  });

  it('refuses a body over the cap from the Content-Length alone, as a fault', async () => {
    const before = t.calls.count;
    const res = await post(Buffer.alloc(MAX_BYTES + 1, 0x20), { 'content-type': 'application/soap+xml' });
    expect(res.statusCode).toBe(400);
    expect(readFault(res.body)).toMatchObject({ code: 'soap:Sender', reason: `Request exceeds ${MAX_BYTES} bytes` });
    expect(t.calls.count).toBe(before);
  });

  it('reads bodies of any content type as raw XML, never as JSON', async () => {
    for (const type of ['application/json', 'application/xml', 'text/plain']) {
      const res = await post(goodRequest('1.1', 'x'), { 'content-type': type });
      expect(res.statusCode).toBe(200);
    }
    const res = await post('{"a":1}', { 'content-type': 'application/json' });
    expect(readFault(res.body).code).toBe('soap:Client');
  });

  it('answers a POST without a body with a fault', async () => {
    const res = await t.app.inject({ method: 'POST', url: PATH });
    expect(res.statusCode).toBe(500);
    expect(readFault(res.body).reason).toBe('Request body is empty');
  });

  it('keeps its parsers out of the rest of the app', async () => {
    const json = await t.app.inject({ method: 'POST', url: '/api/json', payload: { a: 1 } });
    expect(json.json()).toEqual({ got: { a: 1 } });
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/json',
      headers: { 'content-type': 'text/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
  });
});

describe('WSDL', () => {
  it.each(['wsdl', 'WSDL', 'singlewsdl'])('is served for ?%s with every address pointing at the Host used', async (q) => {
    const res = await t.app.inject({ method: 'GET', url: `${PATH}?${q}`, headers: { host: 'pbx.example.test:8443' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const want = `http://pbx.example.test:8443${PATH}`;
    expect(res.body).toContain(`<soap:address location="${want}"/>`);
    expect(res.body).toContain(`<soap12:address location='${want}' />`);
    expect(res.body).toMatch(new RegExp(`<wsdlsoap:address\\s+location="${want.replace(/[.]/g, '\\.')}"/>`));
    expect(res.body).not.toContain('localhost:9999');
    expect(res.body).toContain('schemaLocation="Echo.asmx?xsd=echo.xsd"');
  });

  it('serves extra documents as they are', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${PATH}?xsd=echo.xsd` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<xsd:element name="Echo"');
  });

  it('refuses a Host header that could inject markup', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${PATH}?wsdl`, headers: { host: 'evil"/><x a="' } });
    expect(res.statusCode).toBe(400);
  });

  it('answers 404 for a GET that asks for no document', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${PATH}?xsd=other.xsd` });
    expect(res.statusCode).toBe(404);
  });
});

describe('logging', () => {
  it('writes one debug line per request with operation, ms and outcome, and no body', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (msg: string) => void lines.push(JSON.parse(msg) as Record<string, unknown>) };
    const logged = await buildTestApp({ level: 'debug', stream });
    try {
      await logged.app.inject({ method: 'POST', url: PATH, headers: { 'content-type': 'text/xml' }, payload: goodRequest('1.1', 'secret-payload') });
      await logged.app.inject({ method: 'POST', url: PATH, headers: { 'content-type': 'text/xml' }, payload: '<r><a></r>' });
    } finally {
      await logged.app.close();
    }
    const soapLines = lines.filter((l) => l['msg'] === 'soap request');
    expect(soapLines).toHaveLength(2);
    expect(soapLines[0]).toMatchObject({ level: 20, interface: 'echo', operation: 'Echo', outcome: 'ok' });
    expect(typeof soapLines[0]?.['ms']).toBe('number');
    expect(soapLines[1]).toMatchObject({ operation: '-', outcome: 'fault' });
    expect(JSON.stringify(lines)).not.toContain('secret-payload');
  });
});
