/**
 * Generated traffic: external customers call the phone queues at a steady rate, talk for handleSeconds once
 * answered, and give up after patienceSeconds in queue. Runs on the core's clock.
 *
 * Traffic drives the agents it needs (DESIGN.md control API): unless told otherwise, every member of its queues
 * without an automatic driver gets one for the duration (answer after answerAfterSec, talk handleSeconds, wrap up
 * wrapUpSec), so calls are handled instead of ringing agents out to notReady and queueing forever. Stopping traffic
 * clears what it left: its calls are hung up, the drivers it installed removed, and the agents it put out of
 * service (wrap-up after its calls, notReady after a ring-no-answer during it) made ready again.
 */
import { CoreError, type AgentDriver, type ContactCenter, type DomainEvent, type TimerHandle } from '../core/index.js';

export interface TrafficSettings {
  /** Calls per minute, spread evenly. */
  callsPerMinute: number;
  /** Seconds a customer talks once answered. */
  handleSeconds: number;
  /** Queue numbers called in turn; default every phone queue. */
  queues?: string[];
  /** Seconds a customer waits unanswered (queued or ringing) before hanging up; default: waits. */
  patienceSeconds?: number;
  /** Give the queues' agents an automatic driver while traffic runs; default true. */
  driveAgents?: boolean;
  /** Seconds a driven agent lets a call ring before answering; default 2. */
  answerAfterSec?: number;
  /** Seconds of wrap-up of a driven agent; default 3 (0 would leave the agent in wrap-up). */
  wrapUpSec?: number;
}

/** What stopping traffic cleared: calls hung up, agents whose driver was removed, agents made ready again. */
export interface TrafficCleared {
  calls: number;
  drivers: string[];
  readied: string[];
}

const DEFAULT_ANSWER_AFTER_SEC = 2;
const DEFAULT_WRAP_UP_SEC = 3;

export class TrafficGenerator {
  private timer: TimerHandle | undefined;
  private settings: (TrafficSettings & { queues: string[] }) | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly hangups = new Map<string, TimerHandle>();
  /** Generated calls still in progress. */
  private readonly calls = new Set<string>();
  /** Drivers installed by this traffic, by agent. */
  private readonly drivers = new Map<string, AgentDriver>();
  /** Agents a generated call rang out to notReady (ringNoAnswer) and nobody has changed since. */
  private readonly rungOut = new Set<string>();
  private serial = 0;
  /** Calls placed by the running traffic (or the last one, until the next start). */
  generated = 0;

  constructor(private readonly cc: ContactCenter) {}

  get running(): TrafficSettings | undefined {
    return this.settings;
  }

  /**
   * Starts generated traffic, or changes the settings of the running one (its calls go on, its drivers take the new
   * settings; `generated` counts on). Throws, before anything changes, CoreError unknownQueue for a queue that does
   * not exist and invalidArgument for one that is not a phone queue (an e-mail, chat or open media queue, which calls
   * cannot reach), each naming the queue.
   */
  start(settings: TrafficSettings): void {
    const phone = [...this.cc.queues.values()].filter((q) => q.channel === 'phone');
    const queues = settings.queues ?? phone.map((q) => q.address);
    for (const id of queues) {
      const q = this.cc.queue(id);
      if (q.channel !== 'phone') {
        throw new CoreError('invalidArgument', `queue ${id} is not a phone queue (channel ${q.channel}); traffic calls phone queues: ${phone.map((p) => p.address).join(', ')}`);
      }
    }
    const members = new Set(queues.flatMap((q) => this.cc.queue(q).members));
    if (this.settings === undefined) this.generated = 0;
    this.halt();
    this.settings = { ...settings, queues };
    this.unsubscribe = this.cc.bus.subscribe((e) => this.onEvent(e));
    if (settings.driveAgents !== false) this.drive(members, settings);
    this.schedule();
  }

  /** Stops traffic and clears what it left (see the module comment). Safe to call when not running. */
  stop(): TrafficCleared {
    this.halt();
    for (const t of this.hangups.values()) this.cc.clock.clearTimeout(t);
    this.hangups.clear();
    const cleared: TrafficCleared = { calls: 0, drivers: [], readied: [] };
    for (const callId of this.calls) {
      if (!this.cc.telephony.findCall(callId)) continue;
      try {
        this.cc.telephony.hangup(callId);
        cleared.calls += 1;
      } catch {
        // The customer already left the call (an agent holds it alone): the agent's side is the world's business.
      }
    }
    this.calls.clear();
    for (const [userId, mine] of this.drivers) {
      const agent = this.cc.findAgent(userId);
      if (!agent) continue;
      // A driver somebody set since is theirs to keep.
      if (agent.driver && sameDriver(agent.driver, mine)) {
        this.cc.setDriver(userId, undefined);
        cleared.drivers.push(userId);
      }
      if (agent.state === 'workingAfterCall') this.ready(userId, cleared);
    }
    for (const userId of this.rungOut) {
      const agent = this.cc.findAgent(userId);
      if (agent?.state === 'notReady' && agent.reason === 'ringNoAnswer') this.ready(userId, cleared);
    }
    this.drivers.clear();
    this.rungOut.clear();
    return cleared;
  }

