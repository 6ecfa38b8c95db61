/**
 * An outbound routing point running a campaign (seed "StartRoutingPoint" … "UpdateRoutingPoint", routing point
 * states and statistics). The routing point is a multi-line PBX device that dials the call list through the core;
 * simulated customers answer or not (decided with the center's seeded identifier source, so a seeded run is
 * reproducible), and an answered customer is routed to a ready agent of the campaign by a blind transfer
 * (core divert), which the agent's TelServices events report with cause "route".
 *
 * Honoured settings: noAnswerTimeout, failedCallRetryTimeout and failedCallRetryLimit (retries after the first try),
 * workingHours, nonWorkingDaysOfWeek (1 = Sunday), nonWorkingDays (day-month), agentWorkingAfterCallTimeout (the
 * agent gets no campaign call for that long after one ends), agentsDistribution (cyclic, sequential, most-idle),
 * queueLimit (answered customers that may wait for an agent, as a percentage of the campaign's logged-on agents)
 * and serviceTimeout. Pacing never dials more than the free agents plus the queue allowance.
 */
import type { Logger } from 'pino';
import type { Agent, ContactCenter, DomainEvent, TimerHandle } from '../../core/index.js';
import { TsError } from './errors.js';
import type { RpState } from './projection.js';
import { isWorkingTime, type CampaignSettings } from './campaign-settings.js';

export interface CampaignDefinition {
  service: string;
  /** The routing point's device number. */
  number: string;
  /** Agents' user ids, in the configured order (sequential and cyclic distributions follow it). */
  agents: string[];
  calls: string[];
  settings: CampaignSettings;
  /** Simulated customers: share that answers, and after how long. */
  answerPercent: number;
  answerAfterSec: number;
}

type EntryState = 'pending' | 'dialling' | 'answered' | 'queued' | 'routed' | 'done' | 'failed';

interface Entry {
  number: string;
  state: EntryState;
  tries: number;
  retryAt: number;
  callId?: string;
  queuedAt?: number;
  answeredAt?: number;
  timer?: TimerHandle;
}

export interface CampaignStats {
  since: number;
  intended: number;
  originated: number;
  performed: number;
  retried: number;
  failed: number;
  connected: number;
  connectedMs: number;
  routedToDistribution: number;
  routedToFailure: number;
  queued: { count: number; totalMs: number; maxMs: number };
  abandonedInQueue: number;
  abandonedImmediately: number;
  abandonedOnAgent: number;
  workMs: number;
}

export interface CampaignDeps {
  cc: ContactCenter;
  log: Logger;
  timeZone: string;
}

const RECHECK_MS = 60_000;

export class Campaign {
  private entries: Entry[];
  private readonly byCall = new Map<string, Entry>();
  private suspended = false;
  private stopped = false;
  private wake: TimerHandle | undefined;
  private soonTimer: TimerHandle | undefined;
  private serviceTimer: TimerHandle | undefined;
  private runningSince: number | undefined;
  /** Agents resting after a campaign call (agentWorkingAfterCallTimeout): user id → until. */
  private readonly restUntil = new Map<string, number>();
  private readonly lastCallEnd = new Map<string, number>();
  private cyclicIndex = -1;
  readonly stats: CampaignStats;
  readonly startedAt: number;

  constructor(
    private def: CampaignDefinition,
    private readonly deps: CampaignDeps,
  ) {
    const now = deps.cc.now();
    this.startedAt = now;
    this.entries = def.calls.map((number) => ({ number, state: 'pending', tries: 0, retryAt: now }));
    this.stats = {
      since: now,
      intended: def.calls.length,
      originated: 0,
      performed: 0,
      retried: 0,
      failed: 0,
      connected: 0,
      connectedMs: 0,
      routedToDistribution: 0,
      routedToFailure: 0,
      queued: { count: 0, totalMs: 0, maxMs: 0 },
      abandonedInQueue: 0,
      abandonedImmediately: 0,
      abandonedOnAgent: 0,
      workMs: 0,
    };
    const device = deps.cc.ensureDevice(def.number);
    device.multiLine = true;
    if (def.settings.serviceTimeoutSec) {
      this.serviceTimer = deps.cc.clock.setTimeout(() => this.stop(), def.settings.serviceTimeoutSec * 1000);
    }
    this.tick();
  }

  get service(): string {
    return this.def.service;
  }

  get number(): string {
    return this.def.number;
  }

  get settings(): CampaignSettings {
    return this.def.settings;
  }

  agentIds(): string[] {
    return this.def.agents;
  }

