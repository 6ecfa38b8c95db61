/**
 * DESIGN "One action, every view": an agent acting through the control API shows up as TelServices events, and
 * TelServices makeCall / transferCall change the core state the control API reports.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { req, STANDARD, ts, useGateway } from './helpers.js';

const { startGateway, gw, monitor } = useGateway();

interface State {
  agents: { userId: string; state: string }[];
  calls: { callId: string; parties: { number: string; state: string }[] }[];
  interfaces: { telservices: { sessions: { deviceNumber: string }[] } };
}

async function api(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown> {
  const r = await request(`${gw().httpUrl}${path}`, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  expect(r.statusCode, path).toBeLessThan(300);
  return r.body.json();
}

describe('one core, every view', () => {
  it('control API agent actions appear as TelServices agent and call events', async () => {
    await startGateway();
    const l = await monitor('1101');
    await api('PUT', '/api/v1/agents/HARRI/state', { state: 'notReady' });
    const [agent] = await l.waitFor(1, (m) => m.includes('<agent>'));
    expect(agent).toContain('<state><notReady/></state>');
    await api('PUT', '/api/v1/agents/HARRI/state', { state: 'ready' });
    await api('POST', '/api/v1/agents/HARRI/actions', { action: 'dial', number: '1102' });
    await api('POST', '/api/v1/agents/MAIJA/actions', { action: 'answer' });
    await api('POST', '/api/v1/agents/HARRI/actions', { action: 'hold' });
    const calls = await l.waitFor(5, (m) => m.includes('<call>'));
    expect(calls.map((c) => /<primCall><state><(\w+)\/>/.exec(c)?.[1])).toEqual(['initiated', 'originated', 'delivered', 'connected', 'hold']);
    const agents = (await l.waitFor(3, (m) => m.includes('<agent>'))).map((a) => /<state><(\w+)\/>/.exec(a)?.[1]);
    expect(agents).toEqual(['notReady', 'ready', 'busy']);
  });

  it('TelServices makeCall and transferCall change the state the control API shows', async () => {
    const g = await startGateway();
    for (const d of ['1101', '1102', '1103']) expect(await ts(g.tsPort, req('openSession', { deviceNumber: d }))).toBe(STANDARD);
    expect(await ts(g.tsPort, req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }))).toBe(STANDARD);
    let s = (await api('GET', '/api/v1/state')) as State;
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]?.parties.map((p) => `${p.number}:${p.state}`)).toEqual(['1101:initiated', '1102:alerting']);
    expect(s.interfaces.telservices.sessions.map((x) => x.deviceNumber)).toEqual(['1101', '1102', '1103']);
    await ts(g.tsPort, req('answerCall', { deviceNumber: '1102' }));
    await ts(g.tsPort, req('consultationCall', { deviceNumber: '1102', consultedDeviceNumber: '1103' }));
    await ts(g.tsPort, req('answerCall', { deviceNumber: '1103' }));
    expect(((await api('GET', '/api/v1/state')) as State).calls).toHaveLength(2);
    expect(await ts(g.tsPort, req('transferCall', { deviceNumber: '1102' }))).toBe(STANDARD);
    s = (await api('GET', '/api/v1/state')) as State;
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]?.parties.map((p) => `${p.number}:${p.state}`)).toEqual(['1101:connected', '1103:connected']);
    expect(s.agents.find((a) => a.userId === 'MAIJA')?.state).toBe('ready');
    expect(s.agents.find((a) => a.userId === 'PEKKA')?.state).toBe('busy');
  });
});
