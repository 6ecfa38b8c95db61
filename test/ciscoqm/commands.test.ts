/**
 * The six QM Recording API commands and their rules (seed 001, "API Commands"), named after the seed's sentences, in
 * virtual time on the default center (every agent network-recorded with workflow "all", HARRI's desktop 127.0.0.1).
 */
import { describe, expect, it } from 'vitest';
import { qmWorld } from './helpers.js';

const metadataOf = (w: ReturnType<typeof qmWorld>, callId: string) =>
  Object.fromEntries(w.cc.recordings.search({ callId, source: ['ciscoqm', 'tag'] }).recordings.flatMap((r) => r.metadata.map((m) => [m.key, m.value])));

describe('Metadata command', () => {
  it('attaches metadata to the active call; same key updates; "key=" zeros out; keys in any case; unknown keys ignored', () => {
    const w = qmWorld();
    const callId = w.answered('1101');
    expect(w.network('command=metadata&sender_id=HARRI&custID=1000&balance=500')).toMatchObject({ outcome: 'applied' });
    expect(w.network('command=metadata&sender_id=harri&BALANCE=200&dne=x')).toMatchObject({ outcome: 'applied' });
    expect(metadataOf(w, callId)).toEqual({ custID: '1000', balance: '200' });
    w.network('command=metadata&sender_id=HARRI&balance=');
    expect(metadataOf(w, callId)).toEqual({ custID: '1000', balance: '' });
    expect(w.network('command=metadata&sender_id=HARRI&dne=x&other=y')).toEqual({ outcome: 'ignored', reason: 'unknownKeys' });
  });

  it('refuses a bad format and changes nothing: numbers "30." and "2,500", a date that is not yyyy-mm-dd', () => {
    const w = qmWorld();
    const callId = w.answered('1101');
    w.network('command=metadata&sender_id=HARRI&custID=1000');
    for (const bad of ['balance=30.', 'balance=2,500', 'orderDate=19.04.2008'])
      expect(w.network(`command=metadata&sender_id=HARRI&customer=Acme&${bad}`)).toEqual({ outcome: 'rejected', reason: 'badFormat' });
    expect(metadataOf(w, callId)).toEqual({ custID: '1000' });
    expect(w.network('command=metadata&sender_id=HARRI&balance=.30&orderDate=2008-04-19&customer=Acme')).toMatchObject({ outcome: 'applied' });
  });

  it('refuses a signed number (custID=-7) and an impossible date (2026-02-30) as bad formats', () => {
    const w = qmWorld();
    const callId = w.answered('1101');
    for (const bad of ['custID=-7', 'balance=-12.5', 'balance=+3', 'orderDate=2026-02-30', 'orderDate=2026-13-01', 'orderDate=0000-01-01'])
      expect(w.network(`command=metadata&sender_id=HARRI&${bad}`), bad).toEqual({ outcome: 'rejected', reason: 'badFormat' });
    expect(metadataOf(w, callId)).toEqual({});
  });

  it('refuses more than 10 items as too many whatever their keys: 11 unknown keys are not "unknown keys"', () => {
    const w = qmWorld();
    w.answered('1101');
    const eleven = Array.from({ length: 11 }, (_, i) => `dne${i}=x`).join('&');
    expect(w.network(`command=metadata&sender_id=HARRI&${eleven}`)).toEqual({ outcome: 'rejected', reason: 'tooManyMetadata' });
  });

  it('holds at most 10 items: an 11th key is refused and changes nothing; updating one of the 10 is fine', () => {
    const w = qmWorld(Array.from({ length: 11 }, (_, i) => ({ key: `f${i}`, type: 'text' as const })));
    const callId = w.answered('1101');
    const ten = Array.from({ length: 10 }, (_, i) => `f${i}=v${i}`).join('&');
    expect(w.network(`command=metadata&sender_id=HARRI&${ten}`)).toMatchObject({ outcome: 'applied' });
    expect(w.network('command=metadata&sender_id=HARRI&f10=x')).toEqual({ outcome: 'rejected', reason: 'tooManyMetadata' });
    expect(w.network('command=metadata&sender_id=HARRI&f3=new')).toMatchObject({ outcome: 'applied' });
    const items = metadataOf(w, callId);
    expect(Object.keys(items)).toHaveLength(10);
    expect(items['f3']).toBe('new');
    expect(items['f10']).toBeUndefined();
  });

  it('is valid for the last call until the next call begins; the last call is reset at logon', () => {
    const w = qmWorld();
    const first = w.answered('1101');
    w.cc.telephony.hangup(first);
    expect(w.network('command=metadata&sender_id=HARRI&custID=1')).toMatchObject({ outcome: 'applied' });
    expect(metadataOf(w, first)).toEqual({ custID: '1' });
    w.cc.setAgentState('HARRI', 'ready');
    const second = w.answered('1101');
    w.network('command=metadata&sender_id=HARRI&custID=2');
    expect(metadataOf(w, first)).toEqual({ custID: '1' });
    expect(metadataOf(w, second)).toEqual({ custID: '2' });
    w.cc.telephony.hangup(second);
    w.cc.setAgentState('HARRI', 'loggedOff');
    w.cc.setAgentState('HARRI', 'ready');
    expect(w.network('command=metadata&sender_id=HARRI&custID=3')).toEqual({ outcome: 'ignored', reason: 'noCall' });
    expect(metadataOf(w, second)).toEqual({ custID: '2' });
  });

  it('keeps metadata of an unrecorded active call for a later Tag; an unrecorded last call keeps nothing', () => {
    const w = qmWorld();
    w.cc.recordings.setPolicy('HARRI', 'none');
    const callId = w.answered('1101');
    expect(w.network('command=metadata&sender_id=HARRI&custID=7')).toEqual({ outcome: 'applied' });
    expect(w.cc.recordings.count({ callId })).toBe(0);
    w.network('command=tag&sender_id=HARRI');
    expect(metadataOf(w, callId)).toEqual({ custID: '7' });
    w.cc.recordings.setPolicy('MAIJA', 'none');
    const other = w.answered('1102');
    w.cc.telephony.hangup(other);
    expect(w.network('command=metadata&sender_id=MAIJA&custID=8')).toEqual({ outcome: 'ignored', reason: 'notRecorded' });
  });
});

