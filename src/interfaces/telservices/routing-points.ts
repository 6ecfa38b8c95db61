/**
 * Supervisor services (seed "Supervisor services"): routing points by service name. An inbound routing point
 * (inbound-point.ts) is a core phone queue the core's ACD distributes; suspending or stopping it sends incoming calls
 * to its failure route. An outbound routing point is a campaign (campaign.ts) created from a template by
 * startRoutingPoint and removed by stopRoutingPoint.
 */
import type { Logger } from 'pino';
import type { Agent, ContactCenter, DomainEvent } from '../../core/index.js';
import { newTally } from '../../core/index.js';
import { el, type XNode } from './codec.js';
import { Campaign } from './campaign.js';
import { parseDays, parseDaysOfWeek, parseWorkingHours, withWorkingTime, type CampaignSettings } from './campaign-settings.js';
import { DEFAULT_TEMPLATE, type CampaignSettingsFixture, type OutboundTemplate, type TelServicesFixture } from './config.js';
import { TsError } from './errors.js';
import { InboundPoint } from './inbound-point.js';
import type { RpState } from './projection.js';
import type { RoutingPointConfigInput } from './requests.js';
import { rpSnapshotNode, rpTotalNode, type RpTotalsInput, type ServicesOf } from './statistics.js';

export class RoutingPoints {
  private readonly inbound = new Map<string, InboundPoint>();
  private readonly campaigns = new Map<string, Campaign>();
  private readonly templates = new Map<string, OutboundTemplate>();
  private nextNumber = 3901;

  constructor(
    private readonly cc: ContactCenter,
    fixture: TelServicesFixture,
    private readonly log: Logger,
    private readonly timeZone: string,
  ) {
    for (const rp of fixture.routingPoints) {
      if (rp.type === 'outbound') {
        this.templates.set(rp.service, rp);
        continue;
      }
      const queue = cc.queue(rp.queue);
      if (queue.channel !== 'phone') throw new Error(`fixture: telservices routing point ${rp.service}: queue ${rp.queue} is not a phone queue`);
      const def = { service: rp.service, queue, started: rp.started, ...(rp.failureRoute !== undefined ? { failureRoute: rp.failureRoute } : {}) };
      this.inbound.set(rp.service, new InboundPoint(def, { cc, timeZone }));
    }
  }

  /** Inbound points follow their agents; campaigns' call lists follow the core's events themselves (core/dialer). */
  onEvent(e: DomainEvent): void {
    for (const p of this.inbound.values()) p.onEvent(e);
  }

  isRoutingPoint(number: string): boolean {
    for (const c of this.campaigns.values()) if (c.number === number) return true;
    return false;
  }

  /** Services an agent works for (seed AgentInfo inboundServices / outboundServices). */
  servicesOf(agent: Agent): ServicesOf {
    const inbound = [...this.inbound.values()].filter((p) => agent.queues.includes(p.queue.id)).map((p) => p.service);
    const outbound = [...this.campaigns.values()].filter((c) => c.state() !== 'stopped' && c.agentIds().includes(agent.userId)).map((c) => c.service);
    return { inbound, outbound };
  }

  /**
   * Seed config agentLoggedOnOnOpenSession / agentReadyOnLoggedOn for an agent: set by any running routing point it
   * works for (a campaign's agents, an inbound point's queue members).
   */
  logOnRules(userId: string): { loggedOnOnOpenSession: boolean; readyOnLoggedOn: boolean } {
    const rules = [
      ...[...this.campaigns.values()]
        .filter((c) => c.agentIds().includes(userId) && c.state() !== 'stopped')
        .map((c) => ({ loggedOnOnOpenSession: c.settings.agentLoggedOnOnOpenSession, readyOnLoggedOn: c.settings.agentReadyOnLoggedOn })),
      ...[...this.inbound.values()].filter((p) => p.queue.members.includes(userId) && p.state() !== 'stopped').map((p) => p.logOnRules()),
    ];
    const logOn = rules.filter((r) => r.loggedOnOnOpenSession);
    return { loggedOnOnOpenSession: logOn.length > 0, readyOnLoggedOn: rules.some((r) => r.readyOnLoggedOn) };
  }

  /** Seed: a routing point never started (or removed after its campaign stopped) is in its original state, stopped. */
  state(service: string): RpState {
    return (this.campaigns.get(service) ?? this.inbound.get(service))?.state() ?? 'stopped';
  }

  stateNode(service: string): XNode {
    return el('routingPointState', { name: this.state(service) });
  }

