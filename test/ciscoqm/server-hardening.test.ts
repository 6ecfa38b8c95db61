/**
 * The QM Server API refuses what a real one refuses (issue 11 review): SOAP 1.1, a request element outside the API
 * namespace or repeated, impossible dates, oversized and malformed bodies; fault reasons quote client values clipped
 * and never the XML parser's internals or a doubled prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { QM_NS, QmServerClient, securityHeader, type Ccr } from './client.js';
import { startQm } from './gateway.js';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

let gw: Gateway;
let admin: QmServerClient;

beforeAll(async () => {
  gw = await startQm();
  admin = new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin');
});
afterAll(async () => {
  await gw?.close();
});

/** Posts an envelope as written (`soapNs` its version) with the admin's token. */
async function raw(body: string, opts: { soapNs?: string; contentType?: string } = {}): Promise<{ status: number; text: string; statusText: string }> {
  const ns = opts.soapNs ?? SOAP12;
  const envelope = `<soap:Envelope xmlns:soap="${ns}"><soap:Header>${securityHeader({ kind: 'text' }, 'qmadmin', 'qmadmin')}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
  const res = await fetch(`${gw.baseUrl}/serverapi/api`, { method: 'POST', headers: { 'content-type': opts.contentType ?? 'application/soap+xml; charset=utf-8' }, body: envelope });
  return { status: res.status, statusText: res.statusText, text: await res.text() };
}

describe('what a client without credentials can change', () => {
  it('adds no metrics series of its own: an unknown request element is counted as operation "-"', async () => {
    for (const name of ['xRandomOne', 'xRandomTwo']) {
      const res = await fetch(`${gw.baseUrl}/serverapi/api`, {
        method: 'POST',
        headers: { 'content-type': 'application/soap+xml' },
        body: `<soap:Envelope xmlns:soap="${SOAP12}"><soap:Body><${name} xmlns="${QM_NS}"/></soap:Body></soap:Envelope>`,
      });
      expect(res.status).toBe(400);
    }
    const metrics = await (await fetch(`${gw.baseUrl}/metrics`)).text();
    expect(metrics).not.toContain('xRandom');
    expect(metrics).toMatch(/ccgate_requests_total\{interface="ciscoqm",operation="-",outcome="fault"\} \d+/);
  });

  it('cannot hide a mustUnderstand block in a second Header, or put the Header after the Body', async () => {
    const archive = gw.center.recordings.archive;
    const rec = archive.create({ source: 'api', callId: 'two-headers', ani: '+358401234567', startTime: Date.UTC(2026, 0, 2) });
    archive.stop(rec.id, rec.startTime + 1000);
    const token = securityHeader({ kind: 'text' }, 'qmadmin', 'qmadmin');
    const del = `<deleteRecording xmlns="${QM_NS}"><ccrId>${rec.id}</ccrId></deleteRecording>`;
    for (const envelope of [
      `<soap:Envelope xmlns:soap="${SOAP12}"><soap:Header>${token}</soap:Header><soap:Header><x:Foo xmlns:x="urn:x" soap:mustUnderstand="true"/></soap:Header><soap:Body>${del}</soap:Body></soap:Envelope>`,
      `<soap:Envelope xmlns:soap="${SOAP12}"><soap:Body>${del}</soap:Body><soap:Header>${token}</soap:Header></soap:Envelope>`,
    ]) {
      const res = await fetch(`${gw.baseUrl}/serverapi/api`, { method: 'POST', headers: { 'content-type': 'application/soap+xml' }, body: envelope });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/more than one Header|Header must be the first child/);
    }
    expect(archive.get(rec.id)?.retention).toBe('retained');
  });

  it('cannot authenticate with a Security header addressed to another SOAP role', async () => {
    const archive = gw.center.recordings.archive;
    const rec = archive.create({ source: 'api', callId: 'other-role', ani: '+358401234567', startTime: Date.UTC(2026, 0, 3) });
    archive.stop(rec.id, rec.startTime + 1000);
    const token = securityHeader({ kind: 'text' }, 'qmadmin', 'qmadmin', 'false').replace('<wsse:Security ', '<wsse:Security soap:role="http://proxy.example.com/audit" ');
    expect(token).toContain('soap:role=');
    const res = await fetch(`${gw.baseUrl}/serverapi/api`, {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml' },
      body: `<soap:Envelope xmlns:soap="${SOAP12}"><soap:Header>${token}</soap:Header><soap:Body><deleteRecording xmlns="${QM_NS}"><ccrId>${rec.id}</ccrId></deleteRecording></soap:Body></soap:Envelope>`,
    });
    expect(res.status).toBe(400);
    // The other role's block is not this node's: no credentials at all here.
    expect(await res.text()).toMatch(/wsse:InvalidSecurity<.*no UsernameToken/s);
    expect(archive.get(rec.id)?.retention).toBe('retained');
  });
});

describe('SOAP 1.2 only', () => {
  it('answers a SOAP 1.1 request (text/xml) with HTTP 415, and a 1.1 Envelope as soap+xml with VersionMismatch and Upgrade', async () => {
    const a = await admin.call(`<search xmlns="${QM_NS}"/>`, { version: '1.1' });
    expect(a.status).toBe(415);
    expect(a.text).toBe('');
    const b = await raw(`<search xmlns="${QM_NS}"/>`, { soapNs: SOAP11 });
    expect(b.status).toBe(500);
    expect(b.text).toContain('VersionMismatch');
    expect(b.text).toMatch(/<soap:Upgrade><soap:SupportedEnvelope qname="up:Envelope" xmlns:up="http:\/\/www.w3.org\/2003\/05\/soap-envelope"\/><\/soap:Upgrade>/);
  });
});

describe('the operation is the one request element in the API namespace', () => {
  it('refuses <search> in another namespace or in none, and a Body with two <search> elements, with a Sender fault', async () => {
    for (const body of ['<search xmlns="urn:other"/>', '<search/>', `<search xmlns="${QM_NS}"/><search xmlns="${QM_NS}"/>`]) {
      const a = await admin.call(body);
      expect(a.status, body).toBe(400);
      expect(a.fault?.code, body).toMatch(/Sender$/);
    }
    expect((await admin.call(`<search xmlns="${QM_NS}"/>`)).status).toBe(200);
  });
});

describe('dates', () => {
  it('refuses an impossible date in search (2026-02-30) with a Sender fault instead of rolling it over', async () => {
    // Year 0000 is no xs:dateTime year (XML Schema 1.0 §3.2.7).
    for (const d of ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:00+15:00', '0000-01-01T00:00:00Z']) {
      const a = await admin.call(`<search xmlns="${QM_NS}"><after>${d}</after></search>`);
      expect(a.status, d).toBe(400);
      expect(a.fault?.reason, d).toMatch(/after is not an xs:dateTime/);
    }
    expect((await admin.call(`<search xmlns="${QM_NS}"><after>2024-02-29T23:59:59+14:00</after></search>`)).status).toBe(200);
  });

  it('takes a date before 1970: after it is every contact, before it none', async () => {
    const archive = gw.center.recordings.archive;
    const rec = archive.create({ source: 'api', callId: 'before-1970', ani: '+358409991970', startTime: Date.UTC(2026, 0, 4) });
    archive.stop(rec.id, rec.startTime + 1000);
    const found = await admin.search('<ANI>+358409991970</ANI><after>1969-12-31T23:59:59Z</after>');
    expect(found.ccrs.map((c) => c.id)).toEqual([String(rec.id)]);
    expect((await admin.search('<ANI>+358409991970</ANI><before>0001-01-01T00:00:00Z</before>')).ccrs).toEqual([]);
  });
});

describe('fault reasons', () => {
  it('says "A parameter is missing or invalid" once for more than 20 metadata criteria', async () => {
    const items = Array.from({ length: 21 }, (_, i) => `<metadata><key>customer</key><data>c${i}</data></metadata>`).join('');
    const a = await admin.call(`<search xmlns="${QM_NS}">${items}</search>`);
    expect(a.status).toBe(400);
    expect(a.fault?.reason).toBe('A parameter is missing or invalid: metadata lists at most 20 criteria');
  });

  it('names unclosed elements without the parser\'s internals (the shared XML reader\'s message)', async () => {
    const res = await fetch(`${gw.baseUrl}/serverapi/api`, {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml' },
      body: `<soap:Envelope xmlns:soap="${SOAP12}"><soap:Body><search xmlns="${QM_NS}">`,
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).toContain('Malformed XML: unclosed elements soap:Envelope, soap:Body, search.');
    expect(text).not.toContain('[');
  });

  it('answers an unreadable request in SOAP 1.2 whatever its media type said, or without one', async () => {
    for (const headers of [{ 'content-type': 'application/xml' }, {}] as Record<string, string>[]) {
      const res = await fetch(`${gw.baseUrl}/serverapi/api`, { method: 'POST', headers, body: '<a><b></a>' });
      const text = await res.text();
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.headers.get('content-type'), JSON.stringify(headers)).toMatch(/^application\/soap\+xml/);
      expect(text).toContain(`xmlns:soap="${SOAP12}"`);
      expect(text).toContain('Sender');
    }
  });

  it('refuses a body over the limit with HTTP 413 and a Sender fault', async () => {
    const big = `<search xmlns="${QM_NS}"><ANI>${'1'.repeat(300 * 1024)}</ANI></search>`;
    const a = await raw(big);
    expect(a.status).toBe(413);
    expect(a.text).toMatch(/Sender/);
  });

  it('clips long client values: a 5,000-character metadata key, a 100 KB export id', async () => {
    const key = 'k'.repeat(5000);
    const search = await admin.call(`<search xmlns="${QM_NS}"><metadata><key>${key}</key><data>x</data></metadata></search>`);
    expect(search.status).toBe(400);
    expect(search.text.length).toBeLessThan(2000);
    const id = '9'.repeat(100 * 1024);
    const progress = await admin.call(`<exportProgressRequest xmlns="${QM_NS}"><id>${id}</id></exportProgressRequest>`);
    expect(progress.status).toBe(400);
    expect(progress.fault?.reason).toMatch(/^id 9{64}… is not an export id$/);
    const edit = await admin.call(`<editMetadata xmlns="${QM_NS}"><ccrId>1</ccrId><metadata><key>${key}</key><data>x</data></metadata></editMetadata>`);
    expect(edit.status).toBe(400);
    expect(edit.text.length).toBeLessThan(2000);
  });
});

describe('stored values in answers', () => {
  it('writes markup characters escaped, and a character XML cannot carry as U+FFFD instead of failing the page', async () => {
    const archive = gw.center.recordings.archive;
    const odd = 'R&D <x> "q" ]]> &amp;';
    const rec = archive.create({ source: 'api', callId: 'odd-values', ani: odd, acdCallId: 'a\u0001b\u001Fc', startTime: Date.UTC(2026, 0, 1) });
    archive.stop(rec.id, rec.startTime + 1000);
    const a = await admin.call(`<search xmlns="${QM_NS}"><ANI>${odd.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</ANI></search>`);
    expect(a.status).toBe(200);
    expect(a.text).toContain('<ANI>R&amp;D &lt;x&gt; "q" ]]&gt; &amp;amp;</ANI><acdCallId>a\uFFFDb\uFFFDc</acdCallId>');
    const ccrs = (a.body?.['ccr'] ?? []) as Ccr[];
    expect(ccrs.map((c) => [String(c.id), c.ANI])).toEqual([[String(rec.id), odd]]);
  });
});
