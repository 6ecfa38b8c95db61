/**
 * Issue 7 point 1: one routing module for calls and work items — preferred, forced (with an expiry that fails or falls
 * back) and excluded agents across reject, ring-out and requeue; capacity per channel and type, changed at run time;
 * the waiting order; queue figures and EWT.
 */
import { describe, expect, it } from 'vitest';
import type { Call, ContactCenter, WorkItem } from '../../src/core/index.js';
import { callChanges, makeCenter } from './helpers.js';

const ringing = (cc: ContactCenter, call: Call): string | undefined => cc.telephony.activeParties(call).find((p) => p.state === 'alerting')?.userId;
const notReady = (cc: ContactCenter, ...users: string[]) => {
  for (const u of users) cc.setAgentState(u, 'notReady');
};

describe('routing calls', () => {
  it('offers a call to its preferred agent first, a typed option that survives a ring-out and requeue', () => {
    const { cc, clock } = makeCenter({ ringTimeoutSec: 10 });
    notReady(cc, 'ANNA');
    const call = cc.telephony.inbound('+35840111222', '2001', { preferredAgent: 'anna' });
    expect(call.routing.preferredAgent).toBe('ANNA');
    expect(call.attached).toEqual({});
    // ANNA cannot take it: the longest-idle member rings, then rings out.
    const first = ringing(cc, call);
    expect(first).toBe('HARRI');
    clock.advance(10_000);
    expect(cc.agent('HARRI').state).toBe('notReady');
    const second = ringing(cc, call);
    expect(second).toBe('MAIJA');
    cc.telephony.drop('1102', call.id); // MAIJA declines
    expect(call.parties[0]?.state).toBe('queued');
    // Back in the queue with its preference: ANNA is offered it as soon as she is ready.
    cc.setAgentState('ANNA', 'ready');
    expect(ringing(cc, call)).toBe('ANNA');
    expect(cc.queueStats('2001').routedToPreferred).toBe(1);
  });

  it('never offers a call again to an agent who declined it or let it ring out', () => {
    const { cc, clock } = makeCenter({ ringTimeoutSec: 5 });
    notReady(cc, 'MAIJA', 'ANNA');
    const call = cc.telephony.inbound('+35840111222', '2001');
    expect(ringing(cc, call)).toBe('HARRI');
    clock.advance(5000);
    expect(call.routing.excluded).toEqual(['HARRI']);
    cc.setAgentState('HARRI', 'ready');
    expect(ringing(cc, call)).toBeUndefined();
    expect(cc.queues.get('2001')?.waiting.map((w) => w.id)).toEqual([call.id]);
    cc.setAgentState('ANNA', 'ready');
    expect(ringing(cc, call)).toBe('ANNA');
    cc.telephony.drop('1104', call.id);
    cc.setAgentState('ANNA', 'ready');
    expect(ringing(cc, call)).toBeUndefined();
    expect(call.routing.excluded).toEqual(['HARRI', 'ANNA']);
    cc.setAgentState('MAIJA', 'ready');
    expect(ringing(cc, call)).toBe('MAIJA');
  });

  it('waits for a forced agent, then fails when the time runs out and the creator asked it to', () => {
    const { cc, clock, events } = makeCenter();
    notReady(cc, 'ANNA');
    const call = cc.telephony.inbound('+35840111222', '2001', { forcedAgent: { userId: 'ANNA', timeoutSec: 30, onExpiry: 'fail' } });
    expect(ringing(cc, call)).toBeUndefined();
    clock.advance(29_999);
    expect(call.state).toBe('active');
    clock.advance(1);
    expect(call.state).toBe('ended');
    expect(call.cause).toBe('noAnswer');
    expect(callChanges(events).slice(-2)).toEqual(['failed', 'ended']);
    expect(cc.queues.get('2001')?.waiting).toEqual([]);
  });

  it('falls back to any agent when the forced agent\'s time runs out and the creator asked for that', () => {
    const { cc, clock } = makeCenter();
    notReady(cc, 'ANNA');
    const call = cc.telephony.inbound('+35840111222', '2001', { forcedAgent: { userId: 'ANNA', timeoutSec: 30, onExpiry: 'anyAgent' } });
    expect(ringing(cc, call)).toBeUndefined();
    clock.advance(30_000);
    expect(ringing(cc, call)).toBe('HARRI');
    expect(call.routing.forcedAgent).toBeUndefined();
  });

  it('fails at once, or falls back, when the forced agent declines or rings out', () => {
    const { cc, clock } = makeCenter({ ringTimeoutSec: 5 });
    const failing = cc.telephony.inbound('+35840111222', '2001', { forcedAgent: { userId: 'MAIJA', timeoutSec: 60 } });
    expect(ringing(cc, failing)).toBe('MAIJA');
    cc.telephony.drop('1102', failing.id);
    expect(failing.state).toBe('ended');
    expect(failing.cause).toBe('noAnswer');
    const falling = cc.telephony.inbound('+35891234567', '2002', { forcedAgent: { userId: 'PEKKA', onExpiry: 'anyAgent' } });
    expect(ringing(cc, falling)).toBe('PEKKA');
    clock.advance(5000);
    expect(ringing(cc, falling)).toBe('HARRI');
  });

  it('refuses an unknown preferred agent and a logged-off forced agent, changing nothing', () => {
    const { cc, events } = makeCenter();
    cc.setAgentState('PEKKA', 'loggedOff');
    const before = events.length;
    expect(() => cc.telephony.inbound('+35840111222', '2001', { preferredAgent: 'NOBODY' })).toThrow(/No such agent/);
    expect(() => cc.telephony.inbound('+35840111222', '2002', { forcedAgent: { userId: 'PEKKA' } })).toThrow(/logged off/);
    expect(() => cc.telephony.inbound('+35840111222', '2002', { priority: 0 })).toThrow(/priority/);
    expect(() => cc.telephony.inbound('+35840111222', '2002', { queueStart: cc.now() + 1000 })).toThrow(/future/);
    expect(events.length).toBe(before);
    expect(cc.telephony.activeCalls()).toEqual([]);
  });

  it('orders a waiting list by priority, then queue-start time; a requeued call keeps its place', () => {
    const { cc, clock } = makeCenter({ ringTimeoutSec: 5 });
    notReady(cc, 'HARRI', 'MAIJA', 'ANNA');
    const a = cc.telephony.inbound('+35840000001', '2001', { priority: 50 });
    clock.advance(1000);
    const b = cc.telephony.inbound('+35840000002', '2001', { priority: 20 });
    clock.advance(1000);
    const c = cc.telephony.inbound('+35840000003', '2001', { priority: 50, queueStart: cc.now() - 10_000 });
    const d = cc.telephony.inbound('+35840000004', '2001', { priority: 50 });
    const order = () => cc.queues.get('2001')?.waiting.map((w) => w.id);
    expect(order()).toEqual([b.id, c.id, a.id, d.id]);
    cc.setAgentState('ANNA', 'ready');
    expect(ringing(cc, b)).toBe('ANNA');
    clock.advance(5000);
    expect(order()).toEqual([b.id, c.id, a.id, d.id]);
  });
});

