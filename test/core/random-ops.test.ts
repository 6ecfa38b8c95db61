/**
 * Random operations on the core, seeded and repeatable: whatever order agents, callers and timers act in, a command
 * either works or fails with a typed CoreError, and the state stays consistent.
 */
import { describe, expect, it } from 'vitest';
import { CoreError, IdSource, TERMINAL_ITEM_STATES, type ContactCenter, type DomainEvent, type ItemChannel } from '../../src/core/index.js';
import { waitingOrdered } from '../../src/core/routing/waiting.js';
import { makeCenter } from './helpers.js';

const EXTENSIONS = ['1101', '1102', '1103', '1104'];
const OUTSIDE = ['+35840111222', '+35891234567', '+4930123456'];
const USERS = ['HARRI', 'MAIJA', 'PEKKA', 'ANNA'];

/** Every broken rule, as a sentence (plain checks: thousands of steps × hundreds of contacts must stay fast). */
function problems(cc: ContactCenter): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  for (const call of cc.telephony.activeCalls()) {
    check(call.state === 'active', `call ${call.id} listed but ${call.state}`);
    const live = cc.telephony.activeParties(call);
    // A caller waits in a queue alone: nobody else is talking, ringing or holding in that call.
    if (live.some((p) => p.state === 'queued')) check(!live.some((p) => ['connected', 'alerting', 'hold'].includes(p.state)), `call ${call.id} queued with others in it`);
    check(live.length > 0, `call ${call.id} has no live party`);
    for (const p of live) if (p.internal) check(cc.telephony.callsOf(p.number).includes(call), `${p.number} not tracked in call ${call.id}`);
  }
  for (const ext of EXTENSIONS) {
    for (const call of cc.telephony.callsOf(ext)) check(cc.telephony.partyOf(call, ext) !== undefined, `${ext} tracked in ${call.id} without a party`);
  }
  for (const a of cc.agents.values()) {
    check(cc.readyAgents.has(a.userId) === (a.state === 'ready'), `${a.userId} ready order out of step`);
    if (a.state === 'busy') check(cc.telephony.callsOf(a.extension).length > 0, `${a.userId} busy without a call`);
  }
  const waiting = new Set<string>();
  for (const q of cc.queues.values()) {
    // Routing: every waiting list in priority, then queue-start order.
    check(waitingOrdered(q), `queue ${q.id} out of order`);
    for (const w of q.waiting) {
      waiting.add(w.id);
      if (q.channel === 'phone') check(cc.telephony.findCall(w.id)?.parties.some((p) => p.state === 'queued') === true, `call ${w.id} waits without a queued caller`);
      else check(cc.items.find(w.id)?.state === 'queued', `item ${w.id} waits but is not queued`);
    }
  }
  for (const item of cc.items.list()) if (item.state === 'queued') check(waiting.has(item.id), `item ${item.id} queued but not waiting`);
  return out;
}

function invariants(cc: ContactCenter): void {
  const found = problems(cc);
  if (found.length > 0) expect(found).toEqual([]);
}

/**
 * Routing invariants checked on every offer, when it is made: a contact is never offered to an agent excluded from
 * it, a forced contact only to its forced agent, and no agent gets an item beyond their capacity.
 */
function watchOffers(cc: ContactCenter): string[] {
  const violations: string[] = [];
  cc.bus.subscribe((e: DomainEvent) => {
    if (e.type === 'call' && e.change === 'alerting') {
      const call = cc.telephony.findCall(e.call.id);
      const leg = e.legs[0];
      if (!call || !leg || call.offer?.legId !== leg) return;
      const userId = call.parties.find((p) => p.legId === leg)?.userId ?? '';
      if (call.routing.excluded.includes(userId)) violations.push(`call ${call.id} offered to excluded ${userId}`);
      const forced = call.routing.forcedAgent?.userId;
      if (forced !== undefined && forced !== userId) violations.push(`call ${call.id} forced to ${forced} offered to ${userId}`);
    }
    if (e.type === 'item' && e.change === 'allocated') {
      const item = cc.items.get(e.item.id);
      const agent = cc.agent(item.userId ?? '');
      if (item.routing.excluded.includes(agent.userId)) violations.push(`item ${item.id} offered to excluded ${agent.userId}`);
      const forced = item.routing.forcedAgent?.userId;
      if (forced !== undefined && forced !== agent.userId) violations.push(`item ${item.id} forced to ${forced} offered to ${agent.userId}`);
      const load = cc.routing.capacity.load(agent.userId, item.channel, item.routing.type);
      const limit = cc.routing.capacity.limit(agent, item.channel, item.routing.type);
      if (load > limit) violations.push(`${agent.userId} holds ${load} > ${limit} ${item.channel}/${item.routing.type ?? '-'}`);
    }
  });
  return violations;
}

/** Kinds of operation that succeeded in any seed (checked after all seeds ran). */
const workedAnywhere = new Set<number>();
let operationKinds = 0;

