/**
 * Issue 7 point 2: the core's recordings on the archive. Several recordings per call, one per source (and agent for an
 * agent's own), the per-agent policy applied when a call is answered, agents leaving, restart, delete.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContactCenter, ManualClock, parseFixture, type DomainEvent } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';
import { errorCode, makeCenter } from './helpers.js';

/** "change:source" of every call recording event, in order. */
function recordingChanges(events: DomainEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type !== 'call') return [];
    if (e.recording) return [`${e.change}:${e.recording.change}:${e.recording.source}`];
    return (e.stoppedRecordings ?? []).map((r) => `${e.change}:stopped:${r.source}`);
  });
}

describe('recordings on the archive', () => {
  it('keeps start, end and the active segments of a paused recording, and stops it with the call', () => {
    const { cc, clock, events } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const rec = cc.telephony.startRecording(call.id, 'qmi', { reasons: ['requested'] });
    expect(call.recordings).toEqual([{ id: rec.id, source: 'qmi', userId: 'HARRI', state: 'recording' }]);
    clock.advance(2000);
    cc.telephony.pauseRecording(call.id, 'qmi');
    clock.advance(1000);
    cc.telephony.resumeRecording(call.id, 'qmi');
    clock.advance(3000);
    cc.telephony.hangup(call.id);
    const stored = cc.recordings.get(rec.id);
    expect(stored).toMatchObject({
      source: 'qmi',
      callId: call.id,
      ani: '+35840111222',
      dnis: '1101',
      agent: { userId: 'HARRI', firstName: 'Harri', lastName: 'Virtanen', extension: '1101' },
      state: 'stopped',
      reasons: ['requested'],
      retention: 'retained',
    });
    expect(stored.segments.reduce((ms, s) => ms + (s.endMs ?? 0) - s.startMs, 0)).toBe(5000);
    expect(stored.endTime! - stored.startTime).toBe(6000);
    expect(call.recordings).toEqual([]);
    // One state change, one event: the call's end stopped it and says so.
    expect(recordingChanges(events)).toEqual(['recording:started:qmi', 'recording:paused:qmi', 'recording:resumed:qmi', 'ended:stopped:qmi']);
    expect(cc.recordings.search({ userId: 'harri' }).recordings).toHaveLength(1);
  });

  it('refuses to pause, resume or stop what is not recording, changing nothing', () => {
    const { cc } = makeCenter();
    const call = cc.telephony.makeCall('1101', '1102');
    expect(errorCode(() => cc.telephony.pauseRecording(call.id, 'qmi'))).toBe('invalidState');
    cc.telephony.startRecording(call.id, 'qmi');
    expect(errorCode(() => cc.telephony.resumeRecording(call.id, 'qmi'))).toBe('invalidState');
    expect(errorCode(() => cc.telephony.startRecording(call.id, 'qmi'))).toBe('invalidState');
    expect(errorCode(() => cc.telephony.stopRecording(call.id, 'api'))).toBe('invalidState');
    expect(cc.recordings.count()).toBe(1);
  });

  it('records one call from two sources at once, each on its own, both stopped by the end of the call', () => {
    const { cc, clock, events } = makeCenter();
    cc.recordings.setPolicy('HARRI', 'all');
    const call = cc.telephony.inbound('+35840111222', '2001', { preferredAgent: 'HARRI' });
    cc.telephony.answer('1101');
    clock.advance(1000);
    const qmi = cc.telephony.startRecording(call.id, 'qmi');
    clock.advance(1000);
    cc.telephony.pauseRecording(call.id, 'qmi');
    clock.advance(1000);
    cc.telephony.hangup(call.id);
    const { recordings } = cc.recordings.search({ callId: call.id });
    expect(recordings.map((r) => [r.source, r.reasons, r.dnis])).toEqual([
      ['ciscoqm', ['workflow'], '2001'],
      ['qmi', [], '2001'],
    ]);
    const [policy, bcm] = recordings;
    expect(policy?.segments).toEqual([{ startMs: policy?.startTime, endMs: policy!.startTime + 3000 }]);
    expect(bcm?.id).toBe(qmi.id);
    expect(bcm?.segments).toEqual([{ startMs: bcm?.startTime, endMs: bcm!.startTime + 1000 }]);
    expect(policy!.id).toBeLessThan(bcm!.id);
    expect(recordingChanges(events)).toEqual(['recording:started:ciscoqm', 'recording:started:qmi', 'recording:paused:qmi', 'ended:stopped:ciscoqm', 'ended:stopped:qmi']);
  });

  it('stops the consultation recording when the consultation is merged', () => {
    const { cc } = makeCenter();
    cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const consult = cc.telephony.consult('1101', '1102');
    cc.telephony.answer('1102');
    const rec = cc.telephony.startRecording(consult.id, 'api');
    cc.telephony.conference('1101');
    expect(cc.recordings.get(rec.id)).toMatchObject({ state: 'stopped', endTime: expect.any(Number) });
  });
});

