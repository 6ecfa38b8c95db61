/** Issue 7 point 3: events in order by construction, even when a listener runs a core command. */
import { describe, expect, it } from 'vitest';
import { EventBus, type DomainEvent } from '../../src/core/index.js';
import { makeCenter } from './helpers.js';

describe('event order', () => {
  it('a listener that starts a recording on answered does not make later listeners see its events first', () => {
    const { cc } = makeCenter();
    cc.bus.subscribe((e) => {
      if (e.type === 'call' && e.change === 'answered') cc.telephony.startRecording(e.call.id, 'api');
    });
    const seen: number[] = [];
    cc.bus.subscribe((e) => seen.push(e.seq));
    cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    expect(seen.length).toBeGreaterThan(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => (seen[0] ?? 0) + i));
    // The recording's event did come, after the answer.
    const changes: string[] = [];
    cc.bus.subscribe((e) => changes.push(e.type === 'call' ? e.change : e.type));
    cc.telephony.hangup(cc.telephony.activeCalls()[0]?.id ?? '');
    expect(changes.at(-1)).toBe('ended');
  });

  it('delivers queued events to every listener, each in sequence, when listeners emit in turn', () => {
    const bus = new EventBus();
    const logs: number[][] = [[], [], []];
    let cascade = 3;
    bus.subscribe((e) => {
      logs[0]?.push(e.seq);
      if (cascade-- > 0) bus.emit(0, () => ({ type: 'fault', component: 'router', down: true }));
    });
    bus.subscribe((e) => {
      logs[1]?.push(e.seq);
      if (e.seq === 1) bus.emit(0, () => ({ type: 'fault', component: 'pbxLink', down: true }));
    });
    bus.subscribe((e) => logs[2]?.push(e.seq));
    bus.emit(0, () => ({ type: 'fault', component: 'agentServer', down: true }));
    for (const log of logs) expect(log).toEqual([1, 2, 3, 4, 5]);
  });

  it('numbers an event when it is emitted and snapshots the state of that moment', () => {
    const { cc } = makeCenter();
    const got: DomainEvent[] = [];
    cc.bus.subscribe((e) => {
      if (e.type === 'call' && e.change === 'alerting') cc.telephony.answer('1102');
    });
    cc.bus.subscribe((e) => got.push(e));
    cc.telephony.makeCall('1101', '1102');
    const alerting = got.find((e) => e.type === 'call' && e.change === 'alerting');
    const answered = got.find((e) => e.type === 'call' && e.change === 'answered');
    expect(alerting && alerting.type === 'call' && alerting.call.parties.map((p) => p.state)).toEqual(['initiated', 'alerting']);
    expect(answered && answered.type === 'call' && answered.call.parties.map((p) => p.state)).toEqual(['connected', 'connected']);
    expect((alerting?.seq ?? 0) < (answered?.seq ?? 0)).toBe(true);
  });

  it('keeps delivering to the others when a listener throws', () => {
    const errors: unknown[] = [];
    const bus = new EventBus((err) => errors.push(err));
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((e) => seen.push(e.seq));
    bus.emit(0, () => ({ type: 'fault', component: 'router', down: true }));
    bus.emit(0, () => ({ type: 'fault', component: 'router', down: false }));
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
  });
});
