/**
 * RTP sender for call monitoring: one PCMU stream per target (RFC 3550, RFC 3551 §4.5.14).
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { SAMPLE_RATE, type AudioSource } from './audio.js';
import { MediaLimitError } from './errors.js';
import { encodeMulaw } from './g711.js';
import { buildRtpPacket } from './rtp-packet.js';

export { buildRtpPacket, parseRtpHeader, RTP_HEADER_BYTES } from './rtp-packet.js';
export type { RtpHeaderFields, RtpPacketInfo } from './rtp-packet.js';

export interface RtpTarget {
  host: string;
  port: number;
}

export interface RtpStreamOptions {
  target: RtpTarget;
  source: AudioSource;
  /** Defaults to a random value (RFC 3550 §8.1). */
  ssrc?: number;
  /** Defaults to 0 (PCMU). The payload is always μ-law; another number only relabels it (e.g. a dynamic type). */
  payloadType?: number;
  /** Defaults to 20, the RFC 3551 §4.5.14 default packetization for PCMU. */
  packetMs?: number;
  /** A socket to send from; the stream never closes it. Without one the stream opens its own and closes it on stop. */
  socket?: dgram.Socket;
  /** Monotonic milliseconds; defaults to performance.now(). */
  now?: () => number;
}

export type RtpStreamState = 'idle' | 'running' | 'paused' | 'stopped';

export interface RtpStreamStats {
  /** Datagrams the socket confirmed sent. */
  packetsSent: number;
  /** Octets of those datagrams, RTP header included. */
  bytesSent: number;
  /** Send failures (counted, never thrown: a monitoring target going away must not disturb the call). */
  errors: number;
}

/** After a stall (event loop blocked, laptop sleep) send at most this many late packets, then skip to live. */
const MAX_BURST = 5;

function random32(): number {
  return randomBytes(4).readUInt32BE(0);
}

function validate(opts: RtpStreamOptions): void {
  const { host, port } = opts.target;
  if (typeof host !== 'string' || host.length === 0) throw new RangeError('RTP target host is empty');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`RTP target port ${port} is invalid`);
  const pt = opts.payloadType ?? 0;
  if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new RangeError(`RTP payload type ${pt} is invalid`);
  const ms = opts.packetMs ?? 20;
  // ≤ 160 ms keeps a packet (12 + 8·ms octets) inside a 1500-octet Ethernet MTU.
  if (!Number.isInteger(ms) || ms < 1 || ms > 160) throw new RangeError(`RTP packetMs ${ms} is invalid`);
  const ssrc = opts.ssrc;
  if (ssrc !== undefined && (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffffffff)) {
    throw new RangeError(`RTP SSRC ${ssrc} is invalid`);
  }
}

export class RtpStream {
  readonly ssrc: number;
  private currentState: RtpStreamState = 'idle';
  private readonly target: RtpTarget;
  private readonly source: AudioSource;
  private readonly payloadType: number;
  private readonly packetMs: number;
  private readonly samplesPerPacket: number;
  private readonly now: () => number;
  /** Own sockets are opened on start, so a stream that is built but never started holds no handle. */
  private socket: dgram.Socket | undefined;
  private readonly ownsSocket: boolean;
  /** RFC 3550 §5.1: sequence and timestamp start at random values to make known-plaintext attacks harder. */
  private sequence = randomBytes(2).readUInt16BE(0);
  private readonly timestampBase = random32();
  /**
   * A run is a stretch without pauses: packet k of a run covers samples runStartSample + k·spp and is due at
   * runStartMs + k·packetMs.
   */
  private runStartMs = 0;
  private runStartSample = 0;
  private packetsInRun = 0;
  private markerPending = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly counters: RtpStreamStats = { packetsSent: 0, bytesSent: 0, errors: 0 };

