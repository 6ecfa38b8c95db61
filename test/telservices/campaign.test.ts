/**
 * Supervisor services on an outbound routing point (seed "StartRoutingPoint" … "UpdateRoutingPoint"): a campaign
 * dials its call list through the core, simulated customers answer or not, answered customers go to the campaign's
 * agents by the configured distribution, with no-answer timeout, retries, working hours, non-working days, agent
 * wrap-up and queue limit honoured, the six routing point states and the statistics. All in virtual time.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadFixture } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';
import { error, field, req, STANDARD, useGateway } from './helpers.js';

const { startGateway, gw, send, listener, agentAction: agent } = useGateway();

function fixture(template: Record<string, unknown>): unknown {
  return {
    ...loadFixture(DEFAULT_CENTER_FIXTURE),
    telservices: {
      routingPoints: [
        { service: 'service1', type: 'inbound', queue: '2001' },
        {
          service: 'outbound',
          type: 'outbound',
          number: '3901',
          agents: ['HARRI', 'MAIJA', 'ANNA'],
          calls: ['+358900001', '+358900002'],
          customerAnswerPercent: 100,
          customerAnswerAfterSec: 5,
          ...template,
          config: { noAnswerTimeout: 20, failedCallRetryTimeout: 60, failedCallRetryLimit: 1, agentWorkingAfterCallTimeout: 0, agentsDistribution: 'cyclic', queueLimit: 0, ...(template['config'] as object) },
        },
      ],
    },
  };
}

const state = async (service = 'camp1') => /<routingPointState><([\w-]+)\/>/.exec(await send(req('queryRoutingPointState', { service })))?.[1];
const config = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `<${k}>${v}</${k}>`).join('');
const start = (fields: Record<string, string> = {}) => send(req('startRoutingPoint', { service: 'camp1', ...(Object.keys(fields).length ? { config: config(fields) } : {}) }));

/** Agents currently rung by a campaign call, in call order. */
function rungAgents(): string[] {
  return gw()
    .gw.center.activeCalls()
    .filter((c) => c.attached['campaign'] === 'camp1')
    .flatMap((c) => c.parties.filter((p) => p.userId !== undefined && p.state === 'alerting').map((p) => p.userId as string));
}

