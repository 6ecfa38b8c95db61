import type dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { partyVoice } from '../../src/media/audio.js';
import { decodeMulaw } from '../../src/media/g711.js';
import { parseRtpHeader, RtpStream, type RtpPacketInfo } from '../../src/media/rtp.js';

/** A socket stand-in that records what would have been sent; the clock is a plain variable. */
function fakeSocket(behaviour: 'ok' | 'callbackError' | 'throw' = 'ok') {
  const sent: RtpPacketInfo[] = [];
  const socket = {
    send(buf: Buffer, _port: number, _host: string, cb: (err: Error | null) => void) {
      if (behaviour === 'throw') throw new Error('ERR_SOCKET_DGRAM_NOT_RUNNING');
      const info = parseRtpHeader(buf);
      if (info) sent.push(info);
      queueMicrotask(() => cb(behaviour === 'callbackError' ? new Error('EHOSTUNREACH') : null));
    },
  } as unknown as dgram.Socket;
  return { socket, sent };
}

describe('RtpStream timing and numbering (virtual clock)', () => {
  let clock = 0;
  const now = () => clock;
  /** Moves the virtual clock and lets the stream's timers fire, in 1 ms steps. */
  const advance = (ms: number) => {
    for (let i = 0; i < ms; i++) {
      clock += 1;
      vi.advanceTimersByTime(1);
    }
  };

  beforeEach(() => {
    clock = 1000;
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first packet at once, with the marker, then one per 20 ms', () => {
    const { socket, sent } = fakeSocket();
    const s = new RtpStream({ target: { host: '127.0.0.1', port: 9 }, source: partyVoice(0), socket, now });
    s.start();
    expect(sent).toHaveLength(1);
    advance(1000);
    s.stop();
    expect(sent).toHaveLength(51);
    expect(sent.map((p) => p.marker)).toEqual([true, ...Array(50).fill(false)]);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i]?.sequence).toBe(((sent[i - 1]?.sequence ?? 0) + 1) & 0xffff);
      expect(sent[i]?.timestamp).toBe(((sent[i - 1]?.timestamp ?? 0) + 160) % 2 ** 32);
      expect(sent[i]?.ssrc).toBe(s.ssrc);
      expect(sent[i]?.payload.length).toBe(160);
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  it('carries the source audio at the stream position in each payload', () => {
    const { socket, sent } = fakeSocket();
    const voice = partyVoice(0);
    const s = new RtpStream({ target: { host: '127.0.0.1', port: 9 }, source: voice, socket, now });
    s.start();
    advance(100);
    s.stop();
    const p3 = decodeMulaw(sent[3]?.payload ?? Buffer.alloc(0));
    const ref = voice.samples(3 * 160, 160);
    for (let i = 0; i < 160; i++) expect(Math.abs((p3[i] ?? 0) - (ref[i] ?? 0))).toBeLessThanOrEqual(512);
  });

  it('after pause/resume continues the sequence, jumps the timestamp by the gap and sets the marker', () => {
    const { socket, sent } = fakeSocket();
    const s = new RtpStream({ target: { host: '127.0.0.1', port: 9 }, source: partyVoice(0), socket, now });
    s.start();
    advance(100); // packets 0..5 (the one due at 100 ms included)
    s.pause();
    s.pause(); // ignored
    expect(s.state).toBe('paused');
    const before = sent.length;
    advance(300);
    expect(sent.length).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
    s.resume();
    advance(40);
    s.stop();
    const last = sent[before - 1];
    const first = sent[before];
    expect(before).toBe(6);
    expect(first?.sequence).toBe(((last?.sequence ?? 0) + 1) & 0xffff);
    // Last packet before the pause covered 100..120 ms, the first after it starts at 400 ms: 300 ms · 8 kHz.
    expect(((first?.timestamp ?? 0) - (last?.timestamp ?? 0) + 2 ** 32) % 2 ** 32).toBe(2400);
    expect(first?.marker).toBe(true);
    expect(sent.slice(before + 1).every((p) => !p.marker)).toBe(true);
    expect(sent.length - before).toBe(3);
  });

  it('after a stall sends a bounded burst and skips to the live position', () => {
    const { socket, sent } = fakeSocket();
    const s = new RtpStream({ target: { host: '127.0.0.1', port: 9 }, source: partyVoice(0), socket, now });
    s.start();
    clock += 2000; // event loop blocked for 2 s
    vi.advanceTimersByTime(20);
    expect(sent.length).toBe(1 + 5);
    const lastTs = sent[5]?.timestamp ?? 0;
    const firstTs = sent[0]?.timestamp ?? 0;
    expect((lastTs - firstTs + 2 ** 32) % 2 ** 32).toBe(2000 * 8);
    expect(sent[5]?.sequence).toBe(((sent[0]?.sequence ?? 0) + 5) & 0xffff);
    s.stop();
  });

  it('counts send errors instead of throwing', async () => {
    for (const behaviour of ['callbackError', 'throw'] as const) {
      const { socket } = fakeSocket(behaviour);
      const s = new RtpStream({ target: { host: '127.0.0.1', port: 9 }, source: partyVoice(0), socket, now });
      expect(() => {
        s.start();
        advance(40);
      }).not.toThrow();
      s.stop();
      await vi.runAllTimersAsync();
      await Promise.resolve();
      expect(s.stats()).toEqual({ packetsSent: 0, bytesSent: 0, errors: 3 });
    }
  });

  it('uses the given SSRC and payload type, a random SSRC otherwise', () => {
    const { socket, sent } = fakeSocket();
    const target = { host: '::1', port: 9 };
    const s = new RtpStream({ target, source: partyVoice(0), socket, now, ssrc: 42, payloadType: 96 });
    s.start();
    s.stop();
    expect(sent[0]).toMatchObject({ ssrc: 42, payloadType: 96 });
    const make = () => new RtpStream({ target, source: partyVoice(0), socket }).ssrc;
    const ssrcs = new Set(Array.from({ length: 20 }, make));
    expect(ssrcs.size).toBe(20);
  });

  it('rejects invalid options', () => {
    const { socket } = fakeSocket();
    const base = { target: { host: '127.0.0.1', port: 9 }, source: partyVoice(0), socket };
    expect(() => new RtpStream({ ...base, target: { host: '127.0.0.1', port: 0 } })).toThrow(RangeError);
    expect(() => new RtpStream({ ...base, payloadType: 128 })).toThrow(RangeError);
    expect(() => new RtpStream({ ...base, packetMs: 0 })).toThrow(RangeError);
    expect(() => new RtpStream({ ...base, ssrc: -1 })).toThrow(RangeError);
  });
});
