/**
 * One call list: its entries, when it may dial (schedule, windows, suspension) and how much (pacing: never more
 * calls under way than the queue's free agents plus the answered customers allowed to wait). Each try is
 * attempts.ts's: a customer who answers waits in the list's queue, in the core's routing module, which chooses the
 * agent (distribution, preferred and forced agents, rest between calls). The list keeps no waiting list and
 * chooses no agent of its own.
 *
 * Listeners only take note: dialling and handing customers on happen in a tick scheduled on the clock, never inside
 * the bus, so every other listener keeps seeing the core's events in the order they happened.
 */
import type { ContactCenter } from '../center.js';
import type { TimerHandle } from '../clock.js';
import { CoreError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import type { Agent, Queue } from '../model.js';
import { Attempts, type AttemptHost } from './attempts.js';
import { entryView, newDialerStats, validateEntry, type Entry } from './entry.js';
import { removeQueue, setQueueMembers } from '../queues.js';
import { isWorkingTime } from './schedule.js';
import type { CallListChanges, CallListOptions, DialerStats, EntryRequest, EntryState, EntryView, ListState } from './types.js';

/** How often a list outside its working time looks again. */
const RECHECK_MS = 60_000;
const UNDER_WAY: ReadonlySet<EntryState> = new Set(['dialling', 'answered', 'waiting']);

export class CallList implements AttemptHost {
  private entries: Entry[] = [];
  private readonly attempts: Attempts;
  private readonly timers = new Set<TimerHandle>();
  private suspended = false;
  private stopped = false;
  private wake: TimerHandle | undefined;
  private soonTimer: TimerHandle | undefined;
  private runningSince: number | undefined;
  private runMs = 0;
  private nextEntry = 1;
  readonly stats: DialerStats;

  constructor(
    private opts: CallListOptions,
    private readonly cc: ContactCenter,
    /** The list's queue: made for it (`own`, removed when it stops) or an existing one. */
    readonly queue: Queue,
    private readonly own: boolean,
  ) {
    this.stats = newDialerStats(cc.now());
    this.attempts = new Attempts(cc, this);
    cc.ensureDevice(opts.originator).multiLine = true;
    if (opts.stopAfterSec) this.later(opts.stopAfterSec * 1000, () => this.stop());
    this.applyQueueRules();
  }

  get id(): string {
    return this.opts.id;
  }

  get options(): CallListOptions {
    return this.opts;
  }

  // ---------------------------------------------------------------- entries

  /** Adds entries (`invalidArgument` for a malformed number or window, `unknownAgent`: nothing added); their ids. */
  add(requests: EntryRequest[]): string[] {
    if (this.stopped) throw new CoreError('invalidState', `call list ${this.id} is stopped`);
    for (const r of requests) validateEntry(this.cc, r);
    const now = this.cc.now();
    const ids = requests.map((req) => {
      const e: Entry = { id: `${this.id}#${this.nextEntry++}`, req: { ...req }, state: 'pending', tries: 0, retryAt: Math.max(now, req.notBefore ?? now) };
      this.entries.push(e);
      this.stats.intended += 1;
      return e.id;
    });
    // A command, not a listener: dial at once (what the caller answers can then say what was dialled).
    this.tick();
    return ids;
  }

  /** Takes a pending entry off the list (it settles `cancelled` and is forgotten); false when under way or unknown. */
  cancel(entryId: string): boolean {
    const e = this.entries.find((x) => x.id === entryId);
    if (!e || e.state !== 'pending') return false;
    this.attempts.settle(e, 'cancelled');
    this.entries = this.entries.filter((x) => x !== e);
    return true;
  }

  entry(entryId: string): EntryView | undefined {
    const e = this.entries.find((x) => x.id === entryId);
    return e ? entryView(e) : undefined;
  }

  /** Every entry the list holds, in the order added. */
  list(): EntryView[] {
    return this.entries.map(entryView);
  }

  /** Resolves with the entry once it settles (at once when it has); rejects with `invalidArgument` for an unknown id. */
  settled(entryId: string): Promise<EntryView> {
    const e = this.entries.find((x) => x.id === entryId);
    if (!e) return Promise.reject(new CoreError('invalidArgument', `no entry ${entryId} in call list ${this.id}`));
    if (e.state === 'done') return Promise.resolve(entryView(e));
    e.settled ??= new Promise((resolve) => (e.resolve = resolve));
    return e.settled;
  }

  // ---------------------------------------------------------------- running

  state(): ListState {
    if (this.stopped) return 'stopped';
    if (this.suspended) return 'suspended';
    if (this.members().length === 0) return 'failed';
    if (this.entries.every((e) => e.state === 'done')) return 'completed';
    if (this.cc.isDown('pbxLink')) return 'failed';
    if (!this.workingTime() || this.loggedOn().length === 0) return 'waiting';
    return 'running';
  }

  /** No try is placed while suspended; tries ringing now are cleared and given back (TelServices suspend). */
  suspend(): void {
    if (this.stopped) throw new CoreError('invalidState', `call list ${this.id} is stopped`);
    this.noteRunning();
    this.suspended = true;
    for (const e of this.entries) if (e.state === 'dialling') this.attempts.clear(e, false);
  }

  resume(): void {
    if (this.stopped) throw new CoreError('invalidState', `call list ${this.id} is stopped`);
    this.suspended = false;
    this.tick();
  }

  /**
   * Stops for good: tries ringing are cleared, pending entries settle `cancelled`, customers still waiting in the
   * list's own queue are cleared (`cancelled`) and the queue is removed. Customers already with an agent stay, and
   * their entries still settle.
   */
  stop(): void {
    if (this.stopped) return;
    this.noteRunning();
    this.stopped = true;
    for (const e of this.entries) {
      if (e.state === 'dialling') this.attempts.clear(e, false);
      if (e.state === 'pending') this.attempts.settle(e, 'cancelled');
      else if (this.own && (e.state === 'waiting' || e.state === 'answered')) this.attempts.cancelWaiting(e);
    }
    for (const t of [this.wake, this.soonTimer, ...this.timers]) this.cc.clock.clearTimeout(t);
    this.timers.clear();
    if (this.own && this.cc.queues.get(this.queue.id) === this.queue) removeQueue(this.cc, this.queue.id);
  }

  /** Gateway shutdown: the list's timers stop; calls are left to the core's own shutdown. */
  dispose(): void {
    this.stopped = true;
    for (const t of [this.wake, this.soonTimer, ...this.timers]) this.cc.clock.clearTimeout(t);
    this.timers.clear();
    for (const e of this.entries) this.cc.clock.clearTimeout(e.timer);
  }

  /**
   * Changes settings and, for a list with its own queue, its distribution, rest and agents (TelServices
   * UpdateRoutingPoint). `invalidArgument` for queue changes of a list on an existing queue; `invalidState` once stopped.
   */
  configure(changes: CallListChanges): void {
    if (this.stopped) throw new CoreError('invalidState', `call list ${this.id} is stopped`);
    const { agents, distribution, restSec, ...rest } = changes;
    if ((agents || distribution || restSec !== undefined) && !this.own) throw new CoreError('invalidArgument', `call list ${this.id} uses queue ${this.queue.id}`);
    this.opts = { ...this.opts, ...rest };
    if (distribution) this.queue.distribution = distribution;
    if (restSec !== undefined) this.queue.restSec = restSec;
    if (agents) setQueueMembers(this.cc, this.queue.id, agents);
    this.tick();
  }

  /** Time spent running (ms), including the current stretch (TelServices workDuration). */
  runningMs(): number {
    return this.runMs + (this.runningSince !== undefined ? this.cc.now() - this.runningSince : 0);
  }

  /** The queue's members, in its order. */
  members(): Agent[] {
    return this.queue.members.flatMap((id) => {
      const a = this.cc.agents.get(id);
      return a ? [a] : [];
    });
  }

  /** Every bus event: the list's calls (followed to their outcome even once it stopped), its agents, faults. */
  onEvent(e: DomainEvent): void {
    if (e.type === 'call') this.attempts.onCallEvent(e);
    else if ((e.type === 'agent' && this.queue.members.includes(e.userId)) || e.type === 'fault') this.soon();
  }

  // ---------------------------------------------------------------- pacing

  /** A tick as soon as the clock runs on (a zero-delay timer: ManualClock runs it within the current advance). */
  soon(): void {
    if (this.soonTimer !== undefined || this.stopped) return;
    this.soonTimer = this.cc.clock.setTimeout(() => {
      this.soonTimer = undefined;
      this.tick();
    }, 0);
  }

  later(ms: number, fn: () => void): void {
    const t = this.cc.clock.setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private tick(): void {
    this.cc.clock.clearTimeout(this.wake);
    this.wake = undefined;
    if (this.stopped || this.suspended) return;
    const now = this.cc.now();
    this.noteRunning();
    this.applyQueueRules();
    // Customers who answered meanwhile are handed on even outside working hours: they are on the line.
    for (const e of this.entries) if (e.state === 'answered') this.attempts.handOn(e);
    for (const e of this.entries) if (e.state === 'pending' && e.req.notAfter !== undefined && now >= e.req.notAfter) this.attempts.settle(e, 'expired');
    const state = this.state();
    if (state !== 'running') {
      if (state === 'waiting') this.wake = this.cc.clock.setTimeout(() => this.tick(), RECHECK_MS);
      return;
    }
    const free = this.cc.routing.available(this.queue.id);
    let capacity = free.length + this.allowance() - this.entries.filter((e) => UNDER_WAY.has(e.state)).length;
    let next = Infinity;
    for (const e of this.entries) {
      if (e.state !== 'pending') continue;
      if (e.req.notAfter !== undefined) next = Math.min(next, e.req.notAfter);
      if (e.retryAt > now) {
        next = Math.min(next, e.retryAt);
        continue;
      }
      if (capacity <= 0) break;
      // An entry for one agent only is dialled while that agent is free.
      const only = e.req.agent?.only ? e.req.agent.userId.toUpperCase() : undefined;
      if (only !== undefined && !free.some((a) => a.userId.toUpperCase() === only)) continue;
      if (this.attempts.dial(e)) capacity -= 1;
    }
    if (next < Infinity) this.wake = this.cc.clock.setTimeout(() => this.tick(), Math.max(0, next - now));
  }

  private loggedOn(): Agent[] {
    return this.members().filter((a) => a.state !== 'loggedOff');
  }

  /** Answered customers that may wait: waitingPercent of the logged-on members. */
  private allowance(): number {
    return Math.floor(((this.opts.waitingPercent ?? 0) * this.loggedOn().length) / 100);
  }

  /** The list's own queue carries its waiting limit and abandon threshold, so the core applies them as to any queue. */
  private applyQueueRules(): void {
    if (!this.own || this.stopped) return;
    this.cc.setQueueRouting(this.queue.id, { maxWaiting: this.allowance(), immediateAbandonMs: (this.opts.immediateAbandonSec ?? 0) * 1000 });
  }

  private workingTime(): boolean {
    const s = this.opts.schedule;
    return !s || isWorkingTime(s, this.cc.now(), s.timeZone);
  }

  /** Accumulates time spent running. */
  private noteRunning(): void {
    const now = this.cc.now();
    if (this.runningSince !== undefined) this.runMs += now - this.runningSince;
    this.runningSince = !this.stopped && !this.suspended && this.state() === 'running' ? now : undefined;
  }
}
