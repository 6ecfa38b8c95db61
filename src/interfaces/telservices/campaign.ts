/**
 * An outbound routing point running a campaign (seed "StartRoutingPoint" … "UpdateRoutingPoint", routing point
 * states and statistics), as a call list of the core's outbound dialer (core/dialer). This file only translates: the
 * seed's settings to the list's options, the list's states and counters to the seed's. The routing point is the
 * list's originator device; answered customers wait in the list's own queue (number = the routing point) and reach
 * the campaign's agents by the core's routing module as a blind transfer from the routing point, which the agents'
 * TelServices events report with cause "route". The customers themselves are simulated (sim/customers.ts).
 *
 * Seed settings and where they go: noAnswerTimeout, failedCallRetryTimeout, failedCallRetryLimit (retries after the
 * first try), workingHours, nonWorkingDaysOfWeek, nonWorkingDays, queueLimit (answered customers that may wait, % of
 * the logged-on agents), statisticsIncomingCallImmediateAbandonTimeout and serviceTimeout: the list's options;
 * agentsDistribution (cyclic → circular, sequential → linear, most-idle → longestIdle) and
 * agentWorkingAfterCallTimeout ("the agent is unavailable for launching the next call": the queue's rest, the agent
 * staying ready): the queue's.
 */
import type { CallList, ContactCenter, Distribution as CoreDistribution, EntryView, ListState } from '../../core/index.js';
import { simulatedCustomers } from '../../sim/customers.js';
import type { CampaignSettings } from './campaign-settings.js';
import { TsError } from './errors.js';
import type { RpState } from './projection.js';
import type { Distribution } from './requests.js';

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

export interface CampaignDeps {
  cc: ContactCenter;
  timeZone: string;
}

const DISTRIBUTION: Record<Distribution, CoreDistribution> = { cyclic: 'circular', sequential: 'linear', 'most-idle': 'longestIdle' };

/** Seed routing point states of an outbound point, from its call list's state. */
const RP_STATE: Record<ListState, RpState> = {
  stopped: 'stopped',
  suspended: 'started-suspended',
  failed: 'started-failed',
  completed: 'started-completed',
  waiting: 'started',
  running: 'started-running',
};

/** The list's options from the seed's settings. */
function listSettings(s: CampaignSettings, timeZone: string) {
  return {
    schedule: { workingHours: s.workingHours, nonWorkingDaysOfWeek: s.nonWorkingDaysOfWeek, nonWorkingDays: s.nonWorkingDays, timeZone },
    noAnswerSec: s.noAnswerTimeoutSec,
    retryDelaySec: s.retryTimeoutSec,
    retryLimit: s.retryLimit,
    waitingPercent: s.queueLimitPercent,
    immediateAbandonSec: s.immediateAbandonSec,
    distribution: DISTRIBUTION[s.distribution],
    restSec: s.wrapUpSec,
  };
}

export class Campaign {
  private readonly list: CallList;
  private def: CampaignDefinition;

  constructor(
    def: CampaignDefinition,
    private readonly deps: CampaignDeps,
  ) {
    this.def = def;
    const { distribution, restSec, ...settings } = listSettings(def.settings, deps.timeZone);
    this.list = deps.cc.dialer.create({
      id: `telservices:${def.service}`,
      originator: def.number,
      queue: { agents: def.agents, name: def.service, distribution, restSec },
      ...settings,
      ...(def.settings.serviceTimeoutSec ? { stopAfterSec: def.settings.serviceTimeoutSec } : {}),
      farEnd: simulatedCustomers(deps.cc.ids, { answerPercent: def.answerPercent, answerAfterSec: def.answerAfterSec }),
      attached: { campaign: def.service },
    });
    this.list.add(def.calls.map((number) => ({ number })));
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

  /** The campaign's queue in the core (its figures are the routing point's snapshot). */
  get queueId(): string {
    return this.list.queue.id;
  }

  get stats(): CallList['stats'] {
    return this.list.stats;
  }

  agentIds(): readonly string[] {
    return this.list.queue.members;
  }

  agents(): ReturnType<CallList['members']> {
    return this.list.members();
  }

  /** Seed routing point states, derived from what the campaign can do right now. */
  state(): RpState {
    return RP_STATE[this.list.state()];
  }

  suspend(): void {
    this.assertRunning();
    this.list.suspend();
  }

  resume(): void {
    this.assertRunning();
    this.list.resume();
  }

  /** Stops the campaign and removes its list (seed: "the routing point used by the campaign is removed"). */
  stop(): void {
    this.deps.cc.dialer.remove(this.list.id);
  }

  /** Seed "UpdateRoutingPoint": new settings and, for an outbound point, changed call or agent tables. */
  update(def: Partial<Pick<CampaignDefinition, 'agents' | 'calls' | 'settings'>>): void {
    this.assertRunning();
    if (def.settings) this.def = { ...this.def, settings: def.settings };
    this.list.configure({ ...listSettings(this.def.settings, this.deps.timeZone), ...(def.agents ? { agents: def.agents } : {}) });
    if (def.calls) {
      const entries = this.list.list();
      const known = new Set(entries.map((e) => e.number));
      this.list.add(def.calls.filter((n, i) => !known.has(n) && def.calls?.indexOf(n) === i).map((number) => ({ number })));
      // Calls no longer in the table are invalidated unless already under way.
      const wanted = new Set(def.calls);
      for (const e of entries) if (!wanted.has(e.number)) this.list.cancel(e.id);
    }
  }

  /** Work time: time spent running (routingPointStatistics total workDuration). */
  workMs(): number {
    return this.list.runningMs();
  }

  snapshot(): unknown {
    const entries = this.list.list();
    const count = (f: (e: EntryView) => boolean) => entries.filter(f).length;
    return {
      service: this.def.service,
      type: 'outbound',
      number: this.def.number,
      state: this.state(),
      agents: [...this.agentIds()],
      calls: {
        pending: count((e) => e.state === 'pending'),
        dialling: count((e) => e.state === 'dialling' || e.state === 'answered'),
        queued: count((e) => e.state === 'waiting'),
        routed: count((e) => e.state === 'offered'),
        done: count((e) => e.state === 'done' && e.outcome !== 'unanswered'),
        failed: count((e) => e.outcome === 'unanswered'),
      },
      distribution: this.def.settings.distribution,
    };
  }

  private assertRunning(): void {
    if (this.list.state() === 'stopped') throw new TsError('reject', 'the routing point is stopped');
  }
}
