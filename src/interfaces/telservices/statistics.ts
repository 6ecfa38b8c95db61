/**
 * Seed "QueryUserStatistics" and "QueryRoutingPointStatistics": snapshot and total statistics, with every counter the
 * seed's examples list, in their order and spelling (including `incomingCallsAbandoneddImmediatelCount`, INVENTORY
 * 4.9 #8). Durations are "HH:MM:SS", percentages XER REALs. "agent…" counters count calls the agent took as an agent
 * (through a queue or routing point); the others count every call of the device.
 */
import type { Agent, AgentFigures, AgentState, AgentStats, ContactCenter, Tally } from '../../core/index.js';
import { el, enumEl, txt, type XNode } from './codec.js';
import { wireAgentState } from './projection.js';
import { servicesNode } from './results.js';
import { formatDateTime, hms, percent } from './time.js';

export type LiveAgentStats = AgentStats & { stateMsNow: Record<AgentState, number> };

const avg = (t: Tally) => (t.count > 0 ? t.totalMs / t.count : 0);

/** The counters of userStatistics/total, after `start` and the services (also per agent in routing point totals). */
export function userTotalCounters(s: LiveAgentStats): XNode[] {
  const ms = s.stateMsNow;
  const loggedOn = ms.ready + ms.notReady + ms.busy + ms.workingAfterCall;
  const whole = loggedOn + ms.loggedOff;
  return [
    txt('incomingCallsFailedCount', s.incomingFailed),
    txt('incomingCallsAlertingCount', s.incomingAlerting.count),
    txt('agentIncomingCallsAlertingCount', s.acdIncomingAlerting.count),
    txt('incomingCallsConnectedCount', s.incomingConnected.count),
    txt('agentIncomingCallsConnectedCount', s.acdIncomingConnected.count),
    txt('incomingCallsAbandonedCount', s.incomingAbandoned),
    txt('agentIncomingCallsAbandonedCount', s.acdIncomingAbandoned),
    txt('incomingCallsAlertingDuration', hms(s.incomingAlerting.totalMs)),
    txt('incomingCallsAlertingAvgDuration', hms(avg(s.incomingAlerting))),
    txt('incomingCallsAlertingMaxDuration', hms(s.incomingAlerting.maxMs)),
    txt('agentIncomingCallsAlertingDuration', hms(s.acdIncomingAlerting.totalMs)),
    txt('agentIncomingCallsAlertingAvgDuration', hms(avg(s.acdIncomingAlerting))),
    txt('incomingCallsConnectedDuration', hms(s.incomingConnected.totalMs)),
    txt('incomingCallsConnectedAvgDuration', hms(avg(s.incomingConnected))),
    txt('incomingCallsConnectedMaxDuration', hms(s.incomingConnected.maxMs)),
    txt('agentIncomingCallsConnectedDuration', hms(s.acdIncomingConnected.totalMs)),
    txt('agentIncomingCallsConnectedAvgDuration', hms(avg(s.acdIncomingConnected))),
    txt('outgoingCallsOriginatedCount', s.outgoingOriginated),
    txt('agentOutgoingCallsOriginatedCount', s.acdOutgoingOriginated),
    txt('outgoingCallsConnectedCount', s.outgoingConnected.count),
    txt('agentOutgoingCallsConnectedCount', s.acdOutgoingConnected.count),
    txt('outgoingCallsConnectedDuration', hms(s.outgoingConnected.totalMs)),
    txt('outgoingCallsConnectedAvgDuration', hms(avg(s.outgoingConnected))),
    txt('outgoingCallsConnectedMaxDuration', hms(s.outgoingConnected.maxMs)),
    txt('agentOutgoingCallsConnectedDuration', hms(s.acdOutgoingConnected.totalMs)),
    txt('agentOutgoingCallsConnectedAvgDuration', hms(avg(s.acdOutgoingConnected))),
    txt('agentLoggedOffDuration', hms(ms.loggedOff)),
    txt('agentLoggedOffPercentage', percent(ms.loggedOff, whole)),
    txt('agentLoggedOnDuration', hms(loggedOn)),
    txt('agentLoggedOnPercentage', percent(loggedOn, whole)),
    txt('agentNotReadyDuration', hms(ms.notReady)),
    txt('agentNotReadyPercentage', percent(ms.notReady, whole)),
    txt('agentReadyDuration', hms(ms.ready)),
    txt('agentReadyPercentage', percent(ms.ready, whole)),
    txt('agentDirectCallDuration', hms(s.directCallMs)),
    txt('agentDirectCallPercentage', percent(s.directCallMs, whole)),
    txt('agentWorkingAfterCallDuration', hms(ms.workingAfterCall)),
    txt('agentWorkingAfterCallPercentage', percent(ms.workingAfterCall, whole)),
    txt('agentBusyDuration', hms(ms.busy)),
    txt('agentBusyPercentage', percent(ms.busy, whole)),
  ];
}