describe('Tag command', () => {
  it('adds Agent Tagged to a recorded active call, starts recording an unrecorded one, updates a recorded last call', () => {
    const w = qmWorld();
    const recorded = w.answered('1101');
    expect(w.network('command=tag&sender_id=HARRI')).toMatchObject({ outcome: 'applied' });
    expect(w.cc.recordings.search({ callId: recorded }).recordings.map((r) => [r.source, r.reasons])).toEqual([['ciscoqm', ['agentTagged', 'workflow']]]);
    w.cc.recordings.setPolicy('MAIJA', 'none');
    const unrecorded = w.answered('1102');
    w.network('command=TAG&sender_id=MAIJA');
    expect(w.cc.recordings.search({ callId: unrecorded }).recordings.map((r) => [r.source, r.reasons, r.state])).toEqual([['tag', ['agentTagged'], 'recording']]);
    w.cc.recordings.setPolicy('PEKKA', 'all');
    const last = w.answered('1103');
    w.cc.telephony.hangup(last);
    expect(w.network('command=tag&sender_id=PEKKA')).toMatchObject({ outcome: 'applied' });
    expect(w.cc.recordings.search({ callId: last }).recordings[0]?.reasons).toEqual(['agentTagged', 'workflow']);
  });

  it('does nothing when the last call was not recorded', () => {
    const w = qmWorld();
    w.cc.recordings.setPolicy('ANNA', 'none');
    w.cc.telephony.hangup(w.answered('1104'));
    expect(w.network('command=tag&sender_id=ANNA')).toEqual({ outcome: 'ignored', reason: 'notRecorded' });
    expect(w.cc.recordings.count()).toBe(0);
  });

  it('two active calls being recorded: the call that triggered recording first is tagged', () => {
    const w = qmWorld();
    const acd = w.answered('1101');
    const consult = w.cc.telephony.consult('1101', '1102');
    w.cc.telephony.answer('1102');
    w.network('command=tag&sender_id=HARRI');
    const tagged = (callId: string) => w.cc.recordings.search({ callId, userId: 'HARRI' }).recordings[0]?.reasons;
    expect(tagged(acd)).toEqual(['agentTagged', 'workflow']);
    expect(tagged(consult.id)).toEqual(['workflow']);
  });

  it('two active calls, neither recorded: the call delivered to the agent first starts recording and is tagged', () => {
    const w = qmWorld();
    w.cc.recordings.setPolicy('HARRI', 'none');
    const acd = w.answered('1101');
    w.clock.advance(1000);
    const consult = w.cc.telephony.consult('1101', '+35891234567');
    w.cc.telephony.externalAnswer(consult.id);
    w.network('command=tag&sender_id=HARRI');
    expect(w.cc.recordings.search({ source: 'tag' }).recordings.map((r) => r.callId)).toEqual([acd]);
  });
});

