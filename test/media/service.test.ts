/** MediaService: RTP streams follow the core's monitors; stopped recordings become WAV files registered in the core. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMulaw, MediaService, parseRtpHeader, readWavInfo, RtpSender } from '../../src/media/index.js';
import { makeCenter } from '../core/helpers.js';
import { listen, tonePower } from './helpers.js';
import { eventually } from '../support/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const { cc, clock } = makeCenter();
  const rtp = new RtpSender({ maxStreams: 8 });
  const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-media-'));
  const media = new MediaService({ center: cc, rtp, dataDir, logger: pino({ level: 'silent' }) });
  cleanups.push(() => rtp.closeAll(), () => media.stop());
  return { cc, clock, rtp, media, dataDir };
}

const payloads = (rx: Awaited<ReturnType<typeof listen>>) => decodeMulaw(Buffer.concat(rx.received.slice(2, 12).map((r) => parseRtpHeader(r.msg)?.payload ?? Buffer.alloc(0))));

describe('MediaService', () => {
  it('starts a stream opened mid-call at the call position: 3 s in, the second party is the one talking', async () => {
    const { cc, clock, media } = setup();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    clock.advance(3200);
    const rx = await listen();
    cleanups.push(rx.close);
    cc.telephony.startMonitor(call.id, 'tool', 'mixed', [{ host: '127.0.0.1', port: rx.port }]);
    expect(media.streamsOf(call.id)).toHaveLength(1);
    // The twelve packets payloads() reads, however long they take.
    await eventually(() => rx.received.length >= 12, 'twelve RTP packets');
    const pcm = payloads(rx);
    expect(tonePower(pcm, 660)).toBeGreaterThan(100 * tonePower(pcm, 440));
  });

  it('opens two streams for separate mode, pauses, resumes, and closes them when the call ends', async () => {
    const { cc, rtp, media } = setup();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const m = cc.telephony.startMonitor(call.id, 'tool', 'separate', [{ host: '127.0.0.1', port: 40000 }, { host: '127.0.0.1', port: 40002 }]);
    expect(media.streamsOf(call.id)).toEqual([`${m.id}:a`, `${m.id}:b`]);
    cc.telephony.setMonitorState(call.id, 'tool', 'paused');
    expect(media.streamsOf(call.id).map((k) => rtp.get(k)?.state)).toEqual(['paused', 'paused']);
    cc.telephony.setMonitorState(call.id, 'tool', 'running');
    expect(media.streamsOf(call.id).map((k) => rtp.get(k)?.state)).toEqual(['running', 'running']);
    // A second start by the same owner replaces its monitor: the old streams close.
    cc.telephony.startMonitor(call.id, 'tool', 'mixed', [{ host: '127.0.0.1', port: 40004 }]);
    expect(rtp.active()).toBe(1);
    cc.telephony.hangup(call.id);
    expect(rtp.active()).toBe(0);
    expect(media.streamsOf(call.id)).toEqual([]);
  });

  it('writes a stopped recording as an 8 kHz WAV of its segments and registers the file', async () => {
    const { cc, clock, dataDir, media } = setup();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const rec = cc.telephony.startRecording(call.id, 'test');
    clock.advance(2000);
    cc.telephony.pauseRecording(call.id);
    clock.advance(5000);
    cc.telephony.resumeRecording(call.id);
    clock.advance(1500);
    cc.telephony.hangup(call.id);
    await media.stop();
    const r = cc.telephony.recording(rec.id);
    expect(r.file).toBe(join(dataDir, 'recordings', `${rec.id}.wav`));
    const info = readWavInfo(readFileSync(r.file ?? ''));
    expect(info).toMatchObject({ sampleRate: 8000, channels: 1, durationMs: 3500 });
    expect(r.bytes).toBe(44 + 3500 * 16);
  });
});