export interface ServicesOf {
  inbound: string[];
  outbound: string[];
}

export function userTotalNode(s: LiveAgentStats, svc: ServicesOf, timeZone: string): XNode {
  return el('total', txt('start', formatDateTime(s.since, timeZone)), servicesNode('inboundServices', svc.inbound), servicesNode('outboundServices', svc.outbound), ...userTotalCounters(s));
}

/**
 * Seed "QueryUserStatistics" example 1: agentState and inboundServices (outboundServices for a campaign's agent).
 * Nothing else: clients decode it with decoders generated from the seed's schema, which refuse unknown elements.
 */
export function userSnapshotNode(agent: Agent | undefined, svc: ServicesOf): XNode {
  if (!agent) return el('snapshot');
  return el(
    'snapshot',
    enumEl('agentState', wireAgentState(agent.state, agent.reason)),
    servicesNode('inboundServices', svc.inbound),
    servicesNode('outboundServices', svc.outbound),
  );
}

// ------------------------------------------------------------------ routing points

export interface RpSnapshotInput {
  /** Waiting calls and the sum of their waits so far (the core's queue figures, or a campaign's own list). */
  queued: { count: number; totalWaitMs: number };
  /** The agents counted by state (the core's figures). */
  byState: AgentFigures;
  agents: Agent[];
  /** Which services to show on an agent (inbound for an inbound point, outbound for a campaign). */
  servicesOf(agent: Agent): ServicesOf;
  /** Whether an agent's current call came through this or another routing point (else a direct call). */
  onAgentCall(agent: Agent): 'none' | 'agent' | 'direct';
}

export function rpSnapshotNode(r: RpSnapshotInput): XNode {
  const f = r.byState;
  let inCall = 0;
  // Seed "notReadyOrDirectCallAgentsCount": a logged-on agent on a direct call counts there, whatever its state.
  let directReady = 0;
  let directBusyOrWac = 0;
  for (const a of r.agents) {
    const call = r.onAgentCall(a);
    if (call !== 'none') inCall++;
    if (call !== 'direct') continue;
    if (a.state === 'busy' || a.state === 'workingAfterCall') directBusyOrWac++;
    else if (a.state === 'ready') directReady++;
  }
  return el(
    'snapshot',
    txt('queuedCallsCount', r.queued.count),
    txt('queuedCallsDuration', hms(r.queued.totalWaitMs)),
    txt('readyAvailableAgentsCount', f.ready - directReady),
    txt('busyOrWorkingAfterCallAgentsCount', f.busy + f.wrapUp - directBusyOrWac),
    txt('notReadyOrDirectCallAgentsCount', f.notReady + directReady + directBusyOrWac),
    txt('agentsInCallCount', inCall),
    txt('loggedOffOrClosedAgentsCount', f.loggedOff),
    el(
      'agents',
      ...r.agents.map((a) => {
        // Seed example: a logged-off agent shows only its device and state.
        const on = a.state !== 'loggedOff';
        const svc = r.servicesOf(a);
        return el(
          'agent',
          txt('deviceNumber', a.extension),
          on && txt('userID', a.userId),
          enumEl('agentState', wireAgentState(a.state, a.reason)),
          on && servicesNode('inboundServices', svc.inbound),
          on && servicesNode('outboundServices', svc.outbound),
        );
      }),
    ),
  );
}