  start(service: string, template: string | undefined, config: RoutingPointConfigInput): void {
    const p = this.inbound.get(service);
    if (p) return p.start(config);
    if (this.campaigns.has(service)) {
      this.campaigns.get(service)?.update(this.definitionUpdate(service, config));
      return;
    }
    const tpl = template !== undefined ? this.templates.get(template) : (this.templates.get('outbound') ?? DEFAULT_TEMPLATE);
    if (!tpl) throw new TsError('reject', `unknown template ${template ?? ''}`);
    const settings = this.settings(tpl.config, config);
    const agents = config.agents ? this.resolveAgents(config.agents) : tpl.agents.length > 0 ? this.resolveAgents(tpl.agents) : this.phoneAgents();
    const calls = config.calls ?? (tpl.calls.length > 0 ? tpl.calls : this.generatedCalls(tpl.generatedCalls));
    const campaign = new Campaign(
      {
        service,
        number: tpl.number !== undefined && !this.numberTaken(tpl.number) ? tpl.number : this.allocateNumber(),
        agents,
        calls,
        settings,
        answerPercent: tpl.customerAnswerPercent,
        answerAfterSec: tpl.customerAnswerAfterSec,
      },
      { cc: this.cc, timeZone: this.timeZone },
    );
    this.campaigns.set(service, campaign);
    this.log.info({ service, number: campaign.number, calls: calls.length, agents }, 'telservices campaign started');
  }

  stop(service: string): void {
    const c = this.campaigns.get(service);
    if (c) {
      c.stop();
      // Seed: "the routing point used by the campaign is removed, the directories are also removed".
      this.campaigns.delete(service);
      return;
    }
    this.point(service).stop();
  }

  suspend(service: string): void {
    const c = this.campaigns.get(service);
    if (c) return c.suspend();
    this.point(service).suspend();
  }

  resume(service: string): void {
    const c = this.campaigns.get(service);
    if (c) return c.resume();
    this.point(service).resume();
  }

  update(service: string, config: RoutingPointConfigInput): void {
    const c = this.campaigns.get(service);
    if (c) return c.update(this.definitionUpdate(service, config));
    this.point(service).update(config);
  }

  statistics(service: string, type: 'snapshot' | 'total'): XNode {
    const c = this.campaigns.get(service);
    const agents = c ? c.agents() : this.point(service).members();
    const servicesOf = (a: Agent): ServicesOf => {
      const s = this.servicesOf(a);
      return c ? { inbound: [], outbound: s.outbound } : { inbound: s.inbound, outbound: [] };
    };
    const onAgentCall = (a: Agent): 'none' | 'agent' | 'direct' => {
      const calls = this.cc.telephony.callsOf(a.extension);
      if (calls.length === 0) return 'none';
      return calls.some((call) => call.acd || call.attached['campaign'] !== undefined) ? 'agent' : 'direct';
    };
    if (type === 'snapshot') {
      // Both kinds show their queue's figures from the core: an inbound point's queue, a campaign's call list's queue.
      const f = this.cc.routing.queueFigures(c ? c.queueId : this.point(service).queue.id);
      return el('routingPointStatistics', rpSnapshotNode({ queued: { count: f.waiting, totalWaitMs: f.totalWaitMs }, byState: f, agents, servicesOf, onAgentCall }));
    }
    const totals = c ? campaignTotals(c) : this.inboundTotals(this.point(service));
    return el('routingPointStatistics', rpTotalNode(this.cc, { ...totals, agents, servicesOf }, this.timeZone));
  }

  stopAll(): void {
    for (const c of this.campaigns.values()) c.stop();
    for (const p of this.inbound.values()) p.dispose();
  }

  snapshot(): unknown[] {
    return [
      ...[...this.inbound.values()].map((p) => ({ service: p.service, type: 'inbound', queue: p.queue.id, state: this.state(p.service) })),
      ...[...this.campaigns.values()].map((c) => c.snapshot()),
    ];
  }

  // ---------------------------------------------------------------- internals

  private point(service: string): InboundPoint {
    const p = this.inbound.get(service);
    if (!p) throw new TsError('reject', `unknown routing point ${service}`);
    return p;
  }

  /** Seed routingPointStatistics total of an inbound routing point: its queue's statistics. */
  private inboundTotals(p: InboundPoint): Totals {
    const q = this.cc.queueStats(p.queue.id);
    return {
      since: q.since,
      workMs: p.workDuration(),
      routedToAssigned: q.routedToPreferred,
      routedToDistribution: q.routedToDistribution,
      routedToFailure: q.routedToFailure,
      queued: q.queued,
      incoming: q.offered,
      abandonedImmediately: q.abandonedImmediately,
      abandonedOnAgent: q.abandonedOnAgent,
      abandonedInQueue: q.abandonedInQueue,
      incomingConnected: q.answered,
      alerting: q.alerting,
      connected: q.connected,
      // An inbound routing point places no calls: outgoing counters are a campaign's (campaignTotals).
      outgoingOriginated: 0,
      outgoingConnected: newTally(),
      outgoingIntended: 0,
      outgoingPerformed: 0,
      outgoingRetried: 0,
      outgoingFailed: 0,
    };
  }

  private definitionUpdate(service: string, config: RoutingPointConfigInput): { settings?: CampaignSettings; agents?: string[]; calls?: string[] } {
    const c = this.campaigns.get(service);
    const out: { settings?: CampaignSettings; agents?: string[]; calls?: string[] } = {};
    if (c) out.settings = this.mergeSettings(c.settings, config);
    if (config.agents) out.agents = this.resolveAgents(config.agents);
    if (config.calls) out.calls = config.calls;
    return out;
  }

