/** Issue 7 point 3: events carry typed fields, not conventions in a detail string; issue 8: merged consultation history. */
import { describe, expect, it } from 'vitest';
import type { CallEvent, DomainEvent } from '../../src/core/index.js';
import { makeCenter } from './helpers.js';

const callEvents = (events: DomainEvent[]): CallEvent[] => events.flatMap((e) => (e.type === 'call' ? [e] : []));
const one = (events: DomainEvent[], change: string): CallEvent => {
  const found = callEvents(events).filter((e) => e.change === change);
  expect(found, change).toHaveLength(1);
  return found[0] as CallEvent;
};

describe('typed call event fields', () => {
  it('names the dialled number, the queue, the divert target and the transfer target in their own fields', () => {
    const { cc, events } = makeCenter();
    cc.telephony.makeCall('1101', '2002');
    expect(one(events, 'dialled').target).toBe('2002');
    expect(one(events, 'queued').queueId).toBe('2002');
    cc.telephony.drop('1101');
    const inbound = cc.telephony.inbound('+35840111222', '1102');
    cc.telephony.divert('1102', '1103', inbound.id);
    expect(one(events, 'diverted')).toMatchObject({ target: '1103', actor: '1102', cause: 'redirect' });
    cc.telephony.answer('1103', inbound.id);
    cc.telephony.divert('1103', '+35891234567', inbound.id);
    expect(one(events, 'transferring')).toMatchObject({ target: '+35891234567', actor: '1103' });
    cc.telephony.externalAnswer(inbound.id);
    expect(one(events, 'transferred').target).toBe('+35891234567');
  });

  it('reports ring-no-answer with the queue it went back to', () => {
    const { cc, clock, events } = makeCenter({ ringTimeoutSec: 5 });
    for (const u of ['MAIJA', 'ANNA']) cc.setAgentState(u, 'notReady');
    cc.telephony.inbound('+35840111222', '2001');
    clock.advance(5000);
    expect(one(events, 'requeued')).toMatchObject({ queueId: '2001', cause: 'noAnswer' });
  });

  it('names the prompt, the supervisor leg and the monitoring session', () => {
    const { cc, events } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    cc.telephony.playPrompt(call.id, 'welcome');
    expect(one(events, 'prompt').prompt).toBe('welcome');
    cc.telephony.supervise('1104', call.id);
    const added = one(events, 'partyAdded');
    expect(added.call.parties.find((p) => p.legId === added.legs[0])?.number).toBe('1104');
    const m = cc.telephony.startMonitor(call.id, 'session-1', 'mixed', [{ host: '127.0.0.1', port: 40000 }]);
    cc.telephony.setMonitorState(call.id, 'session-1', 'paused');
    cc.telephony.stopMonitor(call.id, 'session-1');
    expect(callEvents(events).filter((e) => e.change === 'monitoring').map((e) => e.monitoring)).toEqual([
      { change: 'started', monitorId: m.id, owner: 'session-1' },
      { change: 'paused', monitorId: m.id, owner: 'session-1' },
      { change: 'stopped', monitorId: m.id, owner: 'session-1' },
    ]);
  });

  it('ends a merged consultation through the ordinary end of a call: one merged event carrying its stopped recording', () => {
    const { cc, events } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const consult = cc.telephony.consult('1101', '1102');
    cc.telephony.answer('1102');
    const rec = cc.telephony.startRecording(consult.id, 'api');
    cc.telephony.conference('1101');
    const merged = one(events, 'merged');
    expect(merged).toMatchObject({ related: call.id, cause: 'conference', actor: '1101', stoppedRecordings: [{ recordingId: rec.id, source: 'api' }] });
    expect(merged.call.id).toBe(consult.id);
    expect(callEvents(events).filter((e) => e.call.id === consult.id && e.change === 'ended')).toEqual([]);
    expect(cc.telephony.findCall(consult.id)).toBeUndefined();
    expect(() => cc.telephony.liveCall(consult.id)).toThrow(/ended/);
  });
});

describe('history of a consultation that leaves (issue 8)', () => {
  const cases = [
    { how: 'merged into a conference', end: 'conference', consulted: '1102', name: 'Maija Korhonen' },
    { how: 'ended by a consultative transfer', end: 'transfer', consulted: '1103', name: 'Pekka Nieminen' },
  ] as const;
  for (const c of cases) {
    it(`keeps the consulted party on the consulting device when the consultation is ${c.how}`, () => {
      const { cc } = makeCenter();
      cc.telephony.inbound('+35840111222', '1101');
      cc.telephony.answer('1101');
      const consult = cc.telephony.consult('1101', c.consulted);
      cc.telephony.answer(c.consulted);
      cc.telephony[c.end]('1101');
      const rec = cc.history({ deviceNumber: '1101' }).find((r) => r.reference === consult.reference);
      expect(rec).toMatchObject({ otherParty: c.consulted, otherName: c.name, cause: c.end, isOutgoing: true });
    });
  }
});