describe('the recording policy, applied when a call is answered', () => {
  it('comes from the fixture: all, none or a percentage per agent', () => {
    const raw = JSON.parse(readFileSync(DEFAULT_CENTER_FIXTURE, 'utf8')) as { agents: Record<string, unknown>[] };
    raw.agents[0]!['recordingPolicy'] = 'all';
    raw.agents[1]!['recordingPolicy'] = { percent: 50 };
    raw.agents[2]!['recordingPolicy'] = 'none';
    const cc = new ContactCenter(parseFixture(raw), { clock: new ManualClock(), seed: 7, externalAnswerMs: -1 });
    expect(['HARRI', 'MAIJA', 'PEKKA', 'ANNA'].map((u) => cc.recordings.policy(u))).toEqual(['all', { percent: 50 }, 'none', 'none']);
    const t = cc.telephony;
    for (let i = 0; i < 40; i++) {
      for (const ext of ['1101', '1102', '1103']) {
        const call = t.inbound('+35840111222', ext);
        t.answer(ext);
        t.hangup(call.id);
      }
    }
    const count = (userId: string) => cc.recordings.count({ userId, source: 'ciscoqm' });
    expect(count('HARRI')).toBe(40);
    expect(count('PEKKA')).toBe(0);
    // A seeded draw per call: about half, never all or none.
    expect(count('MAIJA')).toBeGreaterThan(10);
    expect(count('MAIJA')).toBeLessThan(30);
    expect(cc.recordings.count({ reason: 'workflow' })).toBe(count('HARRI') + count('MAIJA'));
  });

  it('records each agent of the call with its own recording, stops an agent\'s as they leave, applies once per call', () => {
    const { cc, events } = makeCenter();
    cc.recordings.setPolicy('HARRI', 'all');
    cc.recordings.setPolicy('MAIJA', 'all');
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    // A consultation answered by MAIJA: both agents are recorded in it; HARRI's first recording goes on meanwhile.
    const consult = cc.telephony.consult('1101', '1102');
    cc.telephony.answer('1102');
    expect(consult.recordings.map((r) => r.userId)).toEqual(['HARRI', 'MAIJA']);
    // The transfer: HARRI leaves the customer's call (his recording of it stops), MAIJA joins it (hers starts).
    cc.telephony.transfer('1101');
    expect(call.recordings.map((r) => [r.source, r.userId])).toEqual([['ciscoqm', 'MAIJA']]);
    const harri = cc.recordings.search({ callId: call.id, userId: 'HARRI' }).recordings;
    expect(harri.map((r) => r.state)).toEqual(['stopped']);
    // Hold and retrieve are not answers: nothing new.
    cc.telephony.hold('1102');
    cc.telephony.retrieve('1102');
    cc.telephony.hangup(call.id);
    expect(cc.recordings.count({ source: 'ciscoqm' })).toBe(4);
    expect(cc.recordings.count({ state: ['recording', 'paused'] })).toBe(0);
    const ends = events.filter((e) => e.type === 'call' && e.recording?.change === 'stopped').map((e) => (e.type === 'call' ? e.recording?.userId : ''));
    // HARRI's recording of the customer's call stopped as he left it (after the transfer was told); the other three
    // stopped with their calls' ends (the consultation ended with the transfer).
    expect(ends).toEqual(['HARRI']);
    const transferAt = events.findIndex((e) => e.type === 'call' && e.change === 'transferred');
    const harriStopAt = events.findIndex((e) => e.type === 'call' && e.recording?.change === 'stopped');
    expect(harriStopAt).toBeGreaterThan(transferAt);
  });

  it('never undoes an answer when the archive fails: the failure is reported', () => {
    const failures: string[] = [];
    const { cc } = makeCenter({ onRecordingError: (_err, callId) => failures.push(callId) });
    cc.recordings.setPolicy('HARRI', 'all');
    cc.recordings.archive.close();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    expect(call.parties.map((p) => p.state)).toEqual(['connected', 'connected']);
    expect(failures).toEqual([call.id]);
  });

  it('refuses a policy for an unknown agent', () => {
    const { cc } = makeCenter();
    expect(errorCode(() => cc.recordings.setPolicy('NOBODY', 'all'))).toBe('unknownAgent');
  });
});

