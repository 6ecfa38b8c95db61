/**
 * The waiting list's index and the dispatch pass's skips (routing/waiting.ts): positions by binary search agree with
 * the list's order whatever is inserted and removed; a pass that skips contacts alike to one that found no agent,
 * and stops when only such contacts are left, still offers every contact an agent can take, in routing order
 * (priority, then queue-start time), with forced agents, their expiry, preferred agents, exclusions and capacity.
 */
import { describe, expect, it } from 'vitest';
import { IdSource, type ContactCenter, type DomainEvent, type Queue, type Waiting } from '../../src/core/index.js';
import { insertWaiting, removeWaiting, waitingOrdered, waitingPosition } from '../../src/core/routing/waiting.js';
import { makeCenter } from './helpers.js';

const USERS = ['HARRI', 'PEKKA', 'ANNA'] as const;
const om = (cc: ContactCenter, extra: object = {}) => cc.items.create({ channel: 'openmedia', queueId: '10', ...extra });

describe('the waiting list index', () => {
  it('answers every position as the ordered list does, through inserts and removals in any place', () => {
    const queue = { waiting: [] as Waiting[] } as Queue;
    const rnd = new IdSource(7);
    const ids: string[] = [];
    for (let step = 0; step < 2000; step++) {
      if (ids.length > 0 && rnd.next32() % 3 === 0) {
        const id = ids.splice(rnd.next32() % ids.length, 1)[0] as string;
        expect(removeWaiting(queue, id)).toBe(true);
        expect(waitingPosition(queue, id)).toBe(0);
      } else {
        const id = `c${step}`;
        // Few distinct keys: many contacts share a priority and a queue-start time, and keep their arrival order.
        insertWaiting(queue, { id, kind: 'item', priority: 1 + (rnd.next32() % 3), since: rnd.next32() % 5 }, rnd.next32() % 2 === 0 ? 'k' : undefined);
        ids.push(id);
      }
      if (step % 50 === 0) expect(waitingOrdered(queue)).toBe(true);
    }
    expect(queue.waiting).toHaveLength(ids.length);
    queue.waiting.forEach((w, i) => expect(waitingPosition(queue, w.id)).toBe(i + 1));
    // Equal keys in arrival order: the entries of one (priority, since) appear as they were inserted.
    const byKey = new Map<string, number[]>();
    for (const w of queue.waiting) byKey.set(`${w.priority}/${w.since}`, [...(byKey.get(`${w.priority}/${w.since}`) ?? []), Number(w.id.slice(1))]);
    for (const seq of byKey.values()) expect(seq).toEqual([...seq].sort((a, b) => a - b));
    expect(removeWaiting(queue, 'nobody')).toBe(false);
  });

  it('indexes a list built without it, and a contact inserted twice moves instead of waiting twice', () => {
    const queue = { waiting: [{ id: 'a', kind: 'item', priority: 5, since: 1 }, { id: 'b', kind: 'item', priority: 5, since: 2 }] } as Queue;
    expect(waitingPosition(queue, 'b')).toBe(2);
    insertWaiting(queue, { id: 'b', kind: 'item', priority: 1, since: 2 });
    expect(queue.waiting.map((w) => w.id)).toEqual(['b', 'a']);
    expect(waitingOrdered(queue)).toBe(true);
  });
});

describe('a dispatch pass with many waiting', () => {
  it('allocates past a thousand items forced to an agent who is away, and gives them to that agent in order', () => {
    const { cc } = makeCenter();
    cc.setAgentState('PEKKA', 'notReady');
    cc.setAgentState('HARRI', 'notReady');
    const forced = Array.from({ length: 1000 }, () => om(cc, { forcedAgent: { userId: 'PEKKA', timeoutSec: 3600 } }));
    expect(cc.queue('10').waiting).toHaveLength(1000);
    const urgent = om(cc, { priority: 1 });
    const later = om(cc);
    expect([urgent.userId, cc.items.position(urgent)]).toEqual(['ANNA', 0]);
    // ANNA is full (one open media item): the plain one waits behind the forced ones, at the end.
    expect([later.state, cc.items.position(later)]).toEqual(['queued', 1001]);
    cc.items.complete(urgent.id);
    expect(later.userId).toBe('ANNA');
    cc.routing.setAgentCapacity('PEKKA', 'openmedia', 3);
    cc.setAgentState('PEKKA', 'ready');
    expect(forced.filter((i) => i.userId === 'PEKKA')).toEqual(forced.slice(0, 3));
    expect(forced.slice(3).map((i) => cc.items.position(i))).toEqual(Array.from({ length: 997 }, (_, i) => i + 1));
  });

  it('looks again at contacts that found no agent once an offer made a listener free one', () => {
    const { cc } = makeCenter();
    cc.setAgentState('PEKKA', 'notReady');
    cc.setAgentState('ANNA', 'notReady');
    const first = om(cc);
    const second = om(cc);
    const third = om(cc);
    expect([first.userId, second.state, third.state]).toEqual(['HARRI', 'queued', 'queued']);
    // When HARRI is offered the next one, ANNA comes back: the pass must not keep skipping what ANNA can take.
    cc.bus.subscribe((e: DomainEvent) => {
      if (e.type === 'item' && e.change === 'allocated' && e.item.id === second.id) cc.setAgentState('ANNA', 'ready');
    });
    cc.items.complete(first.id);
    expect([second.userId, third.userId]).toEqual(['HARRI', 'ANNA']);
  });

  it('files a forced item whose time ran out (any agent then) with the others, in its place', () => {
    const { cc, clock } = makeCenter();
    cc.setAgentState('PEKKA', 'notReady');
    cc.setAgentState('ANNA', 'notReady');
    const held = om(cc);
    const lenient = om(cc, { forcedAgent: { userId: 'PEKKA', timeoutSec: 10, onExpiry: 'anyAgent' } });
    const plain = om(cc);
    expect(held.userId).toBe('HARRI');
    clock.advance(10_000);
    expect([lenient.state, plain.state, cc.items.position(lenient), cc.items.position(plain)]).toEqual(['queued', 'queued', 1, 2]);
    cc.items.complete(held.id);
    expect([lenient.userId, plain.state]).toEqual(['HARRI', 'queued']);
  });
});

