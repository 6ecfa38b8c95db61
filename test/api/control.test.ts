import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import { ManualClock } from '../../src/core/index.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function make(): Promise<Gateway> {
  gw = await buildGateway({
    env: {},
    clock: new ManualClock(),
    config: { logLevel: 'silent', dataDir: mkdtempSync(join(tmpdir(), 'ccgate-test-')), center: { seed: 1, externalAnswerMs: -1 } },
    interfaces: [],
  });
  return gw;
}

describe('control API', () => {
  it('drives a call from queue to transfer and shows each step in /api/v1/state', async () => {
    const g = await make();
    const post = (url: string, payload: unknown) => g.app.inject({ method: 'POST', url, payload: payload as object });
    const state = async () => (await g.app.inject({ method: 'GET', url: '/api/v1/state' })).json();

    const created = await post('/api/v1/calls', { from: '+35840111222', to: '2001' });
    expect(created.statusCode).toBe(201);
    const { callId } = created.json();
    let s = await state();
    const call = s.calls.find((c: { callId: string }) => c.callId === callId);
    const ringing = call.parties.find((p: { state: string }) => p.state === 'alerting');
    expect(ringing.userId).toBeDefined();
    const agent = ringing.userId as string;

    for (const action of ['answer', 'hold', 'retrieve']) {
      const r = await post(`/api/v1/agents/${agent}/actions`, { action });
      expect(r.statusCode, action).toBe(200);
    }
    const target = agent === 'ANNA' ? '1101' : '1104';
    expect((await post(`/api/v1/agents/${agent}/actions`, { action: 'consult', number: target })).statusCode).toBe(200);
    const targetAgent = target === '1104' ? 'ANNA' : 'HARRI';
    expect((await post(`/api/v1/agents/${targetAgent}/actions`, { action: 'answer' })).statusCode).toBe(200);
    s = await state();
    expect(s.calls).toHaveLength(2);
    expect(s.agents.find((a: { userId: string }) => a.userId === targetAgent).state).toBe('busy');
    expect((await post(`/api/v1/agents/${agent}/actions`, { action: 'transfer' })).statusCode).toBe(200);
    s = await state();
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0].parties.map((p: { number: string; state: string }) => `${p.number}:${p.state}`)).toEqual(['+35840111222:connected', `${target}:connected`]);
    expect(s.agents.find((a: { userId: string }) => a.userId === agent).state).toBe('workingAfterCall');
    expect((await post(`/api/v1/calls/${callId}/hangup`, {})).statusCode).toBe(200);
    s = await state();
    expect(s.calls).toHaveLength(0);
    // Statistics moved as a contact center's would: one call offered to and answered in Sales, one ACD call each.
    const stats = (await g.app.inject({ method: 'GET', url: '/api/v1/statistics' })).json();
    expect(stats.queues['2001']).toMatchObject({ offered: 1, answered: 1, abandonedInQueue: 0 });
    expect(stats.agents[agent].acdIncomingConnected.count).toBe(1);
    expect(stats.agents[agent].outgoingOriginated).toBe(1);
    expect(stats.agents[targetAgent].incomingConnected.count).toBe(1);
    expect(s.statistics.queues['2001'].offered).toBe(1);
  });

  it('answers bad input with a 4xx JSON error and changes nothing', async () => {
    const g = await make();
    const before = (await g.app.inject({ method: 'GET', url: '/api/v1/state' })).json();
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/v1/calls', { from: 'abc', to: '2001' }, 400, 'invalidArgument'],
      ['POST', '/api/v1/calls', { to: '2001' }, 400, 'invalidArgument'],
      ['POST', '/api/v1/agents/NOBODY/actions', { action: 'answer' }, 404, 'unknownAgent'],
      ['POST', '/api/v1/agents/HARRI/actions', { action: 'hold' }, 409, 'noCall'],
      ['POST', '/api/v1/agents/HARRI/actions', { action: 'explode' }, 400, 'invalidArgument'],
      ['PUT', '/api/v1/agents/HARRI/state', { state: 'busy' }, 400, 'invalidArgument'],
      ['POST', '/api/v1/faults', { component: 'toaster', state: 'down' }, 400, 'invalidArgument'],
      ['POST', '/api/v1/calls/nope/hangup', {}, 404, 'unknownCall'],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const r = await g.app.inject({ method: method as 'POST', url, payload: payload as object });
      expect(r.statusCode, `${method} ${url}`).toBe(status);
      expect(r.json().error, `${method} ${url}`).toBe(code);
      expect(r.body).not.toMatch(/at .*\.ts:\d+/);
    }
    const broken = await g.app.inject({ method: 'POST', url: '/api/v1/calls', headers: { 'content-type': 'application/json' }, payload: '{"from":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toBeDefined();
    const after = (await g.app.inject({ method: 'GET', url: '/api/v1/state' })).json();
    expect(after.calls).toEqual(before.calls);
    expect(after.agents).toEqual(before.agents);
  });

  it('serves the OpenAPI document and Prometheus metrics', async () => {
    const g = await make();
    const doc = await g.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toContain('/api/v1/calls');
    await g.app.inject({ method: 'POST', url: '/api/v1/calls', payload: { from: '+35840111222', to: '2001' } });
    const m = await g.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.body).toMatch(/ccgate_active_calls 1/);
    expect(m.body).toMatch(/ccgate_agents\{state="busy"\} 1/);
    expect(m.body).toMatch(/ccgate_requests_total\{interface="api",operation="POST \/api\/v1\/calls",outcome="ok"\} 1/);
  });
});

describe('devices', () => {
  it('sets message waiting and do-not-disturb, and refuses unknown devices', async () => {
    const g = await make();
    const events: string[] = [];
    g.center.bus.subscribe((e) => {
      if (e.type === 'device') events.push(`${e.number}:${e.change}`);
    });
    const r = await g.app.inject({ method: 'PUT', url: '/api/v1/devices/1102', payload: { msgWaiting: true, dnd: true } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ number: '1102', userId: 'MAIJA', dnd: true, msgWaiting: true, forwards: [] });
    expect(events).toEqual(['1102:dnd', '1102:msgWaiting']);
    expect((await g.app.inject({ method: 'PUT', url: '/api/v1/devices/9999', payload: { dnd: true } })).json().error).toBe('unknownDevice');
    expect((await g.app.inject({ method: 'PUT', url: '/api/v1/devices/1102', payload: {} })).statusCode).toBe(400);
    expect((await g.app.inject({ method: 'GET', url: '/api/v1/devices/1102' })).json().msgWaiting).toBe(true);
  });
});
