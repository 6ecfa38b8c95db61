/**
 * Queues changed at run time: phone queues made and removed while the center runs (an outbound campaign's queue, in
 * which its answered customers wait for its agents), their member lists, and the overflow rules an interface
 * configures on any phone queue (TelServices inbound routing points).
 */
import type { ContactCenter } from './center.js';
import { CoreError } from './errors.js';
import { DISTRIBUTIONS, type Distribution, type Queue } from './model.js';
import { DIALLABLE } from './numbering.js';
import { newQueueStats } from './stats.js';

/** A phone queue made at run time (createQueue). */
export interface NewQueue {
  /** Unique among queues. */
  id: string;
  name?: string;
  /**
   * Where callers reach it: a number no other queue has (it may be a device's number too, e.g. a routing point:
   * calls to it then wait in this queue). Absent: the id, reachable only by transferToQueue.
   */
  address?: string;
  /** User ids, in the order a `linear` or `circular` distribution tries them; unknown ones are left out. */
  members: string[];
  distribution?: Distribution;
  /** See Queue.restSec. */
  restSec?: number;
  /** Seconds an offered call rings an agent; default the center's ringTimeoutSec. */
  ringTimeoutSec?: number;
}

/**
 * Adds an open phone queue with its members (each member's `queues` gains it; `agentConfig` per member, then a
 * `queue` event). Errors (nothing changes): `duplicateId` for an id or address a queue has, `invalidArgument` for a
 * distribution or rest out of range.
 */
export function createQueue(cc: ContactCenter, def: NewQueue): Queue {
  const address = def.address ?? def.id;
  if (cc.queues.has(def.id)) throw new CoreError('duplicateId', `queue ${def.id}`);
  if (cc.queueAt(address)) throw new CoreError('duplicateId', `queue address ${address}`);
  if (def.address !== undefined && !DIALLABLE.test(def.address)) throw new CoreError('invalidArgument', `queue number ${def.address}`);
  const distribution = def.distribution ?? 'longestIdle';
  if (!DISTRIBUTIONS.includes(distribution)) throw new CoreError('invalidArgument', `distribution ${String(distribution)}`);
  if (def.restSec !== undefined && !(def.restSec >= 0 && def.restSec <= 86_400)) throw new CoreError('invalidArgument', `rest ${def.restSec} s`);
  const queue: Queue = {
    id: def.id,
    name: def.name ?? def.id,
    channel: 'phone',
    address,
    open: true,
    members: [],
    skills: {},
    ringTimeoutSec: def.ringTimeoutSec ?? cc.options.ringTimeoutSec,
    distribution,
    dynamic: true,
    waiting: [],
  };
  if (def.restSec !== undefined) queue.restSec = def.restSec;
  cc.addQueue(queue, newQueueStats(cc.now()));
  setQueueMembers(cc, queue.id, def.members);
  cc.emitQueue(queue);
  return queue;
}

/**
 * Replaces the member list of a queue made at run time, in order (unknown user ids are left out); agents who join
 * or leave get an `agentConfig` event, and ready newcomers are offered its waiting contacts. `invalidArgument` for a
 * fixture queue (its members follow the agents' own configuration, setAgentQueues).
 */
export function setQueueMembers(cc: ContactCenter, queueId: string, userIds: readonly string[]): void {
  const queue = cc.queue(queueId);
  if (!queue.dynamic) throw new CoreError('invalidArgument', `queue ${queue.id} takes its members from the agents' configuration`);
  const next: string[] = [];
  for (const id of userIds) {
    const a = cc.findAgent(id);
    if (a && !next.includes(a.userId)) next.push(a.userId);
  }
  const before = new Set(queue.members);
  queue.members = next;
  const changed = new Set([...next.filter((u) => !before.has(u)), ...[...before].filter((u) => !next.includes(u))]);
  for (const userId of changed) {
    const agent = cc.agents.get(userId);
    if (!agent) continue;
    agent.queues = next.includes(userId) ? [...agent.queues, queue.id] : agent.queues.filter((q) => q !== queue.id);
    cc.bus.emit(cc.now(), () => ({ type: 'agentConfig', userId }));
  }
  cc.routing.dispatch(queue);
}

/**
 * Removes a queue made at run time: it closes (a `queue` event with `open` false and `removed`), its members leave
 * it, and calls still ringing an agent for it fail if they come back to it. `invalidState` while contacts wait in
 * it, `invalidArgument` for a fixture queue.
 */
export function removeQueue(cc: ContactCenter, queueId: string): void {
  const queue = cc.queue(queueId);
  if (!queue.dynamic) throw new CoreError('invalidArgument', `queue ${queue.id} is part of the fixture`);
  if (queue.waiting.length > 0) throw new CoreError('invalidState', `${queue.waiting.length} contacts wait in queue ${queue.id}`);
  setQueueMembers(cc, queue.id, []);
  queue.open = false;
  cc.dropQueue(queue);
  cc.routing.forgetQueue(queue.id);
  cc.bus.emit(cc.now(), () => ({ type: 'queue', queueId: queue.id, waiting: 0, open: false, removed: true }));
}

/**
 * A phone queue's overflow rules (failure route, waiting limit, immediate-abandon threshold); undefined clears one.
 * They are an interface's configuration (TelServices inbound routing points) and survive reset().
 */
export function setQueueRouting(cc: ContactCenter, id: string, rules: { failureRoute?: string | undefined; maxWaiting?: number | undefined; immediateAbandonMs?: number | undefined }): void {
  const q = cc.queue(id);
  if (rules.failureRoute !== undefined && !DIALLABLE.test(rules.failureRoute)) throw new CoreError('invalidArgument', 'failure route');
  const { failureRoute, maxWaiting, immediateAbandonMs } = { ...q, ...rules };
  delete q.failureRoute;
  delete q.maxWaiting;
  delete q.immediateAbandonMs;
  if (failureRoute !== undefined) q.failureRoute = failureRoute;
  if (maxWaiting !== undefined) q.maxWaiting = maxWaiting;
  if (immediateAbandonMs !== undefined) q.immediateAbandonMs = immediateAbandonMs;
}
