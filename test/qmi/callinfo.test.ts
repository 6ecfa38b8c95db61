/**
 * CallInfoParams values a QM tool filters on (QMI 5.2.1), over real sockets, in every event that carries them
 * (QMICallInfo, NewCall, Callupdated): B is "a direct number or a queue"; the agent is "the agent … who picked the
 * call", nil while nobody has; GateWayIP/Port is where the call enters the system, nil for internal calls.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { agentAction, api, EXTERNAL, post, Receiver, req, startGateway, subscribed, type ReceivedEvent } from './helpers.js';

let gw: Gateway;
let tool: Receiver;
beforeEach(async () => {
  gw = await startGateway();
  tool = await subscribed(gw, 'info');
});
afterEach(async () => {
  await gw.close();
  await tool.stop();
});

const NO_AGENT = { AgentNumber: null, AgentUserName: null, AgentIP: null, AgentPort: null };
const agent = (userId: string, ext: string) => {
  const dev = gw.center.devices.get(ext);
  return { AgentNumber: ext, AgentUserName: userId, AgentIP: dev?.ip, AgentPort: String(dev?.port) };
};
const SALES = { BNumber: '2001', BUserName: 'Sales' };

async function query(callId: string): Promise<Record<string, string | null>> {
  tool.clear();
  expect((await post(gw, req.call('QMIQueryCallInfo', 'info', callId))).success).toBe('1');
  const [e] = await tool.waitFor((x) => x.name === 'QMICallInfoEvent' && x.fields.CallID === callId);
  await tool.response('QMIQueryCallInfo', callId);
  return e?.fields ?? {};
}

async function next(name: string, count = 1): Promise<ReceivedEvent[]> {
  const got = await tool.waitFor((e) => e.name === name, count);
  return got;
}

async function queueCall(to = '2001'): Promise<string> {
  return ((await api(gw, 'POST', '/api/v1/calls', { from: EXTERNAL, to })) as { callId: string }).callId;
}

describe('a call to a queue: B is the queue, the agent is who picked it', () => {
  it('queued, ringing, answered, held, updated and queried; then blind-transferred to another agent', async () => {
    for (const id of ['HARRI', 'MAIJA', 'ANNA']) await api(gw, 'PUT', `/api/v1/agents/${id}/state`, { state: 'notReady' });
    const callId = await queueCall();
    expect(await query(callId)).toMatchObject({ ANumber: EXTERNAL, ...SALES, ...NO_AGENT, AUserName: null });

    await api(gw, 'PUT', '/api/v1/agents/HARRI/state', { state: 'ready' });
    expect(gw.center.telephony.findCall(callId)?.parties.map((p) => `${p.number}:${p.state}`)).toContain('1101:alerting');
    // Ringing is not picking: QMI 5.2.1 "the agent's number who picked the call".
    expect(await query(callId)).toMatchObject({ ...SALES, ...NO_AGENT });

    await agentAction(gw, 'HARRI', 'answer');
    const [newcall] = await next('QMICallInfoNewcallEvent');
    expect(newcall?.fields).toMatchObject({ CallID: callId, ANumber: EXTERNAL, ...SALES, ...agent('HARRI', '1101') });

    await agentAction(gw, 'HARRI', 'hold');
    expect(await query(callId)).toMatchObject({ ...SALES, ...agent('HARRI', '1101') });
    await agentAction(gw, 'HARRI', 'retrieve');
    await post(gw, req.call('QMIBCMRecordingStart', 'info', callId));
    const [updated] = await next('QMICallinfoCallupdatedEvent');
    expect(updated?.fields).toMatchObject({ ...SALES, ...agent('HARRI', '1101'), BcmRecordingEn: '1' });

    // QMI 7.2: the call leaves the queue for agent B; while B rings nobody has picked it.
    await agentAction(gw, 'HARRI', 'transfer', '1102');
    await next('QMICallinfoCallonholdEvent');
    expect(await query(callId)).toMatchObject({ BNumber: '1102', BUserName: 'MAIJA', ...NO_AGENT });
    await agentAction(gw, 'MAIJA', 'answer');
    const [after] = await next('QMICallinfoCallupdatedEvent');
    expect(after?.fields).toMatchObject({ BNumber: '1102', BUserName: 'MAIJA', ...agent('MAIJA', '1102') });
  });

  it('a consultative transfer moves B from the queue to agent B (QMI 7.1 event 7)', async () => {
    const callId = await queueCall();
    const ringing = gw.center.telephony.findCall(callId)?.parties.find((p) => p.state === 'alerting');
    expect(ringing?.userId).toBe('HARRI');
    await agentAction(gw, 'HARRI', 'answer');
    await agentAction(gw, 'HARRI', 'consult', '1104');
    await agentAction(gw, 'ANNA', 'answer');
    await next('QMICallInfoNewcallEvent', 3);
    await agentAction(gw, 'HARRI', 'transfer');
    const [updated] = await next('QMICallinfoCallupdatedEvent');
    expect(updated?.fields).toMatchObject({ CallID: callId, ANumber: EXTERNAL, BNumber: '1104', BUserName: 'ANNA', ...agent('ANNA', '1104') });
  });

  it('a deflected offer leaves the queue: B is where it went; a call deflected into another queue has that queue', async () => {
    const callId = await queueCall();
    await agentAction(gw, 'HARRI', 'divert', '2002');
    const ringing = gw.center.telephony.findCall(callId)?.parties.find((p) => p.state === 'alerting');
    expect(ringing?.userId).toBeDefined();
    expect(await query(callId)).toMatchObject({ BNumber: '2002', BUserName: 'Support', ...NO_AGENT });
    await agentAction(gw, ringing?.userId ?? '', 'divert', '1102');
    expect(await query(callId)).toMatchObject({ BNumber: '1102', BUserName: 'MAIJA', ...NO_AGENT });
    await agentAction(gw, 'MAIJA', 'answer');
    const [newcall] = await next('QMICallInfoNewcallEvent');
    expect(newcall?.fields).toMatchObject({ BNumber: '1102', ...agent('MAIJA', '1102') });
  });
});

describe('a direct call', () => {
  it('names the ringing extension as B and nobody as the agent until it is answered', async () => {
    const { callId } = (await api(gw, 'POST', '/api/v1/calls', { from: EXTERNAL, to: '1103' })) as { callId: string };
    expect(await query(callId)).toMatchObject({ BNumber: '1103', BUserName: 'PEKKA', ...NO_AGENT });
    await agentAction(gw, 'PEKKA', 'answer');
    const [newcall] = await next('QMICallInfoNewcallEvent');
    expect(newcall?.fields).toMatchObject({ BNumber: '1103', BUserName: 'PEKKA', ...agent('PEKKA', '1103') });
  });
});

describe('the gateway (GateWayIP, GateWayPort)', () => {
  it("is the outside party's media endpoint, never the SIP port; internal calls (C_2, C_3) have none", async () => {
    const inbound = await queueCall();
    await agentAction(gw, 'HARRI', 'answer');
    const [inCall] = await next('QMICallInfoNewcallEvent');
    const caller = gw.center.telephony.findCall(inbound)?.parties.find((p) => !p.internal);
    expect(inCall?.fields).toMatchObject({ GateWayIP: caller?.ip, GateWayPort: String(caller?.port) });
    expect(inCall?.fields.GateWayPort).not.toBe('5060');

    // HARRI consults MAIJA: an agent-to-agent call, two QMI calls, neither through the gateway.
    await agentAction(gw, 'HARRI', 'consult', '1102');
    await agentAction(gw, 'MAIJA', 'answer');
    const [, c2, c3] = await next('QMICallInfoNewcallEvent', 3);
    for (const leg of [c2, c3]) expect(leg?.fields).toMatchObject({ GateWayIP: null, GateWayPort: null, MRSIP: expect.any(String) });
    expect(await query(c3?.fields.CallID ?? '')).toMatchObject({ GateWayIP: null, GateWayPort: null, AgentNumber: '1101' });

    // An agent calling out leaves the system through the gateway: the called party's endpoint.
    const dialled = ((await agentAction(gw, 'PEKKA', 'dial', '+35891234567')) as { callId: string }).callId;
    await api(gw, 'POST', `/api/v1/calls/${dialled}/answer`, {});
    const [out] = await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent' && e.fields.CallID === dialled);
    const called = gw.center.telephony.findCall(dialled)?.parties.find((p) => !p.internal);
    expect(out?.fields).toMatchObject({ GateWayIP: called?.ip, GateWayPort: String(called?.port), ...agent('PEKKA', '1103') });
  });
});

describe('a party leaving a conference', () => {
  async function conference(): Promise<{ c1: string; c2: string; c3: string }> {
    const c1 = await queueCall();
    await agentAction(gw, 'HARRI', 'answer');
    const c2 = ((await agentAction(gw, 'HARRI', 'consult', '1102')) as { callId: string }).callId;
    await agentAction(gw, 'MAIJA', 'answer');
    const newcalls = await next('QMICallInfoNewcallEvent', 3);
    await agentAction(gw, 'HARRI', 'conference');
    await next('QMICallinfoCallstateEvent');
    tool.clear();
    return { c1, c2, c3: newcalls[2]?.fields.CallID ?? '' };
  }

  it('B leaves: the A–B consultation (C_2, C_3) ends, C_1 goes on with the queue and agent A', async () => {
    const { c1, c2, c3 } = await conference();
    await agentAction(gw, 'MAIJA', 'drop');
    const events = await tool.waitFor(() => true, 3);
    expect(events.map((e) => `${e.name} ${e.fields.CallID}`)).toEqual([`QMICallinfoCallendedEvent ${c2}`, `QMICallinfoCallendedEvent ${c3}`, `QMICallinfoCallupdatedEvent ${c1}`]);
    expect(events[2]?.fields).toMatchObject({ ANumber: EXTERNAL, ...SALES, ...agent('HARRI', '1101') });
    // The ended consultation is gone for requests too: "call has ended", while C_1 still answers.
    tool.clear();
    await post(gw, req.call('QMIQueryCallInfo', 'info', c2));
    expect(await tool.response('QMIQueryCallInfo', c2)).toMatchObject({ Success: '0', ErrorCode: '1002' });
    expect(await query(c1)).toMatchObject({ CallID: c1, ...agent('HARRI', '1101') });
    // C_1 ends alone later: C_2 and C_3 are not ended twice.
    tool.clear();
    await api(gw, 'POST', `/api/v1/calls/${c1}/hangup`, {});
    const [ended] = await next('QMICallinfoCallendedEvent');
    expect(ended?.fields.CallID).toBe(c1);
    await tool.waitFor(() => true, 1);
    expect(tool.events.filter((e) => e.name === 'QMICallinfoCallendedEvent').map((e) => e.fields.CallID)).toEqual([c1]);
  });

  it('A leaves: the A–B consultation ends too; the caller and B go on in C_1', async () => {
    const { c1, c2, c3 } = await conference();
    await agentAction(gw, 'HARRI', 'drop');
    const events = await tool.waitFor(() => true, 3);
    expect(events.map((e) => `${e.name} ${e.fields.CallID}`)).toEqual([`QMICallinfoCallendedEvent ${c2}`, `QMICallinfoCallendedEvent ${c3}`, `QMICallinfoCallupdatedEvent ${c1}`]);
    expect(events[2]?.fields).toMatchObject({ ...SALES, ...agent('MAIJA', '1102') });
  });

  it('the caller leaves: the consultation between the agents lives on until the conference ends', async () => {
    const { c1, c2, c3 } = await conference();
    await api(gw, 'POST', `/api/v1/calls/${c1}/hangup`, {});
    const [updated] = await next('QMICallinfoCallupdatedEvent');
    expect(updated?.fields.CallID).toBe(c1);
    expect(tool.events.some((e) => e.name === 'QMICallinfoCallendedEvent')).toBe(false);
    await agentAction(gw, 'MAIJA', 'drop');
    const ended = await next('QMICallinfoCallendedEvent', 3);
    expect(ended.map((e) => e.fields.CallID)).toEqual([c1, c2, c3]);
  });
});
