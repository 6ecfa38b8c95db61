/**
 * What the routing module gained for the outbound dialer, each general: queues made and removed at run time, linear
 * and circular distribution over a queue's member order, an agent's rest after a contact of a queue (instead of
 * wrap-up), the members free now, a waiting limit that never refuses a call an agent can take at once, and a call
 * blind-transferred into a queue waiting there as it waits for a transfer's target.
 */
import { describe, expect, it } from 'vitest';
import { createQueue, removeQueue, setQueueMembers, type Call, type ContactCenter } from '../../src/core/index.js';
import { callChanges, errorCode, makeCenter } from './helpers.js';

const ringing = (cc: ContactCenter, call: Call): string | undefined => cc.telephony.activeParties(call).find((p) => p.state === 'alerting')?.userId;

/** An established call from the originator 3901 to a customer, ready to be handed to a queue. */
function customerCall(cc: ContactCenter, number: string): Call {
  cc.ensureDevice('3901').multiLine = true;
  const call = cc.telephony.makeCall('3901', number);
  cc.telephony.externalAnswer(call.id);
  return call;
}

describe('queues made at run time', () => {
  it('are phone queues with ordered members, found by id and number, removed when nobody waits', () => {
    const { cc, events } = makeCenter();
    const q = createQueue(cc, { id: 'dialer:x', name: 'x', address: '3901', members: ['ANNA', 'nobody', 'harri'] });
    expect(q).toMatchObject({ channel: 'phone', open: true, members: ['ANNA', 'HARRI'], distribution: 'longestIdle', dynamic: true });
    expect(cc.queue('3901')).toBe(q);
    expect(cc.agent('HARRI').queues).toContain('dialer:x');
    expect(events.filter((e) => e.type === 'agentConfig').map((e) => (e.type === 'agentConfig' ? e.userId : ''))).toEqual(['ANNA', 'HARRI']);
    expect(errorCode(() => createQueue(cc, { id: 'dialer:x', members: [] }))).toBe('duplicateId');
    expect(errorCode(() => createQueue(cc, { id: 'other', address: '2001', members: [] }))).toBe('duplicateId');
    expect(errorCode(() => setQueueMembers(cc, '2001', ['HARRI']))).toBe('invalidArgument');
    setQueueMembers(cc, 'dialer:x', ['MAIJA']);
    expect(cc.agent('HARRI').queues).not.toContain('dialer:x');
    expect(cc.agent('MAIJA').queues).toContain('dialer:x');
    removeQueue(cc, 'dialer:x');
    expect(cc.queues.has('dialer:x')).toBe(false);
    expect(cc.agent('MAIJA').queues).not.toContain('dialer:x');
    expect(events.at(-1)).toMatchObject({ type: 'queue', queueId: 'dialer:x', open: false, removed: true });
    expect(errorCode(() => removeQueue(cc, '2001'))).toBe('invalidArgument');
  });

  it('are kept by reset, with their members', () => {
    const { cc } = makeCenter();
    createQueue(cc, { id: 'dialer:x', members: ['PEKKA'] });
    cc.reset();
    expect(cc.queue('dialer:x').members).toEqual(['PEKKA']);
    expect(cc.agent('PEKKA').queues.filter((q) => q === 'dialer:x' || q === '2002')).toEqual(['2002', 'dialer:x']);
  });

  it('refuse removal while a contact waits', () => {
    const { cc } = makeCenter();
    createQueue(cc, { id: 'dialer:x', members: ['PEKKA'] });
    cc.setAgentState('PEKKA', 'notReady');
    const call = customerCall(cc, '+358900001');
    cc.telephony.transferToQueue('3901', 'dialer:x', call.id);
    expect(errorCode(() => removeQueue(cc, 'dialer:x'))).toBe('invalidState');
  });
});

describe('distribution over the member order', () => {
  for (const [distribution, expected] of [
    ['linear', ['HARRI', 'HARRI', 'HARRI']],
    ['circular', ['HARRI', 'MAIJA', 'ANNA']],
  ] as const) {
    it(`${distribution}: who gets each of three calls in turn, every agent free each time`, () => {
      const { cc } = makeCenter({ wrapUpSec: 0 });
      createQueue(cc, { id: 'q', address: '3950', members: ['HARRI', 'MAIJA', 'ANNA'], distribution, restSec: 0 });
      const got: (string | undefined)[] = [];
      for (const n of ['+358900001', '+358900002', '+358900003']) {
        const call = cc.telephony.inbound(n, '3950');
        const agent = ringing(cc, call);
        got.push(agent);
        cc.telephony.answer(cc.agent(agent ?? '').extension, call.id);
        cc.telephony.hangup(call.id);
      }
      expect(got).toEqual(expected);
    });
  }
});