describe('routing work items', () => {
  const email = (cc: ContactCenter, extra: object = {}): WorkItem => cc.items.create({ channel: 'email', queueId: 'support@example.com', from: 'c@example.org', ...extra });

  it('does not offer a declined e-mail straight back to the same agent, and keeps its preferred agent', () => {
    const { cc, clock } = makeCenter({ ringTimeoutSec: 5 });
    const item = email(cc, { preferredAgent: 'MAIJA' });
    expect(item.userId).toBe('MAIJA');
    cc.items.reject(item.id, 'MAIJA');
    expect(item.userId).toBe('HARRI');
    clock.advance(5000); // HARRI lets it time out
    expect(item.state).toBe('queued');
    expect(item.routing.excluded).toEqual(['MAIJA', 'HARRI']);
    expect(item.routing.preferredAgent).toBe('MAIJA');
    expect(cc.items.position(item)).toBe(1);
  });

  it('gives a forced item to its agent only: rejected by that agent, it fails and is never given to another', () => {
    const { cc } = makeCenter();
    const item = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'PEKKA', timeoutSec: 60 } });
    expect(item.userId).toBe('PEKKA');
    cc.items.reject(item.id, 'PEKKA');
    expect(item.state).toBe('failed');
    // Offered to PEKKA only; failed without an agent (Open Media: AgentID 0 unless allocated, handled or completed).
    expect(item.history.map((h) => `${h.state}:${h.userId ?? '-'}`)).toEqual(['queued:-', 'allocated:PEKKA', 'failed:-']);
  });

  it('fails a forced item its agent does not take within the time, or gives it to anyone when asked', () => {
    const { cc, clock } = makeCenter();
    notReady(cc, 'PEKKA');
    const strict = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'PEKKA', timeoutSec: 60 } });
    const lenient = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'PEKKA', timeoutSec: 60, onExpiry: 'anyAgent' } });
    expect([strict.state, lenient.state]).toEqual(['queued', 'queued']);
    clock.advance(60_000);
    expect(strict.state).toBe('failed');
    expect(lenient.state).toBe('allocated');
    expect(['HARRI', 'ANNA']).toContain(lenient.userId);
  });

  it('keeps the routing rules when an agent picks a queued item by hand: forced agent, membership, capacity (om-findings 1)', () => {
    const { cc } = makeCenter();
    notReady(cc, 'PEKKA', 'ANNA'); // group 10: HARRI, PEKKA, ANNA; MAIJA is no member and works no open media
    const forced = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'PEKKA', timeoutSec: 60 } });
    const held = cc.items.create({ channel: 'openmedia', queueId: '10' });
    const waiting = cc.items.create({ channel: 'openmedia', queueId: '10' });
    expect([forced.state, held.userId, waiting.state]).toEqual(['queued', 'HARRI', 'queued']);
    expect(() => cc.items.accept(forced.id, 'MAIJA')).toThrow(/forced to agent PEKKA/);
    expect(() => cc.items.accept(waiting.id, 'MAIJA')).toThrow(/not a member of the queue/);
    expect(() => cc.items.accept(waiting.id, 'HARRI')).toThrow(/no room for another contact/);
    expect(() => cc.items.accept(waiting.id, 'ANNA')).toThrow(/not available/);
    // Refused, nothing changed: both still queued in their places, HARRI holds one.
    expect([forced.state, cc.items.position(forced), waiting.state, cc.items.position(waiting)]).toEqual(['queued', 1, 'queued', 2]);
    expect(cc.items.list({ userId: 'HARRI' }).map((i) => i.id)).toEqual([held.id]);
    // Agents the routing would choose may pick them: the forced agent his, ANNA (ready again) the other.
    cc.setAgentState('PEKKA', 'ready');
    expect(forced.userId).toBe('PEKKA');
    cc.setAgentState('ANNA', 'ready');
    expect(waiting.userId).toBe('ANNA');
  });

  it('forced to an agent whose offer times out: fails at once', () => {
    const { cc, clock } = makeCenter({ ringTimeoutSec: 5 });
    const item = cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'ANNA' } });
    expect(item.userId).toBe('ANNA');
    clock.advance(5000);
    expect(item.state).toBe('failed');
  });
});