describe('an outbound campaign', () => {
  it('dials, routes answered customers to agents with cause route, keeps statistics and completes', async () => {
    const g = await startGateway({ fixture: fixture({}) });
    const harri = await listener();
    await send(req('openSession', { deviceNumber: '1101', eventUDPPort: String(harri.port) }));
    expect(await state()).toBe('stopped');
    expect(await start()).toBe(STANDARD);
    expect(await state()).toBe('started-running');
    // Pacing: as many calls as free agents (queueLimit 0).
    expect(gw().gw.center.activeCalls().map((c) => c.dialled)).toEqual(['+358900001', '+358900002']);
    g.clock.advance(5000);
    expect(rungAgents()).toEqual(['HARRI', 'MAIJA']);
    const [alerting] = await harri.waitFor(1, (m) => m.includes('<alerting/>'));
    expect(alerting).toContain('<otherParty><number>+358900001</number></otherParty><lastRedirectionParty><number>3901</number></lastRedirectionParty>');
    // Seed cause 9 "route": the routing point's divert, reported once, as the agent's phone starts ringing.
    expect(alerting).toContain('<cause><route/></cause>');
    await send(req('answerCall', { deviceNumber: '1101' }));
    await agent('MAIJA', 'answer');
    const [routed] = await harri.waitFor(1, (m) => m.includes('<connected/>'));
    expect(routed).not.toContain('<cause>');
    const agentEvent = await harri.waitFor(1, (m) => m.includes('<outboundServices>'));
    expect(agentEvent[0]).toContain('<outboundServices><service>camp1</service></outboundServices>');
    g.clock.advance(30_000);
    await agent('HARRI', 'drop');
    await agent('MAIJA', 'drop');
    expect(await state()).toBe('started-completed');
    const total = await send(req('queryRoutingPointStatistics', { service: 'camp1', type: '<total/>' }));
    expect(field(total, 'outgoingCallsIntendedCount')).toBe('2');
    expect(field(total, 'outgoingCallsOriginatedCount')).toBe('2');
    expect(field(total, 'outgoingCallsConnectedCount')).toBe('2');
    expect(field(total, 'outgoingCallsPerformedCount')).toBe('2');
    expect(field(total, 'outgoingCallsFailedCount')).toBe('0');
    expect(field(total, 'routedToDistributionCallsCount')).toBe('2');
    expect(field(total, 'outgoingCallsConnectedDuration')).toBe('00:01:00');
    expect(field(total, 'workDuration')).toBe('00:00:35');
    const snap = await send(req('queryRoutingPointStatistics', { service: 'camp1', type: '<snapshot/>' }));
    expect(snap).toContain('<readyAvailableAgentsCount>3</readyAvailableAgentsCount>');
    expect(snap).toContain('<outboundServices><service>camp1</service></outboundServices>');
  });

  it('clears unanswered calls after noAnswerTimeout, retries after failedCallRetryTimeout, gives up after failedCallRetryLimit', async () => {
    const g = await startGateway({ fixture: fixture({ customerAnswerPercent: 0, calls: ['+358900009'] }) });
    await start();
    expect(gw().gw.center.activeCalls()).toHaveLength(1);
    g.clock.advance(20_000);
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
    g.clock.advance(59_000);
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
    g.clock.advance(1000);
    expect(gw().gw.center.activeCalls()).toHaveLength(1);
    g.clock.advance(20_000);
    await Promise.resolve();
    expect(await state()).toBe('started-completed');
    const total = await send(req('queryRoutingPointStatistics', { service: 'camp1', type: '<total/>' }));
    expect([field(total, 'outgoingCallsOriginatedCount'), field(total, 'outgoingCallsRetriedCount'), field(total, 'outgoingCallsFailedCount'), field(total, 'outgoingCallsConnectedCount')]).toEqual(['2', '1', '1', '0']);
  });

  it('waits outside working hours and on non-working days (2026-01-05 is a Monday, day 2)', async () => {
    const g = await startGateway({ fixture: fixture({}) });
    expect(await start({ workingHours: '10:00/12:00,13/17' })).toBe(STANDARD);
    expect(await state()).toBe('started');
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
    g.clock.advance(3600_000);
    expect(await state()).toBe('started-running');
    expect(gw().gw.center.activeCalls()).toHaveLength(2);
    await send(req('stopRoutingPoint', { service: 'camp1' }));
    expect(await start({ nonWorkingDaysOfWeek: '1,2' })).toBe(STANDARD);
    expect(await state()).toBe('started');
    await send(req('stopRoutingPoint', { service: 'camp1' }));
    expect(await start({ nonWorkingDays: '25-12,5-1' })).toBe(STANDARD);
    expect(await state()).toBe('started');
    await send(req('stopRoutingPoint', { service: 'camp1' }));
    expect(await start({ workingHours: '25:00/26:00' })).toBe(error('reject'));
  });

  for (const [distribution, second] of [
    ['sequential', ['HARRI', 'MAIJA']],
    ['cyclic', ['ANNA', 'HARRI']],
    ['most-idle', ['ANNA', 'MAIJA']],
  ] as const) {
    it(`distributes answered calls ${distribution}`, async () => {
      const g = await startGateway({ fixture: fixture({ config: { agentsDistribution: distribution } }) });
      await start();
      g.clock.advance(5000);
      expect(rungAgents()).toEqual(['HARRI', 'MAIJA']);
      await agent('HARRI', 'answer');
      await agent('MAIJA', 'answer');
      g.clock.advance(10_000);
      await agent('MAIJA', 'drop');
      g.clock.advance(10_000);
      await agent('HARRI', 'drop');
      // The call table grows (seed: updateRoutingPoint "whenever a change is made in the table containing the calls").
      const calls = ['+358900001', '+358900002', '+358900003', '+358900004'].map((n) => `<number>${n}</number>`).join('');
      expect(await send(req('updateRoutingPoint', { service: 'camp1', config: `<calls>${calls}</calls>` }))).toBe(STANDARD);
      g.clock.advance(5000);
      expect(rungAgents()).toEqual(second);
    });
  }

  it('honours the agent wrap-up timeout and the queue limit', async () => {
    const g = await startGateway({ fixture: fixture({ agents: ['HARRI'], calls: ['+358900001', '+358900002', '+358900003'], config: { queueLimit: 100, agentWorkingAfterCallTimeout: 30 } }) });
    await start();
    // One free agent plus a queue of 100 % of one logged-on agent: two calls.
    expect(gw().gw.center.activeCalls()).toHaveLength(2);
    g.clock.advance(5000);
    expect(rungAgents()).toEqual(['HARRI']);
    const snap = await send(req('queryRoutingPointStatistics', { service: 'camp1', type: '<snapshot/>' }));
    expect(field(snap, 'queuedCallsCount')).toBe('1');
    await agent('HARRI', 'answer');
    g.clock.advance(20_000);
    await agent('HARRI', 'drop');
    // HARRI rests 30 s before the next campaign call.
    g.clock.advance(29_000);
    expect(rungAgents()).toEqual([]);
    g.clock.advance(1000);
    expect(rungAgents()).toEqual(['HARRI']);
    const total = await send(req('queryRoutingPointStatistics', { service: 'camp1', type: '<total/>' }));
    expect(field(total, 'queuedCallsCount')).toBe('1');
    expect(field(total, 'queuedCallsDuration')).toBe('00:00:50');
  });
});

