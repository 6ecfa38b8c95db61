/**
 * One waiting list per queue, ordered by priority (1 = highest) then queue-start time; contacts with equal keys keep
 * their arrival order. The list (`Queue.waiting`) is changed only through this module, which keeps beside it an index
 * by contact id: insertion, removal and a contact's position are a binary search (log n), not a scan of the list, so
 * a queue with thousands waiting costs little per contact (AddRequest answers its QueuePosition, every item event
 * carries one).
 *
 * Each entry also carries its contact's "choice key" (choiceKey): contacts of one queue with equal keys get the same
 * answer from agent choice at a given moment, so once one of them found no agent, a dispatch pass skips the others
 * (NoAgentSkips), and stops when every contact it has not looked at is such a one.
 */
import type { Queue, RoutingInputs, Waiting } from '../model.js';

/** An entry as this module stores it: arrival sequence (orders equal keys), choice key. */
interface Entry extends Waiting {
  seq: number;
  choice: string | undefined;
}

interface Index {
  byId: Map<string, Entry>;
  /** Choice key → entries with it. */
  choices: Map<string, number>;
}

/**
 * Keyed by the list itself: a queue whose list is replaced (reset, a queue made again) starts a fresh index. A list
 * built by hand (the index does not know its size) is indexed from its order.
 */
const indexes = new WeakMap<Waiting[], Index>();
let arrivals = 0;

/** A new entry, last in arrival order (its fields written out: a spread copy with fields added is slow in V8). */
function entry(w: Waiting, choice: string | undefined): Entry {
  return { id: w.id, kind: w.kind, since: w.since, priority: w.priority, seq: ++arrivals, choice };
}

function indexOf(list: Waiting[]): Index {
  let index = indexes.get(list);
  if (index && index.byId.size === list.length) return index;
  index = { byId: new Map(), choices: new Map() };
  for (let i = 0; i < list.length; i++) {
    const w = list[i] as Waiting;
    const e = entry(w, undefined);
    list[i] = e;
    index.byId.set(e.id, e);
  }
  indexes.set(list, index);
  return index;
}

/** Whether `a` goes before `b`. */
function before(a: Waiting, b: Waiting): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.since < b.since);
}

/** Entries are unique by (priority, since, seq): the first index whose entry does not go before `e`. */
function lowerBound(list: Waiting[], e: Entry): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = list[mid] as Entry;
    if (before(m, e) || (!before(e, m) && m.seq < e.seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function count(index: Index, key: string | undefined, by: number): void {
  if (key === undefined) return;
  const n = (index.choices.get(key) ?? 0) + by;
  if (n > 0) index.choices.set(key, n);
  else index.choices.delete(key);
}

/**
 * The key under which agent choice (choice.ts) answers alike for contacts of one queue: the forced agent, the
 * preferred agent and the item type. A contact with skills of its own or agents excluded has none: it is judged alone.
 */
export function choiceKey(r: RoutingInputs): string | undefined {
  if (r.excluded.length > 0) return undefined;
  for (const _ in r.skills) return undefined;
  return `${r.forcedAgent?.userId ?? ''}\n${r.preferredAgent ?? ''}\n${r.type ?? ''}`;
}

/** Inserts after every entry that does not come after it (stable for equal keys); a contact already waiting moves. */
export function insertWaiting(queue: Queue, w: Waiting, choice?: string): void {
  removeWaiting(queue, w.id);
  const list = queue.waiting;
  const index = indexOf(list);
  const e = entry(w, choice);
  const at = lowerBound(list, e);
  // At either end without splice: V8 moves the whole list for a splice (microseconds for thousands waiting), while
  // push, unshift and shift (removeWaiting) are cheap, and the ends are where a FIFO queue changes.
  if (at === list.length) list.push(e);
  else if (at === 0) list.unshift(e);
  else list.splice(at, 0, e);
  index.byId.set(e.id, e);
  count(index, choice, 1);
}

/** Removes a contact's entry; false when it was not waiting there. */
export function removeWaiting(queue: Queue, id: string): boolean {
  const index = indexOf(queue.waiting);
  const e = index.byId.get(id);
  if (!e) return false;
  const at = lowerBound(queue.waiting, e);
  if (at === 0) queue.waiting.shift();
  else queue.waiting.splice(at, 1);
  index.byId.delete(id);
  count(index, e.choice, -1);
  return true;
}

/** 1-based position of a waiting contact, 0 when it is not waiting. */
export function waitingPosition(queue: Queue, id: string): number {
  const e = indexOf(queue.waiting).byId.get(id);
  return e ? lowerBound(queue.waiting, e) + 1 : 0;
}

/** A waiting contact's routing inputs changed (its forced agent's time ran out): its choice key follows. */
export function rekeyWaiting(queue: Queue, id: string, choice: string | undefined): void {
  const index = indexOf(queue.waiting);
  const e = index.byId.get(id);
  if (!e) return;
  count(index, e.choice, -1);
  e.choice = choice;
  count(index, choice, 1);
}

/** Whether the list is in routing order and its index matches it (tests' invariant). */
export function waitingOrdered(queue: Queue): boolean {
  const list = queue.waiting;
  for (let i = 1; i < list.length; i++) if (before(list[i] as Waiting, list[i - 1] as Waiting)) return false;
  const index = indexOf(list);
  return list.every((w, i) => index.byId.get(w.id) === w && waitingPosition(queue, w.id) === i + 1);
}

/**
 * What one dispatch pass learnt: the choice keys that found no agent, and how many entries not yet looked at have one
 * of them. It holds for the rest of the pass: an offer only takes room from the agent chosen, and whatever a listener
 * does while a contact is offered either changes a waiting list (the pass starts over: `restart`) or frees an agent
 * through a command that starts a dispatch of its own (the router runs the pass again once this one is done).
 */
export class NoAgentSkips {
  private readonly blocked = new Set<string>();
  /** Choice key → entries with it the pass has looked at and left waiting (they are before its cursor). */
  private readonly passed = new Map<string, number>();
  /** Entries at or after the cursor whose key is blocked. */
  private ahead = 0;

  constructor(private readonly queue: Queue) {}

  /** Whether every one of the `remaining` entries from the cursor on has a blocked key: the pass can stop. */
  allBlocked(remaining: number): boolean {
    return this.ahead >= remaining;
  }

  /** Whether the entry's key already found no agent in this pass. */
  isBlocked(w: Waiting): boolean {
    const key = (w as Entry).choice;
    return key !== undefined && this.blocked.has(key);
  }

  /** The pass leaves the entry waiting and moves past it: its key is blocked, or agent choice found nobody for it. */
  leave(w: Waiting): void {
    const key = (w as Entry).choice;
    if (key === undefined) return;
    const passed = (this.passed.get(key) ?? 0) + 1;
    this.passed.set(key, passed);
    if (this.blocked.has(key)) {
      this.ahead--;
      return;
    }
    this.blocked.add(key);
    this.ahead += (indexOf(this.queue.waiting).choices.get(key) ?? 0) - passed;
  }

  restart(): void {
    this.blocked.clear();
    this.passed.clear();
    this.ahead = 0;
  }
}
