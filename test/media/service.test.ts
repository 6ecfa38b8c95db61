/** MediaService: RTP streams follow the core's monitors; stopped recordings become WAV files attached in the archive. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMulaw, MediaService, parseRtpHeader, readWavInfo, RtpSender } from '../../src/media/index.js';
import { RecordingArchive } from '../../src/store/index.js';
import { makeCenter } from '../core/helpers.js';
import { listen, tonePower } from './helpers.js';
import { eventually } from '../support/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-media-'));
  const archive = RecordingArchive.open({ dir: join(dataDir, 'recordings') });
  const { cc, clock, events } = makeCenter({ archive });
  const rtp = new RtpSender({ maxStreams: 8 });
  const media = new MediaService({ center: cc, rtp, logger: pino({ level: 'silent' }) });
  cleanups.push(() => archive.close(), () => rtp.closeAll(), () => media.stop());
  return { cc, clock, rtp, media, dataDir, events };
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

  it('writes a stopped recording as an 8 kHz WAV of its segments where the archive says, and attaches it', async () => {
    const { cc, clock, dataDir, media, events } = setup();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const rec = cc.telephony.startRecording(call.id, 'qmi');
    clock.advance(2000);
    cc.telephony.pauseRecording(call.id, 'qmi');
    clock.advance(5000);
    cc.telephony.resumeRecording(call.id, 'qmi');
    clock.advance(1500);
    cc.telephony.hangup(call.id);
    await media.stop();
    const r = cc.recordings.get(rec.id);
    expect(r.audio).toMatchObject({ file: `${rec.id}.wav`, format: 'pcm16', durationMs: 3500, bytes: 44 + 3500 * 16 });
    expect(cc.recordings.archive.audioPath(rec.id)).toBe(join(dataDir, 'recordings', `${rec.id}.wav`));
    const info = readWavInfo(readFileSync(join(dataDir, 'recordings', `${rec.id}.wav`)));
    expect(info).toMatchObject({ sampleRate: 8000, channels: 1, durationMs: 3500 });
    expect(events.filter((e) => e.type === 'recording').map((e) => e.type === 'recording' && [e.change, e.recordingId])).toEqual([['fileReady', rec.id]]);
  });

  it('writes every recording a call\'s end stops, and discards the audio of one deleted before it was written', async () => {
    const { cc, media } = setup();
    cc.recordings.setPolicy('HARRI', 'all');
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const qmi = cc.telephony.startRecording(call.id, 'qmi');
    const [policy] = call.recordings;
    cc.telephony.hangup(call.id);
    cc.recordings.deleteAudio(policy!.id, 'audioDeleted');
    await media.stop();
    expect(cc.recordings.get(qmi.id).audio?.file).toBe(`${qmi.id}.wav`);
    expect(cc.recordings.get(policy!.id).audio).toBeUndefined();
    expect(cc.recordings.archive.audioPath(policy!.id)).toBeUndefined();
  });
});