describe('the core under random operations', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`stays consistent (seed ${seed})`, () => {
      const { cc, clock } = makeCenter({ ringTimeoutSec: 5, wrapUpSec: 3, externalAnswerMs: 1500 });
      const violations = watchOffers(cc);
      const rnd = new IdSource(seed);
      const pick = <T>(xs: readonly T[]): T => xs[rnd.next32() % xs.length] as T;
      const t = cc.telephony;
      // Mostly act where the action can work (a ringing phone is answered, a held call transferred), sometimes anywhere.
      const extWith = (...states: string[]): string => {
        const fit = EXTENSIONS.filter((e) => t.callsOf(e).some((c) => states.includes(t.partyOf(c, e)?.state ?? '')));
        return fit.length > 0 && rnd.next32() % 5 !== 0 ? pick(fit) : pick(EXTENSIONS);
      };
      const ITEM_QUEUES: [ItemChannel, string][] = [['email', 'support@example.com'], ['chat', 'chat@example.com'], ['openmedia', '10']];
      const openItem = (...states: string[]) => pick(cc.items.list().filter((i) => states.includes(i.state)));
      const ops: (() => unknown)[] = [
        () => t.inbound(pick(OUTSIDE), pick(['2001', '2002', '2003', ...EXTENSIONS])),
        () =>
          t.inbound(pick(OUTSIDE), pick(['2001', '2002', '2003']), {
            priority: 1 + (rnd.next32() % 100),
            ...(rnd.next32() % 2 === 0 ? { preferredAgent: pick(USERS) } : {}),
            ...(rnd.next32() % 3 === 0 ? { forcedAgent: { userId: pick(USERS), timeoutSec: rnd.next32() % 20, onExpiry: pick(['fail', 'anyAgent'] as const) } } : {}),
          }),
        () => {
          const [channel, queueId] = pick(ITEM_QUEUES);
          return cc.items.create({
            channel,
            queueId,
            priority: 1 + (rnd.next32() % 100),
            ...(channel === 'openmedia' ? { type: 1 + (rnd.next32() % 3) } : {}),
            ...(rnd.next32() % 2 === 0 ? { preferredAgent: pick(USERS) } : {}),
            ...(rnd.next32() % 4 === 0 ? { forcedAgent: { userId: pick(USERS), timeoutSec: rnd.next32() % 20, onExpiry: pick(['fail', 'anyAgent'] as const) } } : {}),
          });
        },
        () => {
          const item = openItem('allocated');
          return item && cc.items.accept(item.id);
        },
        () => {
          const item = openItem('allocated', 'active');
          return item && cc.items.reject(item.id);
        },
        () => {
          const item = openItem('allocated', 'active');
          return item && cc.items.complete(item.id);
        },
        () => cc.routing.setAgentCapacity(pick(USERS), pick(ITEM_QUEUES)[0], rnd.next32() % 4),
        () => cc.routing.setTypeOptions('openmedia', pick([undefined, 1, 2, 3]), { maxPerAgent: rnd.next32() % 3, allowDifferentTypes: rnd.next32() % 2 === 0 }),
        () => cc.routing.resetTypeOptions('openmedia', pick([undefined, 1, 2, 3])),
        () => t.makeCall(pick(EXTENSIONS), pick([...EXTENSIONS, ...OUTSIDE, '2001'])),
        () => t.answer(extWith('alerting')),
        () => t.hold(extWith('connected')),
        () => t.retrieve(extWith('hold')),
        () => t.drop(pick(EXTENSIONS)),
        () => t.consult(extWith('connected'), pick([...EXTENSIONS, ...OUTSIDE])),
        () => t.transfer(extWith('hold')),
        () => t.conference(extWith('hold')),
        () => t.alternate(extWith('hold')),
        () => t.reconnect(extWith('hold')),
        () => t.divert(extWith('alerting', 'connected'), pick([...EXTENSIONS, ...OUTSIDE, '2002'])),
        () => t.addParty(extWith('connected'), pick([...EXTENSIONS, ...OUTSIDE])),
        () => {
          const call = pick(t.activeCalls());
          return call && t.hangup(call.id);
        },
        () => {
          const call = pick(t.activeCalls());
          return call && (call.recordings.length === 0 ? t.startRecording(call.id, 'api') : t.pauseRecording(call.id, 'api'));
        },
        () => cc.setAgentState(pick(USERS), pick(['ready', 'notReady', 'workingAfterCall', 'loggedOff'] as const)),
        () => cc.setForward(pick(EXTENSIONS), pick(['immediate', 'busy', 'noAnswer'] as const), pick(EXTENSIONS), rnd.next32() % 2 === 0),
        () => cc.setDnd(pick(EXTENSIONS), rnd.next32() % 4 === 0),
        () => clock.advance(rnd.next32() % 4000),
      ];
      let ok = 0;
      const worked = new Set<number>();
      for (let i = 0; i < 3000; i++) {
        const k = rnd.next32() % ops.length;
        try {
          ops[k]?.();
          worked.add(k);
          ok++;
        } catch (e) {
          if (!(e instanceof CoreError)) throw e;
        }
        invariants(cc);
      }
      expect(violations).toEqual([]);
      expect(ok).toBeGreaterThan(500);
      for (const k of worked) workedAnywhere.add(k);
      operationKinds = ops.length;
      // Everyone hangs up: the center drains back to no calls.
      for (const call of t.activeCalls()) for (const p of t.activeParties(call)) if (call.state === 'active') t.hangup(call.id, p.number);
      for (const item of cc.items.list()) if (!TERMINAL_ITEM_STATES.includes(item.state)) cc.items.cancel(item.id, { ifAllocated: true });
      clock.advance(60_000);
      expect(t.activeCalls()).toHaveLength(0);
      expect(cc.items.list()).toHaveLength(0);
      for (const q of cc.queues.values()) expect(q.waiting, `queue ${q.id} drained`).toEqual([]);
      invariants(cc);
    });
  }

  it('exercised every kind of operation, transfer and conference included', () => {
    expect([...workedAnywhere].sort((a, b) => a - b)).toEqual(Array.from({ length: operationKinds }, (_, i) => i));
  });
});