describe("an agent's rest after a contact of a queue with restSec", () => {
  it('keeps the agent ready, offers them nothing of that queue until it is over, and their other queues still do', () => {
    const { cc, clock } = makeCenter();
    createQueue(cc, { id: 'q', address: '3950', members: ['PEKKA'], restSec: 30 });
    const first = cc.telephony.inbound('+358900001', '3950');
    cc.telephony.answer('1103', first.id);
    cc.telephony.hangup(first.id);
    // No wrap-up: the queue's rest replaces it.
    expect(cc.agent('PEKKA').state).toBe('ready');
    expect(cc.routing.available('q')).toEqual([]);
    const second = cc.telephony.inbound('+358900002', '3950');
    expect(ringing(cc, second)).toBeUndefined();
    // PEKKA's other queue (2002) still offers him its calls.
    for (const u of ['HARRI', 'ANNA']) cc.setAgentState(u, 'notReady');
    const other = cc.telephony.inbound('+358900003', '2002');
    expect(ringing(cc, other)).toBe('PEKKA');
    cc.telephony.drop('1103', other.id);
    cc.setAgentState('PEKKA', 'ready');
    clock.advance(29_999);
    expect(ringing(cc, second)).toBeUndefined();
    clock.advance(1);
    expect(ringing(cc, second)).toBe('PEKKA');
  });
});

describe('room in a queue with a waiting limit', () => {
  it('a limit of 0 still lets a call reach a free agent; it refuses only a call that would wait', () => {
    const { cc } = makeCenter();
    cc.setQueueRouting('2002', { maxWaiting: 0 });
    const reached = cc.telephony.inbound('+358900001', '2002');
    expect(ringing(cc, reached)).toBe('HARRI');
    for (const u of ['PEKKA', 'ANNA']) cc.setAgentState(u, 'notReady');
    const refused = cc.telephony.inbound('+358900002', '2002');
    expect(refused.state).toBe('ended');
    expect(cc.queueStats('2002').routedToFailure).toBe(1);
  });
});

describe('a call blind-transferred into a queue', () => {
  it('waits there as the remaining party, rings the agent as a transfer target, and is transferred on answer', () => {
    const { cc, events } = makeCenter();
    createQueue(cc, { id: 'q', address: '3950', members: ['PEKKA'] });
    cc.setAgentState('PEKKA', 'notReady');
    const call = customerCall(cc, '+358900001');
    events.length = 0;
    cc.telephony.transferToQueue('3901', 'q', call.id);
    expect(callChanges(events)).toEqual(['transferring', 'queued']);
    expect(call.parties.map((p) => `${p.number}:${p.state}`)).toEqual(['3901:ended', '+358900001:queued']);
    expect(cc.routing.position('q', call.id)).toBe(1);
    cc.setAgentState('PEKKA', 'ready');
    // Offered: the customer waits held for the target, as for a blind transfer to a device.
    expect(call.parties.map((p) => `${p.number}:${p.state}`)).toEqual(['3901:ended', '+358900001:held', '1103:alerting']);
    cc.telephony.answer('1103', call.id);
    expect(callChanges(events).slice(-2)).toEqual(['alerting', 'transferred']);
    expect(events.at(-1)).toMatchObject({ type: 'call', change: 'transferred', actor: '3901' });
  });

  it('a customer who hangs up while waiting there abandons the queue', () => {
    const { cc } = makeCenter();
    createQueue(cc, { id: 'q', address: '3950', members: ['PEKKA'] });
    cc.setAgentState('PEKKA', 'notReady');
    const call = customerCall(cc, '+358900001');
    cc.telephony.transferToQueue('3901', 'q', call.id);
    cc.telephony.hangup(call.id);
    expect(call.cause).toBe('abandoned');
    expect(cc.queueStats('q').abandonedInQueue + cc.queueStats('q').abandonedImmediately).toBe(1);
  });

  it('is refused for a queue that is not a phone queue or does not exist, changing nothing', () => {
    const { cc } = makeCenter();
    const call = customerCall(cc, '+358900001');
    expect(errorCode(() => cc.telephony.transferToQueue('3901', 'support@example.com', call.id))).toBe('invalidArgument');
    expect(errorCode(() => cc.telephony.transferToQueue('3901', 'nowhere', call.id))).toBe('unknownQueue');
    expect(call.parties.map((p) => p.state)).toEqual(['connected', 'connected']);
  });
});