  /** Seed routing point states, derived from what the campaign can do right now. */
  state(): RpState {
    if (this.stopped) return 'stopped';
    if (this.suspended) return 'started-suspended';
    if (this.agents().length === 0) return 'started-failed';
    if (this.entries.every((e) => e.state === 'done' || e.state === 'failed')) return 'started-completed';
    if (this.deps.cc.isDown('pbxLink')) return 'started-failed';
    if (!this.workingTime() || this.loggedOn().length === 0) return 'started';
    return 'started-running';
  }

  suspend(): void {
    if (this.stopped) throw new TsError('reject', 'the routing point is stopped');
    this.noteWork();
    this.suspended = true;
    // Seed: "outgoing calls in progress are cleared and no call is tried during the suspension".
    for (const e of this.entries) if (e.state === 'dialling') this.clearAttempt(e, false);
  }

  resume(): void {
    if (this.stopped) throw new TsError('reject', 'the routing point is stopped');
    this.suspended = false;
    this.tick();
  }

  stop(): void {
    if (this.stopped) return;
    this.noteWork();
    this.stopped = true;
    for (const e of this.entries) if (e.state === 'dialling') this.clearAttempt(e, false);
    const clock = this.deps.cc.clock;
    clock.clearTimeout(this.wake);
    clock.clearTimeout(this.soonTimer);
    clock.clearTimeout(this.serviceTimer);
    for (const e of this.entries) clock.clearTimeout(e.timer);
  }

  /** Seed "UpdateRoutingPoint": new settings and, for an outbound point, changed call or agent tables. */
  update(def: Partial<Pick<CampaignDefinition, 'agents' | 'calls' | 'settings'>>): void {
    if (this.stopped) throw new TsError('reject', 'the routing point is stopped');
    if (def.settings) this.def = { ...this.def, settings: def.settings };
    if (def.agents) this.def = { ...this.def, agents: def.agents };
    if (def.calls) {
      const now = this.deps.cc.now();
      const known = new Set(this.entries.map((e) => e.number));
      for (const n of def.calls) {
        if (known.has(n)) continue;
        this.entries.push({ number: n, state: 'pending', tries: 0, retryAt: now });
        this.stats.intended += 1;
      }
      // Calls no longer in the table are invalidated unless already under way.
      const wanted = new Set(def.calls);
      this.entries = this.entries.filter((e) => wanted.has(e.number) || e.state !== 'pending');
    }
    this.tick();
  }

  /**
   * Every bus event: the campaign's calls and its agents' availability. Listeners only take note; acting (dialling,
   * routing) happens in a tick scheduled on the clock, never inside the bus, so every other listener keeps seeing
   * the core's events in the order they happened.
   */
  onEvent(e: DomainEvent): void {
    if (this.stopped) return;
    if (e.type === 'agent') {
      if (this.def.agents.includes(e.userId)) this.soon();
      return;
    }
    if (e.type !== 'call') return;
    const entry = this.byCall.get(e.call.id);
    if (!entry) return;
    const now = this.deps.cc.now();
    switch (e.change) {
      case 'answered':
        if (entry.state === 'dialling' && e.call.parties.some((p) => p.number === entry.number && p.state === 'connected')) {
          this.deps.cc.clock.clearTimeout(entry.timer);
          entry.state = 'answered';
          entry.answeredAt = now;
          this.stats.connected += 1;
          this.soon();
        }
        break;
      case 'transferred':
        if (entry.state === 'routed') {
          entry.state = 'done';
          this.stats.performed += 1;
        }
        break;
      case 'ended':
        this.callEnded(entry, e.call.parties, now);
        break;
      default:
        break;
    }
  }

  /** A tick as soon as the clock runs on (a zero-delay timer: ManualClock runs it within the current advance). */
  private soon(): void {
    if (this.soonTimer !== undefined || this.stopped) return;
    this.soonTimer = this.deps.cc.clock.setTimeout(() => {
      this.soonTimer = undefined;
      this.tick();
    }, 0);
  }

  // ---------------------------------------------------------------- pacing

