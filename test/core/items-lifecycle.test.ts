/**
 * Work items through their life in the core (om-probe findings 1, 2, 3, 6, 7): the automatic driver accepts and
 * completes items of every channel, an agent who logs off gives back what was offered and not accepted, queue
 * statistics count items as calls (DoNotReport leaves none), a diverted forced item's time starts again, and an ended
 * item can be forgotten by id. Virtual time (ManualClock).
 */
import { describe, expect, it } from 'vitest';
import type { ContactCenter, ItemChannel } from '../../src/core/index.js';
import { errorCode, makeCenter } from './helpers.js';

/** Every agent not ready but `only`, so items go to `only` alone. */
function onlyReady(cc: ContactCenter, only: string): void {
  for (const a of cc.agents.values()) if (a.userId !== only) cc.setAgentState(a.userId, 'notReady');
}

const QUEUE: Record<ItemChannel, string> = { openmedia: '10', email: 'support@example.com', chat: 'chat@example.com', action: 'ACTION' };

describe('the automatic driver and work items', () => {
  it.each(Object.keys(QUEUE) as ItemChannel[])('accepts a %s item after answerAfterSec and completes it after talkSec', (channel) => {
    const { cc, clock } = makeCenter();
    onlyReady(cc, 'HARRI');
    cc.setDriver('HARRI', { answerAfterSec: 2, talkSec: 5, wrapUpSec: 0 });
    const item = cc.items.create({ channel, queueId: QUEUE[channel], from: 'customer@example.com', text: 'hi' });
    expect(item).toMatchObject({ state: 'allocated', userId: 'HARRI' });
    clock.advance(1999);
    expect(item.state).toBe('allocated');
    clock.advance(1);
    expect(item.state).toBe('active');
    clock.advance(5000);
    expect(item.state).toBe('completed');
    expect(item.history.map((h) => h.state)).toEqual(['queued', 'allocated', 'active', 'completed']);
    expect(cc.queueStats(QUEUE[channel])).toMatchObject({ offered: 1, answered: 1, completed: 1, alerting: { count: 1, totalMs: 2000 }, connected: { count: 1, totalMs: 5000 } });
  });

  it('lets the ring timeout win when answerAfterSec is longer, and an undriven agent is never driven', () => {
    const { cc, clock } = makeCenter();
    onlyReady(cc, 'HARRI');
    cc.setDriver('HARRI', { answerAfterSec: 30, talkSec: 5, wrapUpSec: 0 });
    const item = cc.items.create({ channel: 'openmedia', queueId: '10' });
    clock.advance(20_000);
    expect(item.state).toBe('queued');
    expect(item.routing.excluded).toEqual(['HARRI']);
    cc.setDriver('HARRI', undefined);
    const other = cc.items.create({ channel: 'email', queueId: 'support@example.com' });
    clock.advance(19_000);
    expect(other.state).toBe('allocated');
  });
});

describe('a driver given to an agent already holding items (re-probe)', () => {
  it('drives what is offered and what is being worked from then on; taken away, it stops', () => {
    const { cc, clock } = makeCenter();
    onlyReady(cc, 'HARRI');
    const offered = cc.items.create({ channel: 'openmedia', queueId: '10' });
    const worked = cc.items.create({ channel: 'email', queueId: 'support@example.com' });
    cc.items.accept(worked.id, 'HARRI');
    expect([offered.state, worked.state]).toEqual(['allocated', 'active']);
    cc.setDriver('HARRI', { answerAfterSec: 1, talkSec: 3, wrapUpSec: 0 });
    clock.advance(1000);
    expect(offered.state).toBe('active');
    clock.advance(2000);
    expect(worked.state).toBe('completed');
    cc.setDriver('HARRI', undefined);
    clock.advance(60_000);
    expect(offered.state).toBe('active');
  });
});

describe('an agent who logs off', () => {
  it('gives back the items offered and not accepted at once, in their place, without being excluded', () => {
    const { cc, clock } = makeCenter();
    onlyReady(cc, 'PEKKA');
    const first = cc.items.create({ channel: 'openmedia', queueId: '10' });
    clock.advance(1000);
    const second = cc.items.create({ channel: 'openmedia', queueId: '10' });
    expect([first.state, first.userId, second.state]).toEqual(['allocated', 'PEKKA', 'queued']);
    cc.setAgentState('PEKKA', 'loggedOff');
    expect(first.state).toBe('queued');
    expect(first.userId).toBeUndefined();
    // In its place: ahead of the one that came later; PEKKA may have it again.
    expect(cc.items.position(first)).toBe(1);
    expect(cc.items.position(second)).toBe(2);
    expect(first.routing.excluded).toEqual([]);
    expect(first.history.map((h) => h.state)).toEqual(['queued', 'allocated', 'queued']);
    expect(cc.queueStats('10')).toMatchObject({ offered: 2, requeued: 1 });
    cc.setAgentState('PEKKA', 'ready');
    expect([first.state, first.userId]).toEqual(['allocated', 'PEKKA']);
  });

  it('keeps an accepted item; a forced item waits for its agent as usual', () => {
    const { cc, clock } = makeCenter();
    onlyReady(cc, 'PEKKA');
    const worked = cc.items.create({ channel: 'openmedia', queueId: '10' });
    cc.items.accept(worked.id, 'PEKKA');
    cc.routing.capacity.setOptions('openmedia', undefined, { maxPerAgent: 2 });
    const forced = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'PEKKA', timeoutSec: 60, onExpiry: 'fail' } });
    expect([forced.state, forced.userId]).toEqual(['allocated', 'PEKKA']);
    cc.setAgentState('PEKKA', 'loggedOff');
    expect(worked.state).toBe('active');
    expect(forced.state).toBe('queued');
    clock.advance(59_000);
    expect(forced.state).toBe('queued');
    clock.advance(1000);
    expect(forced.state).toBe('failed');
  });
});

