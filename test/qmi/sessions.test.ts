/** QMI 3.2.1 sessions over real sockets: subscribe, refresh, move, unsubscribe, multicast, automatic cancellation. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { allDelivered } from '../support/index.js';
import { api, establishedCall, post, Receiver, req, sleep, startGateway, subscribed } from './helpers.js';

let gw: Gateway | undefined;
const receivers: Receiver[] = [];
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  for (const r of receivers.splice(0)) await r.stop();
});
async function receiver(): Promise<Receiver> {
  const r = await new Receiver().start();
  receivers.push(r);
  return r;
}
const qmiSessions = async (g: Gateway) => ((await api(g, 'GET', '/api/v1/state')).interfaces as { qmi: { sessions: { id: string; callback: string; refusal?: string }[] } }).qmi.sessions;

describe('QMISubscribeSession', () => {
  it('subscribes with any non-empty id, answers Success 1, then QMIRequestResponse with the session header', async () => {
    gw = await startGateway();
    const r = await receiver();
    // QMI 3.2.1's own example id is not a canonical UUID: it is accepted as an opaque identifier.
    const a = await post(gw, req.subscribe('1cb65470-a2c1-11da-aa97-01143dc2e6e', r.url));
    expect(a.status).toBe(200);
    expect(a.success).toBe('1');
    const rr = await r.response('QMISubscribeSession');
    expect(rr).toMatchObject({ CallID: '', Request: 'QMISubscribeSession', Success: '1' });
    expect(r.events[0]?.sessId).toBe('1cb65470-a2c1-11da-aa97-01143dc2e6e');
    // QMI 3.1: the one SOAPAction of the web service, on callbacks too.
    expect(r.events[0]?.headers.soapaction).toBe('"http://sap.com/BCM/QMIInterface"');
  });

  it('treats a repeated identical subscription as a refresh: one subscriber, nothing lost or duplicated', async () => {
    gw = await startGateway();
    const r = await subscribed(gw, 'S1');
    const callId = await establishedCall(gw);
    for (let i = 0; i < 3; i++) expect((await post(gw, req.subscribe('S1', r.url))).success).toBe('1');
    await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {});
    await r.waitFor((e) => e.name === 'QMICallinfoCallendedEvent');
    expect(r.callEvents().map((e) => e.name)).toEqual(['QMICallInfoNewcallEvent', 'QMICallinfoCallendedEvent']);
    expect(r.events.filter((e) => e.fields.Request === 'QMISubscribeSession')).toHaveLength(3);
    expect((await qmiSessions(gw)).map((s) => s.id)).toEqual(['S1']);
    const subs = (await api(gw, 'GET', '/api/v1/state')).subscriptions as { id: string; state: string }[];
    expect(subs.filter((s) => s.id === 'qmi:S1')).toHaveLength(1);
  });

  it('moves deliveries to a new CallbackUrl', async () => {
    gw = await startGateway();
    const first = await subscribed(gw, 'S1');
    const second = await receiver();
    expect((await post(gw, req.subscribe('S1', second.url))).success).toBe('1');
    await second.response('QMISubscribeSession');
    await establishedCall(gw);
    await second.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    expect(first.callEvents()).toHaveLength(0);
  });

  it('multicasts every event to every session, each with its own QMISessID; a new session hears no history', async () => {
    gw = await startGateway();
    const early = await subscribed(gw, 'early');
    const callId = await establishedCall(gw);
    await early.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    const late = await subscribed(gw, 'late');
    await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'hold' });
    await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {});
    await early.waitFor((e) => e.name === 'QMICallinfoCallendedEvent');
    await late.waitFor((e) => e.name === 'QMICallinfoCallendedEvent');
    expect(early.callEvents().map((e) => e.name)).toEqual(['QMICallInfoNewcallEvent', 'QMICallinfoCallonholdEvent', 'QMICallinfoCallendedEvent']);
    expect(late.callEvents().map((e) => e.name)).toEqual(['QMICallinfoCallonholdEvent', 'QMICallinfoCallendedEvent']);
    expect(early.events.every((e) => e.sessId === 'early')).toBe(true);
    expect(late.events.every((e) => e.sessId === 'late')).toBe(true);
  });

  it("unsubscribe answers, then stops events and refuses the session's requests", async () => {
    gw = await startGateway();
    const r = await subscribed(gw, 'S1');
    expect((await post(gw, req.subscribe('S1', 'http://ignored.invalid/', 0))).success).toBe('1');
    expect(await r.response('QMISubscribeSession')).toMatchObject({ Success: '1' });
    r.clear();
    const callId = await establishedCall(gw);
    const q = await post(gw, req.call('QMIQueryCallInfo', 'S1', callId));
    expect(q.status).toBe(500);
    expect(q.success).toBe('0');
    expect(q.faultstring).toBe('Session not subscribed');
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    expect(r.events).toHaveLength(0);
    expect(await qmiSessions(gw)).toEqual([]);
    // Unsubscribing again changes nothing and is not an error.
    expect((await post(gw, req.subscribe('S1', '', 0))).success).toBe('1');
  });

  it('cancels a session whose callback stays unreachable, logs it, and lets it subscribe again', async () => {
    gw = await startGateway();
    const r = await subscribed(gw, 'flaky');
    let failing = true;
    r.answer = () => (failing ? { status: 503, body: 'down' } : { status: 200, body: '<Response><Successs>1</Successs></Response>' });
    await establishedCall(gw);
    // cancelAfterFailures 3, retryBaseMs 20: gone within a second.
    const deadline = Date.now() + 3000;
    while ((await qmiSessions(gw)).length > 0 && Date.now() < deadline) await sleep(50);
    expect(await qmiSessions(gw)).toEqual([]);
    const subs = (await api(gw, 'GET', '/api/v1/state')).subscriptions as { id: string; state: string; lastError: string }[];
    expect(subs.find((s) => s.id === 'qmi:flaky')).toMatchObject({ state: 'cancelled' });
    expect((await post(gw, req.call('QMIQueryCallInfo', 'flaky', 'x'))).faultstring).toBe('Session not subscribed');
    failing = false;
    expect((await post(gw, req.subscribe('flaky', r.url))).success).toBe('1');
    // The seed's Successs spelling in the tool's answer counts as success.
    expect(await r.response('QMISubscribeSession')).toMatchObject({ Success: '1' });
    expect((await qmiSessions(gw)).map((s) => s.id)).toEqual(['flaky']);
  });

  it('retries an event the tool answers with a SOAP fault or Success 0, and delivers it once accepted', async () => {
    gw = await startGateway({ notify: { retryBaseMs: 20, retryMaxMs: 40, cancelAfterFailures: 10, attemptTimeoutMs: 1000, connectTimeoutMs: 500 } });
    const r = await subscribed(gw, 'S1');
    const answers = [
      { status: 500, body: '<Envelope><Body><Fault><faultcode>Server</faultcode><faultstring>busy</faultstring></Fault></Body></Envelope>' },
      { status: 200, body: '<Envelope><Body><Response><Success>0</Success></Response></Body></Envelope>' },
    ];
    let attempts = 0;
    r.answer = () => answers[attempts++] ?? { status: 200, body: '<Envelope><Body><Response><Success>1</Success></Response></Body></Envelope>' };
    await establishedCall(gw);
    await r.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    expect(attempts).toBe(3);
    expect(r.events).toHaveLength(1);
  });
});

describe('session header and refusals', () => {
  it('faults a request without QMISessID, with an empty one, or from a session that never subscribed', async () => {
    gw = await startGateway();
    const r = await receiver();
    const noHeader = (await post(gw, req.subscribe('', r.url).replace(/<soapenv:Header>.*<\/soapenv:Header>/, '')));
    expect(noHeader).toMatchObject({ status: 500, success: '0', faultcode: 'soap:Client', faultstring: 'Missing QMISessID' });
    const empty = await post(gw, req.subscribe('   ', r.url));
    expect(empty).toMatchObject({ status: 500, faultstring: 'Missing QMISessID' });
    const stranger = await post(gw, req.call('QMIBCMRecordingStart', 'stranger', 'any'));
    expect(stranger).toMatchObject({ status: 500, faultstring: 'Session not subscribed' });
    expect(await qmiSessions(gw)).toEqual([]);
    await allDelivered(gw); // everything queued is delivered: nothing more is on its way
    expect(r.events).toHaveLength(0);
  });
});
