import { describe, expect, it } from 'vitest';
import { CORE_ERROR_CODES, CORE_ERRORS } from '../../src/core/index.js';
import { makeCenter } from './helpers.js';

describe('history and statistics', () => {
  it('records both sides of a call with durations and direction', () => {
    const { cc, clock } = makeCenter();
    cc.telephony.makeCall('1101', '1102');
    clock.advance(4000);
    cc.telephony.answer('1102');
    clock.advance(10_000);
    cc.telephony.drop('1101');
    const [caller] = cc.history({ deviceNumber: '1101' });
    const [callee] = cc.history({ deviceNumber: '1102' });
    expect(caller).toMatchObject({ otherParty: '1102', otherName: 'Maija Korhonen', isOutgoing: true, isConnected: true, connectedMs: 10_000 });
    expect(callee).toMatchObject({ otherParty: '1101', isOutgoing: false, alertingMs: 4000, connectedMs: 10_000 });
    expect(cc.history({ recordType: 'agent', deviceNumber: '1101' }).length).toBeGreaterThan(0);
    const s = cc.agentStats('MAIJA');
    expect(s.incomingAlerting).toEqual({ count: 1, totalMs: 4000, maxMs: 4000 });
    expect(s.incomingConnected.totalMs).toBe(10_000);
    expect(s.directCallMs).toBe(10_000);
  });

  it('counts a consultation made while serving a queue call as the agent\'s ACD outgoing call', () => {
    const { cc, clock } = makeCenter();
    for (const u of ['MAIJA', 'ANNA']) cc.setAgentState(u, 'notReady');
    const acd = cc.telephony.inbound('+35840111222', '2001');
    cc.telephony.answer('1101');
    const consult = cc.telephony.consult('1101', '+35891234567');
    expect(consult.forQueue).toBe('2001');
    cc.telephony.externalAnswer(consult.id);
    clock.advance(7000);
    cc.telephony.reconnect('1101');
    const direct = cc.telephony.makeCall('1103', '+35891234567');
    cc.telephony.hangup(direct.id);
    cc.telephony.hangup(acd.id);
    const s = cc.agentStats('HARRI');
    expect(s.outgoingOriginated).toBe(1);
    expect(s.acdOutgoingOriginated).toBe(1);
    expect(s.acdOutgoingConnected).toEqual({ count: 1, totalMs: 7000, maxMs: 7000 });
    expect(cc.agentStats('PEKKA')).toMatchObject({ outgoingOriginated: 1, acdOutgoingOriginated: 0 });
  });

  it('accrues agent state durations including the open interval', () => {
    const { cc, clock } = makeCenter();
    clock.advance(5000);
    cc.setAgentState('PEKKA', 'notReady');
    clock.advance(2000);
    const s = cc.agentStats('PEKKA');
    expect(s.stateMsNow.ready).toBe(5000);
    expect(s.stateMsNow.notReady).toBe(2000);
  });
});

describe('work items', () => {
  it('diverts, cancels and modifies as the rules say', () => {
    const { cc } = makeCenter();
    for (const u of ['HARRI', 'PEKKA', 'ANNA']) cc.setAgentState(u, 'notReady');
    const item = cc.items.create({ channel: 'openmedia', queueId: '10', data: { ticket: '7' } });
    expect(item.state).toBe('queued');
    expect(cc.items.position(item)).toBe(1);
    cc.items.modify(item.id, { data: { ticket: '8' } });
    expect(item.data['ticket']).toBe('8');
    cc.setAgentState('PEKKA', 'ready');
    expect(item.state).toBe('allocated');
    expect(() => cc.items.modify(item.id, { data: { x: '1' } })).toThrow(/queued/);
    expect(() => cc.items.cancel(item.id)).toThrow(/allocated/);
    cc.items.cancel(item.id, { ifAllocated: true });
    expect(item.state).toBe('cancelled');
  });

  it('requeues an offer nobody accepts', () => {
    const { cc, clock } = makeCenter({ ringTimeoutSec: 5 });
    const item = cc.items.create({ channel: 'chat', queueId: 'chat@example.com', from: 'c@x', text: 'hello' });
    const first = item.userId;
    clock.advance(5000);
    expect(item.history.map((h) => h.state)).toContain('queued');
    expect(cc.statsOf(first)?.itemsNotAnswered).toBe(1);
    expect(item.postings[0]?.text).toBe('hello');
  });
});

describe('error catalogue', () => {
  it('gives every code a 4xx/5xx status and a message', () => {
    for (const code of CORE_ERROR_CODES) {
      expect(CORE_ERRORS[code].status).toBeGreaterThanOrEqual(400);
      expect(CORE_ERRORS[code].message.length).toBeGreaterThan(5);
    }
  });
});