describe('what happens to a recording after its start', () => {
  it('restart discards the running recording and starts a new one, agent tagged, with the call\'s metadata', () => {
    const { cc, clock, events } = makeCenter();
    cc.recordings.setPolicy('HARRI', 'all');
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const [first] = call.recordings;
    cc.recordings.setMetadata(first!.id, [{ key: 'custID', value: '1000' }]);
    clock.advance(5000);
    const second = cc.recordings.restart(first!.id, ['agentTagged']);
    expect(() => cc.recordings.get(first!.id)).toThrow(/No such recording/);
    expect(second).toMatchObject({ source: 'ciscoqm', reasons: ['agentTagged', 'workflow'], metadata: [{ key: 'custID', value: '1000' }], agent: { userId: 'HARRI' } });
    expect(second.startTime).toBe(cc.now());
    expect(events.filter((e) => e.type === 'recording').map((e) => (e.type === 'recording' ? e.change : ''))).toEqual(['metadata', 'removed']);
  });

  it('after a delete, tags and metadata have no effect; the record stays', () => {
    const { cc } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const rec = cc.telephony.startRecording(call.id, 'tag', { reasons: ['agentTagged'] });
    expect(cc.recordings.deleteAudio(rec.id, 'deleted')).toBe(false);
    expect(errorCode(() => cc.recordings.addReasons(rec.id, ['archive']))).toBe('invalidState');
    expect(errorCode(() => cc.recordings.setMetadata(rec.id, [{ key: 'a', value: 'b' }]))).toBe('invalidState');
    cc.telephony.hangup(call.id);
    expect(cc.recordings.get(rec.id)).toMatchObject({ retention: 'deleted', state: 'stopped', metadata: [] });
  });

  it('pause and resume by id change nothing when already in that state', () => {
    const { cc, events } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const rec = cc.telephony.startRecording(call.id, 'tag');
    expect(cc.recordings.resume(rec.id)).toBe(false);
    expect(cc.recordings.pause(rec.id)).toBe(true);
    expect(cc.recordings.pause(rec.id)).toBe(false);
    expect(cc.recordings.resume(rec.id)).toBe(true);
    expect(cc.recordings.stop(rec.id)).toBe(true);
    expect(cc.recordings.stop(rec.id)).toBe(false);
    expect(recordingChanges(events)).toEqual(['recording:started:tag', 'recording:paused:tag', 'recording:resumed:tag', 'recording:stopped:tag']);
  });
});