describe('Delete command', () => {
  it('is valid for the active call only, deletes files and metadata, keeps the contact, and wins over what follows', () => {
    const w = qmWorld();
    expect(w.network('command=delete&sender_id=HARRI')).toEqual({ outcome: 'ignored', reason: 'noActiveCall' });
    const callId = w.answered('1101');
    w.network('command=metadata&sender_id=HARRI&custID=1');
    expect(w.network('command=delete&sender_id=HARRI')).toMatchObject({ outcome: 'applied' });
    for (const after of ['command=metadata&sender_id=HARRI&custID=2', 'command=tag&sender_id=HARRI', 'command=restart&sender_id=HARRI', 'command=pause&sender_id=HARRI'])
      expect(w.network(after), after).toEqual({ outcome: 'ignored', reason: 'deleted' });
    w.cc.telephony.hangup(callId);
    expect(w.network('command=tag&sender_id=HARRI')).toEqual({ outcome: 'ignored', reason: 'deleted' });
    expect(w.cc.recordings.search({ callId }).recordings.map((r) => [r.retention, r.metadata, r.state])).toEqual([['deleted', [], 'stopped']]);
  });
});

describe('Pause, Resume and Restart commands', () => {
  it('pause and resume have no effect when already so; an unresumed pause is the end of the audio', () => {
    const w = qmWorld();
    const callId = w.answered('1101');
    w.clock.advance(1000);
    expect(w.network('command=resume&sender_id=HARRI')).toEqual({ outcome: 'ignored', reason: 'notPaused' });
    expect(w.network('command=pause&sender_id=HARRI')).toMatchObject({ outcome: 'applied' });
    expect(w.network('command=pause&sender_id=HARRI')).toEqual({ outcome: 'ignored', reason: 'alreadyPaused' });
    w.clock.advance(1000);
    w.network('command=resume&sender_id=HARRI');
    w.clock.advance(1000);
    w.network('command=pause&sender_id=HARRI');
    w.clock.advance(5000);
    w.cc.telephony.hangup(callId);
    const rec = w.cc.recordings.search({ callId }).recordings[0];
    expect(rec?.segments.map((s) => (s.endMs ?? 0) - s.startMs)).toEqual([1000, 1000]);
    expect(w.network('command=pause&sender_id=HARRI')).toEqual({ outcome: 'ignored', reason: 'noActiveCall' });
  });

  it('restart discards the running recording and records from now, Agent Tagged; an unrecorded call starts recording', () => {
    const w = qmWorld();
    const callId = w.answered('1101');
    w.clock.advance(3000);
    const first = w.cc.recordings.search({ callId }).recordings[0]!;
    expect(w.network('command=restart&sender_id=HARRI')).toMatchObject({ outcome: 'applied' });
    const [again] = w.cc.recordings.search({ callId }).recordings;
    expect(again?.id).toBeGreaterThan(first.id);
    expect(again).toMatchObject({ reasons: ['agentTagged', 'workflow'], startTime: first.startTime + 3000, state: 'recording' });
    w.cc.recordings.setPolicy('MAIJA', 'none');
    const other = w.answered('1102');
    w.network('command=restart&sender_id=MAIJA');
    expect(w.cc.recordings.search({ callId: other }).recordings.map((r) => [r.source, r.reasons])).toEqual([['tag', ['agentTagged']]]);
  });
});

describe('ports and agents', () => {
  it('the desktop port acts for the agent of the sending desktop; the network port for the sender_id', () => {
    const w = qmWorld();
    const callId = w.answered('1101');
    expect(w.desktop('command=metadata&custID=5')).toMatchObject({ outcome: 'applied' });
    expect(metadataOf(w, callId)).toEqual({ custID: '5' });
    expect(w.desktop('command=tag', '::ffff:127.0.0.1')).toMatchObject({ outcome: 'applied' });
    expect(w.desktop('command=tag', '10.9.9.9')).toEqual({ outcome: 'ignored', reason: 'unmappedDesktop' });
    expect(w.desktop('command=tag&sender_id=HARRI')).toEqual({ outcome: 'rejected', reason: 'senderIdOnDesktop' });
    expect(w.network('command=tag&sender_id=NOBODY')).toEqual({ outcome: 'ignored', reason: 'unknownSender' });
  });

  it('counts every datagram by port, command, outcome and reason', async () => {
    const w = qmWorld();
    w.answered('1101');
    w.network('command=tag&sender_id=HARRI');
    w.network('command=frobnicate&sender_id=HARRI');
    w.network('command=tag&sender_id=NOBODY');
    w.desktop('\u0000\u0001binary');
    const text = await w.registry.metrics();
    expect(text).toContain('ccgate_ciscoqm_datagrams_total{port="network",command="tag",outcome="applied",reason=""} 1');
    expect(text).toContain('ccgate_ciscoqm_datagrams_total{port="network",command="unknown",outcome="rejected",reason="unknownCommand"} 1');
    expect(text).toContain('ccgate_ciscoqm_datagrams_total{port="network",command="tag",outcome="ignored",reason="unknownSender"} 1');
    expect(text).toContain('ccgate_ciscoqm_datagrams_total{port="desktop",command="unknown",outcome="rejected",reason="notText"} 1');
  });
});