  private settings(tpl: CampaignSettingsFixture, req: RoutingPointConfigInput): CampaignSettings {
    const base: CampaignSettings = {
      ...(tpl.serviceTimeout ? { serviceTimeoutSec: tpl.serviceTimeout } : {}),
      workingHours: parseWorkingHours(tpl.workingHours),
      nonWorkingDaysOfWeek: parseDaysOfWeek(tpl.nonWorkingDaysOfWeek),
      nonWorkingDays: parseDays(tpl.nonWorkingDays),
      noAnswerTimeoutSec: tpl.noAnswerTimeout,
      retryTimeoutSec: tpl.failedCallRetryTimeout,
      retryLimit: tpl.failedCallRetryLimit,
      wrapUpSec: tpl.agentWorkingAfterCallTimeout,
      distribution: tpl.agentsDistribution,
      queueLimitPercent: tpl.queueLimit,
      agentLoggedOnOnOpenSession: tpl.agentLoggedOnOnOpenSession,
      agentReadyOnLoggedOn: tpl.agentReadyOnLoggedOn,
      immediateAbandonSec: tpl.statisticsIncomingCallImmediateAbandonTimeout,
    };
    return this.mergeSettings(base, req);
  }

  /** Request values over current ones (seed: "the default values will be those defined in the template"). */
  private mergeSettings(s: CampaignSettings, r: RoutingPointConfigInput): CampaignSettings {
    const out = withWorkingTime(s, r);
    if (r.serviceTimeout !== undefined) out.serviceTimeoutSec = r.serviceTimeout;
    if (r.noAnswerTimeout !== undefined) out.noAnswerTimeoutSec = r.noAnswerTimeout;
    if (r.failedCallRetryTimeout !== undefined) out.retryTimeoutSec = r.failedCallRetryTimeout;
    if (r.failedCallRetryLimit !== undefined) out.retryLimit = r.failedCallRetryLimit;
    if (r.agentWorkingAfterCallTimeout !== undefined) out.wrapUpSec = r.agentWorkingAfterCallTimeout;
    if (r.agentsDistribution !== undefined) out.distribution = r.agentsDistribution;
    if (r.queueLimit !== undefined) out.queueLimitPercent = r.queueLimit;
    if (r.agentLoggedOnOnOpenSession !== undefined) out.agentLoggedOnOnOpenSession = r.agentLoggedOnOnOpenSession;
    if (r.agentReadyOnLoggedOn !== undefined) out.agentReadyOnLoggedOn = r.agentReadyOnLoggedOn;
    if (r.statisticsIncomingCallImmediateAbandonTimeout !== undefined) out.immediateAbandonSec = r.statisticsIncomingCallImmediateAbandonTimeout;
    return out;
  }

  /** Agents named by user id or by device number; unknown names are left out (the campaign may end up failed). */
  private resolveAgents(names: string[]): string[] {
    const out: string[] = [];
    for (const n of names) {
      const a = this.cc.findAgent(n) ?? this.cc.agentByExtension(n);
      if (a && !out.includes(a.userId)) out.push(a.userId);
    }
    return out;
  }

  private phoneAgents(): string[] {
    return [...this.cc.agents.values()].filter((a) => a.channels.includes('phone')).map((a) => a.userId);
  }

  private generatedCalls(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `+3589${String(7000000 + i)}`);
  }

  private numberTaken(n: string): boolean {
    return this.cc.isInternal(n) || this.cc.queueAt(n) !== undefined;
  }

  private allocateNumber(): string {
    while (this.numberTaken(String(this.nextNumber))) this.nextNumber++;
    return String(this.nextNumber++);
  }
}

type Totals = Omit<RpTotalsInput, 'agents' | 'servicesOf'>;

/** Seed routingPointStatistics total of an outbound routing point: its call list's counters (nothing inbound). */
function campaignTotals(c: Campaign): Totals {
  const s = c.stats;
  return {
    since: s.since,
    workMs: c.workMs(),
    routedToAssigned: 0,
    routedToDistribution: s.routedToAgent,
    routedToFailure: s.routedToFailure,
    queued: { count: s.queued.count, totalMs: s.queued.totalMs, maxMs: s.queued.maxMs },
    incoming: 0,
    abandonedImmediately: s.abandonedImmediately,
    abandonedOnAgent: s.abandonedOnAgent,
    abandonedInQueue: s.abandonedInQueue,
    incomingConnected: 0,
    alerting: newTally(),
    connected: newTally(),
    outgoingOriginated: s.originated,
    outgoingConnected: { count: s.connected.count, totalMs: s.connected.totalMs, maxMs: 0 },
    outgoingIntended: s.intended,
    outgoingPerformed: s.performed,
    outgoingRetried: s.retried,
    outgoingFailed: s.failed,
  };
}
