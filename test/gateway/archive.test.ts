/**
 * Issue 7 point 2 over the wire: the gateway's recordings archive lives under CCGATE_DATA_DIR, so a restart finds it
 * again (GET /api/v1/recordings pages through it); a catalogue that cannot be opened is a start-up error naming
 * dataDir.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { ManualClock } from '../../src/core/index.js';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import { qmiInterface } from '../../src/interfaces/qmi/index.js';
import { post, req } from '../qmi/helpers.js';
import { eventually } from '../support/barrier.js';
import { ok, startReceiver } from '../support/receiver.js';

async function gateway(dataDir: string): Promise<Gateway> {
  return buildGateway({ env: {}, clock: new ManualClock(), config: { logLevel: 'silent', dataDir, center: { seed: 1, externalAnswerMs: -1 } }, interfaces: [] });
}

async function json(gw: Gateway, method: 'GET' | 'POST' | 'PUT', url: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await gw.app.inject({ method, url, ...(body ? { payload: body } : {}) });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

type Page = { recordings: { id: number; source: string; callId: string; state: string; metadata: unknown[]; audio?: { file: string } }[]; nextAfterId?: number };

describe('the recordings archive of the gateway', () => {
  it('is found again after a restart on the same data directory, metadata and audio included, and pages', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-archive-'));
    const first = await gateway(dataDir);
    const callIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await json(first, 'POST', '/api/v1/calls', { from: '+35840111222', to: '1101' });
      const callId = String(body['callId']);
      callIds.push(callId);
      await json(first, 'POST', '/api/v1/agents/HARRI/actions', { action: 'answer' });
      const started = await json(first, 'POST', `/api/v1/calls/${callId}/recording`, { action: 'start' });
      expect(started.status).toBe(200);
      first.center.recordings.setMetadata(Number(started.body['id']), [{ key: 'custID', value: String(1000 + i) }]);
      await json(first, 'POST', `/api/v1/calls/${callId}/hangup`, {});
      await json(first, 'PUT', '/api/v1/agents/HARRI/state', { state: 'ready' });
    }
    await first.close();

    const second = await gateway(dataDir);
    try {
      const page1 = (await json(second, 'GET', '/api/v1/recordings?limit=2')).body as Page;
      expect(page1.recordings.map((r) => r.callId)).toEqual(callIds.slice(0, 2));
      expect(page1.nextAfterId).toBe(page1.recordings[1]?.id);
      const page2 = (await json(second, 'GET', `/api/v1/recordings?limit=2&afterId=${page1.nextAfterId}`)).body as Page;
      expect(page2.recordings.map((r) => r.callId)).toEqual(callIds.slice(2));
      expect(page2.nextAfterId).toBeUndefined();
      const all = [...page1.recordings, ...page2.recordings];
      expect(all.map((r) => [r.source, r.state, r.metadata])).toEqual(callIds.map((_, i) => ['api', 'stopped', [{ key: 'custID', value: String(1000 + i) }]]));
      // Every WAV was written before the first gateway closed, and is still listed.
      expect(all.every((r) => r.audio?.file === `${r.id}.wav`)).toBe(true);
      expect(second.center.recordings.search({ metadata: [{ key: 'custID', value: '1001' }] }).recordings.map((r) => r.callId)).toEqual([callIds[1]]);
      const one = await json(second, 'GET', `/api/v1/recordings/${all[0]?.id}`);
      expect(one.body['callId']).toBe(callIds[0]);
      expect((await json(second, 'GET', '/api/v1/recordings/999999')).status).toBe(404);
      expect((await json(second, 'GET', '/api/v1/recordings?colour=red')).status).toBe(400);
    } finally {
      await second.close();
    }
  });

  it('a recording still running when the gateway closes is stopped and written, and found complete after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-archive-running-'));
    const first = await gateway(dataDir);
    const { body } = await json(first, 'POST', '/api/v1/calls', { from: '+35840111222', to: '1101' });
    const callId = String(body['callId']);
    await json(first, 'POST', '/api/v1/agents/HARRI/actions', { action: 'answer' });
    const started = await json(first, 'POST', `/api/v1/calls/${callId}/recording`, { action: 'start' });
    expect(started.status).toBe(200);
    const id = Number(started.body['id']);
    expect(first.center.recordings.get(id).state).toBe('recording');
    // The call is still up: only the shutdown can stop this recording.
    await first.close();

    const second = await gateway(dataDir);
    try {
      const one = await json(second, 'GET', `/api/v1/recordings/${id}`);
      expect(one.body).toMatchObject({ callId, state: 'stopped', audio: { file: `${id}.wav` } });
      expect(one.body['endTime']).toEqual(expect.any(Number));
    } finally {
      await second.close();
    }
  });

  it('writes a running recording before it waits for slow subscribers, so a second signal cannot lose its audio', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-archive-slow-'));
    // A QM tool whose callback takes the request and never answers: the shutdown's drain waits its whole limit.
    const held: ServerResponse[] = [];
    let answering = false;
    const silent = await startReceiver((_r, res) => (answering ? ok(res) : held.push(res)));
    const gw = await buildGateway({
      env: {},
      config: { logLevel: 'silent', host: '127.0.0.1', dataDir, http: { port: 0 }, center: { seed: 1, externalAnswerMs: -1 }, notify: { shutdownDrainMs: 60_000 } },
      interfaces: [qmiInterface],
    });
    await gw.listen();
    try {
      expect((await post(gw, req.subscribe('slow', silent.url))).success).toBe('1');
      const { body } = await json(gw, 'POST', '/api/v1/calls', { from: '+35840111222', to: '1101' });
      await json(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'answer' });
      const id = Number((await json(gw, 'POST', `/api/v1/calls/${String(body['callId'])}/recording`, { action: 'start' })).body['id']);
      let closed = false;
      const closing = gw.close().then(() => (closed = true));
      await eventually(() => gw.center.recordings.get(id).audio !== undefined, 'the recording written');
      // Written while the drain still waits for the silent receiver: a second signal now exits with the audio saved.
      expect(closed).toBe(false);
      expect(gw.center.recordings.get(id)).toMatchObject({ state: 'stopped', audio: { file: `${id}.wav` } });
      // The receiver answers at last: the drain ends and the shutdown completes.
      answering = true;
      for (const res of held.splice(0)) ok(res);
      await closing;
    } finally {
      await gw.close();
      await silent.close();
    }
  });

  it('a catalogue that cannot be opened is a ConfigError naming dataDir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-archive-bad-'));
    mkdirSync(join(dataDir, 'recordings'));
    writeFileSync(join(dataDir, 'recordings', 'archive.sqlite'), 'this is not a database, just text long enough to be read as a header');
    const failure = await gateway(dataDir).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).key).toBe('dataDir');
    expect((failure as ConfigError).problem).toMatch(/catalogue cannot be opened/);
    expect((failure as ConfigError).message).not.toMatch(/\n/);
  });
});
