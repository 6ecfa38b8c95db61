/**
 * Random operations on the core, seeded and repeatable: whatever order agents, callers and timers act in, a command
 * either works or fails with a typed CoreError, and the state stays consistent.
 */
import { describe, expect, it } from 'vitest';
import { CoreError, IdSource, type ContactCenter } from '../../src/core/index.js';
import { makeCenter } from './helpers.js';

const EXTENSIONS = ['1101', '1102', '1103', '1104'];
const OUTSIDE = ['+35840111222', '+35891234567', '+4930123456'];
const USERS = ['HARRI', 'MAIJA', 'PEKKA', 'ANNA'];

function invariants(cc: ContactCenter): void {
  for (const call of cc.telephony.activeCalls()) {
    expect(call.state).toBe('active');
    const live = cc.telephony.activeParties(call);
    // A caller waits in a queue alone: nobody else is talking, ringing or holding in that call.
    if (live.some((p) => p.state === 'queued')) expect(live.filter((p) => ['connected', 'alerting', 'hold'].includes(p.state)), `call ${call.id} queued`).toEqual([]);
    expect(live.length, `call ${call.id} has live parties`).toBeGreaterThan(0);
    for (const p of live) if (p.internal) expect(cc.telephony.callsOf(p.number)).toContain(call);
  }
  for (const ext of EXTENSIONS) {
    for (const call of cc.telephony.callsOf(ext)) expect(cc.telephony.partyOf(call, ext), `${ext} tracked in ${call.id}`).toBeDefined();
  }
  for (const a of cc.agents.values()) {
    expect(cc.readyAgents.has(a.userId)).toBe(a.state === 'ready');
    if (a.state === 'busy') expect(cc.telephony.callsOf(a.extension).length, `${a.userId} busy without a call`).toBeGreaterThan(0);
  }
  for (const q of cc.queues.values()) {
    if (q.channel !== 'phone') continue;
    for (const w of q.waiting) expect(cc.telephony.findCall(w.id)?.parties.some((p) => p.state === 'queued')).toBe(true);
  }
}

/** Kinds of operation that succeeded in any seed (checked after all seeds ran). */
const workedAnywhere = new Set<number>();
let operationKinds = 0;

describe('the core under random operations', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`stays consistent (seed ${seed})`, () => {
      const { cc, clock } = makeCenter({ ringTimeoutSec: 5, wrapUpSec: 3, externalAnswerMs: 1500 });
      const rnd = new IdSource(seed);
      const pick = <T>(xs: readonly T[]): T => xs[rnd.next32() % xs.length] as T;
      const t = cc.telephony;
      // Mostly act where the action can work (a ringing phone is answered, a held call transferred), sometimes anywhere.
      const extWith = (...states: string[]): string => {
        const fit = EXTENSIONS.filter((e) => t.callsOf(e).some((c) => states.includes(t.partyOf(c, e)?.state ?? '')));
        return fit.length > 0 && rnd.next32() % 5 !== 0 ? pick(fit) : pick(EXTENSIONS);
      };
      const ops: (() => unknown)[] = [
        () => t.inbound(pick(OUTSIDE), pick(['2001', '2002', '2003', ...EXTENSIONS])),
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
          return call && (call.recording.state === 'off' ? t.startRecording(call.id, 'test') : t.pauseRecording(call.id));
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
      expect(ok).toBeGreaterThan(500);
      for (const k of worked) workedAnywhere.add(k);
      operationKinds = ops.length;
      // Everyone hangs up: the center drains back to no calls.
      for (const call of t.activeCalls()) for (const p of t.activeParties(call)) if (call.state === 'active') t.hangup(call.id, p.number);
      clock.advance(60_000);
      expect(t.activeCalls()).toHaveLength(0);
      invariants(cc);
    });
  }

  it('exercised every kind of operation, transfer and conference included', () => {
    expect([...workedAnywhere].sort((a, b) => a - b)).toEqual(Array.from({ length: operationKinds }, (_, i) => i));
  });
});
