import { describe, expect, it } from 'vitest';
import { RecordingArchive } from '../../src/store/index.js';
import { errorCode, fixedClock, openArchive, sample } from './helpers.js';

describe('creating a recording', () => {
  it('stores every field, gives increasing ids and opens the first segment at the start time', () => {
    const clock = fixedClock();
    const a = openArchive({ now: clock.now });
    const first = a.create(sample({ startTime: 5000, hasScreen: true, reasons: ['workflow', 'agentTagged', 'workflow'] }));
    const second = a.create(sample({ source: 'qmi', callId: first.callId }));
    expect(second.id).toBeGreaterThan(first.id);
    expect(first).toMatchObject({
      source: 'ciscoqm',
      ani: '+35840111222',
      dnis: '2001',
      agent: { userId: 'HARRI', userName: 'harri', firstName: 'Harri', lastName: 'Virtanen', extension: '1101' },
      startTime: 5000,
      segments: [{ startMs: 5000 }],
      state: 'recording',
      reasons: ['agentTagged', 'workflow'],
      hasScreen: true,
      metadata: [],
      retention: 'retained',
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    expect(first.endTime).toBeUndefined();
    expect(first.audio).toBeUndefined();
    expect(a.get(first.id)).toEqual(first);
  });

  it('keeps optional fields absent rather than empty', () => {
    const a = openArchive();
    const r = a.create({ source: 'api', callId: 'c', startTime: 1 });
    expect(r).not.toHaveProperty('ani');
    expect(r).not.toHaveProperty('agent');
    expect(r).not.toHaveProperty('sipCallId');
    expect(r.hasScreen).toBe(false);
  });

  it('allows several sources on one call, but one active recording per call, source and agent', () => {
    const a = openArchive();
    const qm = a.create(sample({ callId: 'shared', source: 'ciscoqm' }));
    a.create(sample({ callId: 'shared', source: 'qmi' }));
    a.create(sample({ callId: 'shared', source: 'ciscoqm', agent: { userId: 'MAIJA' } }));
    expect(errorCode(() => a.create(sample({ callId: 'shared', source: 'ciscoqm', agent: { userId: 'harri' } })))).toBe('alreadyRecording');
    expect(a.active('shared').map((r) => r.source)).toEqual(['ciscoqm', 'qmi', 'ciscoqm']);
    expect(a.active('shared', 'qmi')).toHaveLength(1);
    // Once stopped, the same source may record the call again (Cisco QM Restart).
    a.stop(qm.id, qm.startTime + 10);
    expect(a.create(sample({ callId: 'shared', source: 'ciscoqm' })).id).toBeGreaterThan(qm.id);
  });

  it('refuses bad input with invalidInput and writes nothing', () => {
    const a = openArchive();
    const bad: unknown[] = [
      { ...sample(), source: 'pbx' },
      { ...sample(), callId: '' },
      { ...sample(), callId: 'x'.repeat(300) },
      { ...sample(), callId: 'a\0b' },
      { ...sample(), startTime: -1 },
      { ...sample(), startTime: 1.5 },
      { ...sample(), startTime: '2026-01-01' },
      { ...sample(), reasons: ['because'] },
      { ...sample(), agent: { userName: 'no id' } },
      { ...sample(), hasScreen: 'yes' },
      { ...sample(), metadata: [{ key: 'a', value: null }] },
      { ...sample(), metadata: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] },
      { ...sample(), colour: 'blue' },
      null,
    ];
    for (const input of bad) expect(errorCode(() => a.create(input as never)), JSON.stringify(input)).toBe('invalidInput');
    expect(a.count()).toBe(0);
  });
});

describe('pause, resume and stop', () => {
  it('records active intervals as segments, ignoring repeats (seed 001: no effect when already in that state)', () => {
    const a = openArchive();
    const r = a.create(sample({ startTime: 1000 }));
    expect(a.pause(r.id, 2000).changed).toBe(true);
    expect(a.pause(r.id, 2500).changed).toBe(false);
    expect(a.resume(r.id, 3000).changed).toBe(true);
    expect(a.resume(r.id, 3500).changed).toBe(false);
    const stopped = a.stop(r.id, 4000);
    expect(stopped.changed).toBe(true);
    expect(stopped.recording).toMatchObject({
      state: 'stopped',
      endTime: 4000,
      segments: [
        { startMs: 1000, endMs: 2000 },
        { startMs: 3000, endMs: 4000 },
      ],
    });
    expect(a.stop(r.id, 5000)).toMatchObject({ changed: false, recording: { endTime: 4000 } });
    expect(a.pause(r.id, 6000).changed).toBe(false);
    expect(a.resume(r.id, 6000).changed).toBe(false);
  });

  it('ends the audio at an unresumed pause (seed 001 Resume) while endTime is the stop', () => {
    const a = openArchive();
    const r = a.create(sample({ startTime: 1000 }));
    a.pause(r.id, 2000);
    expect(a.stop(r.id, 9000).recording).toMatchObject({ state: 'stopped', endTime: 9000, segments: [{ startMs: 1000, endMs: 2000 }] });
  });

  it('never lets a segment end before it starts when the caller clock steps back', () => {
    const a = openArchive();
    const r = a.create(sample({ startTime: 5000 }));
    a.pause(r.id, 4000);
    a.resume(r.id, 3000);
    const s = a.stop(r.id, 1000).recording;
    expect(s.segments).toEqual([
      { startMs: 5000, endMs: 5000 },
      { startMs: 5000, endMs: 5000 },
    ]);
    expect(s.endTime).toBe(5000);
  });

  it('answers unknownRecording for an id that does not exist and invalidInput for a bad id or time', () => {
    const a = openArchive();
    expect(errorCode(() => a.pause(99, 1))).toBe('unknownRecording');
    expect(errorCode(() => a.stop(0, 1))).toBe('invalidInput');
    expect(errorCode(() => a.stop(Number.NaN, 1))).toBe('invalidInput');
    const r = a.create(sample());
    expect(errorCode(() => a.stop(r.id, Number.POSITIVE_INFINITY))).toBe('invalidInput');
    expect(a.get(99)).toBeUndefined();
  });
});

describe('update and reasons', () => {
  it('changes descriptive fields, clears with null and leaves absent fields alone', () => {
    const clock = fixedClock();
    const a = openArchive({ now: clock.now });
    const r = a.create(sample({ ani: '+1', dnis: '2001' }));
    clock.advance(50);
    const u = a.update(r.id, { ani: null, acdCallId: '42', agent: { userId: 'MAIJA', firstName: 'Maija' }, hasScreen: true });
    expect(u).toMatchObject({ dnis: '2001', acdCallId: '42', agent: { userId: 'MAIJA', firstName: 'Maija' }, hasScreen: true });
    expect(u).not.toHaveProperty('ani');
    expect(u.agent).not.toHaveProperty('lastName');
    expect(u.updatedAt).toBe(r.updatedAt + 50);
    expect(a.update(r.id, { agent: null })).not.toHaveProperty('agent');
    expect(errorCode(() => a.update(r.id, { state: 'stopped' } as never))).toBe('invalidInput');
    expect(errorCode(() => a.update(12345, { ani: '1' }))).toBe('unknownRecording');
  });

  it('adds reason codes once each (seed 001 Tag: the Agent Tagged reason is added)', () => {
    const a = openArchive();
    const r = a.create(sample({ reasons: ['workflow'] }));
    expect(a.addReasons(r.id, ['agentTagged'])).toMatchObject({ changed: true, recording: { reasons: ['agentTagged', 'workflow'] } });
    expect(a.addReasons(r.id, ['agentTagged', 'workflow']).changed).toBe(false);
    expect(errorCode(() => a.addReasons(r.id, ['bogus' as never]))).toBe('invalidInput');
  });

  it('applies reasons and metadata without reading the entry back: the key names it, errors are the same', () => {
    const clock = fixedClock();
    const a = openArchive({ now: clock.now });
    const r = a.create(sample({ reasons: ['workflow'] }));
    clock.advance(10);
    const key = { id: r.id, source: r.source, callId: r.callId, userId: r.agent?.userId };
    expect(a.applyReasons(r.id, ['agentTagged'])).toEqual({ key, changed: true });
    expect(a.applyReasons(r.id, ['agentTagged'])).toEqual({ key, changed: false });
    expect(a.applyMetadata(r.id, [{ key: 'custID', value: '7' }])).toEqual(key);
    expect(a.get(r.id)).toMatchObject({ reasons: ['agentTagged', 'workflow'], metadata: [{ key: 'custID', value: '7' }], updatedAt: r.updatedAt + 10 });
    const anonymous = a.create(sample({ agent: undefined }));
    expect(a.applyMetadata(anonymous.id, [{ key: 'custID', value: '8' }])).toEqual({ id: anonymous.id, source: anonymous.source, callId: anonymous.callId });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'x' }));
    expect(errorCode(() => a.applyMetadata(r.id, eleven))).toBe('tooManyMetadata');
    expect(a.get(r.id)?.metadata).toEqual([{ key: 'custID', value: '7' }]);
    expect(errorCode(() => a.applyReasons(9999, ['agentTagged']))).toBe('unknownRecording');
    a.deleteAudio(r.id, 'deleted');
    expect(errorCode(() => a.applyMetadata(r.id, [{ key: 'custID', value: '9' }]))).toBe('recordingDeleted');
    expect(errorCode(() => a.applyReasons(r.id, ['archive']))).toBe('recordingDeleted');
  });

  it('removes an entry entirely and never reuses its id', () => {
    const a = openArchive();
    const r1 = a.create(sample());
    const r2 = a.create(sample());
    expect(a.remove(r2.id)).toBe(true);
    expect(a.remove(r2.id)).toBe(false);
    expect(a.get(r2.id)).toBeUndefined();
    expect(a.create(sample()).id).toBeGreaterThan(r2.id);
    expect(a.get(r1.id)).toBeDefined();
  });
});

