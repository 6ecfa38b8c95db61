/**
 * QMI over a real socket on the SOAP toolkit's edges (issue 7 point 4, issue 8 points 3 and 5): mustUnderstand,
 * UTF-16 and content codings, SOAP 1.2 status codes, quoting of the action, the element cap, the path's case and the
 * callbacks' one SOAPAction.
 */
import { gzipSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { allDelivered } from '../support/index.js';
import { agentAction, api, envelope, establishedCall, perTest, post, QMI_NS, qmiSessions, readAnswer, Receiver, req, startGateway, subscribed, XSI } from './helpers.js';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const WSA = 'http://www.w3.org/2005/08/addressing';
const QMI_ACTION = 'http://sap.com/BCM/QMIInterface';

const t = perTest();

/** A request with extra header blocks next to QMISessID (SOAP 1.1 unless `version` says 1.2). */
function withHeaders(sess: string, blocks: string, body: string, version: '1.1' | '1.2' = '1.1'): string {
  const ns = version === '1.2' ? SOAP12 : 'http://schemas.xmlsoap.org/soap/envelope/';
  return (
    `<e:Envelope xmlns:e="${ns}" xmlns:qmi="${QMI_NS}" xmlns:xsi="${XSI}"><e:Header><qmi:QMISessID>${sess}</qmi:QMISessID>${blocks}</e:Header>` +
    `<e:Body>${body}</e:Body></e:Envelope>`
  );
}

const subscribeBody = (url: string): string =>
  `<qmi:QMISubscribeSessionRequest><qmi:SessionParams><qmi:CallbackUrl>${url}</qmi:CallbackUrl><qmi:Subscribe>1</qmi:Subscribe></qmi:SessionParams></qmi:QMISubscribeSessionRequest>`;

describe('the Envelope and its parts in SOAP\'s namespace (SOAP 1.1 §4.1.2 and §4.4.1)', () => {
  it('answers VersionMismatch for an Envelope in another namespace or none, a Client fault for a foreign Body, and subscribes nobody', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    const inside = `<e:Header><qmi:QMISessID>ns</qmi:QMISessID></e:Header><e:Body>${subscribeBody(tool.url)}</e:Body>`;
    for (const envelopeNs of ['urn:wrong', 'http://www.w3.org/2003/05/soap-envelope/']) {
      const a = await post(gw, `<e:Envelope xmlns:e="${envelopeNs}" xmlns:qmi="${QMI_NS}">${inside}</e:Envelope>`);
      expect(a, envelopeNs).toMatchObject({ status: 500, faultcode: 'soap:VersionMismatch' });
    }
    const bare = `<Envelope xmlns:qmi="${QMI_NS}"><Header><qmi:QMISessID>ns</qmi:QMISessID></Header><Body>${subscribeBody(tool.url)}</Body></Envelope>`;
    expect(await post(gw, bare)).toMatchObject({ status: 500, faultcode: 'soap:VersionMismatch' });
    const foreignBody = `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:qmi="${QMI_NS}" xmlns:x="urn:x"><e:Header><qmi:QMISessID>ns</qmi:QMISessID></e:Header><x:Body>${subscribeBody(tool.url)}</x:Body></e:Envelope>`;
    expect(await post(gw, foreignBody)).toMatchObject({ status: 500, faultcode: 'soap:Client' });
    expect(await qmiSessions(gw)).toEqual([]);
  });
});

