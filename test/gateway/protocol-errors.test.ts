/**
 * Requests Node or Fastify refuse before any route runs (too slow, headers too large, malformed, a path parameter
 * too long, a path that is not valid percent-encoding) are answered in the protocol of their path, over a real socket:
 * a SOAP fault on SOAP paths, a TelServices `reject` on its paths, the control API's `{ error, message }` elsewhere.
 */
import { connect } from 'node:net';
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

async function start(http: Record<string, number> = {}): Promise<number> {
  gw = await buildGateway({ env: {}, config: { logLevel: 'silent', host: '127.0.0.1', dataDir: privateDataDir(), http: { port: 0, ...http }, telservices: { port: 0 }, ciscoqm: { desktopPort: 0, networkPort: 0 }, openmedia: { port: 0 } } });
  return (await gw.listen()).http;
}

/** Writes `parts` (each after the previous is sent) and resolves with everything the server sent until it closed. */
function raw(port: number, ...parts: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('utf8')));
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.on('connect', () => {
      for (const p of parts) s.write(p);
    });
  });
}

const status = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const body = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);

describe('errors raised before any route, in the protocol of the path', () => {
  it('http.headersTimeoutMs closes a client whose headers never end, long before http.requestTimeoutMs', async () => {
    // requestTimeoutMs is far beyond the test's own timeout: only the headers deadline can end this request.
    const port = await start({ headersTimeoutMs: 200, requestTimeoutMs: 600_000 });
    const qmi = await raw(port, 'POST /BCM/QMIInterface.asmx HTTP/1.1\r\nHost: x\r\n', 'Content-Type: text/xml\r\n');
    expect(status(qmi)).toBe(408);
    expect(qmi).toMatch(/Content-Type: text\/xml/);
    // Shaped by QMI's fault hook, as every QMI fault is: Response/Success 0 beside the fault, its wording and detail.
    expect(body(qmi)).toMatch(/<qmi:Response><qmi:Success>0<\/qmi:Success><\/qmi:Response><soap:Fault><faultcode>soap:Client<\/faultcode><faultstring>Parsing error<\/faultstring><detail><qmi:ErrorPhrase>Request Timeout<\/qmi:ErrorPhrase>/);

    const ts = await raw(port, 'POST /telservices HTTP/1.1\r\nHost: x\r\n');
    expect(status(ts)).toBe(408);
    expect(body(ts)).toMatch(/<TelServiceReturn[^>]*>.*<reject\s*\/>/s);

    const api = await raw(port, 'GET /api/v1/state HTTP/1.1\r\nHost: x\r\n');
    expect(status(api)).toBe(408);
    expect(JSON.parse(body(api))).toEqual({ error: 'requestTimeout', message: 'Request Timeout' });
  });

  it('answers a body that never ends 408 in the protocol of its path, on every HTTP port (om-findings 2)', async () => {
    // The whole request (headers and body) must arrive within requestTimeoutMs; the headers did, the body stalls.
    const port = await start({ headersTimeoutMs: 100, requestTimeoutMs: 300 });
    const omPort = gw?.ctx.ports.openMedia ?? 0;
    const stalled = (path: string, type = 'text/xml; charset=utf-8') => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: 1000\r\n\r\n<s:Env`;
    for (const p of [port, omPort]) {
      const om = await raw(p, stalled('/OpenMediaService'));
      expect(status(om)).toBe(408);
      expect(body(om)).toMatch(/<faultcode>soap:Client<\/faultcode><faultstring>Request Timeout<\/faultstring>/);
      const twin = await raw(p, stalled('/OpenMediaServiceRest/requests/add', 'application/json'));
      expect(status(twin)).toBe(408);
      expect(JSON.parse(body(twin))).toEqual({ error: 'requestTimeout', message: 'Request Timeout' });
    }
    const soap12 = await raw(port, stalled('/BCM/QMIInterface.asmx', 'application/soap+xml; charset=utf-8'));
    expect(status(soap12)).toBe(408);
    expect(body(soap12)).toMatch(/<soap:Value>soap:Sender<\/soap:Value>/);
    const api = await raw(port, stalled('/api/v1/openmedia/restart', 'application/json'));
    expect(status(api)).toBe(408);
    expect(JSON.parse(body(api))).toEqual({ error: 'requestTimeout', message: 'Request Timeout' });
  });

  it('answers headers too large (431) and a malformed request (400) by path', async () => {
    const port = await start();
    const big = `X-Big: ${'a'.repeat(20_000)}\r\n`;
    const soap12 = await raw(port, `POST /serverapi/api HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\n${big}\r\n`);
    expect(status(soap12)).toBe(431);
    expect(body(soap12)).toMatch(/<soap:Code><soap:Value>soap:Sender<\/soap:Value>/);
    // Open Media speaks SOAP 1.1 only (by default): its early faults too, whatever the request said.
    const om = await raw(port, `POST /OpenMediaService HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\n${big}\r\n`);
    expect(status(om)).toBe(431);
    expect(body(om)).toMatch(/<faultcode>soap:Client<\/faultcode><faultstring>Request Header Fields Too Large<\/faultstring>/);
    const ts = await raw(port, `GET /makeCall?callingDevice=1 HTTP/1.1\r\nHost: x\r\n${big}\r\n`);
    expect(status(ts)).toBe(431);
    expect(body(ts)).toMatch(/<reject\s*\/>/);
    const api = await raw(port, `GET /api/v1/state HTTP/1.1\r\nHost: x\r\n${big}\r\n`);
    expect(status(api)).toBe(431);
    expect(JSON.parse(body(api))).toMatchObject({ error: 'headersTooLarge' });
    const bad = await raw(port, 'POST /oii/ICI HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
    expect(status(bad)).toBe(400);
    // ICI's one fault format, as every ICI fault: the SoapException with its error codes.
    expect(body(bad)).toMatch(/<faultcode>soap:Client<\/faultcode><faultstring>com\.sap\.bcb\.common\.SoapException<\/faultstring><detail>.*Bad Request/s);
    // The Cisco QM Server API speaks SOAP 1.2 only: its early faults are 1.2 whatever the request claimed.
    const qm = await raw(port, 'POST /serverapi/api HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: nope\r\n\r\n');
    expect(status(qm)).toBe(400);
    expect(body(qm)).toMatch(/<soap:Code><soap:Value>soap:Sender<\/soap:Value><\/soap:Code><soap:Reason><soap:Text xml:lang="en">Bad Request</);
  });

  it('answers an Expect other than 100-continue 417 in the protocol of the path, on every HTTP port', async () => {
    const port = await start();
    const expecting = (path: string, type = 'text/xml; charset=utf-8') => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nExpect: foo\r\nContent-Length: 2\r\n\r\n{}`;
    const qmi = await raw(port, expecting('/bcm/QMIInterface.asmx'));
    expect(status(qmi)).toBe(417);
    expect(body(qmi)).toMatch(/<qmi:Success>0<\/qmi:Success>.*<faultcode>soap:Client<\/faultcode>/s);
    const api = await raw(port, expecting('/api/v1/calls', 'application/json'));
    expect(status(api)).toBe(417);
    expect(JSON.parse(body(api))).toMatchObject({ error: 'expectationFailed' });
    for (const p of [port, gw?.ctx.ports.telservices ?? 0]) {
      const ts = await raw(p, expecting('/telservices'));
      expect(status(ts)).toBe(417);
      expect(body(ts)).toMatch(/<reject\s*\/>/);
    }
    const om = await raw(gw?.ctx.ports.openMedia ?? 0, expecting('/OpenMediaService'));
    expect(status(om)).toBe(417);
    expect(body(om)).toMatch(/<faultcode>soap:Client<\/faultcode>/);
    expect(gw?.center.activeCalls()).toHaveLength(0);
  });

  it('answers a path parameter over maxParamLength (414) and a bad percent-escape (400) by path', async () => {
    const port = await start();
    const long = await raw(port, `GET /api/v1/calls/${'x'.repeat(300)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(status(long)).toBe(414);
    expect(JSON.parse(body(long))).toEqual({ error: 'uriTooLong', message: 'a path parameter is too long' });
    const api = await raw(port, 'GET /api/v1/st%zzate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(status(api)).toBe(400);
    expect(JSON.parse(body(api))).toMatchObject({ error: 'badRequest' });
    const soap = await raw(port, 'POST /bcm/qmi%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(status(soap)).toBe(400);
    expect(body(soap)).toMatch(/<faultcode>soap:Client<\/faultcode>/);
    // Cisco QM's Finesse path answers JSON, as its own refusals do, not the Server API's SOAP faults.
    const finesse = await raw(port, 'POST /serverapi/finesse/metadata%ZZ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(status(finesse)).toBe(400);
    expect(JSON.parse(body(finesse))).toMatchObject({ error: 'badRequest' });
    const ts = await raw(port, 'GET /makeCall%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(status(ts)).toBe(400);
    expect(body(ts)).toMatch(/<reject\s*\/>/);
  });
});