  private tick(): void {
    const clock = this.deps.cc.clock;
    clock.clearTimeout(this.wake);
    this.wake = undefined;
    if (this.stopped || this.suspended) return;
    const now = this.deps.cc.now();
    this.noteWork();
    // Customers who answered meanwhile are routed even outside working hours: they are on the line.
    for (const e of this.entries) if (e.state === 'answered') this.customerAnswered(e);
    if (this.state() !== 'started-running') {
      if (this.state() === 'started') this.wake = clock.setTimeout(() => this.tick(), RECHECK_MS);
      return;
    }
    this.routeQueued();
    const inFlight = this.entries.filter((e) => e.state === 'dialling' || e.state === 'answered' || e.state === 'queued').length;
    let capacity = this.freeAgents().length + this.queueAllowance() - inFlight;
    let nextRetry = Infinity;
    for (const e of this.entries) {
      if (e.state !== 'pending') continue;
      if (e.retryAt > now) {
        nextRetry = Math.min(nextRetry, e.retryAt);
        continue;
      }
      if (capacity <= 0) break;
      if (this.dial(e)) capacity -= 1;
    }
    if (nextRetry < Infinity) this.wake = clock.setTimeout(() => this.tick(), nextRetry - now);
  }

  private dial(e: Entry): boolean {
    const { cc } = this.deps;
    const answers = cc.ids.next32() % 100 < this.def.answerPercent;
    const answerMs = answers ? this.def.answerAfterSec * 1000 : -1;
    try {
      const call = cc.telephony.makeCall(this.def.number, e.number, { externalAnswerMs: answerMs, attached: { campaign: this.def.service } });
      e.callId = call.id;
      e.state = 'dialling';
      this.byCall.set(call.id, e);
    } catch (err) {
      this.deps.log.warn({ err, service: this.def.service }, 'campaign call could not be placed');
      this.attemptFailed(e);
      return false;
    }
    if (e.tries > 0) this.stats.retried += 1;
    e.tries += 1;
    this.stats.originated += 1;
    const callId = e.callId;
    e.timer = cc.clock.setTimeout(() => {
      // Seed noAnswerTimeout: "the call to a customer is cleared automatically if not answered".
      if (e.state === 'dialling' && e.callId === callId) this.clearAttempt(e, true);
    }, this.def.settings.noAnswerTimeoutSec * 1000);
    return true;
  }

  /** Drops a call still ringing at the customer; `counts` = a failed try (else the try is given back). */
  private clearAttempt(e: Entry, counts: boolean): void {
    const callId = e.callId;
    this.deps.cc.clock.clearTimeout(e.timer);
    if (callId !== undefined) {
      this.byCall.delete(callId);
      try {
        this.deps.cc.telephony.drop(this.def.number, callId);
      } catch {
        // The call ended on its own meanwhile.
      }
    }
    delete e.callId;
    if (counts) this.attemptFailed(e);
    else {
      e.tries = Math.max(0, e.tries - 1);
      e.state = 'pending';
      e.retryAt = this.deps.cc.now();
    }
  }

  private attemptFailed(e: Entry): void {
    if (e.tries > this.def.settings.retryLimit) {
      e.state = 'failed';
      this.stats.failed += 1;
    } else {
      e.state = 'pending';
      e.retryAt = this.deps.cc.now() + this.def.settings.retryTimeoutSec * 1000;
    }
    this.soon();
  }

  private customerAnswered(e: Entry): void {
    const now = this.deps.cc.now();
    const agent = this.pickAgent();
    if (agent) return this.routeTo(e, agent);
    const queued = this.entries.filter((x) => x.state === 'queued').length;
    if (queued < this.queueAllowance()) {
      e.state = 'queued';
      e.queuedAt = now;
      return;
    }
    // Nobody to talk to and no room to wait: the failure route (the customer is called again later).
    this.stats.routedToFailure += 1;
    this.clearAttempt(e, true);
  }

  private routeQueued(): void {
    for (const e of this.entries) {
      if (e.state !== 'queued') continue;
      const agent = this.pickAgent();
      if (!agent) return;
      this.routeTo(e, agent);
    }
  }

  private routeTo(e: Entry, agent: Agent): void {
    const now = this.deps.cc.now();
    if (e.queuedAt !== undefined) {
      const waited = now - e.queuedAt;
      this.stats.queued.count += 1;
      this.stats.queued.totalMs += waited;
      this.stats.queued.maxMs = Math.max(this.stats.queued.maxMs, waited);
      delete e.queuedAt;
    }
    try {
      this.deps.cc.telephony.divert(this.def.number, agent.extension, e.callId);
      e.state = 'routed';
      this.stats.routedToDistribution += 1;
      this.lastCallEnd.set(agent.userId, now);
    } catch (err) {
      this.deps.log.warn({ err, service: this.def.service }, 'campaign call could not be routed');
      this.stats.routedToFailure += 1;
      this.clearAttempt(e, true);
    }
  }