  constructor(opts: RtpStreamOptions) {
    validate(opts);
    this.target = { host: opts.target.host, port: opts.target.port };
    this.source = opts.source;
    this.ssrc = opts.ssrc ?? random32();
    this.payloadType = opts.payloadType ?? 0;
    this.packetMs = opts.packetMs ?? 20;
    this.samplesPerPacket = (this.packetMs * SAMPLE_RATE) / 1000;
    this.now = opts.now ?? (() => performance.now());
    this.socket = opts.socket;
    this.ownsSocket = !opts.socket;
  }

  get state(): RtpStreamState {
    return this.currentState;
  }

  stats(): RtpStreamStats {
    return { ...this.counters };
  }

  /** Starts sending at source sample 0. No-op unless idle. */
  start(): void {
    if (this.currentState !== 'idle') return;
    if (!this.socket) {
      this.socket = dgram.createSocket(isIPv6(this.target.host) ? 'udp6' : 'udp4');
      this.socket.on('error', () => this.counters.errors++);
    }
    this.beginRun(this.now(), 0);
  }

  pause(): void {
    if (this.currentState !== 'running') return;
    this.currentState = 'paused';
    this.clearTimer();
  }

  /**
   * The media clock kept running while paused, so the timestamp and the source position jump by the gap (RFC 3550
   * §5.1: the timestamp reflects the sampling instant), and the first packet carries the marker bit as the start of
   * a talkspurt after silence (RFC 3551 §4.1).
   */
  resume(): void {
    if (this.currentState !== 'paused') return;
    const nowMs = this.now();
    const nextSample = this.runStartSample + this.packetsInRun * this.samplesPerPacket;
    const liveSample = this.runStartSample + Math.floor(((nowMs - this.runStartMs) * SAMPLE_RATE) / 1000);
    this.beginRun(nowMs, Math.max(nextSample, liveSample));
  }

  /** Idempotent; closes the socket only if the stream opened it. */
  stop(): void {
    if (this.currentState === 'stopped') return;
    this.currentState = 'stopped';
    this.clearTimer();
    if (this.ownsSocket && this.socket) {
      try {
        this.socket.close();
      } catch {
        // Already closed: nothing left to release.
      }
    }
  }

  private beginRun(nowMs: number, startSample: number): void {
    this.runStartMs = nowMs;
    this.runStartSample = startSample;
    this.packetsInRun = 0;
    // RFC 3551 §4.1: marker on the first packet of the stream and of each talkspurt.
    this.markerPending = true;
    this.currentState = 'running';
    this.tick();
  }

