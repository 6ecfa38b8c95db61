/**
 * Monitoring (QMI 4.3.1–4.3.5): ccgate is the media server and streams real RTP (RFC 3550, PCMU, 20 ms) to the
 * address a QM tool asks for. Measured with real UDP sockets.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { decodeMulaw } from '../../src/media/index.js';
import { api, establishedCall, expectValidStream, post, Receiver, req, RtpListener, sleep, startGateway, subscribed, tonePower } from './helpers.js';

let gw: Gateway | undefined;
const closers: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  for (const c of closers.splice(0)) await c.stop();
});
async function listener(): Promise<RtpListener> {
  const l = await new RtpListener().start();
  closers.push(l);
  return l;
}
async function tool(g: Gateway, id: string): Promise<Receiver> {
  const r = await subscribed(g, id);
  closers.push(r);
  return r;
}

/** The most 20 ms packets a stream can carry in `ms` of real time (RFC 3550 pacing; one of rounding at each end). */
const atMost = (ms: number): number => Math.ceil(ms / 20) + 2;

describe('QMICallMonitoringStart, Pause, Resume, Stop', () => {
  it('streams ~50 valid packets/s, none while paused, continues the same stream on resume, ends on stop', async () => {
    gw = await startGateway();
    const t = await tool(gw, 'mon');
    const rtp = await listener();
    const callId = await establishedCall(gw);
    const t0 = performance.now();
    expect((await post(gw, req.monitor('mon', callId, '127.0.0.1', rtp.port))).success).toBe('1');
    expect(await t.response('QMICallMonitoringStart', callId)).toMatchObject({ Success: '1' });
    // Forty packets, however long a loaded machine takes to send them (a count, not a rate).
    const first = await rtp.waitFor(40, t0);
    // Never faster than one packet per 20 ms of the time that really passed (a loaded machine oversleeps).
    expect(first.length).toBeLessThanOrEqual(atMost(performance.now() - t0));
    expectValidStream(first);
    expect(first[0]?.marker).toBe(true);
    expect(first.slice(1).some((p) => p.marker)).toBe(false);
    // Live audio: the agent's party is talking (party 0 at 440 Hz) in the first seconds of the call.
    const pcm = decodeMulaw(Buffer.concat(first.slice(5, 25).map((p) => p.payload)));
    expect(tonePower(pcm, 440)).toBeGreaterThan(100 * tonePower(pcm, 1000));

    expect((await post(gw, req.call('QMICallMonitoringPause', 'mon', callId))).success).toBe('1');
    expect(await t.response('QMICallMonitoringPause')).toMatchObject({ Success: '1' });
    await sleep(60);
    const paused = performance.now();
    await sleep(400);
    expect(rtp.between(paused, performance.now())).toHaveLength(0);

    expect((await post(gw, req.call('QMICallMonitoringResume', 'mon', callId))).success).toBe('1');
    expect(await t.response('QMICallMonitoringResume')).toMatchObject({ Success: '1' });
    // Ten packets of the resumed stream, however long they take.
    const all = await rtp.waitFor(first.length + 10, t0);
    expectValidStream(all); // same SSRC, sequence continues without a gap
    const resumedAt = all.findIndex((p, i) => i > 0 && p.marker);
    expect(resumedAt).toBeGreaterThan(0);
    // The timestamp jumps by the pause (~460 ms = ~3700 samples), as the media clock ran on.
    expect((all[resumedAt]?.timestamp ?? 0) - (all[resumedAt - 1]?.timestamp ?? 0)).toBeGreaterThan(3000);

    expect((await post(gw, req.call('QMICallMonitoringStop', 'mon', callId))).success).toBe('1');
    expect(await t.response('QMICallMonitoringStop')).toMatchObject({ Success: '1' });
    await sleep(60);
    const stopped = performance.now();
    await sleep(200);
    expect(rtp.between(stopped, performance.now())).toHaveLength(0);
    expect(gw.ctx.rtp.active()).toBe(0);
    expect(rtp.junk).toHaveLength(0);
  });

  it('StartEx with SeparateStreams 1 sends two streams: A party to IP:Port, B party to BPartyIP:BPartyPort', async () => {
    gw = await startGateway();
    const t = await tool(gw, 'sep');
    const a = await listener();
    const b = await listener();
    const callId = await establishedCall(gw);
    const t0 = performance.now();
    expect((await post(gw, req.monitorEx('sep', callId, 1, ['127.0.0.1', a.port], ['127.0.0.1', b.port]))).success).toBe('1');
    expect(await t.response('QMICallMonitoringStartEx')).toMatchObject({ Success: '1' });
    const pa = await a.waitFor(40);
    const pb = await b.waitFor(40);
    const window = performance.now() - t0;
    for (const s of [pa, pb]) {
      expect(s.length).toBeLessThanOrEqual(atMost(window));
      expectValidStream(s);
    }
    expect(pa[0]?.ssrc).not.toBe(pb[0]?.ssrc);
    // Distinguishable parties: A (440 Hz) talks first while B (660 Hz) listens.
    const pcmA = decodeMulaw(Buffer.concat(pa.slice(5, 25).map((p) => p.payload)));
    const pcmB = decodeMulaw(Buffer.concat(pb.slice(5, 25).map((p) => p.payload)));
    expect(tonePower(pcmA, 440)).toBeGreaterThan(100 * tonePower(pcmB, 440) + 1);
    expect(gw.ctx.rtp.active()).toBe(2);
  });

  it('StartEx without SeparateStreams, or with 0, is one mixed stream; BParty fields are ignored', async () => {
    gw = await startGateway();
    const t = await tool(gw, 'mix');
    const a = await listener();
    const b = await listener();
    const callId = await establishedCall(gw);
    for (const sep of [undefined, 0] as const) {
      expect((await post(gw, req.monitorEx('mix', callId, sep, ['127.0.0.1', a.port], ['127.0.0.1', b.port]))).success).toBe('1');
      expect(await t.response('QMICallMonitoringStartEx')).toMatchObject({ Success: '1' });
      t.clear();
    }
    // Six packets on A, sent while B's would have been: none came to B.
    await a.waitFor(6);
    expect(b.since(0)).toHaveLength(0);
    expect(gw.ctx.rtp.active()).toBe(1);
  });

  it('lets several tools monitor one call; one stopping leaves the other; the call ending stops all', async () => {
    gw = await startGateway();
    const t1 = await tool(gw, 'one');
    const t2 = await tool(gw, 'two');
    const l1 = await listener();
    const l2 = await listener();
    const callId = await establishedCall(gw);
    await post(gw, req.monitor('one', callId, '127.0.0.1', l1.port));
    await post(gw, req.monitor('two', callId, '127.0.0.1', l2.port));
    await t1.response('QMICallMonitoringStart');
    await t2.response('QMICallMonitoringStart');
    await post(gw, req.call('QMICallMonitoringStop', 'one', callId));
    await t1.response('QMICallMonitoringStop');
    await sleep(60);
    const mid = performance.now();
    // Eleven packets to the tool still monitoring, and none meanwhile to the one that stopped.
    await l2.waitFor(11, mid);
    expect(l1.between(mid, performance.now())).toHaveLength(0);
    await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {});
    await sleep(60);
    const ended = performance.now();
    await sleep(200);
    expect(l2.between(ended, performance.now())).toHaveLength(0);
    expect(gw.ctx.rtp.active()).toBe(0);
    // Monitoring an ended call is refused through QMIRequestResponse.
    t2.clear();
    await post(gw, req.monitor('two', callId, '127.0.0.1', l2.port));
    expect(await t2.response('QMICallMonitoringStart', callId)).toMatchObject({ Success: '0', ErrorCode: '1002', ErrorPhrase: 'Call has already ended' });
  });

  it("stops a session's monitoring when it unsubscribes", async () => {
    gw = await startGateway();
    await tool(gw, 'gone');
    const l = await listener();
    const callId = await establishedCall(gw);
    await post(gw, req.monitor('gone', callId, '127.0.0.1', l.port));
    await l.waitFor(1);
    expect(gw.ctx.rtp.active()).toBe(1);
    await post(gw, req.subscribe('gone', 'http://127.0.0.1:9/', 0));
    expect(gw.ctx.rtp.active()).toBe(0);
    expect(gw.center.telephony.findCall(callId)?.monitors).toEqual([]);
  });
});

