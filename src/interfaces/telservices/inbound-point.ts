/**
 * An inbound routing point (seed "Supervisor services"): a core phone queue whose distribution TelServer supervises.
 * The core's ACD distributes the calls; this object starts, stops, suspends and resumes the point and applies the
 * configuration startRoutingPoint and updateRoutingPoint acknowledge, through the queue's overflow rules:
 * - suspended (seed "SuspendRoutingPoint": "all calls incoming on the routing point will be diverted to the failure
 *   route"), stopped, or outside working time, the queue is closed and incoming calls take the failure route (the
 *   fixture's `failureRoute`); without one they fail as a PBX would;
 * - queueLimit: "the number of calls that the queue can accept … as a percentage of the active agents", an active
 *   agent being one logged on; a call beyond it takes the failure route;
 * - statisticsIncomingCallImmediateAbandonTimeout: abandons quicker than this are immediate ones in the statistics;
 * - serviceTimeout: the point stops by itself that many seconds after the request;
 * - workingHours, nonWorkingDaysOfWeek, nonWorkingDays: as for campaigns, in telservices.timeZone;
 * - agentLoggedOnOnOpenSession, agentReadyOnLoggedOn: for the queue's agents, as for a campaign's;
 * - agentsDistribution most-idle: what the core's ACD does (the longest-idle ready agent).
 * Fields an inbound point cannot honour (the dialling ones: noAnswerTimeout, failedCallRetry…, the call and agent
 * lists; agentWorkingAfterCallTimeout; cyclic and sequential distributions) are refused with `reject`, changing
 * nothing: the point never acknowledges what it does not do.
 */
import type { Agent, AgentState, ContactCenter, DomainEvent, Queue, TimerHandle } from '../../core/index.js';
import { isWorkingTime, withWorkingTime, type WorkingTime } from './campaign-settings.js';
import { TsError } from './errors.js';
import type { RpState } from './projection.js';
import type { RoutingPointConfigInput } from './requests.js';

export interface InboundDefinition {
  service: string;
  queue: Queue;
  started: boolean;
  /** Where incoming calls go while the point does not take them (a queue, extension or outside number). */
  failureRoute?: string;
}

export interface InboundSettings extends WorkingTime {
  queueLimitPercent?: number;
  immediateAbandonSec?: number;
  serviceTimeoutSec?: number;
  agentLoggedOnOnOpenSession: boolean;
  agentReadyOnLoggedOn: boolean;
}

/** Config fields an inbound routing point refuses (they only make sense for a dialling campaign or per agent). */
const NOT_INBOUND: readonly (keyof RoutingPointConfigInput)[] = [
  'noAnswerTimeout',
  'failedCallRetryTimeout',
  'failedCallRetryLimit',
  'agentWorkingAfterCallTimeout',
  'calls',
  'agents',
];

const MINUTE_MS = 60_000;
/** Agent states in which an agent takes (or is taking) the point's calls. */
const WORKING: ReadonlySet<AgentState> = new Set<AgentState>(['ready', 'busy', 'workingAfterCall']);

export class InboundPoint {
  readonly service: string;
  readonly queue: Queue;
  private started: boolean;
  private suspended = false;
  private startedAt: number;
  private workMs = 0;
  private settings: InboundSettings = { workingHours: [], nonWorkingDaysOfWeek: new Set(), nonWorkingDays: new Set(), agentLoggedOnOnOpenSession: false, agentReadyOnLoggedOn: false };
  private serviceTimer: TimerHandle | undefined;
  private minuteTimer: TimerHandle | undefined;

  constructor(
    def: InboundDefinition,
    private readonly deps: { cc: ContactCenter; timeZone: string },
  ) {
    this.service = def.service;
    this.queue = def.queue;
    this.started = def.started;
    this.startedAt = deps.cc.now();
    deps.cc.setQueueRouting(this.queue.id, { failureRoute: def.failureRoute });
    this.refresh();
  }

  /**
   * Seed routing point states: never started (or stopped) is "stopped"; "started … but not yet working (an inbound
   * routing point is waiting for agents to be ready for example)" while no agent of the queue is ready or working.
   */
  state(): RpState {
    if (!this.started) return 'stopped';
    if (this.suspended) return 'started-suspended';
    if (this.deps.cc.isDown('pbxLink')) return 'started-failed';
    if (!this.inWorkingTime()) return 'started';
    return this.members().some((a) => WORKING.has(a.state)) ? 'started-running' : 'started';
  }

  start(config: RoutingPointConfigInput): void {
    const settings = this.merged(config);
    if (!this.started) {
      this.started = true;
      this.suspended = false;
      this.startedAt = this.deps.cc.now();
    }
    this.apply(settings, config.serviceTimeout !== undefined);
  }

  update(config: RoutingPointConfigInput): void {
    this.apply(this.merged(config), config.serviceTimeout !== undefined);
  }

  stop(): void {
    if (this.started) this.workMs += this.deps.cc.now() - this.startedAt;
    this.started = false;
    this.suspended = false;
    this.clearTimers();
    this.refresh();
  }