describe('capacity', () => {
  it('limits items per channel from the fixture, changeable at run time', () => {
    const { cc } = makeCenter();
    const first = cc.items.create({ channel: 'email', queueId: 'support@example.com' });
    const second = cc.items.create({ channel: 'email', queueId: 'support@example.com' });
    const third = cc.items.create({ channel: 'email', queueId: 'support@example.com' });
    expect(new Set([first.userId, second.userId])).toEqual(new Set(['HARRI', 'MAIJA']));
    expect(third.state).toBe('queued');
    cc.routing.setAgentCapacity('MAIJA', 'email', 2);
    expect(third.userId).toBe('MAIJA');
    cc.items.complete(first.id);
    const fourth = cc.items.create({ channel: 'email', queueId: 'support@example.com' });
    expect(fourth.userId).toBe(first.userId === 'HARRI' ? 'HARRI' : 'MAIJA');
  });

  it('takes the capacity per agent and per channel from the fixture', async () => {
    const { parseFixture, ContactCenter, ManualClock } = await import('../../src/core/index.js');
    const cc = new ContactCenter(
      parseFixture({
        routing: { capacity: { chat: 2 } },
        agents: [{ userId: 'A', extension: '100', name: 'A', queues: ['chat'], channels: ['chat'], capacity: { chat: 3 } }, { userId: 'B', extension: '101', name: 'B', queues: ['chat'], channels: ['chat'] }],
        queues: [{ id: 'chat', name: 'Chat', channel: 'chat', address: 'chat' }],
      }),
      { clock: new ManualClock(), seed: 1 },
    );
    expect(cc.agent('A').capacity.chat).toBe(3);
    expect(cc.agent('B').capacity).toMatchObject({ chat: 2, email: 1 });
    const items = Array.from({ length: 6 }, () => cc.items.create({ channel: 'chat', queueId: 'chat' }));
    expect(items.map((i) => i.userId ?? 'queued').sort()).toEqual(['A', 'A', 'A', 'B', 'B', 'queued']);
  });

  it('limits open media sessions per type (MaxNumberOfSessions), AllowDifferentTypes for the incoming type, ResetAllOptions', () => {
    const { cc } = makeCenter();
    notReady(cc, 'HARRI', 'ANNA');
    const om = (type: number) => cc.items.create({ channel: 'openmedia', queueId: '10', type });
    cc.routing.setTypeOptions('openmedia', undefined, { maxPerAgent: 3 });
    cc.routing.setTypeOptions('openmedia', 1, { maxPerAgent: 1 });
    const t1a = om(1);
    const t1b = om(1);
    const t2 = om(2);
    expect([t1a.userId, t1b.state, t2.userId]).toEqual(['PEKKA', 'queued', 'PEKKA']);
    // Type 3 does not allow different types: PEKKA, busy with types 1 and 2, is not offered one.
    cc.routing.setTypeOptions('openmedia', 3, { allowDifferentTypes: false });
    const t3 = om(3);
    expect(t3.state).toBe('queued');
    cc.items.complete(t1a.id); // room for type 1 again: t1b goes to PEKKA
    expect(t1b.userId).toBe('PEKKA');
    cc.items.complete(t1b.id);
    cc.items.complete(t2.id);
    expect(t3.userId).toBe('PEKKA');
    // The incoming type decides: type 2 allows different types, so PEKKA (holding type 3) is offered one.
    const t2b = om(2);
    expect(t2b.userId).toBe('PEKKA');
    // ResetAllOptions for type 1: back to the limit every type shares (3, of which PEKKA uses 2).
    cc.routing.setTypeOptions('openmedia', 1, { maxPerAgent: 0 });
    const t1c = om(1);
    expect(t1c.state).toBe('queued');
    cc.routing.resetTypeOptions('openmedia', 1);
    expect(t1c.userId).toBe('PEKKA');
    expect(cc.routing.capacity.optionsOf('openmedia', 1)).toEqual({});
    expect(cc.routing.capacity.load('PEKKA', 'openmedia', 1)).toBe(3);
  });
});

