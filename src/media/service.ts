/**
 * The media server side of the core (generic, not tied to one interface): RTP monitoring streams follow each call's
 * `monitors`, and every stopped recording becomes a WAV file, written where the recordings archive says
 * (`audioTarget`) and attached to its entry (`Recordings.fileReady`).
 *
 * Audio is synthetic (audio.ts): the call's parties talk in turns, each at its own pitch, as a pure function of the
 * call's timeline (sample 0 = the call's creation). A stream opened mid-call starts at the call's current position,
 * and a recording holds the same conversation a monitoring tool heard.
 */
import type { Logger } from 'pino';
import type { CallView, ContactCenter, DomainEvent, RecordingRef } from '../core/index.js';
import { mix, partyVoice, SAMPLE_RATE, shift, type AudioSource } from './audio.js';
import type { RtpSender } from './rtp.js';
import { writeWav, type RecordingSegment } from './wav.js';

export interface MediaServiceOptions {
  center: ContactCenter;
  rtp: RtpSender;
  logger: Logger;
}

type Monitor = CallView['monitors'][number];

interface CallMedia {
  /** Core-clock ms of the call's sample 0. */
  origin: number;
  /** Parties that talk (supervisors listen); read by the sources on every packet, so a conference is heard grow. */
  talkers: number;
  /** Monitor id → the RtpSender keys of its streams. */
  streams: Map<string, string[]>;
}

const voices: AudioSource[] = [];
function voice(i: number): AudioSource {
  return (voices[i] ??= partyVoice(i));
}

/** The voices of parties `from`..talkers-1 (at least party `from`), mixed. */
function talkersSource(media: CallMedia, from: number): AudioSource {
  return {
    samples(start, count) {
      const n = Math.max(from + 1, media.talkers);
      const parts: AudioSource[] = [];
      for (let i = from; i < n; i++) parts.push(voice(i));
      return mix(...parts).samples(start, count);
    },
  };
}

function talkersOf(call: CallView): number {
  return call.parties.filter((p) => p.role !== 'supervisor' && p.state !== 'ended').length;
}

export class MediaService {
  private readonly calls = new Map<string, CallMedia>();
  private readonly writes = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;
  private readonly log: Logger;

  constructor(private readonly opts: MediaServiceOptions) {
    this.log = opts.logger.child({ component: 'media' });
    this.unsubscribe = opts.center.bus.subscribe((e) => this.onEvent(e));
  }

  /** Resolves when every recording stopped so far has been written (or failed to be); never rejects. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  /** Stops following the core, closes every stream and waits for recordings still being written. */
  async stop(): Promise<void> {
    this.unsubscribe();
    for (const id of [...this.calls.keys()]) this.closeCall(id);
    await Promise.allSettled([...this.writes]);
  }

  /** Streams open for a call (tests, diagnostics). */
  streamsOf(callId: string): string[] {
    return [...(this.calls.get(callId)?.streams.values() ?? [])].flat();
  }

  private onEvent(e: DomainEvent): void {
    if (e.type !== 'call') return;
    // A recording stops by itself or as its agent leaves (change `recording`), or with its call (`ended`/`merged`
    // list them).
    if (e.recording?.change === 'stopped') this.writeRecording(e.recording, e.call);
    for (const r of e.stoppedRecordings ?? []) this.writeRecording(r, e.call);
    if (e.change === 'ended' || e.change === 'merged') {
      this.closeCall(e.call.id);
      return;
    }
    const media = this.calls.get(e.call.id);
    if (media) media.talkers = talkersOf(e.call);
    if (e.change === 'monitoring') this.reconcile(e.call);
  }

  private track(call: CallView): CallMedia {
    let media = this.calls.get(call.id);
    if (!media) {
      media = { origin: call.createdAt, talkers: talkersOf(call), streams: new Map() };
      this.calls.set(call.id, media);
    }
    return media;
  }