  suspend(): void {
    if (!this.started) throw new TsError('reject', 'the routing point is stopped');
    this.suspended = true;
    this.refresh();
  }

  resume(): void {
    if (!this.started) throw new TsError('reject', 'the routing point is stopped');
    this.suspended = false;
    this.refresh();
  }

  /** Agents logging on or off change what the queue limit allows (nothing else changes: no core command here). */
  onEvent(e: DomainEvent): void {
    if (e.type === 'agent' && this.queue.members.includes(e.userId)) this.applyLimits();
  }

  /** Work time so far (routingPointStatistics total workDuration). */
  workDuration(): number {
    return this.workMs + (this.started ? this.deps.cc.now() - this.startedAt : 0);
  }

  /** Whether the point sets the queue's agents logged on when their session opens, and ready when they log on. */
  logOnRules(): { loggedOnOnOpenSession: boolean; readyOnLoggedOn: boolean } {
    return { loggedOnOnOpenSession: this.settings.agentLoggedOnOnOpenSession, readyOnLoggedOn: this.settings.agentReadyOnLoggedOn };
  }

  members(): Agent[] {
    return this.queue.members.map((id) => this.deps.cc.findAgent(id)).filter((a): a is Agent => a !== undefined);
  }

  dispose(): void {
    this.clearTimers();
  }

  // ---------------------------------------------------------------- internals

  /** The current settings with the request's over them; throws `reject` (changing nothing) on what it refuses. */
  private merged(r: RoutingPointConfigInput): InboundSettings {
    const refused = NOT_INBOUND.filter((k) => r[k] !== undefined);
    if (r.agentsDistribution !== undefined && r.agentsDistribution !== 'most-idle') refused.push('agentsDistribution');
    if (refused.length > 0) throw new TsError('reject', `an inbound routing point does not apply ${refused.join(', ')}`);
    const s = withWorkingTime(this.settings, r);
    if (r.queueLimit !== undefined) s.queueLimitPercent = r.queueLimit;
    if (r.statisticsIncomingCallImmediateAbandonTimeout !== undefined) s.immediateAbandonSec = r.statisticsIncomingCallImmediateAbandonTimeout;
    if (r.serviceTimeout !== undefined) s.serviceTimeoutSec = r.serviceTimeout;
    if (r.agentLoggedOnOnOpenSession !== undefined) s.agentLoggedOnOnOpenSession = r.agentLoggedOnOnOpenSession;
    if (r.agentReadyOnLoggedOn !== undefined) s.agentReadyOnLoggedOn = r.agentReadyOnLoggedOn;
    return s;
  }

  private apply(settings: InboundSettings, serviceTimeoutGiven: boolean): void {
    this.settings = settings;
    const clock = this.deps.cc.clock;
    if (serviceTimeoutGiven) {
      clock.clearTimeout(this.serviceTimer);
      this.serviceTimer = undefined;
      // Seed serviceTimeout: "the timeout after which the service is stopped by the server" (0: none).
      if (settings.serviceTimeoutSec) this.serviceTimer = clock.setTimeout(() => this.stop(), settings.serviceTimeoutSec * 1000);
    }
    this.refresh();
  }

  /** Opens or closes the queue and sets its limits from the point's state, the time and the logged-on agents. */
  private refresh(): void {
    const cc = this.deps.cc;
    cc.setQueueOpen(this.queue.id, this.started && !this.suspended && this.inWorkingTime());
    this.applyLimits();
    // Working time is looked at again at every minute boundary while the point runs with such settings.
    cc.clock.clearTimeout(this.minuteTimer);
    this.minuteTimer = undefined;
    if (this.timed() && this.started) this.minuteTimer = cc.clock.setTimeout(() => this.refresh(), MINUTE_MS - (cc.now() % MINUTE_MS));
  }

  private applyLimits(): void {
    const s = this.settings;
    const loggedOn = this.members().filter((a) => a.state !== 'loggedOff').length;
    this.deps.cc.setQueueRouting(this.queue.id, {
      maxWaiting: s.queueLimitPercent !== undefined ? Math.floor((s.queueLimitPercent * loggedOn) / 100) : undefined,
      immediateAbandonMs: s.immediateAbandonSec !== undefined ? s.immediateAbandonSec * 1000 : undefined,
    });
  }

  private timed(): boolean {
    const s = this.settings;
    return s.workingHours.length > 0 || s.nonWorkingDaysOfWeek.size > 0 || s.nonWorkingDays.size > 0;
  }

  private inWorkingTime(): boolean {
    return !this.timed() || isWorkingTime(this.settings, this.deps.cc.now(), this.deps.timeZone);
  }

  private clearTimers(): void {
    const clock = this.deps.cc.clock;
    clock.clearTimeout(this.serviceTimer);
    clock.clearTimeout(this.minuteTimer);
    this.serviceTimer = undefined;
    this.minuteTimer = undefined;
  }
}
