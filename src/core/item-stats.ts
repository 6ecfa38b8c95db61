/**
 * Statistics of work items. Per agent: `itemsOffered` on allocation, `itemsAnswered` on accept, `itemsNotAnswered` when
 * an offer is given back or cancelled. Per queue, counted as calls count theirs (stats.ts QueueStats; calls/acd.ts, calls/delivery.ts,
 * calls/ending.ts): `offered` when an item enters a queue (created or diverted in), `answered` with its alerting time
 * when an agent accepts it, `requeued` when an offer goes back to the queue, abandoned on cancel (`abandonedInQueue`,
 * `abandonedImmediately` or `abandonedOnAgent`, as a caller hanging up while waiting or ringing), `completed` and its
 * `connected` time when it ends after an agent took it, `cancelled` for every cancel.
 *
 * Open Media DoNotReport (seed 004 CANCELREQUEST: "the request will not generate statistics for the Service Group.
 * This parameter only applies if the request has not been allocated to an agent; otherwise, the request must be
 * reported"): what an item counted while it was never allocated (offered, overflowed in and out) stays in a ledger
 * until its first allocation, and is taken back when it is cancelled unreported, so it leaves no statistics at all.
 */
import type { ContactCenter } from './center.js';
import type { WorkItem } from './model.js';
import { addTally, countAbandoned, type QueueStats } from './stats.js';

/** The counters an item may count before it is first allocated. */
type ProvisionalCounter = 'offered' | 'overflowIn' | 'overflowOut';

export class ItemStats {
  /** Item id → what it counted while never allocated (the record counted in, so a statistics reset is not touched). */
  private readonly provisional = new Map<string, { qs: QueueStats; counter: ProvisionalCounter }[]>();

  constructor(private readonly cc: ContactCenter) {}

  private count(item: WorkItem, queueId: string, counter: ProvisionalCounter): void {
    const qs = this.cc.queueStatsOf(queueId);
    if (!qs) return;
    qs[counter] += 1;
    if (item.allocatedAt !== undefined) return;
    const ledger = this.provisional.get(item.id);
    if (ledger) ledger.push({ qs, counter });
    else this.provisional.set(item.id, [{ qs, counter }]);
  }

  /** The item entered `queueId` (created there, or diverted in). */
  offered(item: WorkItem, queueId: string): void {
    this.count(item, queueId, 'offered');
  }

  /** Seed 004 DIVERTREQUEST: "reported as Overflowed Out from the original service group and Overflowed In to the new". */
  diverted(item: WorkItem, fromQueueId: string, toQueueId: string): void {
    this.count(item, fromQueueId, 'overflowOut');
    this.count(item, toQueueId, 'overflowIn');
  }

  /** Offered to its agent (`item.userId`): from now on the item must be reported, whatever its cancel asks. */
  allocated(item: WorkItem): void {
    this.provisional.delete(item.id);
    const stats = this.cc.statsOf(item.userId);
    if (stats) stats.itemsOffered += 1;
  }

  /** Its agent did not answer an offer (given back or cancelled while allocated). */
  private notAnswered(item: WorkItem): void {
    const stats = item.state === 'allocated' ? this.cc.statsOf(item.userId) : undefined;
    if (stats) stats.itemsNotAnswered += 1;
  }

  /** An agent accepted it: answered, with the time it was offered (the call's alerting time). */
  answered(item: WorkItem): void {
    const stats = this.cc.statsOf(item.userId);
    if (stats) stats.itemsAnswered += 1;
    const qs = this.cc.queueStatsOf(item.queueId);
    if (!qs) return;
    qs.answered += 1;
    addTally(qs.alerting, this.cc.now() - (item.allocatedAt ?? this.cc.now()));
  }

  /** An offer (or, rejected, a worked item) went back to the queue: rejected, rung out, or its agent logged off. */
  requeued(item: WorkItem): void {
    this.notAnswered(item);
    const qs = this.cc.queueStatsOf(item.queueId);
    if (qs) qs.requeued += 1;
  }

  /**
   * Cancelled (seed 004 CANCELREQUEST): queued, it is abandoned in queue (or immediately, as a call); allocated and not
   * accepted, abandoned on the agent; accepted, completed. `report` false for one never allocated takes back every
   * count it made. Call before the item's state changes.
   */
  cancelled(item: WorkItem, report: boolean): void {
    this.notAnswered(item);
    const ledger = this.provisional.get(item.id);
    this.provisional.delete(item.id);
    if (!report && item.allocatedAt === undefined) {
      for (const { qs, counter } of ledger ?? []) qs[counter] -= 1;
      return;
    }
    const qs = this.cc.queueStatsOf(item.queueId);
    if (!qs) return;
    qs.cancelled += 1;
    if (item.state === 'queued' || item.state === 'allocated') {
      const waited = this.cc.now() - (item.queuedAt ?? item.createdAt);
      countAbandoned(qs, item.state === 'allocated', waited, this.cc.immediateAbandonMs(item.queueId));
    } else {
      qs.completed += 1;
    }
  }

  /** Ended: `completed` counts (a cancel counted itself), and the time since an agent accepted it is connected time. */
  ended(item: WorkItem, state: 'completed' | 'failed' | 'cancelled'): void {
    this.provisional.delete(item.id);
    const qs = this.cc.queueStatsOf(item.queueId);
    if (!qs) return;
    if (state === 'completed') qs.completed += 1;
    if (item.answeredAt !== undefined) addTally(qs.connected, this.cc.now() - item.answeredAt);
  }

  /** Every item forgotten (reset). */
  clear(): void {
    this.provisional.clear();
  }
}
