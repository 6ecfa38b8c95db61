/**
 * What a queue remembers about its members beyond the member list: for a `circular` distribution, who was chosen
 * last (the next offer starts after them); for a queue with `restSec`, until when each agent rests after a contact
 * of the queue (they are not offered its contacts meanwhile). Both are per queue: an agent resting after a campaign
 * call still takes the calls of their other queues.
 */
import type { Queue } from '../model.js';

export class MemberState {
  /** Queue id → userId chosen last. */
  private readonly last = new Map<string, string>();
  /** Queue id → userId → epoch ms until which the agent rests. */
  private readonly rests = new Map<string, Map<string, number>>();

  /** Member ids in the order a `linear` or `circular` queue tries them. */
  order(queue: Queue): readonly string[] {
    if (queue.distribution !== 'circular') return queue.members;
    const last = this.last.get(queue.id);
    const i = last === undefined ? -1 : queue.members.indexOf(last);
    if (i < 0) return queue.members;
    return [...queue.members.slice(i + 1), ...queue.members.slice(0, i + 1)];
  }

  /** The router offered a contact of the queue to this agent. */
  chosen(queueId: string, userId: string): void {
    this.last.set(queueId, userId);
  }

  /** The agent rests from the queue's contacts until `until` (epoch ms). */
  rest(queueId: string, userId: string, until: number): void {
    let m = this.rests.get(queueId);
    if (!m) {
      m = new Map();
      this.rests.set(queueId, m);
    }
    m.set(userId, until);
  }

  resting(queueId: string, userId: string, now: number): boolean {
    const until = this.rests.get(queueId)?.get(userId);
    return until !== undefined && now < until;
  }

  /** The queue went away (or reset): forget what it remembered. */
  forget(queueId: string): void {
    this.last.delete(queueId);
    this.rests.delete(queueId);
  }

  clear(): void {
    this.last.clear();
    this.rests.clear();
  }
}
