/**
 * Generated traffic (POST/DELETE /api/v1/traffic) in virtual time: it drives the agents it needs, so a minute of it
 * ends with calls handled; stopping it leaves the world as it found it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { buildGateway, type Gateway } from '../../src/gateway.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

interface Agent {
  userId: string;
  state: string;
  reason?: string;
  driver?: unknown;
}
interface State {
  agents: Agent[];
  calls: { callId: string }[];
  queues: { id: string; waiting: number }[];
  statistics: { queues: Record<string, { offered: number; answered: number }> };
}

async function world(): Promise<{ g: Gateway; clock: ManualClock; call: (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: object) => Promise<{ status: number; json: Record<string, unknown> }>; state: () => Promise<State> }> {
  const clock = new ManualClock();
  const g = await buildGateway({ env: {}, clock, config: { logLevel: 'silent', dataDir: mkdtempSync(join(tmpdir(), 'ccgate-test-')), center: { seed: 3, externalAnswerMs: -1 } }, interfaces: [] });
  gw = g;
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: object) => {
    const r = await g.app.inject({ method, url, ...(body ? { payload: body } : {}) });
    return { status: r.statusCode, json: r.json() as Record<string, unknown> };
  };
  return { g, clock, call, state: async () => (await call('GET', '/api/v1/state')).json as unknown as State };
}

const answered = (s: State) => Object.values(s.statistics.queues).reduce((n, q) => n + q.answered, 0);
const offered = (s: State) => Object.values(s.statistics.queues).reduce((n, q) => n + q.offered, 0);

describe('generated traffic', () => {
  it('drives the agents it needs: a minute of traffic ends with calls handled, nobody rung out', async () => {
    const { clock, call, state } = await world();
    expect((await call('POST', '/api/v1/traffic', { callsPerMinute: 6, handleSeconds: 20 })).status).toBe(200);
    let s = await state();
    expect(s.agents.every((a) => a.driver !== undefined)).toBe(true);
    clock.advance(60_000);
    s = await state();
    expect(offered(s)).toBe(6);
    expect(answered(s)).toBeGreaterThanOrEqual(5);
    expect(s.agents.filter((a) => a.state === 'notReady')).toEqual([]);
    expect(s.queues.reduce((n, q) => n + q.waiting, 0)).toBe(0);

    const stopped = await call('DELETE', '/api/v1/traffic');
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ traffic: null, generated: 6 });
    const cleared = stopped.json['cleared'] as { calls: number; drivers: string[]; readied: string[] };
    expect(cleared.drivers.sort()).toEqual(['ANNA', 'HARRI', 'MAIJA', 'PEKKA']);
    expect(cleared.calls).toBeGreaterThanOrEqual(1);
    s = await state();
    expect(s.calls).toEqual([]);
    expect(s.agents.map((a) => `${a.userId}:${a.state}:${a.driver === undefined ? 'manual' : 'driven'}`).sort()).toEqual([
      'ANNA:ready:manual',
      'HARRI:ready:manual',
      'MAIJA:ready:manual',
      'PEKKA:ready:manual',
    ]);
    // Nothing left running: time passing changes nothing more.
    clock.advance(300_000);
    expect(offered(await state())).toBe(6);
  });

  it('without drivers agents are rung out (the old world); stopping puts them back to ready and hangs up', async () => {
    const { clock, call, state } = await world();
    await call('POST', '/api/v1/traffic', { callsPerMinute: 2, handleSeconds: 20, queues: ['2002'], driveAgents: false });
    clock.advance(90_000);
    let s = await state();
    const rungOut = s.agents.filter((a) => a.state === 'notReady' && a.reason === 'ringNoAnswer').map((a) => a.userId);
    expect(rungOut.sort()).toEqual(['ANNA', 'HARRI', 'PEKKA']);
    expect(answered(s)).toBe(0);
    expect(s.calls.length).toBeGreaterThanOrEqual(2);

    const stopped = await call('DELETE', '/api/v1/traffic');
    expect(stopped.json['cleared']).toMatchObject({ drivers: [], readied: expect.arrayContaining(rungOut) });
    s = await state();
    expect(s.calls).toEqual([]);
    expect(s.agents.every((a) => a.state === 'ready')).toBe(true);
  });

  it('leaves alone what is not its own: a driver set by the user, an agent the user set notReady', async () => {
    const { clock, call, state } = await world();
    const mine = { answerAfterSec: 1, talkSec: 5, wrapUpSec: 1 };
    expect((await call('PUT', '/api/v1/agents/PEKKA/driver', mine)).status).toBe(200);
    expect((await call('PUT', '/api/v1/agents/MAIJA/state', { state: 'notReady', reason: 'lunch' })).status).toBe(200);
    await call('POST', '/api/v1/traffic', { callsPerMinute: 4, handleSeconds: 10 });
    clock.advance(60_000);
    await call('DELETE', '/api/v1/traffic');
    const s = await state();
    expect(s.agents.find((a) => a.userId === 'PEKKA')?.driver).toEqual(mine);
    expect(s.agents.find((a) => a.userId === 'MAIJA')).toMatchObject({ state: 'notReady', reason: 'lunch' });
  });

  it('changes the settings of running traffic without dropping its calls; its drivers take the new settings', async () => {
    const { clock, call, state } = await world();
    await call('POST', '/api/v1/traffic', { callsPerMinute: 6, handleSeconds: 60 });
    clock.advance(25_000);
    const before = (await state()).calls.map((c) => c.callId);
    expect(before.length).toBeGreaterThanOrEqual(2);
    await call('POST', '/api/v1/traffic', { callsPerMinute: 6, handleSeconds: 30, answerAfterSec: 1 });
    const s = await state();
    expect(s.calls.map((c) => c.callId)).toEqual(before);
    expect(s.agents.map((a) => a.driver)).toEqual(s.agents.map(() => ({ answerAfterSec: 1, talkSec: 30, wrapUpSec: 3 })));
    const stopped = await call('DELETE', '/api/v1/traffic');
    expect((stopped.json['cleared'] as { drivers: string[] }).drivers).toHaveLength(4);
  });

  it('refuses an unknown queue without starting anything', async () => {
    const { call, state } = await world();
    const r = await call('POST', '/api/v1/traffic', { callsPerMinute: 4, handleSeconds: 10, queues: ['9999'] });
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: 'unknownQueue' });
    const s = await state();
    expect(s.agents.every((a) => a.driver === undefined)).toBe(true);
  });
});
