/**
 * An inbound routing point applies what it acknowledges (seed "StartRoutingPoint" config, "SuspendRoutingPoint",
 * "StopRoutingPoint", routing point states): suspended, stopped, outside working time or beyond its queue limit, its
 * calls take the configured failure route instead of failing; queueLimit is a percentage of the logged-on agents;
 * the immediate-abandon threshold moves calls between the statistics' abandon counters; serviceTimeout stops it; what
 * it cannot apply is refused with reject, changing nothing. Default center: service1 on queue 2001 (HARRI, MAIJA,
 * ANNA), failure route 2002 (HARRI, PEKKA, ANNA). Virtual time starts Monday 2026-01-05 09:00 UTC.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';
import { error, field, req, STANDARD, useGateway } from './helpers.js';

const { startGateway, gw, send } = useGateway();

async function api(method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await request(`${gw().httpUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.body.json()) as Record<string, unknown>;
  expect(r.statusCode, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

/** A customer calls the routing point's queue; resolves with the core call id. */
const callIn = async (from = '+35840111222') => (await api('POST', '/api/v1/calls', { from, to: '2001' }))['callId'] as string;
const setState = (userId: string, state: string) => api('PUT', `/api/v1/agents/${userId}/state`, { state });
const update = (config: string) => send(req('updateRoutingPoint', { service: 'service1', config }));
const state = async () => /<routingPointState><([\w-]+)\/>/.exec(await send(req('queryRoutingPointState', { service: 'service1' })))?.[1];
const total = () => send(req('queryRoutingPointStatistics', { service: 'service1', type: '<total/>' }));

/** Who the call rings, and in which queue it waits. */
function whereIs(callId: string): { alerting: string[]; queue: string | undefined } {
  const call = gw().gw.center.telephony.findCall(callId);
  return { alerting: call?.parties.filter((p) => p.state === 'alerting').map((p) => p.number) ?? [], queue: call?.parties.some((p) => p.state === 'queued') ? call.queueId : undefined };
}

describe('the failure route', () => {
  it('takes the calls of a suspended or stopped routing point, ringing the failure route, and counts them', async () => {
    await startGateway();
    expect(await send(req('suspendRoutingPoint', { service: 'service1' }))).toBe(STANDARD);
    expect(await state()).toBe('started-suspended');
    const suspended = await callIn();
    // 2002's agents are all ready: the call rings one of them, as a call redirected from 2001.
    const rung = whereIs(suspended).alerting;
    expect(rung).toHaveLength(1);
    expect(['1101', '1103', '1104']).toContain(rung[0]);
    expect(gw().gw.center.telephony.findCall(suspended)).toMatchObject({ firstCalled: '2001', lastRedirection: { number: '2001', cause: 'redirect' } });
    expect(field(await total(), 'routedToFailureRouteCallsCount')).toBe('1');
    expect(await send(req('resumeRoutingPoint', { service: 'service1' }))).toBe(STANDARD);
    expect(await send(req('stopRoutingPoint', { service: 'service1' }))).toBe(STANDARD);
    expect(await state()).toBe('stopped');
    const stopped = await callIn('+35840111333');
    expect(whereIs(stopped).alerting).toHaveLength(1);
    expect(field(await total(), 'routedToFailureRouteCallsCount')).toBe('2');
    expect(await send(req('startRoutingPoint', { service: 'service1' }))).toBe(STANDARD);
    expect(await state()).toBe('started-running');
  });

  it('without a failure route configured, the calls fail as a PBX would', async () => {
    await startGateway({ fixture: { ...loadFixture(DEFAULT_CENTER_FIXTURE), telservices: { routingPoints: [{ service: 'service1', type: 'inbound', queue: '2001' }] } } });
    await send(req('suspendRoutingPoint', { service: 'service1' }));
    await callIn();
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
    expect(field(await total(), 'routedToFailureRouteCallsCount')).toBe('1');
  });
});