describe('queue figures and EWT', () => {
  it('counts agents by state and waiting calls with their waits, and estimates the wait from handling times', () => {
    const { cc, clock } = makeCenter({ defaultHandleSec: 120 });
    notReady(cc, 'HARRI', 'MAIJA');
    cc.setAgentState('ANNA', 'loggedOff');
    const a = cc.telephony.inbound('+35840000001', '2001');
    clock.advance(10_000);
    const b = cc.telephony.inbound('+35840000002', '2001');
    clock.advance(5000);
    let f = cc.routing.queueFigures('2001');
    expect(f).toMatchObject({ queueId: '2001', open: true, members: 3, loggedIn: 2, loggedOff: 1, ready: 0, busy: 0, wrapUp: 0, notReady: 2 });
    expect(f).toMatchObject({ waiting: 2, longestWaitMs: 15_000, averageWaitMs: 10_000, totalWaitMs: 20_000, averageHandleMs: 120_000 });
    // Nobody serving: one agent's worth, three contacts' handling for a newcomer, two for the second waiting call.
    expect(f.ewtSec).toBe(360);
    expect(cc.routing.estimatedWaitSec('2001', b.id)).toBe(240);
    // HARRI handles a for 60 s: the average handling time is his.
    cc.setAgentState('HARRI', 'ready');
    cc.telephony.answer('1101', a.id);
    clock.advance(60_000);
    cc.telephony.hangup(a.id);
    f = cc.routing.queueFigures('2001');
    expect(f).toMatchObject({ waiting: 1, wrapUp: 1, notReady: 1, averageHandleMs: 60_000 });
    expect(f.ewtSec).toBe(120);
    cc.setAgentState('MAIJA', 'ready');
    // Nobody ready, two agents serving (MAIJA busy, HARRI wrapping up): a newcomer waits half a handling time.
    expect(cc.routing.queueFigures('2001')).toMatchObject({ waiting: 0, busy: 1, wrapUp: 1, ewtSec: 30 });
    expect(cc.routing.estimatedWaitSec('2001', b.id)).toBe(0);
  });

  it('counts an item queue the same way, its handling time from accept to complete', () => {
    const { cc, clock } = makeCenter({ defaultHandleSec: 100 });
    const item = cc.items.create({ channel: 'chat', queueId: 'chat@example.com' });
    cc.items.accept(item.id);
    clock.advance(30_000);
    cc.items.complete(item.id);
    expect(cc.routing.queueFigures('chat@example.com')).toMatchObject({ channel: 'chat', members: 3, ready: 3, averageHandleMs: 30_000, ewtSec: 0 });
  });
});

describe('queue overflow rules (kept from main: TelServices inbound routing points set them)', () => {
  it('sends a call to the failure route when the queue is closed or full, and fails it without one', () => {
    const { cc } = makeCenter();
    notReady(cc, 'HARRI', 'MAIJA', 'ANNA');
    cc.setQueueRouting('2001', { failureRoute: '2002', maxWaiting: 1 });
    const first = cc.telephony.inbound('+35840000001', '2001');
    expect(first.queueId).toBe('2001');
    const second = cc.telephony.inbound('+35840000002', '2001');
    expect(second.queueId).toBe('2002');
    expect(second.lastRedirection).toEqual({ number: '2001', cause: 'redirect' });
    expect(ringing(cc, second)).toBe('PEKKA');
    cc.setQueueRouting('2001', { failureRoute: undefined });
    cc.setQueueOpen('2001', false);
    const third = cc.telephony.inbound('+35840000003', '2001');
    expect(third).toMatchObject({ state: 'ended', cause: 'destNotObtainable' });
    expect(cc.queueStats('2001').routedToFailure).toBe(2);
  });
});
