import { describe, expect, it } from 'vitest';
import { CoreError, type DomainEvent } from '../../src/core/index.js';
import { callChanges, makeCenter } from './helpers.js';

describe('inbound ACD call through its whole life', () => {
  it('queues, rings the longest-idle ready member, answers, holds, retrieves, consults, transfers and ends', () => {
    const { cc, clock, events } = makeCenter();
    // Make MAIJA the longest idle: the others become ready later.
    for (const u of ['HARRI', 'ANNA']) {
      cc.setAgentState(u, 'notReady');
    }
    clock.advance(1000);
    cc.setAgentState('HARRI', 'ready');
    clock.advance(1000);
    cc.setAgentState('ANNA', 'ready');

    const call = cc.telephony.inbound('+35840111222', '2001');
    expect(call.queueId).toBe('2001');
    const maija = call.parties.find((p) => p.number === '1102');
    expect(maija?.state).toBe('alerting');
    expect(cc.agent('MAIJA').state).toBe('busy');

    clock.advance(3000);
    cc.telephony.answer('1102');
    expect(call.parties.map((p) => p.state)).toEqual(['connected', 'connected']);

    cc.telephony.hold('1102');
    expect(call.parties.map((p) => p.state)).toEqual(['held', 'hold']);
    cc.telephony.retrieve('1102');
    expect(call.parties.map((p) => p.state)).toEqual(['connected', 'connected']);

    const consult = cc.telephony.consult('1102', '1104');
    expect(consult.consultFor).toBe(call.id);
    expect(cc.agent('ANNA').state).toBe('busy');
    cc.telephony.answer('1104');
    clock.advance(5000);
    cc.telephony.transfer('1102');

    expect(cc.telephony.findCall(consult.id)).toBeUndefined();
    const live = call.parties.filter((p) => p.state !== 'ended').map((p) => [p.number, p.state]);
    expect(live).toEqual([
      ['+35840111222', 'connected'],
      ['1104', 'connected'],
    ]);
    expect(call.lastRedirection).toEqual({ number: '1102', cause: 'transfer' });
    expect(cc.agent('MAIJA').state).toBe('workingAfterCall');

    clock.advance(60_000);
    cc.telephony.hangup(call.id);
    expect(cc.telephony.findCall(call.id)).toBeUndefined();
    expect(cc.agent('MAIJA').state).toBe('ready');
    // ANNA joined through a transfer of an ACD call: she wraps up too.
    expect(cc.agent('ANNA').state).toBe('workingAfterCall');

    expect(callChanges(events)).toEqual([
      'created', 'queued', 'alerting', 'answered', 'held', 'retrieved',
      'held', 'created', 'dialled', 'alerting', 'answered', 'ended', 'transferred', 'ended',
    ]);
    const stats = cc.queueStats('2001');
    expect(stats.offered).toBe(1);
    expect(stats.answered).toBe(1);
    const maijaStats = cc.agentStats('MAIJA');
    expect(maijaStats.acdIncomingConnected.count).toBe(1);
    expect(maijaStats.outgoingOriginated).toBe(1);
  });

  it('requeues on ring-no-answer and sets the agent not ready', () => {
    const { cc, clock, events } = makeCenter({ ringTimeoutSec: 10 });
    for (const u of ['MAIJA', 'ANNA']) cc.setAgentState(u, 'notReady');
    const call = cc.telephony.inbound('+35840111222', '2001');
    expect(cc.telephony.partyOf(call, '1101')?.state).toBe('alerting');
    clock.advance(10_000);
    expect(cc.agent('HARRI').state).toBe('notReady');
    expect(cc.agent('HARRI').reason).toBe('ringNoAnswer');
    expect(call.parties[0]?.state).toBe('queued');
    expect(callChanges(events)).toContain('requeued');
    cc.setAgentState('ANNA', 'ready');
    expect(cc.telephony.partyOf(call, '1104')?.state).toBe('alerting');
  });

  it('counts an abandon in queue and changes nothing else', () => {
    const { cc, clock } = makeCenter();
    for (const u of ['HARRI', 'MAIJA', 'ANNA']) cc.setAgentState(u, 'notReady');
    const call = cc.telephony.inbound('+35840111222', '2001');
    expect(cc.queues.get('2001')?.waiting).toHaveLength(1);
    clock.advance(30_000);
    cc.telephony.hangup(call.id);
    expect(cc.queues.get('2001')?.waiting).toHaveLength(0);
    expect(call.cause).toBe('abandoned');
    expect(cc.queueStats('2001').abandonedInQueue).toBe(1);
  });
});