describe('batches and the closed state', () => {
  it('commits a batch whole or, when it throws, not at all', () => {
    const a = openArchive();
    const kept = a.batch(() => {
      const r = a.create(sample());
      a.setMetadata(r.id, [{ key: 'custID', value: '1' }]);
      return r.id;
    });
    expect(a.get(kept)?.metadata).toEqual([{ key: 'custID', value: '1' }]);
    expect(() =>
      a.batch(() => {
        a.create(sample());
        a.create(sample());
        throw new Error('caller gave up');
      }),
    ).toThrow('caller gave up');
    expect(a.count()).toBe(1);
  });

  it('rolls back a change that fails inside a batch alone, and reads inside the batch see its changes', () => {
    const a = openArchive();
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'x' }));
    const id = a.batch(() => {
      const r = a.create(sample());
      a.setMetadata(r.id, [{ key: 'custID', value: '1' }]);
      // Fails after writing some items: they go, the batch goes on (the Recording API handles datagrams so).
      expect(errorCode(() => a.setMetadata(r.id, eleven))).toBe('tooManyMetadata');
      expect(a.get(r.id)?.metadata).toEqual([{ key: 'custID', value: '1' }]);
      expect(a.search({ callId: r.callId }).recordings.map((x) => x.id)).toEqual([r.id]);
      return r.id;
    });
    expect(a.get(id)?.metadata).toEqual([{ key: 'custID', value: '1' }]);
  });

  it('refuses every call once closed, and close is idempotent', () => {
    const a = RecordingArchive.open({ memory: true });
    a.close();
    a.close();
    expect(errorCode(() => a.get(1))).toBe('closed');
    expect(errorCode(() => a.create(sample()))).toBe('closed');
    expect(errorCode(() => a.search({}))).toBe('closed');
  });

  it('has no audio directory in memory unless given one', () => {
    const a = RecordingArchive.open({ memory: true });
    try {
      const r = a.create(sample());
      expect(errorCode(() => a.audioTarget(r.id))).toBe('noAudioDir');
      expect(a.audioPath(r.id)).toBeUndefined();
      expect(a.deleteAudio(r.id).fileDeleted).toBe(false);
    } finally {
      a.close();
    }
  });
});