describe('monitoring safety', () => {
  it('refuses RTP destinations outside qmi.rtpAllow through QMIRequestResponse, sending nothing', async () => {
    gw = await startGateway({ qmi: { rtpAllow: ['192.168.0.0/16'] } });
    const t = await tool(gw, 'safe');
    const l = await listener();
    const callId = await establishedCall(gw);
    expect((await post(gw, req.monitor('safe', callId, '127.0.0.1', l.port))).success).toBe('1');
    expect(await t.response('QMICallMonitoringStart')).toMatchObject({ Success: '0', ErrorCode: '1004', ErrorPhrase: 'RTP destination address is not allowed' });
    await sleep(150);
    expect(l.packets).toHaveLength(0);
    expect(gw.center.telephony.findCall(callId)?.monitors).toEqual([]);
  });

  it('caps concurrent RTP streams (qmi.maxRtpStreams) and says so', async () => {
    gw = await startGateway({ qmi: { maxRtpStreams: 1 } });
    const t = await tool(gw, 'cap');
    const other = await tool(gw, 'cap2');
    const l = await listener();
    const callId = await establishedCall(gw);
    await post(gw, req.monitorEx('cap', callId, 1, ['127.0.0.1', l.port], ['127.0.0.1', l.port]));
    expect(await t.response('QMICallMonitoringStartEx')).toMatchObject({ Success: '0', ErrorCode: '1006', ErrorPhrase: 'Resource limit reached' });
    await post(gw, req.monitor('cap', callId, '127.0.0.1', l.port));
    expect(await t.response('QMICallMonitoringStart')).toMatchObject({ Success: '1' });
    // Asking again replaces the session's own stream rather than counting twice.
    t.clear();
    await post(gw, req.monitor('cap', callId, '127.0.0.1', l.port));
    expect(await t.response('QMICallMonitoringStart')).toMatchObject({ Success: '1' });
    await post(gw, req.monitor('cap2', callId, '127.0.0.1', l.port));
    expect(await other.response('QMICallMonitoringStart')).toMatchObject({ Success: '0', ErrorCode: '1006' });
    expect(gw.ctx.rtp.active()).toBe(1);
  });

  it('rejects pause, resume and stop without monitoring, and calls that do not exist', async () => {
    gw = await startGateway();
    const t = await tool(gw, 'err');
    const callId = await establishedCall(gw);
    for (const op of ['QMICallMonitoringPause', 'QMICallMonitoringResume', 'QMICallMonitoringStop']) {
      await post(gw, req.call(op, 'err', callId));
      expect(await t.response(op)).toMatchObject({ CallID: callId, Success: '0', ErrorCode: '1003' });
    }
    await post(gw, req.monitor('err', 'no-such-call', '127.0.0.1', 4000));
    expect(await t.response('QMICallMonitoringStart')).toMatchObject({ CallID: 'no-such-call', Success: '0', ErrorCode: '1001', ErrorPhrase: 'Call does not exist' });
  });
});