describe('device operations', () => {
  it('makes an internal call, alternates and reconnects', () => {
    const { cc } = makeCenter();
    const first = cc.telephony.makeCall('1101', '1102');
    expect(first.direction).toBe('internal');
    cc.telephony.answer('1102');
    cc.telephony.consult('1101', '1103');
    cc.telephony.answer('1103');
    cc.telephony.alternate('1101');
    expect(cc.telephony.partyOf(first, '1101')?.state).toBe('connected');
    cc.telephony.alternate('1101');
    cc.telephony.reconnect('1101');
    expect(cc.telephony.partyOf(first, '1101')?.state).toBe('connected');
    expect(cc.telephony.callsOf('1103')).toHaveLength(0);
  });

  it('conferences a consultation into the held call', () => {
    const { cc, events } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const consult = cc.telephony.consult('1101', '1102');
    cc.telephony.answer('1102');
    cc.telephony.conference('1101');
    expect(call.conference).toBe(true);
    expect(cc.telephony.activeParties(call).map((p) => p.number).sort()).toEqual(['+35840111222', '1101', '1102']);
    expect(events.some((e) => e.type === 'call' && e.change === 'merged' && e.call.id === consult.id)).toBe(true);
    cc.telephony.dropParty('1101', '1102');
    expect(call.conference).toBe(false);
  });

  it('blind-transfers a connected call: others wait on hold until the target answers', () => {
    const { cc, events } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    cc.telephony.divert('1101', '1102');
    expect(call.parties[0]?.state).toBe('held');
    cc.telephony.answer('1102');
    expect(call.parties[0]?.state).toBe('connected');
    expect(callChanges(events).slice(-3)).toEqual(['transferring', 'alerting', 'transferred']);
  });

  it('applies forwards and do-not-disturb when routing direct calls', () => {
    const { cc } = makeCenter();
    cc.setForward('1102', 'immediate', '1103', true);
    const call = cc.telephony.makeCall('1101', '1102');
    expect(cc.telephony.partyOf(call, '1103')?.state).toBe('alerting');
    expect(call.firstCalled).toBe('1102');
    expect(call.lastRedirection).toEqual({ number: '1102', cause: 'redirect' });
    cc.telephony.drop('1101');
    cc.setDnd('1104', true);
    const busy = cc.telephony.makeCall('1101', '1104');
    expect(busy.state).toBe('ended');
    expect(busy.cause).toBe('busy');
  });

  it('refuses operations without the call they need, changing nothing', () => {
    const { cc, events } = makeCenter();
    const before = events.length;
    expect(() => cc.telephony.hold('1101')).toThrow(CoreError);
    expect(() => cc.telephony.transfer('1101')).toThrow(/held|active/);
    expect(() => cc.telephony.answer('9999')).toThrow(/device/);
    expect(events.length).toBe(before);
  });

  it('reports a late request on an ended call as callGone', () => {
    const { cc } = makeCenter();
    const call = cc.telephony.makeCall('1101', '1102');
    cc.telephony.drop('1101');
    try {
      cc.telephony.startRecording(call.id, 'api');
      expect.unreachable();
    } catch (e) {
      expect((e as CoreError).code).toBe('callGone');
    }
  });

  it('refuses telephony while the PBX link is down', () => {
    const { cc } = makeCenter();
    cc.setFault('pbxLink', true);
    expect(() => cc.telephony.makeCall('1101', '1102')).toThrow(/PBX link/);
    cc.setFault('pbxLink', false);
    expect(cc.telephony.makeCall('1101', '1102').state).toBe('active');
  });
});

