/**
 * The outbound dialer (core/dialer) on its own, in virtual time: call lists on an existing queue (as ICI callbacks
 * will use them: a number, a time window and an agent, then the outcome) and with their own queue (as TelServices
 * campaigns do), pacing on the queue's free agents, retries, windows, and each outcome.
 */
import { describe, expect, it } from 'vitest';
import type { CallListOptions, ContactCenter, EntryView } from '../../src/core/index.js';
import { errorCode, makeCenter } from './helpers.js';

const base = (o: Partial<CallListOptions> = {}): CallListOptions => ({ id: 'cb', originator: '3950', queue: '2002', noAnswerSec: 20, retryDelaySec: 60, retryLimit: 1, farEnd: () => 5000, ...o });
const ringingAgent = (cc: ContactCenter, callId: string | undefined) => cc.telephony.findCall(callId ?? '')?.parties.find((p) => p.state === 'alerting' && p.userId)?.userId;

describe('a call list on an existing queue (callbacks)', () => {
  it('dials an entry in its window, hands the answered customer to the preferred agent, and reports connected', async () => {
    const { cc, clock } = makeCenter();
    const outcomes: EntryView[] = [];
    const list = cc.dialer.create(base({ onOutcome: (e) => outcomes.push(e) }));
    const now = cc.now();
    const [id] = list.add([{ number: '+358401234567', notBefore: now + 60_000, notAfter: now + 3_600_000, agent: { userId: 'anna' } }]);
    expect(list.entry(id ?? '')).toMatchObject({ state: 'pending', tries: 0, nextTryAt: now + 60_000 });
    expect(cc.activeCalls()).toHaveLength(0);
    clock.advance(60_000);
    const dialling = list.entry(id ?? '');
    expect(dialling).toMatchObject({ state: 'dialling', tries: 1 });
    expect(cc.telephony.call(dialling?.callId ?? '').parties.map((p) => p.number)).toEqual(['3950', '+358401234567']);
    clock.advance(5000);
    // Answered: blind-transferred from the originator into queue 2002, where the routing module offers it to ANNA.
    expect(list.entry(id ?? '')).toMatchObject({ state: 'offered', userId: 'ANNA' });
    const settled = list.settled(id ?? '');
    cc.telephony.answer('1104');
    await expect(settled).resolves.toMatchObject({ outcome: 'connected', userId: 'ANNA', state: 'done' });
    expect(outcomes.map((o) => o.outcome)).toEqual(['connected']);
    expect(list.stats).toMatchObject({ intended: 1, originated: 1, performed: 1, routedToAgent: 1 });
    expect(list.state()).toBe('completed');
  });

  it('an entry for one agent only is dialled while that agent is free, and goes to nobody else', () => {
    const { cc, clock } = makeCenter();
    const list = cc.dialer.create(base());
    cc.setAgentState('PEKKA', 'notReady');
    const [id] = list.add([{ number: '+358401234567', agent: { userId: 'PEKKA', only: true } }]);
    expect(list.entry(id ?? '')?.state).toBe('pending');
    cc.setAgentState('PEKKA', 'ready');
    clock.advance(0);
    expect(list.entry(id ?? '')?.state).toBe('dialling');
    clock.advance(5000);
    expect(ringingAgent(cc, list.entry(id ?? '')?.callId)).toBe('PEKKA');
  });

  it('retries an unanswered number, then gives it up (unanswered); a window that closes first expires it', () => {
    const { cc, clock } = makeCenter();
    const list = cc.dialer.create(base({ farEnd: () => -1 }));
    const now = cc.now();
    const [given, expiring] = list.add([{ number: '+358401111111' }, { number: '+358402222222', notAfter: now + 50_000 }]);
    clock.advance(20_000);
    expect(list.entry(given ?? '')).toMatchObject({ state: 'pending', tries: 1, nextTryAt: now + 80_000 });
    // The second entry's retry would come after its window: it expires.
    expect(list.entry(expiring ?? '')).toMatchObject({ state: 'done', outcome: 'expired' });
    clock.advance(60_000);
    expect(list.entry(given ?? '')).toMatchObject({ state: 'dialling', tries: 2 });
    clock.advance(20_000);
    expect(list.entry(given ?? '')).toMatchObject({ state: 'done', outcome: 'unanswered' });
    expect(list.stats).toMatchObject({ originated: 3, retried: 1, failed: 1 });
  });

  it('a customer who hangs up before an agent answers is abandoned; a pending entry can be cancelled', () => {
    const { cc, clock } = makeCenter();
    for (const u of ['HARRI', 'PEKKA', 'ANNA']) cc.setAgentState(u, 'notReady');
    const list = cc.dialer.create(base({ waitingPercent: 100 }));
    const [waits, cancelled] = list.add([{ number: '+358401111111' }, { number: '+358402222222', notBefore: cc.now() + 10_000 }]);
    // Nobody free, but logged-on agents allow waiting customers: one is dialled and waits in the queue.
    clock.advance(5000);
    const e = list.entry(waits ?? '');
    expect(e?.state).toBe('waiting');
    expect(cc.queues.get('2002')?.waiting.map((w) => w.id)).toEqual([e?.callId]);
    expect(list.cancel(cancelled ?? '')).toBe(true);
    expect(list.entry(cancelled ?? '')).toBeUndefined();
    cc.telephony.hangup(e?.callId ?? '');
    expect(list.entry(waits ?? '')).toMatchObject({ state: 'done', outcome: 'abandoned' });
    expect(list.stats.abandonedInQueue).toBe(1);
  });

  it('refuses bad lists and entries, changing nothing', () => {
    const { cc } = makeCenter();
    expect(errorCode(() => cc.dialer.create(base({ queue: 'nowhere' })))).toBe('unknownQueue');
    expect(errorCode(() => cc.dialer.create(base({ queue: 'support@example.com' })))).toBe('invalidArgument');
    expect(errorCode(() => cc.dialer.create(base({ noAnswerSec: -1 })))).toBe('invalidArgument');
    const list = cc.dialer.create(base());
    expect(errorCode(() => cc.dialer.create(base()))).toBe('duplicateId');
    expect(errorCode(() => list.add([{ number: '+358401111111' }, { number: 'not a number' }]))).toBe('invalidArgument');
    expect(errorCode(() => list.add([{ number: '+358401111111', notBefore: 10, notAfter: 5 }]))).toBe('invalidArgument');
    expect(errorCode(() => list.add([{ number: '+358401111111', agent: { userId: 'NOBODY' } }]))).toBe('unknownAgent');
    expect(list.list()).toEqual([]);
  });
});

describe('a call list with its own queue (campaigns)', () => {
  it('paces on its free agents plus the waiting allowance, and its queue goes when it stops', () => {
    const { cc, clock } = makeCenter();
    const list = cc.dialer.create(base({ id: 'camp', originator: '3901', queue: { agents: ['HARRI', 'MAIJA'], distribution: 'linear', restSec: 0 }, waitingPercent: 50 }));
    expect(cc.queue('3901').id).toBe('dialer:camp');
    list.add(['+358900001', '+358900002', '+358900003', '+358900004'].map((number) => ({ number })));
    // Two free agents + 50 % of two logged on: three calls at once.
    expect(cc.activeCalls()).toHaveLength(3);
    clock.advance(5000);
    const states = list.list().map((e) => e.state);
    expect(states).toEqual(['offered', 'offered', 'waiting', 'pending']);
    expect(list.list().slice(0, 2).map((e) => e.userId)).toEqual(['HARRI', 'MAIJA']);
    list.stop();
    expect(list.list().map((e) => e.outcome ?? e.state)).toEqual(['offered', 'offered', 'cancelled', 'cancelled']);
    expect(cc.queues.has('dialer:camp')).toBe(false);
    expect(list.state()).toBe('stopped');
  });
});