  private callEnded(e: Entry, parties: readonly { number: string; userId?: string; internal: boolean; connectedAt?: number; endedAt?: number }[], now: number): void {
    if (e.callId !== undefined) this.byCall.delete(e.callId);
    this.deps.cc.clock.clearTimeout(e.timer);
    for (const p of parties) {
      if (!p.internal || p.userId === undefined || !this.def.agents.includes(p.userId)) continue;
      this.restUntil.set(p.userId, now + this.def.settings.wrapUpSec * 1000);
      this.lastCallEnd.set(p.userId, now);
      if (this.def.settings.wrapUpSec > 0) this.deps.cc.clock.setTimeout(() => this.soon(), this.def.settings.wrapUpSec * 1000);
    }
    const customer = parties.find((p) => p.number === e.number);
    if (e.answeredAt !== undefined && customer?.connectedAt !== undefined) this.stats.connectedMs += (customer.endedAt ?? now) - customer.connectedAt;
    if (e.state === 'queued' || e.state === 'answered') {
      const waited = now - (e.queuedAt ?? now);
      if (waited < this.def.settings.immediateAbandonSec * 1000) this.stats.abandonedImmediately += 1;
      else this.stats.abandonedInQueue += 1;
      e.state = 'done';
    } else if (e.state === 'routed') {
      // The agent never answered and the customer is gone.
      this.stats.abandonedOnAgent += 1;
      e.state = 'done';
    } else if (e.state === 'dialling') {
      delete e.callId;
      this.attemptFailed(e);
      return;
    }
    this.soon();
  }

  // ---------------------------------------------------------------- agents

  agents(): Agent[] {
    return this.def.agents.flatMap((id) => {
      const a = this.deps.cc.findAgent(id);
      return a ? [a] : [];
    });
  }

  private loggedOn(): Agent[] {
    return this.agents().filter((a) => a.state !== 'loggedOff');
  }

  /** queueLimit: answered customers that may wait, as a percentage of the logged-on agents. */
  private queueAllowance(): number {
    return Math.floor((this.def.settings.queueLimitPercent * this.loggedOn().length) / 100);
  }

  private freeAgents(): Agent[] {
    const now = this.deps.cc.now();
    return this.agents().filter(
      (a) => a.state === 'ready' && !this.deps.cc.telephony.deviceBusy(a.extension) && (this.restUntil.get(a.userId) ?? 0) <= now,
    );
  }

  private pickAgent(): Agent | undefined {
    const free = this.freeAgents();
    if (free.length === 0) return undefined;
    const all = this.agents();
    switch (this.def.settings.distribution) {
      case 'sequential':
        return free[0];
      case 'cyclic': {
        for (let step = 1; step <= all.length; step++) {
          const i = (this.cyclicIndex + step) % all.length;
          const a = all[i];
          if (a && free.includes(a)) {
            this.cyclicIndex = i;
            return a;
          }
        }
        return undefined;
      }
      case 'most-idle':
        // Longest since the last campaign call; never-used agents first, in list order.
        return [...free].sort((a, b) => (this.lastCallEnd.get(a.userId) ?? -Infinity) - (this.lastCallEnd.get(b.userId) ?? -Infinity))[0];
    }
  }

  // ---------------------------------------------------------------- time

  private workingTime(): boolean {
    return isWorkingTime(this.def.settings, this.deps.cc.now(), this.deps.timeZone);
  }

  /** Accumulates time spent running (routingPointStatistics total workDuration). */
  private noteWork(): void {
    const now = this.deps.cc.now();
    const running = !this.stopped && !this.suspended && this.state() === 'started-running';
    if (this.runningSince !== undefined) this.stats.workMs += now - this.runningSince;
    this.runningSince = running ? now : undefined;
  }

  /** Work time including the current running stretch. */
  workMs(): number {
    return this.stats.workMs + (this.runningSince !== undefined ? this.deps.cc.now() - this.runningSince : 0);
  }

  /** Answered customers waiting for an agent, and since when. */
  queuedSince(): number[] {
    return this.entries.flatMap((e) => (e.state === 'queued' && e.queuedAt !== undefined ? [e.queuedAt] : []));
  }

  snapshot(): unknown {
    const count = (s: EntryState) => this.entries.filter((e) => e.state === s).length;
    return {
      service: this.def.service,
      type: 'outbound',
      number: this.def.number,
      state: this.state(),
      agents: this.def.agents,
      calls: { pending: count('pending'), dialling: count('dialling'), queued: count('queued'), routed: count('routed'), done: count('done'), failed: count('failed') },
      distribution: this.def.settings.distribution,
    };
  }
}