describe('the dispatch pass under random item operations', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`offers every item an agent can take, earliest first (seed ${seed})`, () => {
      const { cc, clock } = makeCenter({ ringTimeoutSec: 30 });
      const rnd = new IdSource(seed);
      const pick = <T>(xs: readonly T[]): T => xs[rnd.next32() % xs.length] as T;
      const problems: string[] = [];
      // Nothing allocatable was passed over: every item still waiting ahead of an allocated one has no agent now.
      cc.bus.subscribe((e: DomainEvent) => {
        if (e.type !== 'item' || e.change !== 'allocated') return;
        const since = cc.items.get(e.item.id).queuedAt ?? 0;
        for (const w of cc.queue(e.item.queueId).waiting) {
          const ahead = w.priority < e.item.priority || (w.priority === e.item.priority && w.since < since);
          if (ahead && takeable(cc, '10', w)) problems.push(`${w.id} passed over for ${e.item.id}`);
        }
      });
      const open = (state: string) => pick(cc.items.list({ channel: 'openmedia' }).filter((i) => i.state === state));
      const ops: (() => unknown)[] = [
        () =>
          om(cc, {
            priority: 1 + (rnd.next32() % 3),
            ...(rnd.next32() % 3 === 0 ? { queueStart: clock.now() - (rnd.next32() % 5000) } : {}),
            ...(rnd.next32() % 2 === 0 ? { type: 1 + (rnd.next32() % 2) } : {}),
            ...(rnd.next32() % 3 === 0 ? { preferredAgent: pick(USERS) } : {}),
            ...(rnd.next32() % 5 === 0 ? { skills: { support: pick([60, 70, 90]) } } : {}),
            ...(rnd.next32() % 3 === 0 ? { forcedAgent: { userId: pick(USERS), timeoutSec: rnd.next32() % 20, onExpiry: pick(['fail', 'anyAgent'] as const) } } : {}),
          }),
        () => cc.items.complete(open('allocated')?.id ?? ''),
        () => cc.items.complete(open('active')?.id ?? ''),
        () => cc.items.reject(open('allocated')?.id ?? ''),
        () => cc.items.accept(open('allocated')?.id ?? ''),
        () => cc.items.cancel(open('queued')?.id ?? ''),
        () => cc.setAgentState(pick(USERS), pick(['ready', 'notReady', 'ready'] as const)),
        () => cc.routing.setAgentCapacity(pick(USERS), 'openmedia', rnd.next32() % 4),
        () => cc.routing.setTypeOptions('openmedia', pick([undefined, 1, 2]), { maxPerAgent: rnd.next32() % 3, allowDifferentTypes: rnd.next32() % 2 === 0 }),
        () => cc.routing.resetTypeOptions('openmedia', pick([undefined, 1, 2])),
        () => clock.advance(rnd.next32() % 8000),
      ];
      for (let i = 0; i < 1500; i++) {
        try {
          pick(ops)();
        } catch {
          // A refused command (unknown item, bad state) changes nothing.
        }
        const q = cc.queue('10');
        if (!waitingOrdered(q)) problems.push(`step ${i}: waiting list out of order`);
        for (const w of q.waiting) if (takeable(cc, '10', w)) problems.push(`step ${i}: ${w.id} waits while an agent can take it`);
        if (problems.length > 0) break;
      }
      expect(problems).toEqual([]);
    });
  }
});

/**
 * Whether agent choice would give this waiting item an agent now: its forced agent may take it, or (not forced) some
 * member may. (Items only: every change that frees an agent for an item starts a dispatch in this test's operations.)
 */
function takeable(cc: ContactCenter, queueId: string, w: Waiting): boolean {
  const routing = cc.items.find(w.id)?.routing;
  if (!routing) return false;
  const free = cc.routing.available(queueId, routing).map((a) => a.userId);
  const forced = routing.forcedAgent?.userId;
  return forced === undefined ? free.length > 0 : free.includes(forced);
}