describe('mustUnderstand (SOAP 1.1 §4.2.3, SOAP 1.2 Part 1 §5.2.3)', () => {
  it('refuses a header block QMI does not understand, marked mustUnderstand, and changes nothing', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    for (const [block, name] of [
      [`<wsa:Action xmlns:wsa="${WSA}" e:mustUnderstand="1">urn:whatever</wsa:Action>`, 'Action'],
      ['<x:Invented xmlns:x="urn:invented" e:mustUnderstand="true"/>', 'Invented'],
    ] as const) {
      const a = await post(gw, withHeaders('mu', block, subscribeBody(tool.url)));
      expect(a, name).toMatchObject({ status: 500, faultcode: 'soap:MustUnderstand', faultstring: `SOAP header ${name} was not understood.`, success: '0' });
    }
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    expect(await qmiSessions(gw)).toEqual([]);
    expect(tool.events).toHaveLength(0);
  });

  it('answers SOAP 1.2 with MustUnderstand (HTTP 500) and a NotUnderstood header block for each, prefixes declared', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    const blocks = `<wsa:Action xmlns:wsa="${WSA}" e:mustUnderstand="true">urn:x</wsa:Action><y:Other xmlns:y="urn:y" e:mustUnderstand="1"/>`;
    const res = await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, {
      method: 'POST',
      headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${QMI_ACTION}"` },
      body: withHeaders('mu12', blocks, subscribeBody(tool.url), '1.2'),
    });
    const a = readAnswer(res.status, await res.text());
    expect(a).toMatchObject({ status: 500, faultcode: 'soap:MustUnderstand', success: '0' });
    expect(a.text).toMatch(new RegExp(`<soap:Header><soap:NotUnderstood xmlns:nu0="${WSA}" qname="nu0:Action"/><soap:NotUnderstood xmlns:nu1="urn:y" qname="nu1:Other"/></soap:Header>`));
    expect(await qmiSessions(gw)).toEqual([]);
  });

  it('processes blocks it understands, blocks not marked, and blocks for another actor or role', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    const ok11 = [
      '',
      `<wsa:Action xmlns:wsa="${WSA}" e:mustUnderstand="0">urn:x</wsa:Action>`,
      `<wsa:Action xmlns:wsa="${WSA}" e:mustUnderstand="1" e:actor="http://example.com/firewall">urn:x</wsa:Action>`,
    ];
    for (const block of ok11) expect((await post(gw, withHeaders('ok', block, subscribeBody(tool.url)))).success, block).toBe('1');
    // QMISessID itself marked mustUnderstand is understood.
    const marked = envelope('x', subscribeBody(tool.url)).replace('<qmi:QMISessID>', '<qmi:QMISessID soapenv:mustUnderstand="1">');
    expect((await post(gw, marked)).success).toBe('1');
    const send12 = async (block: string) => {
      const res = await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, { method: 'POST', headers: { 'content-type': 'application/soap+xml' }, body: withHeaders('ok12', block, subscribeBody(tool.url), '1.2') });
      return readAnswer(res.status, await res.text());
    };
    expect((await send12(`<wsa:Action xmlns:wsa="${WSA}" e:mustUnderstand="true" e:role="${SOAP12}/role/none">urn:x</wsa:Action>`)).success).toBe('1');
    expect((await send12(`<wsa:Action xmlns:wsa="${WSA}" e:mustUnderstand="true" e:role="${SOAP12}/role/next">urn:x</wsa:Action>`)).faultcode).toBe('soap:MustUnderstand');
  });
});