describe('agents', () => {
  it('wraps up after an ACD call and becomes ready after the timeout', () => {
    const { cc, clock } = makeCenter({ wrapUpSec: 5 });
    const call = cc.telephony.inbound('+35840111222', '2002');
    const agentNumber = call.parties.find((p) => p.state === 'alerting')?.number ?? '';
    cc.telephony.answer(agentNumber);
    cc.telephony.hangup(call.id);
    const agent = cc.agentByExtension(agentNumber);
    expect(agent?.state).toBe('workingAfterCall');
    clock.advance(5000);
    expect(agent?.state).toBe('ready');
  });

  it('a wrap-up held by an interface is announced again without its timeout, and ends when released', () => {
    const { cc, clock, events } = makeCenter();
    for (const u of ['MAIJA', 'PEKKA', 'ANNA']) cc.setAgentState(u, 'notReady');
    const call = cc.telephony.inbound('+35840111222', '2001');
    cc.telephony.answer('1101');
    cc.telephony.hangup(call.id);
    const harri = () => events.filter((e): e is Extract<DomainEvent, { type: 'agent' }> => e.type === 'agent' && e.userId === 'HARRI');
    expect(harri().at(-1)).toMatchObject({ state: 'workingAfterCall', timeoutSec: expect.any(Number) });
    expect(cc.holdWrapUp('HARRI')).toBe(true);
    const held = harri().at(-1);
    expect(held).toMatchObject({ state: 'workingAfterCall', previous: 'workingAfterCall' });
    expect(held?.timeoutSec).toBeUndefined();
    clock.advance(600_000);
    expect(cc.agent('HARRI').state).toBe('workingAfterCall');
    expect(cc.holdWrapUp('HARRI', false)).toBe(true);
    expect(cc.agent('HARRI').state).toBe('ready');
  });

  it('an automatic driver answers, talks and wraps up', () => {
    const { cc, clock } = makeCenter();
    cc.setDriver('PEKKA', { answerAfterSec: 2, talkSec: 30, wrapUpSec: 3 });
    for (const u of ['HARRI', 'ANNA']) cc.setAgentState(u, 'notReady');
    const call = cc.telephony.inbound('+35840111222', '2002');
    clock.advance(2000);
    expect(cc.telephony.partyOf(call, '1103')?.state).toBe('connected');
    clock.advance(30_000);
    expect(call.state).toBe('ended');
    expect(cc.agent('PEKKA').state).toBe('workingAfterCall');
    clock.advance(3000);
    expect(cc.agent('PEKKA').state).toBe('ready');
  });
});

describe('work items', () => {
  it('routes an e-mail to a member, and accept/complete move it through its states', () => {
    const { cc } = makeCenter();
    const item = cc.items.create({ channel: 'email', queueId: 'support@example.com', from: 'a@b.c', subject: 'Hi' });
    expect(item.state).toBe('allocated');
    expect(['HARRI', 'MAIJA']).toContain(item.userId);
    cc.items.accept(item.id);
    cc.items.complete(item.id);
    expect(item.history.map((h) => h.state)).toEqual(['queued', 'allocated', 'active', 'completed']);
    expect(() => cc.items.cancel(item.id)).toThrow(/ended/);
  });

  it('fails every open media request when the router goes down', () => {
    const { cc } = makeCenter();
    const item = cc.items.create({ channel: 'openmedia', queueId: '10', data: { ticket: '1' } });
    cc.setFault('router', true);
    expect(item.state).toBe('failed');
  });
});

describe('directory', () => {
  it('smart-searches names: prefix, then word start, then company, ordered', () => {
    const { cc } = makeCenter();
    expect(cc.directory.searchName('an').map((e) => e.name)).toEqual(['Anna Lindqvist']);
    expect(cc.directory.searchName('kor').map((e) => e.name)).toEqual(['Maija Korhonen']);
    expect(cc.directory.searchName('unigone').map((e) => e.number)).toEqual(['+33130127764']);
    cc.directory.replacePrivate('HARRI', 'outlook', [{ number: '555', name: 'Zed' }]);
    expect(cc.directory.searchName('zed', 'HARRI')).toHaveLength(1);
    expect(cc.directory.searchName('zed')).toHaveLength(0);
  });
});