describe('routing point states and supervisor requests', () => {
  it('moves through the six states; suspend clears calls in progress; stop removes the campaign', async () => {
    const g = await startGateway({ fixture: fixture({}) });
    expect(await state()).toBe('stopped');
    expect(await send(req('suspendRoutingPoint', { service: 'camp1' }))).toBe(error('reject'));
    await start();
    expect(await state()).toBe('started-running');
    expect(gw().gw.center.activeCalls()).toHaveLength(2);
    expect(await send(req('suspendRoutingPoint', { service: 'camp1' }))).toBe(STANDARD);
    expect(await state()).toBe('started-suspended');
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
    g.clock.advance(60_000);
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
    expect(await send(req('resumeRoutingPoint', { service: 'camp1' }))).toBe(STANDARD);
    expect(gw().gw.center.activeCalls()).toHaveLength(2);
    expect(await send(req('stopRoutingPoint', { service: 'camp1' }))).toBe(STANDARD);
    expect(await state()).toBe('stopped');
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
    expect(await send(req('stopRoutingPoint', { service: 'camp1' }))).toBe(error('reject'));
    // No defined agent can take the calls: started-failed. An empty call table: started-completed.
    expect(await start({ agents: '<agent>NOBODY</agent>' })).toBe(STANDARD);
    expect(await state()).toBe('started-failed');
    await send(req('stopRoutingPoint', { service: 'camp1' }));
    expect(await start({ calls: '' })).toBe(STANDARD);
    expect(await state()).toBe('started-completed');
    await send(req('stopRoutingPoint', { service: 'camp1' }));
    // Every agent logged off: started, waiting for agents.
    for (const u of ['HARRI', 'MAIJA', 'ANNA']) await send(req('openSession', { deviceNumber: gw().gw.center.agent(u).extension }));
    for (const d of ['1101', '1102', '1104']) await send(req('agentState', { deviceNumber: d, state: '<loggedOff/>' }));
    await start();
    expect(await state()).toBe('started');
    expect(await send(req('startRoutingPoint', { service: 'camp2', template: 'nonexistent' }))).toBe(error('reject'));
  });

  it('serviceTimeout stops the campaign; agentLoggedOnOnOpenSession logs agents on', async () => {
    const g = await startGateway({ fixture: fixture({ config: { agentLoggedOnOnOpenSession: true } }) });
    await send(req('openSession', { deviceNumber: '1101' }));
    await send(req('agentState', { deviceNumber: '1101', state: '<loggedOff/>' }));
    await send(req('closeSession', { deviceNumber: '1101' }));
    await start({ serviceTimeout: '100' });
    expect(await send(req('openSession', { deviceNumber: '1101' }))).toBe(STANDARD);
    expect(gw().gw.center.agent('HARRI').state).not.toBe('loggedOff');
    g.clock.advance(100_000);
    expect(await state()).toBe('stopped');
  });
});
