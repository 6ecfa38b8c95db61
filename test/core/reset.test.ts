/** Issue 8: reset() returns the world to the fixture, reporting every call and item it ends. */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/core/index.js';
import { makeCenter } from './helpers.js';

const GUID = 'cd80d000-0e2a-11de-8c30-0800200c9a66';

describe('reset', () => {
  it('ends calls and items with their events and puts agents, queues, devices, faults and routing back', () => {
    const { cc, clock, events } = makeCenter({ ringTimeoutSec: 30 });
    const t = cc.telephony;
    // A world that has moved: calls in every state, items, agents, devices, faults, routing options, directory.
    const talking = t.inbound('+35840111222', '1101', { callId: GUID });
    t.answer('1101');
    const consult = t.consult('1101', '1102');
    cc.setAgentState('PEKKA', 'notReady', 'lunch');
    cc.setAgentState('ANNA', 'loggedOff');
    const ringing = t.inbound('+35891234567', '1103');
    const queued = t.inbound('+4930123456', '2003');
    const email = cc.items.create({ channel: 'email', queueId: 'support@example.com' });
    const chat = cc.items.create({ channel: 'chat', queueId: 'chat@example.com' });
    cc.items.accept(chat.id);
    cc.setDnd('1104', true);
    cc.setForward('1103', 'immediate', '1101', true);
    cc.setMsgWaiting('1102', true);
    cc.setAgentQueues('MAIJA', ['2001']);
    cc.routing.setAgentCapacity('HARRI', 'email', 4);
    cc.routing.setTypeOptions('openmedia', 2, { maxPerAgent: 0 });
    cc.directory.replacePrivate('HARRI', 'outlook', [{ number: '555', name: 'Zed' }]);
    cc.setFault('router', true);
    clock.advance(5000);
    const mark = events.length;

    expect(cc.reset()).toEqual({ calls: 4, items: 2 });

    const after = events.slice(mark);
    const ended = after.flatMap((e) => (e.type === 'call' && e.change === 'ended' ? [e.call.id] : []));
    expect(ended.sort()).toEqual([talking.id, consult.id, ringing.id, queued.id].sort());
    expect(after.filter((e) => e.type === 'call' && e.change === 'ended').every((e) => e.type === 'call' && e.cause === 'normal')).toBe(true);
    expect(after.flatMap((e) => (e.type === 'item' ? [`${e.item.id === email.id ? 'email' : 'chat'}:${e.change}`] : []))).toEqual(['email:cancelled', 'chat:cancelled']);
    expect(after.some((e) => e.type === 'fault' && e.component === 'router' && !e.down)).toBe(true);
    expect(after.filter((e) => e.type === 'device').map((e) => (e.type === 'device' ? `${e.number}:${e.change}` : ''))).toEqual(['1102:msgWaiting', '1103:forward', '1104:dnd']);
    expect(after.at(-1)?.type).toBe('reset');
    // Nothing is offered while the world resets.
    expect(after.some((e) => e.type === 'call' && e.change === 'alerting')).toBe(false);

    expect(t.activeCalls()).toEqual([]);
    expect(cc.items.list({ includeEnded: true })).toEqual([]);
    expect([...cc.agents.values()].map((a) => `${a.userId}:${a.state}:${a.reason ?? ''}`)).toEqual(['HARRI:ready:', 'MAIJA:ready:', 'PEKKA:ready:', 'ANNA:ready:']);
    expect([...cc.readyAgents.keys()]).toEqual(['HARRI', 'MAIJA', 'PEKKA', 'ANNA']);
    expect(cc.agent('MAIJA').queues).toEqual(['2001', '2003', 'support@example.com', 'chat@example.com']);
    expect(cc.queue('2003').members).toEqual(['MAIJA', 'ANNA']);
    expect(cc.agent('HARRI').capacity.email).toBe(1);
    expect(cc.routing.capacity.optionsOf('openmedia', 2)).toEqual({});
    expect([...cc.queues.values()].every((q) => q.open && q.waiting.length === 0)).toBe(true);
    expect([...cc.devices.values()].some((d) => d.dnd || d.msgWaiting || d.forwards.length > 0)).toBe(false);
    expect(cc.faultList()).toEqual([]);
    expect(cc.directory.searchName('zed', 'HARRI')).toEqual([]);
    expect(cc.history({ recordType: 'all' })).toEqual([]);
    expect(cc.queueStats('2001').offered).toBe(0);
    expect(cc.agentStats('HARRI').outgoingOriginated).toBe(0);

    // The world works as on the first day: the longest-idle agent takes the next call, a seed CallID can be used again.
    const next = t.inbound('+35840111222', '2001', { callId: GUID });
    expect(next.parties.find((p) => p.state === 'alerting')?.userId).toBe('HARRI');
  });

  it('keeps recordings (the archive) and listeners', () => {
    const { cc } = makeCenter();
    const got: DomainEvent[] = [];
    cc.bus.subscribe((e) => got.push(e));
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const rec = cc.telephony.startRecording(call.id, 'api');
    cc.reset();
    expect(cc.recordings.get(rec.id).state).toBe('stopped');
    expect(cc.recordings.count()).toBe(1);
    const ended = got.find((e) => e.type === 'call' && e.change === 'ended');
    expect(ended?.type === 'call' && ended.stoppedRecordings).toEqual([{ recordingId: rec.id, source: 'api', userId: 'HARRI' }]);
    cc.telephony.inbound('+35840111222', '1102');
    expect(got.at(-1)?.type).toBe('call');
  });
});