describe('queue statistics of items, as of calls', () => {
  it('DoNotReport leaves no statistics of a request never allocated, even diverted; an allocated one is reported', () => {
    const { cc, clock } = makeCenter();
    for (const a of cc.agents.values()) cc.setAgentState(a.userId, 'notReady');
    const before = cc.queueStats('10');
    const item = cc.items.create({ channel: 'openmedia', queueId: '10' });
    clock.advance(10_000);
    cc.items.cancel(item.id, { report: false });
    expect(cc.queueStats('10')).toEqual(before);
    // Allocated once, then back in the queue: it must be reported whatever the cancel asks.
    const once = cc.items.create({ channel: 'openmedia', queueId: '10' });
    cc.setAgentState('PEKKA', 'ready');
    cc.items.reject(once.id, 'PEKKA');
    cc.items.cancel(once.id, { report: false });
    expect(cc.queueStats('10')).toMatchObject({ offered: before.offered + 1, cancelled: before.cancelled + 1, requeued: before.requeued + 1 });
  });

  it('cancelled while waiting is abandoned in queue (immediately before immediateAbandonMs), while offered abandoned on the agent, when worked completed', () => {
    const { cc, clock } = makeCenter();
    onlyReady(cc, 'PEKKA');
    cc.setAgentState('PEKKA', 'notReady');
    const quick = cc.items.create({ channel: 'openmedia', queueId: '10' });
    const slow = cc.items.create({ channel: 'openmedia', queueId: '10' });
    cc.items.cancel(quick.id);
    clock.advance(10_000);
    cc.items.cancel(slow.id);
    expect(cc.queueStats('10')).toMatchObject({ abandonedImmediately: 1, abandonedInQueue: 1, abandonedOnAgent: 0, cancelled: 2, queued: { count: 2, totalMs: 10_000 } });
    cc.setAgentState('PEKKA', 'ready');
    const offered = cc.items.create({ channel: 'openmedia', queueId: '10' });
    cc.items.cancel(offered.id, { ifAllocated: true });
    expect(cc.queueStats('10')).toMatchObject({ abandonedOnAgent: 1, abandonedInQueue: 1, answered: 0 });
    const worked = cc.items.create({ channel: 'openmedia', queueId: '10' });
    clock.advance(3000);
    cc.items.accept(worked.id, 'PEKKA');
    clock.advance(4000);
    cc.items.cancel(worked.id, { ifAllocated: true });
    expect(cc.queueStats('10')).toMatchObject({ answered: 1, completed: 1, alerting: { count: 1, totalMs: 3000 }, connected: { count: 1, totalMs: 4000 } });
  });
});

describe('diverting a forced item', () => {
  function twoQueues(): ReturnType<typeof makeCenter> {
    const m = makeCenter();
    const q = m.cc.queue('10');
    m.cc.queues.set('11', { ...q, id: '11', name: 'Escalations', address: '11', members: ['ANNA'], waiting: [] } as never);
    return m;
  }

  it('starts its forced time again in the new queue', () => {
    const { cc, clock } = makeCenter();
    for (const a of cc.agents.values()) cc.setAgentState(a.userId, 'notReady');
    const item = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'ANNA', timeoutSec: 60, onExpiry: 'fail' } });
    clock.advance(50_000);
    cc.items.divert(item.id, '10', { forcedTimeoutSec: 5 });
    clock.advance(4999);
    expect(item.state).toBe('queued');
    clock.advance(1);
    expect(item.state).toBe('failed');
  });

  it('refuses a queue its forced agent does not serve, changing nothing', () => {
    const { cc } = twoQueues();
    for (const a of cc.agents.values()) cc.setAgentState(a.userId, 'notReady');
    const item = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'PEKKA', timeoutSec: 60, onExpiry: 'fail' } });
    expect(errorCode(() => cc.items.divert(item.id, '11', { forcedTimeoutSec: 5 }))).toBe('invalidArgument');
    expect([item.state, item.queueId, cc.items.position(item)]).toEqual(['queued', '10', 1]);
  });
});

describe('forgetting an ended item', () => {
  it('frees its id; an open or unknown item is not forgotten', () => {
    const { cc } = makeCenter();
    const open = cc.items.create({ channel: 'openmedia', queueId: '10', id: 'A' });
    expect(cc.items.forget('A')).toBe(false);
    expect(cc.items.forget('nope')).toBe(false);
    cc.items.cancel(open.id, { ifAllocated: true });
    expect(errorCode(() => cc.items.create({ channel: 'openmedia', queueId: '10', id: 'A' }))).toBe('duplicateId');
    expect(cc.items.forget('A')).toBe(true);
    expect(cc.items.create({ channel: 'openmedia', queueId: '10', id: 'A' }).id).toBe('A');
  });
});