describe('encodings and content codings', () => {
  const request = (url: string) => envelope('enc', subscribeBody(url));
  const be = (text: string) => Buffer.from(text, 'utf16le').swap16();

  it.each([
    ['UTF-16LE with BOM', (x: string) => Buffer.from(`\ufeff${x}`, 'utf16le'), 'text/xml; charset=utf-16'],
    ['UTF-16BE with BOM', (x: string) => be(`\ufeff${x}`), 'text/xml; charset=utf-16'],
    ['UTF-16LE without BOM', (x: string) => Buffer.from(x.replace(/^<\?xml[^>]*\?>/, ''), 'utf16le'), 'text/xml; charset=utf-16le'],
    ['UTF-16BE without BOM', (x: string) => be(x.replace(/^<\?xml[^>]*\?>/, '')), 'text/xml; charset=utf-16be'],
  ])('answers a %s request', async (_name, encode, contentType) => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    const a = await post(gw, encode(request(tool.url).replace('encoding="utf-8"', 'encoding="utf-16"')), { soapaction: `"${QMI_ACTION}"`, 'content-type': contentType });
    expect(a).toMatchObject({ status: 200, success: '1' });
    expect(await tool.response('QMISubscribeSession')).toMatchObject({ Success: '1' });
  });

  it('answers gzip and deflate requests', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    for (const [coding, encode] of [['gzip', gzipSync], ['deflate', deflateSync], ['x-gzip', gzipSync]] as const) {
      const a = await post(gw, encode(Buffer.from(request(tool.url))), { soapaction: `"${QMI_ACTION}"`, 'content-encoding': coding });
      expect(a, coding).toMatchObject({ status: 200, success: '1' });
    }
  });

  it('refuses any other content coding with 415 and Accept-Encoding, executing nothing', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    const res = await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', 'content-encoding': 'br', soapaction: `"${QMI_ACTION}"` },
      body: request(tool.url),
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('accept-encoding')).toBe('gzip, deflate');
    const a = readAnswer(res.status, await res.text());
    expect(a).toMatchObject({ faultcode: 'soap:Client', faultstring: 'Parsing error', success: '0' });
    expect(a.detail).toContain('Content-Encoding br is not supported');
    expect(await qmiSessions(gw)).toEqual([]);
  });

  it('applies the byte cap to the inflated size: a zip bomb is refused', async () => {
    const gw = (t.gw = await startGateway());
    const head = request('http://127.0.0.1:9/x').replace('</soapenv:Body>', '');
    const bomb = gzipSync(Buffer.concat([Buffer.from(head), Buffer.alloc(20 * 1024 * 1024, 0x20), Buffer.from('</soapenv:Body></soapenv:Envelope>')]));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const a = await post(gw, bomb, { 'content-encoding': 'gzip' });
    expect(a).toMatchObject({ status: 500, faultstring: 'Parsing error', detail: `Request exceeds ${256 * 1024} bytes`, success: '0' });
    expect(await qmiSessions(gw)).toEqual([]);
  });
});

