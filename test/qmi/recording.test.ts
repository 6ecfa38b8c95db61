/** Server-side recording (QMI 4.4): a WAV file in the data dir, attached to its entry in the recordings archive. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { readWavInfo } from '../../src/media/index.js';
import { api, establishedCall, EXTERNAL, post, Receiver, req, sleep, startGateway, subscribed } from './helpers.js';

let gw: Gateway;
let tool: Receiver;
beforeEach(async () => {
  gw = await startGateway();
  tool = await subscribed(gw, 'rec');
});
afterEach(async () => {
  await gw.close();
  await tool.stop();
});

interface Rec {
  id: number;
  callId: string;
  agent: { userId: string; extension: string };
  ani: string;
  dnis: string;
  startTime: number;
  endTime: number;
  segments: { startMs: number; endMs: number }[];
  state: string;
  audio?: { file: string; bytes: number };
  source: string;
}

/** The call's QMI recording once its audio file is attached (the archive's fileReady event), as the control API lists it. */
async function recordingFile(callId: string): Promise<Rec> {
  const attached = new Promise<void>((resolve) => {
    const off = gw.center.bus.subscribe((e) => {
      if (e.type === 'recording' && e.change === 'fileReady' && e.callId === callId && e.source === 'qmi') {
        off();
        resolve();
      }
    });
    // Already attached before we listened: the archive says so.
    if (gw.center.recordings.search({ callId, source: 'qmi', hasAudio: true }).recordings.length > 0) {
      off();
      resolve();
    }
  });
  await attached;
  const { recordings } = (await api(gw, 'GET', `/api/v1/recordings?callId=${callId}&source=qmi`)) as { recordings: Rec[] };
  const r = recordings[0];
  if (!r?.audio) throw new Error('recording file not attached');
  return r;
}

const fileOf = (rec: Rec): string => join(gw.ctx.dataDir, 'recordings', rec.audio?.file ?? '');

async function request(op: string, callId: string): Promise<Record<string, string | null>> {
  expect((await post(gw, req.call(op, 'rec', callId))).success).toBe('1');
  const r = await tool.response(op);
  tool.clear();
  return r;
}