  /** Makes the streams match the call's monitors: open new ones, pause/resume, close the ones that went away. */
  private reconcile(call: CallView): void {
    const media = this.track(call);
    const live = new Set(call.monitors.map((m) => m.id));
    for (const [id, keys] of media.streams) {
      if (live.has(id)) continue;
      for (const k of keys) this.opts.rtp.close(k);
      media.streams.delete(id);
    }
    for (const m of call.monitors) {
      let keys = media.streams.get(m.id);
      if (!keys) {
        keys = this.open(media, m);
        media.streams.set(m.id, keys);
      }
      for (const k of keys) {
        const s = this.opts.rtp.get(k);
        if (m.state === 'paused') s?.pause();
        else s?.resume();
      }
    }
  }

  /** Mixed: every party on one stream to targets[0]. Separate: the caller (A) to targets[0], the others (B) to targets[1]. */
  private open(media: CallMedia, m: Monitor): string[] {
    const offset = Math.max(0, Math.round(((this.opts.center.now() - media.origin) * SAMPLE_RATE) / 1000));
    const plan: { key: string; target: Monitor['targets'][number]; source: AudioSource }[] = [];
    const [first, second] = m.targets;
    if (!first) return [];
    if (m.mode === 'separate' && second) {
      plan.push({ key: `${m.id}:a`, target: first, source: voice(0) });
      plan.push({ key: `${m.id}:b`, target: second, source: talkersSource(media, 1) });
    } else {
      plan.push({ key: `${m.id}:mix`, target: first, source: talkersSource(media, 0) });
    }
    const keys: string[] = [];
    for (const p of plan) {
      try {
        this.opts.rtp.open(p.key, { target: { host: p.target.host, port: p.target.port }, source: shift(p.source, offset) });
        keys.push(p.key);
      } catch (err) {
        // The interface checked the cap and the address before asking; this is a last line, logged, never thrown.
        this.log.warn({ err, monitor: m.id, owner: m.owner }, 'monitoring stream not opened');
      }
    }
    return keys;
  }

  private closeCall(callId: string): void {
    const media = this.calls.get(callId);
    if (!media) return;
    for (const keys of media.streams.values()) for (const k of keys) this.opts.rtp.close(k);
    this.calls.delete(callId);
  }

  /**
   * Writes a stopped recording's audio: its segments placed on the call's timeline (sample 0 = the call's creation),
   * every party that took part talking. An archive without an audio directory (in-memory tests) gets no file.
   */
  private writeRecording(ref: RecordingRef, call: CallView): void {
    const recordings = this.opts.center.recordings;
    const id = ref.recordingId;
    let target: { file: string; path: string };
    let segments: RecordingSegment[];
    try {
      const rec = recordings.get(id);
      target = recordings.archive.audioTarget(id);
      segments = rec.segments.flatMap((s) => {
        if (s.endMs === undefined) return [];
        const startMs = Math.max(0, s.startMs - call.createdAt);
        const endMs = Math.max(startMs, s.endMs - call.createdAt);
        return endMs > startMs ? [{ startMs, endMs }] : [];
      });
    } catch (err) {
      this.log.debug({ err, recordingId: id }, 'recording has no audio file');
      return;
    }
    const parties = Math.max(2, call.parties.filter((p) => p.role !== 'supervisor').length);
    const source = mix(...Array.from({ length: parties }, (_, i) => voice(i)));
    const write = writeWav(target.path, source, segments, { format: 'pcm16' })
      .then((r) => {
        const kept = recordings.fileReady(id, { file: target.file, bytes: r.bytes, format: 'pcm16', durationMs: r.durationMs, writtenAt: this.opts.center.now() });
        this.log.info({ recordingId: id, callId: call.id, path: target.path, durationMs: r.durationMs, kept }, 'recording written');
      })
      .catch((err: unknown) => this.log.error({ err, recordingId: id }, 'recording could not be written'))
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }
}
