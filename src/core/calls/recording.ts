/**
 * Server-side recording state of calls: one recording at a time per call, started, paused, resumed and stopped by an
 * interface (QMI 3.2.4) and stopped with the call; the media layer writes the WAV file and reports it back.
 */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { Call, Recording } from '../model.js';
import type { CallParts } from './parts.js';
import { ACTIVE } from './registry.js';

export interface RecordingFilter {
  callId?: string;
  userId?: string;
  from?: number;
  to?: number;
  includeDeleted?: boolean;
}

export class Recordings {
  readonly byId = new Map<string, Recording>();

  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {}

  start(callId: string, source: string): Recording {
    const { reg } = this.p;
    const call = reg.live(callId);
    if (call.recording.state !== 'off') throw new CoreError('invalidState', 'the call is already being recorded');
    const now = this.cc.now();
    const agentParty = call.parties.find((p) => p.userId && ACTIVE.has(p.state));
    const rec: Recording = {
      id: this.cc.ids.guid(),
      callId: call.id,
      sipCallId: call.sipCallId,
      parties: reg.activeParties(call).map((p) => p.number),
      startedAt: now,
      segments: [{ startMs: now }],
      state: 'recording',
      source,
      metadata: {},
      tagged: false,
      deleted: false,
    };
    if (agentParty?.userId) rec.userId = agentParty.userId;
    if (agentParty) rec.agentNumber = agentParty.number;
    this.byId.set(rec.id, rec);
    call.recording = { state: 'on', recordingId: rec.id };
    reg.emit('recording', call, [], { recording: { change: 'started', recordingId: rec.id } });
    return rec;
  }

  private active(callId: string): { call: Call; rec: Recording } {
    const call = this.p.reg.live(callId);
    const rec = call.recording.recordingId ? this.byId.get(call.recording.recordingId) : undefined;
    if (!rec || call.recording.state === 'off') throw new CoreError('invalidState', 'the call is not being recorded');
    return { call, rec };
  }

  pause(callId: string): Recording {
    const { call, rec } = this.active(callId);
    if (rec.state !== 'recording') throw new CoreError('invalidState', 'the recording is not running');
    const seg = rec.segments[rec.segments.length - 1];
    if (seg) seg.endMs = this.cc.now();
    rec.state = 'paused';
    call.recording.state = 'paused';
    this.p.reg.emit('recording', call, [], { recording: { change: 'paused', recordingId: rec.id } });
    return rec;
  }

  resume(callId: string): Recording {
    const { call, rec } = this.active(callId);
    if (rec.state !== 'paused') throw new CoreError('invalidState', 'the recording is not paused');
    rec.segments.push({ startMs: this.cc.now() });
    rec.state = 'recording';
    call.recording.state = 'on';
    this.p.reg.emit('recording', call, [], { recording: { change: 'resumed', recordingId: rec.id } });
    return rec;
  }

  stop(callId: string): Recording {
    const { call, rec } = this.active(callId);
    this.finish(call, rec);
    this.p.reg.emit('recording', call, [], { recording: { change: 'stopped', recordingId: rec.id } });
    return rec;
  }

  /**
   * The call ends (or is merged away): its recording stops with it. The call's own ended/merged event reports it
   * (its `recording` field is what this returns), so the end of a call stays one event.
   */
  finishWithCall(call: Call): { change: 'stopped'; recordingId: string } | undefined {
    const rec = call.recording.recordingId ? this.byId.get(call.recording.recordingId) : undefined;
    const wasOn = call.recording.state !== 'off';
    call.recording = { state: 'off' };
    if (!rec || !wasOn || rec.state === 'stopped') return undefined;
    this.finish(call, rec);
    return { change: 'stopped', recordingId: rec.id };
  }

  private finish(call: Call, rec: Recording): void {
    call.recording = { state: 'off' };
    if (rec.state === 'stopped') return;
    const now = this.cc.now();
    const seg = rec.segments[rec.segments.length - 1];
    if (seg && seg.endMs === undefined) seg.endMs = now;
    rec.state = 'stopped';
    rec.endedAt = now;
  }

  /** The media layer wrote the recording's file. */
  fileReady(recordingId: string, file: string, bytes: number): void {
    const rec = this.get(recordingId);
    rec.file = file;
    rec.bytes = bytes;
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'fileReady', recordingId, callId: rec.callId }));
  }

  get(recordingId: string): Recording {
    const rec = this.byId.get(recordingId);
    if (!rec) throw new CoreError('unknownRecording', recordingId);
    return rec;
  }

  list(f: RecordingFilter = {}): Recording[] {
    return [...this.byId.values()].filter(
      (r) =>
        (f.includeDeleted || !r.deleted) &&
        (f.callId === undefined || r.callId === f.callId) &&
        (f.userId === undefined || r.userId?.toUpperCase() === f.userId.toUpperCase()) &&
        (f.from === undefined || r.startedAt >= f.from) &&
        (f.to === undefined || r.startedAt < f.to),
    );
  }

  delete(recordingId: string): boolean {
    const rec = this.byId.get(recordingId);
    if (!rec || rec.deleted) return false;
    rec.deleted = true;
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'deleted', recordingId, callId: rec.callId }));
    return true;
  }

  setMetadata(recordingId: string, metadata: Record<string, string | null>, tagged?: boolean): Recording {
    const rec = this.get(recordingId);
    for (const [k, v] of Object.entries(metadata)) {
      if (v === null) delete rec.metadata[k];
      else rec.metadata[k] = v;
    }
    if (tagged !== undefined) rec.tagged = tagged;
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'metadata', recordingId, callId: rec.callId }));
    return rec;
  }
}