export interface RpTotalsInput {
  since: number;
  workMs: number;
  routedToAssigned: number;
  routedToDistribution: number;
  routedToFailure: number;
  queued: Tally;
  incoming: number;
  abandonedImmediately: number;
  abandonedOnAgent: number;
  abandonedInQueue: number;
  incomingConnected: number;
  alerting: Tally;
  connected: Tally;
  outgoingOriginated: number;
  outgoingConnected: Tally;
  outgoingIntended: number;
  outgoingPerformed: number;
  outgoingRetried: number;
  outgoingFailed: number;
  agents: Agent[];
  servicesOf(agent: Agent): ServicesOf;
}

export function rpTotalNode(cc: ContactCenter, r: RpTotalsInput, timeZone: string): XNode {
  return el(
    'total',
    txt('start', formatDateTime(r.since, timeZone)),
    txt('workDuration', hms(r.workMs)),
    txt('routedToAssignedAgentCallsCount', r.routedToAssigned),
    txt('routedToDistributionCallsCount', r.routedToDistribution),
    txt('routedToFailureRouteCallsCount', r.routedToFailure),
    txt('queuedCallsCount', r.queued.count),
    txt('queuedCallsDuration', hms(r.queued.totalMs)),
    txt('queuedCallsAvgDuration', hms(avg(r.queued))),
    txt('queuedCallsMaxDuration', hms(r.queued.maxMs)),
    txt('incomingCallsCount', r.incoming),
    txt('incomingCallsAbandoneddImmediatelCount', r.abandonedImmediately),
    txt('incomingCallsAbandonedOnAgentCount', r.abandonedOnAgent),
    txt('incomingCallsAbandonedOnQueueCount', r.abandonedInQueue),
    txt('incomingCallsConnectedCount', r.incomingConnected),
    txt('incomingCallsAlertingDuration', hms(r.alerting.totalMs)),
    txt('incomingCallsAlertingAvgDuration', hms(avg(r.alerting))),
    txt('incomingCallsConnectedDuration', hms(r.connected.totalMs)),
    txt('incomingCallsConnectedAvgDuration', hms(avg(r.connected))),
    txt('outgoingCallsOriginatedCount', r.outgoingOriginated),
    txt('outgoingCallsConnectedCount', r.outgoingConnected.count),
    txt('outgoingCallsIntendedCount', r.outgoingIntended),
    txt('outgoingCallsPerformedCount', r.outgoingPerformed),
    txt('outgoingCallsRetriedCount', r.outgoingRetried),
    txt('outgoingCallsFailedCount', r.outgoingFailed),
    txt('outgoingCallsConnectedDuration', hms(r.outgoingConnected.totalMs)),
    txt('outgoingCallsConnectedAvgDuration', hms(avg(r.outgoingConnected))),
    el(
      'agents',
      ...r.agents.map((a) => {
        const s = cc.agentStats(a.userId);
        const svc = r.servicesOf(a);
        const active = Object.entries(s.stateMsNow).some(([state, ms]) => state !== 'loggedOff' && ms > 0);
        // Seed example: an agent with no activity carries only its device and user id.
        if (!active) return el('agent', txt('deviceNumber', a.extension), txt('userID', a.userId));
        return el(
          'agent',
          txt('deviceNumber', a.extension),
          txt('start', formatDateTime(s.since, timeZone)),
          txt('userID', a.userId),
          servicesNode('inboundServices', svc.inbound),
          servicesNode('outboundServices', svc.outbound),
          ...userTotalCounters(s),
        );
      }),
    ),
  );
}
