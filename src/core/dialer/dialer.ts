/**
 * The outbound dialer: the center's engine that places outbound calls for call lists (TelServices campaigns, ICI
 * callbacks) and hands the customers who answer to agents through the routing module. Protocol-free: a list is made
 * of numbers, windows, agents and timings; whoever owns it maps its states and counters onto a protocol.
 *
 * ```ts
 * const list = cc.dialer.create({ id: 'callbacks-2001', originator: '3950', queue: '2001', noAnswerSec: 30, retryDelaySec: 300, retryLimit: 2 });
 * const [id] = list.add([{ number: '+358401234567', notBefore, notAfter, agent: { userId: 'HARRI' } }]);
 * const { outcome, userId, callId } = await list.settled(id); // 'connected' | 'abandoned' | 'unanswered' | 'expired' | 'cancelled'
 * ```
 */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { DomainEvent } from '../events.js';
import { DIALLABLE } from '../numbering.js';
import { createQueue } from '../queues.js';
import { CallList } from './call-list.js';
import type { CallListOptions } from './types.js';

export class Dialer {
  private readonly lists = new Map<string, CallList>();
  /**
   * The dialer listens to the bus only while it has lists: a listener makes every event build its snapshots, which
   * an unobserved core (npm run bench -- core) must not pay for.
   */
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly cc: ContactCenter) {}

  private listen(): void {
    if (this.lists.size > 0 && this.unsubscribe === undefined) this.unsubscribe = this.cc.bus.subscribe((e) => this.onEvent(e));
    if (this.lists.size === 0 && this.unsubscribe !== undefined) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
  }

  /**
   * Makes a call list (empty: `add` entries to it) and its own queue when `queue` lists agents. Errors, nothing made:
   * `duplicateId` (a list or queue with the id or the originator's number exists), `unknownQueue`,
   * `invalidArgument` (an originator that cannot dial, a queue that is not a phone queue, a timing out of range or a
   * bad distribution).
   */
  create(opts: CallListOptions): CallList {
    if (this.lists.has(opts.id)) throw new CoreError('duplicateId', `call list ${opts.id}`);
    if (!DIALLABLE.test(opts.originator)) throw new CoreError('invalidArgument', `originator ${opts.originator}`);
    for (const [name, v] of Object.entries({ noAnswerSec: opts.noAnswerSec, retryDelaySec: opts.retryDelaySec, retryLimit: opts.retryLimit, waitingPercent: opts.waitingPercent ?? 0, immediateAbandonSec: opts.immediateAbandonSec ?? 0, stopAfterSec: opts.stopAfterSec ?? 0 })) {
      if (!Number.isFinite(v) || v < 0) throw new CoreError('invalidArgument', `${name} ${v}`);
    }
    let list: CallList;
    if (typeof opts.queue === 'string') {
      const queue = this.cc.queue(opts.queue);
      if (queue.channel !== 'phone') throw new CoreError('invalidArgument', `${opts.queue} is not a phone queue`);
      list = new CallList(opts, this.cc, queue, false);
    } else {
      const q = opts.queue;
      const queue = createQueue(this.cc, {
        id: `dialer:${opts.id}`,
        name: q.name ?? opts.id,
        address: opts.originator,
        members: q.agents,
        ...(q.distribution !== undefined ? { distribution: q.distribution } : {}),
        restSec: q.restSec ?? 0,
      });
      list = new CallList(opts, this.cc, queue, true);
    }
    this.lists.set(opts.id, list);
    this.listen();
    return list;
  }

  get(id: string): CallList | undefined {
    return this.lists.get(id);
  }

  all(): CallList[] {
    return [...this.lists.values()];
  }

  /** Stops a list (CallList.stop) and forgets it; false for an unknown id. */
  remove(id: string): boolean {
    const list = this.lists.get(id);
    if (!list) return false;
    list.stop();
    this.lists.delete(id);
    this.listen();
    return true;
  }

  /** Gateway shutdown: every list's timers stop. */
  shutdown(): void {
    for (const list of this.lists.values()) list.dispose();
    this.lists.clear();
    this.listen();
  }

  private onEvent(e: DomainEvent): void {
    for (const list of this.lists.values()) list.onEvent(e);
  }
}