describe('QMIBCMRecordingStart, Pause, Resume, Stop', () => {
  it('records the call minus its pause into an 8 kHz WAV, with BcmRecordingEn following the state', async () => {
    const callId = await establishedCall(gw);
    await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    tool.clear();
    /** The instants just before and just after `f`: whatever it did happened between them. */
    const around = async (f: () => Promise<unknown>): Promise<[number, number]> => {
      const before = Date.now();
      await f();
      return [before, Date.now()];
    };
    const started = await around(async () => expect(await request('QMIBCMRecordingStart', callId)).toMatchObject({ Success: '1' }));
    await sleep(500);
    const paused = await around(() => request('QMIBCMRecordingPause', callId));
    await sleep(400);
    const resumed = await around(() => request('QMIBCMRecordingResume', callId));
    await sleep(300);
    const hungUp = await around(() => api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {}));
    const rec = await recordingFile(callId);
    expect(rec).toMatchObject({ callId, agent: { userId: 'HARRI', extension: '1101' }, ani: EXTERNAL, state: 'stopped', source: 'qmi' });
    expect(rec.segments).toHaveLength(2);
    expect(rec.audio?.file).toBe(`${rec.id}.wav`);
    const wav = readFileSync(fileOf(rec));
    expect(wav.length).toBe(rec.audio?.bytes);
    const info = readWavInfo(wav);
    expect(info).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16, formatTag: 1 });
    const recorded = rec.segments.reduce((n, s) => n + s.endMs - s.startMs, 0);
    expect(Math.abs(info.durationMs - recorded)).toBeLessThan(1);
    // Call length (from recording start to hang-up) minus the pause: bounded by the instants around each request, so
    // it holds however slowly a loaded machine runs them (1 ms for rounding to whole samples).
    const shortest = paused[0] - started[1] + (hungUp[0] - resumed[1]);
    const longest = paused[1] - started[0] + (hungUp[1] - resumed[0]);
    expect(info.durationMs).toBeGreaterThanOrEqual(shortest - 1);
    expect(info.durationMs).toBeLessThanOrEqual(longest + 1);
    expect(shortest).toBeGreaterThan(700);
    // Not silence: the parties talk.
    const pcm = new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) / 2);
    expect(pcm.some((v) => Math.abs(v) > 1000)).toBe(true);
  });

  it('reports the recording state in Callupdated (BcmRecordingEn) and in QMICallInfo', async () => {
    const callId = await establishedCall(gw);
    await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    tool.clear();
    const states: string[] = [];
    for (const op of ['QMIBCMRecordingStart', 'QMIBCMRecordingPause', 'QMIBCMRecordingResume']) {
      await post(gw, req.call(op, 'rec', callId));
      const [upd] = await tool.waitFor((e) => e.name === 'QMICallinfoCallupdatedEvent');
      states.push(upd?.fields.BcmRecordingEn ?? '');
      await tool.response(op);
      tool.clear();
    }
    await post(gw, req.call('QMIQueryCallInfo', 'rec', callId));
    const [info] = await tool.waitFor((e) => e.name === 'QMICallInfoEvent');
    states.push(info?.fields.BcmRecordingEn ?? '');
    tool.clear();
    await post(gw, req.call('QMIBCMRecordingStop', 'rec', callId));
    const [stopped] = await tool.waitFor((e) => e.name === 'QMICallinfoCallupdatedEvent');
    states.push(stopped?.fields.BcmRecordingEn ?? '');
    expect(states).toEqual(['1', '0', '1', '1', '0']);
    // Stopped while the call goes on: the file is there already.
    const rec = await recordingFile(callId);
    expect(readWavInfo(readFileSync(fileOf(rec))).sampleRate).toBe(8000);
    expect(gw.center.telephony.findCall(callId)).toBeDefined();
  });

  it('rejects what the recording state does not allow, and calls that do not exist or have ended', async () => {
    const callId = await establishedCall(gw);
    expect(await request('QMIBCMRecordingPause', callId)).toMatchObject({ Success: '0', ErrorCode: '1003' });
    expect(await request('QMIBCMRecordingStop', callId)).toMatchObject({ Success: '0', ErrorCode: '1003' });
    expect(await request('QMIBCMRecordingStart', callId)).toMatchObject({ Success: '1' });
    expect(await request('QMIBCMRecordingStart', callId)).toMatchObject({ Success: '0', ErrorCode: '1003', ErrorPhrase: 'Request not allowed in the current state' });
    expect(await request('QMIBCMRecordingResume', callId)).toMatchObject({ Success: '0', ErrorCode: '1003' });
    await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {});
    expect(await request('QMIBCMRecordingStart', callId)).toMatchObject({ CallID: callId, Success: '0', ErrorCode: '1002' });
    expect(await request('QMIBCMRecordingStart', 'cd80d000-0e2a-11de-8c30-0800200c9a66')).toMatchObject({ Success: '0', ErrorCode: '1001' });
    const { recordings } = (await api(gw, 'GET', '/api/v1/recordings?source=qmi')) as { recordings: Rec[] };
    expect(recordings.filter((r) => r.callId === callId)).toHaveLength(1);
  });

  it('refuses recording and monitoring while the Call Dispatcher is down (QMS forwards them to it)', async () => {
    const callId = await establishedCall(gw);
    await api(gw, 'POST', '/api/v1/faults', { component: 'callDispatcher', state: 'down' });
    expect(await request('QMIBCMRecordingStart', callId)).toMatchObject({ Success: '0', ErrorCode: '1023', ErrorPhrase: 'Call Dispatcher is not available' });
    expect(gw.center.telephony.findCall(callId)?.recordings).toEqual([]);
  });
});
