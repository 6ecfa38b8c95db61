/**
 * One waiting list per queue, ordered by priority (1 = highest) then queue-start time; contacts with equal keys keep
 * their arrival order. Insertion is a binary search, so a long queue costs log n per contact.
 */
import type { Queue, Waiting } from '../model.js';

/** Whether `a` goes before `b`. */
function before(a: Waiting, b: Waiting): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.since < b.since);
}

/** Inserts after every entry that does not come after it (stable for equal keys). */
export function insertWaiting(queue: Queue, w: Waiting): void {
  const list = queue.waiting;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(w, list[mid] as Waiting)) hi = mid;
    else lo = mid + 1;
  }
  if (lo === list.length) list.push(w);
  else list.splice(lo, 0, w);
}

/** Removes a contact's entry; false when it was not waiting there. */
export function removeWaiting(queue: Queue, id: string): boolean {
  const i = queue.waiting.findIndex((w) => w.id === id);
  if (i < 0) return false;
  queue.waiting.splice(i, 1);
  return true;
}

/** 1-based position of a waiting contact, 0 when it is not waiting. */
export function waitingPosition(queue: Queue, id: string): number {
  return queue.waiting.findIndex((w) => w.id === id) + 1;
}

/** Whether the list is in routing order (tests' invariant). */
export function waitingOrdered(queue: Queue): boolean {
  for (let i = 1; i < queue.waiting.length; i++) if (before(queue.waiting[i] as Waiting, queue.waiting[i - 1] as Waiting)) return false;
  return true;
}
