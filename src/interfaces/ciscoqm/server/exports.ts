/**
 * Seed 001 "Export Recording", "Export Progress" and "Downloading the Exported Recording": an export gets a randomly
 * generated id at once and runs in the background; its progress says finished or an error (an unsupported type, no
 * audio, an encoder failure); a finished export is available for at least `ttlMs` (an hour or more) and deleted after
 * a single access (GET /serverapi/retrieve?id=, which needs no credentials: the id is the secret, so it is long and
 * random). WAV is the recording's own file; WMA (audio) and WMV (audio, and video: a still black picture, since ccgate
 * records no screen) are encoded by ffmpeg from Debian, the tool that exists for this. Files live in
 * `<dataDir>/exports/`, emptied at start and stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../../core/index.js';

/** Export formats and their files (seed 001 examples: WMA audio, WMV audio and video; WAV is the archive's own). */
export const MEDIA_TYPES = {
  WAV: { extension: 'wav', contentType: 'audio/wav', args: undefined },
  WMA: { extension: 'wma', contentType: 'audio/x-ms-wma', args: (input: string, output: string) => ['-i', input, '-c:a', 'wmav2', '-b:a', '32k', output] },
  WMV: {
    extension: 'wmv',
    contentType: 'video/x-ms-wmv',
    args: (input: string, output: string) => ['-f', 'lavfi', '-i', 'color=c=black:s=320x240:r=5', '-i', input, '-map', '0:v', '-map', '1:a', '-shortest', '-c:v', 'wmv2', '-c:a', 'wmav2', '-b:a', '32k', output],
  },
} as const;
export type MediaType = keyof typeof MEDIA_TYPES;

/** Longest an encoder may run before the export fails. */
const ENCODER_TIMEOUT_MS = 120_000;

interface Export {
  id: string;
  ccrId: number;
  state: 'waiting' | 'running' | 'finished' | 'failed';
  error?: string;
  file?: string;
  /** Size of the finished file (bytes), counted in the stored total until it is retrieved or expires. */
  bytes?: number;
  type?: MediaType;
  expiry?: TimerHandle;
  process?: ChildProcess;
}

export interface ExportsOptions {
  dir: string;
  /** The core's clock: availability after finishing is timed on it. */
  clock: Clock;
  /** How long a finished or failed export stays (ms); at least an hour (seed 001). */
  ttlMs: number;
  ffmpeg: string;
  /** Encoders running at once; more wait their turn. */
  maxRunning: number;
  /** Exports waiting or running at once (ciscoqm.maxQueuedExports); one more is refused (see {@link busy}). */
  maxQueued: number;
  /** Bytes of finished exports not yet retrieved (ciscoqm.maxStoredExportBytes); over it new exports are refused. */
  maxStoredBytes: number;
  logger: Logger;
}

export type Retrieval = { ok: true; file: string; contentType: string; filename: string } | { ok: false; status: 404 | 409; message: string };

export class Exports {
  private readonly exports = new Map<string, Export>();
  private readonly queue: { exp: Export; run: () => Promise<void> }[] = [];
  private running = 0;
  private stored = 0;
  private stopped = false;

  constructor(private readonly opts: ExportsOptions) {}

  /** Empties the exports directory (files of an earlier run cannot be retrieved: their ids are gone). */
  async start(): Promise<void> {
    await rm(this.opts.dir, { recursive: true, force: true });
    await mkdir(this.opts.dir, { recursive: true });
  }

  /**
   * Why a new export cannot be taken now, or undefined when it can: `maxQueued` exports already wait or run, or the
   * finished files not yet downloaded hold `maxStoredBytes` or more. Either clears by itself (encoders finish, files are
   * downloaded or expire), so the caller answers "retry later".
   */
  busy(): string | undefined {
    if (this.queue.length + this.running >= this.opts.maxQueued) return `${this.opts.maxQueued} exports are already waiting or running`;
    if (this.stored >= this.opts.maxStoredBytes) return `finished exports not yet downloaded hold ${this.stored} bytes (limit ${this.opts.maxStoredBytes})`;
    return undefined;
  }

  /**
   * Starts exporting `source` (the recording's audio file; undefined when it has none) as `mediatype` (any case).
   * @returns the export id. Every failure is reported through progress, never thrown.
   */
  begin(ccrId: number, source: string | undefined, mediatype: string, problem?: string): string {
    const id = newId();
    const exp: Export = { id, ccrId, state: 'waiting' };
    this.exports.set(id, exp);
    const type = mediatype.trim().toUpperCase();
    if (problem !== undefined) this.fail(exp, problem);
    else if (!(type in MEDIA_TYPES)) this.fail(exp, `unsupported media type ${mediatype.slice(0, 32)}: WAV, WMA or WMV`);
    else if (source === undefined) this.fail(exp, 'the contact has no audio');
    else {
      exp.type = type as MediaType;
      this.queue.push({ exp, run: () => this.produce(exp, source) });
      this.next();
    }
    return id;
  }