  /** No more calls placed, no more events followed; what traffic left stays (stop() clears it). */
  private halt(): void {
    this.cc.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.settings = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private ready(userId: string, cleared: TrafficCleared): void {
    this.cc.setAgentState(userId, 'ready');
    if (!cleared.readied.includes(userId)) cleared.readied.push(userId);
  }

  private drive(members: Set<string>, s: TrafficSettings): void {
    const driver: AgentDriver = {
      answerAfterSec: s.answerAfterSec ?? DEFAULT_ANSWER_AFTER_SEC,
      talkSec: s.handleSeconds,
      wrapUpSec: s.wrapUpSec ?? DEFAULT_WRAP_UP_SEC,
    };
    for (const userId of members) {
      const agent = this.cc.findAgent(userId);
      if (!agent) continue;
      const mine = this.drivers.get(userId);
      // Somebody else's driver stays; traffic's own takes the new settings.
      if (agent.driver && !(mine && sameDriver(agent.driver, mine))) continue;
      this.cc.setDriver(userId, driver);
      this.drivers.set(userId, driver);
      // Rung out earlier by calls nobody answered: a driven agent answers, so it serves again.
      if (agent.state === 'notReady' && agent.reason === 'ringNoAnswer') this.cc.setAgentState(userId, 'ready');
    }
  }

  private schedule(): void {
    const s = this.settings;
    if (!s) return;
    this.timer = this.cc.clock.setTimeout(() => {
      this.placeCall();
      this.schedule();
    }, 60_000 / s.callsPerMinute);
  }

  private placeCall(): void {
    const s = this.settings;
    const queues = s?.queues ?? [];
    if (!s || queues.length === 0) return;
    const to = queues[this.serial % queues.length] ?? '';
    const from = `+3584${String(10_000_000 + (this.serial++ % 89_999_999))}`;
    try {
      const call = this.cc.telephony.inbound(from, to, { attached: { generated: 'traffic' } });
      this.generated += 1;
      if (call.state === 'active') this.calls.add(call.id);
      if (s.patienceSeconds !== undefined && call.state === 'active') this.arm(call.id, s.patienceSeconds);
    } catch {
      // A faulted PBX link refuses calls: generated traffic simply fails, like real callers would.
    }
  }

  private arm(callId: string, seconds: number): void {
    this.cc.clock.clearTimeout(this.hangups.get(callId));
    this.hangups.set(
      callId,
      this.cc.clock.setTimeout(() => {
        this.hangups.delete(callId);
        const call = this.cc.telephony.findCall(callId);
        if (call) this.cc.telephony.hangup(callId);
      }, seconds * 1000),
    );
  }

  private onEvent(e: DomainEvent): void {
    // Somebody (the agent, an interface) changed the state since: it is no longer traffic's to restore.
    if (e.type === 'agent' && !(e.state === 'notReady' && e.reason === 'ringNoAnswer')) this.rungOut.delete(e.userId);
    if (e.type !== 'call' || e.call.attached['generated'] !== 'traffic') return;
    if (e.change === 'requeued') {
      // The core sets the agent notReady (ringNoAnswer) just before it requeues the call.
      const userId = e.call.parties.find((p) => p.legId === e.legs[0])?.userId;
      const agent = userId === undefined ? undefined : this.cc.findAgent(userId);
      if (agent?.state === 'notReady' && agent.reason === 'ringNoAnswer') this.rungOut.add(agent.userId);
    }
    if (e.change === 'answered' && this.settings) this.arm(e.call.id, this.settings.handleSeconds);
    if (e.change === 'ended') {
      this.cc.clock.clearTimeout(this.hangups.get(e.call.id));
      this.hangups.delete(e.call.id);
      this.calls.delete(e.call.id);
    }
  }
}

function sameDriver(a: AgentDriver, b: AgentDriver): boolean {
  return a.answerAfterSec === b.answerAfterSec && a.talkSec === b.talkSec && a.wrapUpSec === b.wrapUpSec;
}
