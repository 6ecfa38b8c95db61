/**
 * One server-side recording's life: start, pause/resume (e.g. while card details are read out), stop → WAV file.
 * Time comes in as `now` values from the caller's clock, so the core can drive it in virtual time.
 */
import type { AudioSource } from './audio.js';
import { writeWav, type RecordingSegment, type WavFormat, type WavWriteResult } from './wav.js';

export type CallRecorderState = 'idle' | 'recording' | 'paused' | 'stopped';

export interface CallRecorderOptions {
  path: string;
  /** The call's audio, sample 0 = `originMs`. */
  source: AudioSource;
  format?: WavFormat;
  /** When the call (the source's sample 0) began on the caller's clock; defaults to the `now` given to start(). */
  originMs?: number;
}

export class CallRecorder {
  private currentState: CallRecorderState = 'idle';
  private readonly closed: RecordingSegment[] = [];
  private origin: number | undefined;
  private openSince = 0;
  private lastMs = 0;
  private result: Promise<WavWriteResult> | undefined;

  constructor(private readonly opts: CallRecorderOptions) {
    this.origin = opts.originMs;
  }

  get state(): CallRecorderState {
    return this.currentState;
  }

  /** No-op unless idle. */
  start(now: number): void {
    if (this.currentState !== 'idle') return;
    this.origin ??= now;
    this.openSince = this.at(now);
    this.currentState = 'recording';
  }

  /** Ignored unless recording (a second pause is not an error: QM tools repeat requests). */
  pause(now: number): void {
    if (this.currentState !== 'recording') return;
    this.closeSegment(this.at(now));
    this.currentState = 'paused';
  }

  /** Ignored unless paused. */
  resume(now: number): void {
    if (this.currentState !== 'paused') return;
    this.openSince = this.at(now);
    this.currentState = 'recording';
  }

  /**
   * Writes the file. Idempotent: a second stop returns the first one's result. Stopping a recording that never
   * started still writes a valid, empty WAV so whoever asked for it finds a file.
   */
  stop(now: number): Promise<WavWriteResult> {
    if (this.result) return this.result;
    if (this.currentState === 'recording') this.closeSegment(this.at(now));
    this.currentState = 'stopped';
    this.result = writeWav(this.opts.path, this.opts.source, this.segments(), { format: this.opts.format ?? 'pcm16' });
    return this.result;
  }

  /** Closed segments, plus the open one up to `now` when given while recording; ms relative to the origin. */
  segments(now?: number): RecordingSegment[] {
    const out = this.closed.map((s) => ({ ...s }));
    if (this.currentState === 'recording' && now !== undefined) {
      const end = Math.max(this.openSince, now - (this.origin ?? now));
      if (end > this.openSince) out.push({ startMs: this.openSince, endMs: end });
    }
    return out;
  }

  /** Ms since the origin, never before 0 nor before an earlier event (a clock step back must not invert a segment). */
  private at(now: number): number {
    this.lastMs = Math.max(this.lastMs, now - (this.origin ?? now), 0);
    return this.lastMs;
  }

  private closeSegment(endMs: number): void {
    if (endMs > this.openSince) this.closed.push({ startMs: this.openSince, endMs });
  }
}
