/** The ErrorCode table (README.md) and every way a request is refused: faults for what cannot be read, nothing changed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE_ERROR_CODES, CoreError } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { CORE_TO_QMI, QMI_ERRORS, toQmiError } from '../../src/interfaces/qmi/errors.js';
import { MediaLimitError } from '../../src/media/index.js';
import { allDelivered } from '../support/index.js';
import { api, envelope, establishedCall, perTest, post, qmiSessions, Receiver, req, sleep, startGateway, subscribed } from './helpers.js';

describe('ErrorCode table', () => {
  it('maps every core error code to an ErrorCode and ErrorPhrase, and documents each in README.md', () => {
    const doc = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of CORE_ERROR_CODES) {
      const row = CORE_TO_QMI[code];
      expect(row, code).toBeDefined();
      expect(Number.isInteger(row.code), code).toBe(true);
      expect(row.phrase.length, code).toBeGreaterThan(3);
      expect(doc, `README.md lists ${code}`).toMatch(new RegExp(`\\| ${row.code} \\| ${row.phrase} \\|[^\\n]*\`${code}\``));
    }
    for (const row of Object.values(QMI_ERRORS)) expect(doc).toContain(`| ${row.code} | ${row.phrase} |`);
    // One code means one thing: rows that share a code share the phrase.
    const byCode = new Map<number, string>();
    for (const row of [...Object.values(CORE_TO_QMI), ...Object.values(QMI_ERRORS)]) {
      expect(byCode.get(row.code) ?? row.phrase).toBe(row.phrase);
      byCode.set(row.code, row.phrase);
    }
  });

  it('turns core and media errors into their rows, and anything else into 1005 without its text', () => {
    expect(toQmiError(new CoreError('callGone'))).toEqual({ code: 1002, phrase: 'Call has already ended' });
    expect(toQmiError(new MediaLimitError(3))).toEqual(CORE_TO_QMI.limitExceeded);
    expect(toQmiError(new TypeError("cannot read properties of undefined (reading 'x')"))).toEqual({ code: 1005, phrase: 'Internal server error' });
  });
});

const t = perTest();

async function snapshot(g: Gateway): Promise<unknown> {
  const s = await api(g, 'GET', '/api/v1/state');
  return { calls: s.calls, qmi: (s.interfaces as { qmi: { sessions: { id: string; callbackUrl: string; callback: string }[] } }).qmi.sessions.map((x) => [x.id, x.callbackUrl, x.callback]) };
}

describe('hostile and malformed requests', () => {
  it('answers unreadable XML with the seed fault (Client, "Parsing error") and changes nothing', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await subscribed(gw, 'h'));
    const callId = await establishedCall(gw);
    await post(gw, req.monitor('h', callId, '127.0.0.1', 4000));
    await tool.response('QMICallMonitoringStart');
    tool.clear();
    const before = await snapshot(gw);
    const bad = [
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><qmi:QMIBCMRecordingStartRequest>',
      'this is not xml',
      '',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&x;</soapenv:Body></soapenv:Envelope>',
      '<a><b></a></b>',
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/></soapenv:Envelope>',
      'x'.repeat(300 * 1024),
      // Two requests in one Body (WS-I Basic Profile R2201): neither runs, rather than the first alone.
      envelope('h', `<qmi:QMIQueryCallInfoRequest><qmi:CallID>${callId}</qmi:CallID></qmi:QMIQueryCallInfoRequest>`.repeat(2)),
    ];
    for (const body of bad) {
      const a = await post(gw, body);
      expect(a.status, body.slice(0, 40)).toBe(500);
      expect(a.faultcode).toBe('soap:Client');
      expect(a.faultstring).toBe('Parsing error');
      expect(a.success).toBe('0');
      expect(a.detail).toBeTruthy();
      expect(a.text).not.toMatch(/at .*\.ts:\d+|passwd/);
    }
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    expect(await snapshot(gw)).toEqual(before);
    expect(tool.events).toHaveLength(0);
  });

  it('faults unknown operations, and a SOAPAction that names another operation, as ASP.NET words them', async () => {
    const gw = (t.gw = await startGateway());
    const unknown = await post(gw, envelope('s', '<qmi:QMIMakeCoffeeRequest><qmi:CallID>1</qmi:CallID></qmi:QMIMakeCoffeeRequest>'));
    expect(unknown).toMatchObject({
      status: 500,
      faultcode: 'soap:Client',
      faultstring: "The request element <QMIMakeCoffeeRequest xmlns='http://sap.com/bcm/qmi/qmi_schema'> was not recognized.",
      success: '0',
    });
    const empty = await post(gw, envelope('s', ''));
    expect(empty).toMatchObject({ status: 500, faultcode: 'soap:Client', faultstring: "The request element < xmlns=''> was not recognized.", success: '0' });
    const r = await new Receiver().start();
    // However it is quoted, an action naming another operation is refused (ASP.NET quotes it back as received).
    for (const [soapaction, shown] of [
      ['"http://sap.com/BCM/QMIInterface/QMIQueryCallInfo"', 'http://sap.com/BCM/QMIInterface/QMIQueryCallInfo'],
      ['http://sap.com/BCM/QMIInterface/QMIQueryCallInfo', 'http://sap.com/BCM/QMIInterface/QMIQueryCallInfo'],
      ["'http://sap.com/BCM/QMIInterface/QMIQueryCallInfo'", "'http://sap.com/BCM/QMIInterface/QMIQueryCallInfo'"],
      ['"urn:not-qmi"', 'urn:not-qmi'],
    ] as const) {
      const refused = await post(gw, req.subscribe('s', r.url), { soapaction });
      expect(refused, soapaction).toMatchObject({
        status: 500,
        faultcode: 'soap:Client',
        faultstring: `Server did not recognize the value of HTTP Header SOAPAction: ${shown}.`,
        success: '0',
      });
    }
    expect(await qmiSessions(gw)).toEqual([]);
    // The QMI action quoted, unquoted, single-quoted or absent, and an action naming the operation itself, are accepted.
    for (const headers of [
      { soapaction: '"http://sap.com/BCM/QMIInterface"' },
      { soapaction: 'http://sap.com/BCM/QMIInterface' },
      { soapaction: "'http://sap.com/BCM/QMIInterface'" },
      { soapaction: '""' },
      {} as Record<string, string>,
      { soapaction: '"http://sap.com/BCM/QMIInterface/QMISubscribeSession"' },
    ]) {
      expect((await post(gw, req.subscribe('s', r.url), headers)).success).toBe('1');
    }
    await r.stop();
  });

  it('faults requests whose parameters are missing or malformed, executing nothing', async () => {
    const gw = (t.gw = await startGateway());
    const tool = (t.tool = await subscribed(gw, 'p'));
    const callId = await establishedCall(gw);
    const cases: [string, string][] = [
      [envelope('p', '<qmi:QMIQueryCallInfoRequest/>'), 'Missing CallID'],
      [envelope('p', '<qmi:QMIBCMRecordingStartRequest><qmi:CallID>  </qmi:CallID></qmi:QMIBCMRecordingStartRequest>'), 'Missing CallID'],
      [req.monitor('p', callId, '127.0.0.1', 0), 'Port must be a port number 1-65535'],
      [req.monitor('p', callId, '127.0.0.1', 70000), 'Port must be a port number 1-65535'],
      [req.monitor('p', callId, 'qm.example.com', 4000), 'IP must be an IPv4 or IPv6 address'],
      [req.monitorEx('p', callId, 1, ['127.0.0.1', 4000]), 'Missing BPartyIP'],
      [req.monitorEx('p', callId, 2 as 1, ['127.0.0.1', 4000]), 'SeparateStreams must be 0 or 1'],
      [envelope('p', '<qmi:QMISubscribeSessionRequest><qmi:SessionParams><qmi:CallbackUrl>http://127.0.0.1/</qmi:CallbackUrl><qmi:Subscribe>yes</qmi:Subscribe></qmi:SessionParams></qmi:QMISubscribeSessionRequest>'), 'Subscribe must be 0 or 1'],
      [envelope('p', '<qmi:QMISubscribeSessionRequest><qmi:SessionParams><qmi:Subscribe>1</qmi:Subscribe></qmi:SessionParams></qmi:QMISubscribeSessionRequest>'), 'Missing CallbackUrl'],
    ];
    for (const [xml, detail] of cases) {
      const a = await post(gw, xml);
      expect(a, detail).toMatchObject({ status: 500, faultcode: 'soap:Client', faultstring: 'Parsing error', detail, success: '0' });
    }
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    expect(tool.events.filter((e) => e.name === 'QMIRequestResponseEvent')).toHaveLength(0);
    expect(gw.ctx.rtp.active()).toBe(0);
  });
});

describe('callback allow-list (qmi.callbackAllow)', () => {
  it('refuses a callback URL that is not http(s), or whose address is outside the default local networks', async () => {
    const gw = (t.gw = await startGateway());
    for (const [url, reason] of [
      ['ftp://127.0.0.1/x', 'CallbackUrl must be an http or https URL'],
      ['not a url', 'CallbackUrl is not an absolute URL'],
      ['http://8.8.8.8/events', 'Callback address 8.8.8.8 is not allowed (qmi.callbackAllow)'],
      ['http://169.254.169.254/latest/meta-data', 'Callback address 169.254.169.254 is not allowed (qmi.callbackAllow)'],
      ['http://[2001:4860:4860::8888]:80/', 'Callback address 2001:4860:4860::8888 is not allowed (qmi.callbackAllow)'],
    ]) {
      const a = await post(gw, req.subscribe('s', url ?? ''));
      expect(a, url).toMatchObject({ status: 500, faultstring: 'Subscription refused', detail: reason, success: '0' });
    }
    expect(await qmiSessions(gw)).toEqual([]);
  });

  it('checks a callback host name once resolved: a refused one never gets a message, and the session shows why', async () => {
    const gw = (t.gw = await startGateway({ qmi: { callbackAllow: ['10.0.0.0/8'] } }));
    const r = await new Receiver().start();
    const url = `http://localhost:${r.port}/events`;
    expect((await post(gw, req.subscribe('named', url))).success).toBe('1');
    let sessions: { id: string; callback: string; refusal?: string }[] = [];
    for (let i = 0; i < 50; i++) {
      sessions = ((await api(gw, 'GET', '/api/v1/state')).interfaces as { qmi: { sessions: typeof sessions } }).qmi.sessions;
      if (sessions[0]?.callback !== 'pending') break;
      await sleep(20);
    }
    expect(sessions[0]).toMatchObject({ id: 'named', callback: 'refused' });
    expect(sessions[0]?.refusal).toMatch(/^callback host localhost resolves to (127\.0\.0\.1|::1), not in qmi\.callbackAllow$/);
    await establishedCall(gw);
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    expect(r.events).toHaveLength(0);
    await r.stop();
  });

  it('delivers to a callback host name that resolves into the allowed networks', async () => {
    const gw = (t.gw = await startGateway());
    const r = await new Receiver().start();
    expect((await post(gw, req.subscribe('named', `http://localhost:${r.port}/events`))).success).toBe('1');
    expect(await r.response('QMISubscribeSession')).toMatchObject({ Success: '1' });
    await r.stop();
  });
});