describe('SOAP 1.2 Sender faults are HTTP 400 on every path (SOAP 1.2 Part 2 §7.5.2.2)', () => {
  const env12 = (sess: string | undefined, body: string) =>
    `<s:Envelope xmlns:s="${SOAP12}" xmlns:qmi="${QMI_NS}">${sess === undefined ? '' : `<s:Header><qmi:QMISessID>${sess}</qmi:QMISessID></s:Header>`}<s:Body>${body}</s:Body></s:Envelope>`;
  // A client generated from an .asmx WSDL's SOAP 1.2 port sends no SOAPAction, only action= in the content type.
  const send = async (g: Gateway, xml: string, action?: string) => {
    const res = await fetch(`${g.baseUrl}/bcm/QMIInterface.asmx`, {
      method: 'POST',
      headers: { 'content-type': `application/soap+xml; charset=utf-8${action === undefined ? '' : `; action="${action}"`}` },
      body: xml,
    });
    expect(res.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
    return readAnswer(res.status, await res.text());
  };

  it('answers a good SOAP 1.2 request in 1.2, and every kind of refusal with 400 and soap:Sender', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await subscribed(gw, 's12'));
    const good = await send(gw, env12('s12', '<qmi:QMIQueryCallInfoRequest><qmi:CallID>nope</qmi:CallID></qmi:QMIQueryCallInfoRequest>'), QMI_ACTION);
    expect(good).toMatchObject({ status: 200, success: '1' });
    expect(good.text).toContain(`xmlns:soap="${SOAP12}"`);
    const cases: [string, string, string | undefined, string, string?][] = [
      ['parse error', `<s:Envelope xmlns:s="${SOAP12}"><s:Body><a></s:Body></s:Envelope>`, QMI_ACTION, 'Parsing error'],
      ['unknown operation, no action', env12('s12', '<qmi:QMIMakeCoffeeRequest/>'), undefined, 'Unable to handle request without a valid action parameter. Please supply a valid soap action.'],
      ['unknown operation, the QMI action', env12('s12', '<qmi:QMIMakeCoffeeRequest/>'), QMI_ACTION, `The request element <QMIMakeCoffeeRequest xmlns='${QMI_NS}'> was not recognized.`],
      ['action mismatch', env12('s12', '<qmi:QMIQueryCallInfoRequest><qmi:CallID>1</qmi:CallID></qmi:QMIQueryCallInfoRequest>'), `${QMI_ACTION}/QMIBCMRecordingStart`, `Unable to handle request. The action '${QMI_ACTION}/QMIBCMRecordingStart' was not recognized.`],
      ['unknown action', env12('s12', '<qmi:QMIQueryCallInfoRequest><qmi:CallID>1</qmi:CallID></qmi:QMIQueryCallInfoRequest>'), 'urn:other', "Unable to handle request. The action 'urn:other' was not recognized."],
      ['missing QMISessID', env12(undefined, '<qmi:QMIQueryCallInfoRequest><qmi:CallID>1</qmi:CallID></qmi:QMIQueryCallInfoRequest>'), QMI_ACTION, 'Missing QMISessID'],
      ['session not subscribed', env12('stranger', '<qmi:QMIQueryCallInfoRequest><qmi:CallID>1</qmi:CallID></qmi:QMIQueryCallInfoRequest>'), QMI_ACTION, 'Session not subscribed'],
      ['missing parameter', env12('s12', '<qmi:QMIQueryCallInfoRequest/>'), QMI_ACTION, 'Parsing error', 'Missing CallID'],
    ];
    for (const [name, xml, action, reason, detail] of cases) {
      const a = await send(gw, xml, action);
      expect(a, name).toMatchObject({ status: 400, faultcode: 'soap:Sender', faultstring: reason, success: '0' });
      if (detail !== undefined) expect(a.detail, name).toBe(detail);
    }
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    // Only the good query produced anything.
    expect(tool.events.filter((e) => e.name === 'QMIRequestResponseEvent')).toHaveLength(1);
  });
});

describe('the element cap', () => {
  it('refuses a body with more elements than the cap, before parsing, and changes nothing', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    const flood = envelope('flood', `<qmi:QMISubscribeSessionRequest><qmi:SessionParams><qmi:CallbackUrl>${tool.url}</qmi:CallbackUrl>${'<x/>'.repeat(26_000)}</qmi:SessionParams></qmi:QMISubscribeSessionRequest>`);
    expect(Buffer.byteLength(flood)).toBeLessThan(256 * 1024);
    const a = await post(gw, flood);
    expect(a).toMatchObject({ status: 500, faultcode: 'soap:Client', faultstring: 'Parsing error', detail: 'Request has more than 4096 XML elements', success: '0' });
    expect(await qmiSessions(gw)).toEqual([]);
    expect((await post(gw, req.subscribe('flood', tool.url))).success).toBe('1');
  });
});

describe('the endpoint path, matched without regard to case as IIS does (issue 8 point 5)', () => {
  it('answers requests and the WSDL on any spelling of the path, and nothing else', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    for (const path of ['/bcm/qmiinterface.asmx', '/BCM/QMIINTERFACE.ASMX', '/Bcm/QmiInterface.Asmx']) {
      expect((await post(gw, req.subscribe('case', tool.url), undefined, path)).success, path).toBe('1');
    }
    for (const url of ['/bcm/qmiinterface.asmx?wsdl', '/BCM/QMIInterface.asmx?WSDL', '/bcm/QMIInterface.asmx?Wsdl']) {
      const res = await fetch(`${gw.baseUrl}${url}`);
      expect(res.status, url).toBe(200);
      expect(await res.text()).toContain(`location="${gw.baseUrl}/bcm/QMIInterface.asmx"`);
    }
    expect((await fetch(`${gw.baseUrl}/bcm/QMIInterface2.asmx`, { method: 'POST', body: req.subscribe('x', tool.url) })).status).toBe(404);
    expect((await fetch(`${gw.baseUrl}/bcm/qmiinterface.asmx/extra`, { method: 'POST', body: req.subscribe('x', tool.url) })).status).toBe(404);
  });
});

