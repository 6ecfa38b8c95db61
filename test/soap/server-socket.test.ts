import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSoap, type SoapVersion } from '../../src/soap/index.js';
import { textOf } from '../../src/xml/index.js';
import {
  buildTestApp,
  contentTypeOf,
  expectedClientCode,
  goodRequest,
  HOSTILE,
  nsOf,
  PATH,
  readFault,
  type TestApp,
} from './helpers.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await buildTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.app.close();
});

async function send(body: Buffer | string, version: SoapVersion): Promise<{ status: number; body: string }> {
  const res = await request(`${base}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': contentTypeOf(version) },
    body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text };
}

describe.each<SoapVersion>(['1.1', '1.2'])('SOAP %s over a real socket', (version) => {
  it('answers a good request with 200', async () => {
    const res = await send(goodRequest(version, 'over the wire'), version);
    expect(res.status).toBe(200);
    const soap = parseSoap(res.body);
    expect(soap.version).toBe(version);
    expect(textOf(soap.operation, 'Text')).toBe('over the wire');
  });

  it.each(HOSTILE.map((c) => [c.name, c] as const))(
    'refuses %s without reaching the handler while a concurrent good request succeeds',
    async (_n, hostile) => {
      const before = t.calls.count;
      const [bad, good] = await Promise.all([
        send(hostile.body(version), version),
        send(goodRequest(version, 'slow'), version),
      ]);
      // SOAP 1.1 §6.2: faults are 500; SOAP 1.2 Part 2 §7.5.2.2: a Sender fault is 400.
      expect(bad.status).toBe(version === '1.2' ? 400 : 500);
      const fault = readFault(bad.body);
      expect(fault.ns).toBe(nsOf(version));
      expect(fault.code).toBe(expectedClientCode(version));
      expect(fault.reason).toContain(hostile.reason);
      expect(good.status).toBe(200);
      expect(textOf(parseSoap(good.body).operation, 'Text')).toBe('slow');
      // Only the good request reached the handler.
      expect(t.calls.count).toBe(before + 1);
    },
  );

  it('hides a handler error behind a correlation id', async () => {
    const res = await send(goodRequest(version, 'boom'), version);
    expect(res.status).toBe(500);
    const fault = readFault(res.body);
    expect(fault.code).toBe(version === '1.2' ? 'soap:Receiver' : 'soap:Server');
    expect(fault.reason).toBe(`Internal server error (correlation id ${t.requestIds.at(-1)})`);
    expect(res.body).not.toContain('hunter2');
  });
});

describe('byte cap over a real socket', () => {
  it('stops reading a chunked body (no Content-Length) once it passes the cap', async () => {
    const before = t.calls.count;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from(`<soap:Envelope xmlns:soap="${nsOf('1.2')}"><soap:Body>`);
      for (let i = 0; i < 20; i++) yield chunk;
      yield Buffer.from('</soap:Body></soap:Envelope>');
    }
    const res = await request(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': contentTypeOf('1.2') },
      body: Readable.from(body()),
    });
    const fault = readFault(await res.body.text());
    expect(res.statusCode).toBe(400);
    expect(fault).toMatchObject({ code: 'soap:Sender', reason: `Request exceeds ${256 * 1024} bytes` });
    expect(t.calls.count).toBe(before);
  });
});

describe('WSDL over a real socket', () => {
  it('rewrites the addresses to the Host the client used', async () => {
    const port = new URL(base).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const res = await request(`http://${host}${PATH}?WSDL`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      const text = await res.body.text();
      expect(text).toContain(`<soap:address location="http://${host}${PATH}"/>`);
    }
  });
});
