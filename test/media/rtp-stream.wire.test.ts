import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { partyVoice, shift } from '../../src/media/audio.js';
import { decodeMulaw } from '../../src/media/g711.js';
import { parseRtpHeader, RtpSender, RtpStream, type RtpPacketInfo } from '../../src/media/rtp.js';
import { activeCount, listen, sleep, tonePower, type Received } from './helpers.js';

const parse = (r: Received): RtpPacketInfo => {
  const info = parseRtpHeader(r.msg);
  if (!info) throw new Error('not RTP');
  return info;
};

describe('RtpStream over a real UDP socket', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('sends ~50 well-formed PCMU packets per second, marker on the first only', async () => {
    const rx = await listen();
    cleanups.push(rx.close);
    const udpBefore = activeCount('UDPWrap');
    const s = new RtpStream({ target: { host: '127.0.0.1', port: rx.port }, source: partyVoice(0) });
    s.start();
    expect(s.state).toBe('running');
    await sleep(1000);
    s.stop();
    await sleep(50);
    const pkts = rx.received.map(parse);
    expect(pkts.length).toBeGreaterThanOrEqual(40);
    expect(pkts.length).toBeLessThanOrEqual(60);
    expect(rx.received.every((r) => r.msg.length === 172)).toBe(true);
    for (const [i, p] of pkts.entries()) {
      expect(p).toMatchObject({ version: 2, payloadType: 0, ssrc: s.ssrc, marker: i === 0 });
      if (i === 0) continue;
      const prev = pkts[i - 1] as RtpPacketInfo;
      expect(p.sequence).toBe((prev.sequence + 1) & 0xffff);
      expect(p.timestamp).toBe((prev.timestamp + 160) % 2 ** 32);
    }
    expect(s.stats()).toEqual({ packetsSent: pkts.length, bytesSent: pkts.length * 172, errors: 0 });
    // The stream's own socket is closed on stop.
    expect(activeCount('UDPWrap')).toBe(udpBefore);
  });

  it('sends nothing while paused and resumes with the marker and a timestamp jump of the gap', async () => {
    const rx = await listen();
    cleanups.push(rx.close);
    const s = new RtpStream({ target: { host: '127.0.0.1', port: rx.port }, source: partyVoice(0) });
    cleanups.push(() => s.stop());
    s.start();
    await sleep(300);
    const pausedAt = performance.now();
    s.pause();
    await sleep(300);
    const resumedAt = performance.now();
    s.resume();
    await sleep(200);
    s.stop();
    await sleep(50);

    const during = rx.received.filter((r) => r.at > pausedAt + 60 && r.at < resumedAt);
    expect(during).toHaveLength(0);
    const pkts = rx.received.map(parse);
    const k = pkts.findIndex((p, i) => i > 0 && p.marker);
    expect(k).toBeGreaterThan(0);
    const last = pkts[k - 1] as RtpPacketInfo;
    const first = pkts[k] as RtpPacketInfo;
    expect(first.sequence).toBe((last.sequence + 1) & 0xffff);
    const jump = (first.timestamp - last.timestamp + 2 ** 32) % 2 ** 32;
    const gapSamples = (resumedAt - pausedAt) * 8;
    expect(Math.abs(jump - gapSamples)).toBeLessThanOrEqual(2 * 160);
    expect(pkts.filter((p) => p.marker)).toHaveLength(2);
    for (let i = k + 1; i < pkts.length; i++) {
      expect(pkts[i]?.sequence).toBe(((pkts[i - 1]?.sequence ?? 0) + 1) & 0xffff);
      expect(pkts[i]?.timestamp).toBe(((pkts[i - 1]?.timestamp ?? 0) + 160) % 2 ** 32);
    }
  });

  it('two parties stream at once with different SSRCs and distinguishable audio', async () => {
    const rx = await listen();
    cleanups.push(rx.close);
    const sender = new RtpSender({ maxStreams: 4 });
    cleanups.push(() => sender.closeAll());
    const target = { host: '127.0.0.1', port: rx.port };
    // Party 1 answers while party 0 listens: start its stream at 3.2 s of the call so both are talking.
    const a = sender.open('call1:A', { target, source: partyVoice(0) });
    const b = sender.open('call1:B', { target, source: shift(partyVoice(1), 3.2 * 8000) });
    await sleep(500);
    sender.closeAll();
    await sleep(50);
    expect(a.ssrc).not.toBe(b.ssrc);
    const pkts = rx.received.map(parse);
    const audio = (ssrc: number) =>
      decodeMulaw(Buffer.concat(pkts.filter((p) => p.ssrc === ssrc).map((p) => p.payload)));
    const audioA = audio(a.ssrc);
    const audioB = audio(b.ssrc);
    expect(audioA.length).toBeGreaterThan(160 * 15);
    expect(audioB.length).toBeGreaterThan(160 * 15);
    expect(tonePower(audioA, 440)).toBeGreaterThan(100 * tonePower(audioA, 660));
    expect(tonePower(audioB, 660)).toBeGreaterThan(100 * tonePower(audioB, 440));
  });
});