describe('callbacks (issue 8 point 3)', () => {
  it('carry the one SOAPAction of the web service, "http://sap.com/BCM/QMIInterface", for every event', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await subscribed(gw, 'actions'));
    const callId = await establishedCall(gw);
    await agentAction(gw, 'HARRI', 'hold');
    await agentAction(gw, 'HARRI', 'retrieve');
    await post(gw, req.call('QMIQueryCallInfo', 'actions', callId));
    await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {});
    await tool.waitFor((e) => e.name === 'QMICallinfoCallendedEvent'); // spelled as the seed's example (qmi.eventNames)
    await tool.waitFor((e) => e.name === 'QMIRequestResponseEvent');
    expect(new Set(tool.events.map((e) => e.name)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(tool.events.map((e) => e.headers.soapaction))).toEqual(new Set([`"${QMI_ACTION}"`]));
  });
});

describe('SOAP rules QMI enforces, as an .asmx service does', () => {
  it('refuses a wrong Content-Type with 415, a second Body or a foreign request element with a Client fault; nothing subscribes', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await new Receiver().start());
    const ok = withHeaders('strict', '', subscribeBody(tool.url));
    for (const contentType of ['application/json', 'text/plain', 'application/xml', 'application/soap+xml']) {
      const a = await post(gw, ok, { soapaction: `"${QMI_ACTION}"`, 'content-type': contentType });
      expect(a, contentType).toMatchObject({ status: 415, faultcode: 'soap:Client', faultstring: 'Parsing error', success: '0' });
      expect(a.detail, contentType).toBe(`A SOAP 1.1 envelope is sent as text/xml, not ${contentType}`);
    }
    const none = await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, { method: 'POST', headers: { soapaction: `"${QMI_ACTION}"` }, body: Buffer.from(ok) });
    expect(none.status).toBe(415);
    expect(await none.text()).toContain('A SOAP 1.1 envelope is sent as text/xml; this request has no Content-Type');
    const soap12AsXml = await post(gw, withHeaders('strict', '', subscribeBody(tool.url), '1.2'), { 'content-type': 'text/xml' });
    expect(soap12AsXml).toMatchObject({ status: 415, faultcode: 'soap:Sender', detail: 'A SOAP 1.2 envelope is sent as application/soap+xml, not text/xml' });

    const twoBodies = ok.replace('</e:Envelope>', `<e:Body>${subscribeBody(tool.url)}</e:Body></e:Envelope>`);
    expect(await post(gw, twoBodies, { soapaction: `"${QMI_ACTION}"` })).toMatchObject({ status: 500, faultcode: 'soap:Client', detail: 'The Envelope has more than one Body' });
    const foreign = withHeaders('strict', '', subscribeBody(tool.url).replaceAll('qmi:', 'f:').replace('<f:QMISubscribeSessionRequest>', '<f:QMISubscribeSessionRequest xmlns:f="urn:foreign">'));
    const f = await post(gw, foreign, { soapaction: `"${QMI_ACTION}"` });
    expect(f).toMatchObject({ status: 500, faultcode: 'soap:Client', detail: `The request element QMISubscribeSessionRequest is in namespace 'urn:foreign', not '${QMI_NS}'` });

    expect(await qmiSessions(gw)).toEqual([]);
    expect(await post(gw, ok, { soapaction: `"${QMI_ACTION}"` })).toMatchObject({ status: 200, success: '1' });
  });
});