  /** Drift-free: count the packets due since the run started and send the missing ones, then sleep until the next. */
  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.currentState !== 'running') return;
    const due = Math.floor((this.now() - this.runStartMs) / this.packetMs) + 1;
    // Late packets beyond the burst are skipped, not sent: their samples are gone, as on a live line.
    if (due - this.packetsInRun > MAX_BURST) this.packetsInRun = due - MAX_BURST;
    while (this.packetsInRun < due) this.sendNext();
    const nextDue = this.runStartMs + this.packetsInRun * this.packetMs;
    const delay = Math.min(this.packetMs, Math.max(1, nextDue - this.now()));
    this.timer = setTimeout(this.tick, delay);
  };

  private sendNext(): void {
    const startSample = this.runStartSample + this.packetsInRun * this.samplesPerPacket;
    const payload = encodeMulaw(this.source.samples(startSample, this.samplesPerPacket));
    const packet = buildRtpPacket(
      {
        payloadType: this.payloadType,
        sequence: this.sequence,
        timestamp: (this.timestampBase + startSample) % 0x100000000,
        ssrc: this.ssrc,
        marker: this.markerPending,
      },
      payload,
    );
    this.sequence = (this.sequence + 1) & 0xffff;
    this.packetsInRun++;
    this.markerPending = false;
    try {
      if (!this.socket) throw new Error('no socket');
      this.socket.send(packet, this.target.port, this.target.host, (err) => {
        if (err) {
          this.counters.errors++;
        } else {
          this.counters.packetsSent++;
          this.counters.bytesSent += packet.length;
        }
      });
    } catch {
      this.counters.errors++;
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export interface RtpSenderOptions {
  maxStreams: number;
  logger?: Logger;
}

/**
 * Many streams under one cap, all sent from one shared UDP socket per address family: one file descriptor however many
 * calls are monitored.
 */
export class RtpSender {
  private readonly maxStreams: number;
  private readonly logger: Logger | undefined;
  private readonly streams = new Map<string, RtpStream>();
  private udp4: dgram.Socket | undefined;
  private udp6: dgram.Socket | undefined;

  constructor(opts: RtpSenderOptions) {
    if (!Number.isInteger(opts.maxStreams) || opts.maxStreams < 0) {
      throw new RangeError(`maxStreams ${opts.maxStreams} is invalid`);
    }
    this.maxStreams = opts.maxStreams;
    this.logger = opts.logger;
  }

  /**
   * Opens and starts a stream. Reopening an open key replaces its stream (a tool asking again, maybe for another
   * target) without counting twice against the cap. Throws MediaLimitError when the cap is reached.
   */
  open(key: string, opts: RtpStreamOptions): RtpStream {
    this.prune();
    const existing = this.streams.get(key);
    if (this.streams.size - (existing ? 1 : 0) >= this.maxStreams) throw new MediaLimitError(this.maxStreams);
    const stream = new RtpStream({
      ...opts,
      ssrc: opts.ssrc ?? this.unusedSsrc(),
      socket: opts.socket ?? this.sharedSocket(isIPv6(opts.target.host) ? 'udp6' : 'udp4'),
    });
    existing?.stop();
    this.streams.set(key, stream);
    stream.start();
    this.logger?.debug({ key, target: opts.target, ssrc: stream.ssrc }, 'rtp stream opened');
    return stream;
  }

  close(key: string): boolean {
    const stream = this.streams.get(key);
    if (!stream) return false;
    stream.stop();
    this.streams.delete(key);
    this.logger?.debug({ key, ...stream.stats() }, 'rtp stream closed');
    return true;
  }

  /** Stops every stream and closes the shared sockets (reopened lazily by the next open). */
  closeAll(): void {
    for (const key of [...this.streams.keys()]) this.close(key);
    for (const socket of [this.udp4, this.udp6]) {
      try {
        socket?.close();
      } catch {
        // Already closed.
      }
    }
    this.udp4 = undefined;
    this.udp6 = undefined;
  }

  get(key: string): RtpStream | undefined {
    const stream = this.streams.get(key);
    return stream && stream.state !== 'stopped' ? stream : undefined;
  }

  /** Streams not yet stopped (a stream stopped directly through its own stop() no longer counts). */
  active(): number {
    this.prune();
    return this.streams.size;
  }

  private prune(): void {
    for (const [key, stream] of this.streams) if (stream.state === 'stopped') this.streams.delete(key);
  }

  /** RFC 3550 §8.1: SSRCs are random; among our own streams we can rule out a collision outright. */
  private unusedSsrc(): number {
    const used = new Set([...this.streams.values()].map((s) => s.ssrc));
    for (;;) {
      const ssrc = random32();
      if (!used.has(ssrc)) return ssrc;
    }
  }

  private sharedSocket(type: 'udp4' | 'udp6'): dgram.Socket {
    const current = type === 'udp4' ? this.udp4 : this.udp6;
    if (current) return current;
    const socket = dgram.createSocket(type);
    // Errors surface per send in each stream's counters; the socket-level event only needs to be logged.
    socket.on('error', (err) => this.logger?.warn({ err, type }, 'rtp socket error'));
    // Sending never keeps the process alive on its own: the listeners and timers of the streams do.
    socket.unref();
    if (type === 'udp4') this.udp4 = socket;
    else this.udp6 = socket;
    return socket;
  }
}