describe('the configuration an inbound routing point acknowledges, it applies', () => {
  it('queueLimit: calls may wait up to that percentage of the logged-on agents; the next one takes the failure route', async () => {
    await startGateway();
    for (const a of ['HARRI', 'MAIJA', 'ANNA']) await setState(a, 'notReady');
    expect(await state()).toBe('started');
    expect(await update('<queueLimit>50</queueLimit>')).toBe(STANDARD);
    // Three agents logged on, 50 %: one call may wait.
    const first = await callIn('+35840000001');
    expect(whereIs(first).queue).toBe('2001');
    const second = await callIn('+35840000002');
    expect(whereIs(second).alerting).toEqual(['1103']);
    // Fewer agents logged on, a smaller allowance: with one left, 50 % of it lets nobody wait.
    await setState('MAIJA', 'loggedOff');
    await setState('ANNA', 'loggedOff');
    const third = await callIn('+35840000003');
    expect(whereIs(third).queue).toBe('2002');
    expect(field(await total(), 'routedToFailureRouteCallsCount')).toBe('2');
    const snapshot = await send(req('queryRoutingPointStatistics', { service: 'service1', type: '<snapshot/>' }));
    expect(field(snapshot, 'queuedCallsCount')).toBe('1');
  });

  it('statisticsIncomingCallImmediateAbandonTimeout: an abandon within it is an immediate one', async () => {
    const g = await startGateway();
    for (const a of ['HARRI', 'MAIJA', 'ANNA']) await setState(a, 'notReady');
    // A customer waits 7 s and hangs up, under two thresholds: [immediate, on queue] abandons so far.
    for (const [threshold, counts] of [
      ['10', ['1', '0']],
      ['2', ['1', '1']],
    ] as const) {
      expect(await update(`<statisticsIncomingCallImmediateAbandonTimeout>${threshold}</statisticsIncomingCallImmediateAbandonTimeout>`)).toBe(STANDARD);
      const call = await callIn();
      g.clock.advance(7_000);
      await api('POST', `/api/v1/calls/${call}/hangup`, {});
      const t = await total();
      expect([field(t, 'incomingCallsAbandoneddImmediatelCount'), field(t, 'incomingCallsAbandonedOnQueueCount')], threshold).toEqual(counts);
    }
  });

  it('working hours and non-working days: outside them the point waits and its calls take the failure route', async () => {
    const g = await startGateway();
    expect(await update('<workingHours>10/17</workingHours>')).toBe(STANDARD);
    expect(await state()).toBe('started');
    const early = await callIn('+35840000001');
    expect(whereIs(early).alerting).toHaveLength(1);
    expect(gw().gw.center.telephony.findCall(early)?.lastRedirection?.number).toBe('2001');
    g.clock.advance(3600_000);
    expect(await state()).toBe('started-running');
    const inHours = await callIn('+35840000002');
    expect(gw().gw.center.telephony.findCall(inHours)?.lastRedirection).toBeUndefined();
    // 2 = Monday (1 is Sunday).
    expect(await update('<nonWorkingDaysOfWeek>2</nonWorkingDaysOfWeek>')).toBe(STANDARD);
    const holiday = await callIn('+35840000003');
    expect(gw().gw.center.telephony.findCall(holiday)?.lastRedirection?.number).toBe('2001');
    expect(field(await total(), 'routedToFailureRouteCallsCount')).toBe('2');
  });

  it('serviceTimeout: the point stops by itself', async () => {
    const g = await startGateway();
    expect(await update('<serviceTimeout>60</serviceTimeout>')).toBe(STANDARD);
    g.clock.advance(59_000);
    expect(await state()).toBe('started-running');
    g.clock.advance(1_000);
    expect(await state()).toBe('stopped');
  });

  it('agentLoggedOnOnOpenSession and agentReadyOnLoggedOn apply to the queue\'s agents', async () => {
    await startGateway();
    await setState('MAIJA', 'loggedOff');
    expect(await update('<agentLoggedOnOnOpenSession><true/></agentLoggedOnOnOpenSession><agentReadyOnLoggedOn><true/></agentReadyOnLoggedOn>')).toBe(STANDARD);
    expect(await send(req('openSession', { deviceNumber: '1102' }))).toBe(STANDARD);
    expect(gw().gw.center.agent('MAIJA').state).toBe('ready');
  });

  it('refuses what it cannot apply with reject, and changes nothing', async () => {
    await startGateway();
    for (const a of ['HARRI', 'MAIJA', 'ANNA']) await setState(a, 'notReady');
    for (const refused of [
      '<queueLimit>0</queueLimit><noAnswerTimeout>20</noAnswerTimeout>',
      '<queueLimit>0</queueLimit><failedCallRetryLimit>2</failedCallRetryLimit>',
      '<queueLimit>0</queueLimit><agentWorkingAfterCallTimeout>5</agentWorkingAfterCallTimeout>',
      '<queueLimit>0</queueLimit><agentsDistribution><cyclic/></agentsDistribution>',
      '<queueLimit>0</queueLimit><workingHours>25/26</workingHours>',
    ]) {
      expect(await update(refused), refused).toBe(error('reject'));
      expect(await send(req('startRoutingPoint', { service: 'service1', config: refused })), refused).toBe(error('reject'));
    }
    // The queue limit of the refused requests was not applied: the call waits.
    expect(whereIs(await callIn()).queue).toBe('2001');
    expect(await update('<agentsDistribution><most-idle/></agentsDistribution>')).toBe(STANDARD);
  });
});