  /** Seed 001 progress: finished, or an error (finished false) when it failed or no such export exists. */
  progress(id: string): { finished: boolean; error?: string } {
    const exp = this.exports.get(id);
    if (!exp) return { finished: false, error: 'no export with this id (it does not exist, expired or was retrieved)' };
    if (exp.state === 'failed') return { finished: false, error: exp.error ?? 'export failed' };
    return { finished: exp.state === 'finished' };
  }

  /**
   * The single access to a finished export: the entry is gone at once (a second request finds nothing), and the
   * caller deletes the file with {@link discard} once it is sent.
   */
  take(id: string): Retrieval {
    const exp = this.exports.get(id);
    if (!exp || exp.state === 'failed' || !exp.file || !exp.type) {
      if (exp?.state === 'waiting' || exp?.state === 'running') return { ok: false, status: 409, message: 'export not finished yet' };
      return { ok: false, status: 404, message: 'no such export' };
    }
    this.exports.delete(id);
    this.opts.clock.clearTimeout(exp.expiry);
    this.release(exp);
    const t = MEDIA_TYPES[exp.type];
    return { ok: true, file: exp.file, contentType: t.contentType, filename: `${exp.ccrId}.${t.extension}` };
  }

  /** Deletes a retrieved file. */
  async discard(file: string): Promise<void> {
    await rm(file, { force: true });
  }

  get size(): number {
    return this.exports.size;
  }

  /** Kills running encoders, forgets every export and empties the directory. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    for (const exp of this.exports.values()) {
      this.opts.clock.clearTimeout(exp.expiry);
      exp.process?.kill('SIGKILL');
    }
    this.exports.clear();
    this.stored = 0;
    await rm(this.opts.dir, { recursive: true, force: true });
  }

  private next(): void {
    while (!this.stopped && this.running < this.opts.maxRunning) {
      const job = this.queue.shift();
      if (!job) return;
      this.running += 1;
      job.exp.state = 'running';
      void job
        .run()
        .catch((err: unknown) => this.fail(job.exp, `export failed: ${(err as Error).message ?? String(err)}`))
        .finally(() => {
          this.running -= 1;
          this.next();
        });
    }
  }

  private async produce(exp: Export, source: string): Promise<void> {
    const type = exp.type ?? 'WAV';
    const t = MEDIA_TYPES[type];
    const file = join(this.opts.dir, `${exp.id}.${t.extension}`);
    if (t.args === undefined) await copyFile(source, file);
    else await this.encode(exp, t.args(source, file));
    const { size } = await stat(file);
    if (this.stopped || this.exports.get(exp.id) !== exp) return void (await rm(file, { force: true }));
    exp.file = file;
    exp.bytes = size;
    this.stored += size;
    exp.state = 'finished';
    this.expire(exp);
  }

  private encode(exp: Export, args: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.ffmpeg, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      exp.process = child;
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        if (stderr.length < 2000) stderr += d.toString('utf8');
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), ENCODER_TIMEOUT_MS);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(err.code === 'ENOENT' ? `${this.opts.ffmpeg} is not installed (ciscoqm.ffmpegPath)` : err.message));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        delete exp.process;
        if (code === 0) resolve();
        else {
          this.opts.logger.warn({ exportId: exp.id, code, stderr: stderr.trim() }, 'Cisco QM export: ffmpeg failed');
          reject(new Error(`the encoder failed (exit ${code ?? 'killed'})`));
        }
      });
    });
  }

  private fail(exp: Export, error: string): void {
    exp.state = 'failed';
    exp.error = error;
    this.expire(exp);
  }

  /** The export's file no longer counts as stored (retrieved or expired). */
  private release(exp: Export): void {
    this.stored -= exp.bytes ?? 0;
    delete exp.bytes;
  }

  /** A finished or failed export is forgotten (and its file deleted) after the availability time. */
  private expire(exp: Export): void {
    exp.expiry = this.opts.clock.setTimeout(() => {
      if (this.exports.get(exp.id) !== exp) return;
      this.exports.delete(exp.id);
      this.release(exp);
      if (exp.file) void rm(exp.file, { force: true });
    }, this.opts.ttlMs);
  }
}

/** 24 random decimal digits (about 80 bits): the download URL needs no credentials. */
function newId(): string {
  const b = randomBytes(10);
  return (BigInt(`0x${b.toString('hex')}`) % 10n ** 24n).toString().padStart(24, '0');
}
