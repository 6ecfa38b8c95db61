/** Every QMI event type (QMI 4.2) over real sockets, with CallInfoParams complete (QMI 5.2) and every CallState (5.3). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { CALL_INFO_FIELDS } from '../../src/interfaces/qmi/messages.js';
import { agentAction, api, establishedCall, EXTERNAL, post, Receiver, req, startGateway, subscribed } from './helpers.js';

let gw: Gateway;
let tool: Receiver;
beforeEach(async () => {
  gw = await startGateway();
  tool = await subscribed(gw, 'ev');
});
afterEach(async () => {
  await gw.close();
  await tool.stop();
});

const C_NUMBER = '+35891234567';

describe('call events', () => {
  it('NewCall carries every CallInfoParams field; hold, retrieve and hangup give Callonhold, Callresumed, Callended', async () => {
    const before = Date.now();
    const callId = await establishedCall(gw);
    await agentAction(gw, 'HARRI', 'hold');
    await agentAction(gw, 'HARRI', 'retrieve');
    await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {});
    const events = await tool.waitFor(() => true, 4);
    const after = Date.now();
    expect(events.map((e) => `${e.name} ${e.fields.CallID}`)).toEqual([
      `QMICallInfoNewcallEvent ${callId}`,
      `QMICallinfoCallonholdEvent ${callId}`,
      `QMICallinfoCallresumedEvent ${callId}`,
      `QMICallinfoCallendedEvent ${callId}`,
    ]);
    const info = events[0]?.fields ?? {};
    expect(Object.keys(info)).toEqual([...CALL_INFO_FIELDS]);
    expect(gw.center.telephony.findCall(callId)).toBeUndefined();
    const dev = gw.center.devices.get('1101');
    expect(info).toMatchObject({
      ANumber: EXTERNAL,
      BNumber: '1101',
      AgentNumber: '1101',
      AUserName: null, // QMI 5.2.1: "NULL if the call is from outside"
      BUserName: 'HARRI',
      AgentUserName: 'HARRI',
      AgentIP: dev?.ip,
      AgentPort: String(dev?.port),
      // Where the call enters the system: the outside caller's media endpoint on the gateway, not its SIP port.
      GateWayIP: '10.0.0.1',
      GateWayPort: '16384',
      MRSIP: '10.0.0.2',
      Codec: 'G711',
      BcmRecordingEn: '0',
    });
    expect(info.SIPCallID).toMatch(/@/);
    expect(info.MRSPort).toMatch(/^\d+$/);
    // QMI 5.2.1's format, 2009-03-31T12:59:59.9999: four fraction digits, no zone (UTC by default).
    expect(info.TimeStamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{4}$/);
    // The real time of the new call: between the test's own readings of the clock around it, not "recent enough".
    const stamped = Date.parse(`${info.TimeStamp ?? ''}Z`);
    expect(stamped).toBeGreaterThanOrEqual(before - 1);
    expect(stamped).toBeLessThanOrEqual(after);
  });

  it('CallState 0: a blind transfer to an outside number reports the C number, then the updated call', async () => {
    const callId = await establishedCall(gw);
    await agentAction(gw, 'HARRI', 'transfer', C_NUMBER);
    await tool.waitFor((e) => e.name === 'QMICallinfoCallonholdEvent');
    await api(gw, 'POST', `/api/v1/calls/${callId}/answer`, { number: C_NUMBER });
    const [, , state, updated] = await tool.waitFor(() => true, 4);
    expect(state).toMatchObject({ name: 'QMICallinfoCallstateEvent', fields: { CallID: callId, CallState: '0', ExtraParameter: C_NUMBER } });
    expect(updated).toMatchObject({ name: 'QMICallinfoCallupdatedEvent', fields: { CallID: callId, ANumber: EXTERNAL, BNumber: C_NUMBER, AgentNumber: null } });
  });

  it('CallState 0 after a consultation transfer to an outside number: the consultation ends first', async () => {
    const callId = await establishedCall(gw);
    const consult = ((await agentAction(gw, 'HARRI', 'consult', C_NUMBER)) as { callId: string }).callId;
    await api(gw, 'POST', `/api/v1/calls/${consult}/answer`, {});
    await agentAction(gw, 'HARRI', 'transfer');
    const events = await tool.waitFor(() => true, 6);
    expect(events.map((e) => `${e.name} ${e.fields.CallID} ${e.fields.CallState ?? ''}`)).toEqual([
      `QMICallInfoNewcallEvent ${callId} `,
      `QMICallinfoCallonholdEvent ${callId} `,
      `QMICallInfoNewcallEvent ${consult} `, // agent to outside: one call, not two
      `QMICallinfoCallendedEvent ${consult} `,
      `QMICallinfoCallstateEvent ${callId} 0`,
      `QMICallinfoCallupdatedEvent ${callId} `,
    ]);
    expect(events[2]?.fields).toMatchObject({ ANumber: '1101', BNumber: C_NUMBER, AgentNumber: '1101' });
  });

  it('CallState 1: a party joins the call (single-step conference)', async () => {
    const callId = await establishedCall(gw);
    gw.center.telephony.addParty('1101', '1102');
    await agentAction(gw, 'MAIJA', 'answer');
    const [, join] = await tool.waitFor(() => true, 2);
    expect(join).toMatchObject({ name: 'QMICallinfoCallstateEvent', fields: { CallID: callId, CallState: '1', ExtraParameter: null } });
  });

  it('CallState 3: a supervisor joins, with the supervisor number; CallState 4: a prompt, with its name', async () => {
    const callId = await establishedCall(gw);
    await api(gw, 'POST', `/api/v1/calls/${callId}/supervise`, { number: '1104' });
    await api(gw, 'POST', `/api/v1/calls/${callId}/prompt`, { name: 'please-hold.wav' });
    const [, sup, prompt] = await tool.waitFor(() => true, 3);
    expect(sup).toMatchObject({ name: 'QMICallinfoCallstateEvent', fields: { CallID: callId, CallState: '3', ExtraParameter: '1104' } });
    expect(prompt).toMatchObject({ name: 'QMICallinfoCallstateEvent', fields: { CallID: callId, CallState: '4', ExtraParameter: 'please-hold.wav' } });
  });

  it('escapes what it did not write itself: a prompt name with markup and a control character', async () => {
    const callId = await establishedCall(gw);
    await api(gw, 'POST', `/api/v1/calls/${callId}/prompt`, { name: '<qmi:Fake>&amp;\u0001' });
    const [, prompt] = await tool.waitFor(() => true, 2);
    expect(prompt?.fields.ExtraParameter).toBe('<qmi:Fake>&amp;\uFFFD');
    expect(prompt?.raw).toContain('&lt;qmi:Fake&gt;&amp;amp;');
  });

  it('reports nothing about a call nobody picked: queued, ringing and abandoned', async () => {
    const { callId } = (await api(gw, 'POST', '/api/v1/calls', { from: EXTERNAL, to: '2001' })) as { callId: string };
    await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, {});
    const probe = await establishedCall(gw, '1102', 'MAIJA');
    const [first] = await tool.waitFor(() => true, 1);
    expect(first?.fields.CallID).toBe(probe);
  });
});

describe('QMIQueryCallInfo', () => {
  it('answers with QMICallInfo, then QMIRequestResponse, to the asking session only', async () => {
    const other = await subscribed(gw, 'other');
    const callId = await establishedCall(gw);
    await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    tool.clear();
    expect((await post(gw, req.call('QMIQueryCallInfo', 'ev', callId))).success).toBe('1');
    const [info, rr] = await tool.waitFor(() => true, 2);
    expect(info).toMatchObject({ name: 'QMICallInfoEvent', fields: { CallID: callId, ANumber: EXTERNAL, BNumber: '1101', AgentNumber: '1101' } });
    expect(Object.keys(info?.fields ?? {})).toEqual([...CALL_INFO_FIELDS]);
    expect(rr).toMatchObject({ name: 'QMIRequestResponseEvent', fields: { CallID: callId, Request: 'QMIQueryCallInfo', Success: '1' } });
    expect(rr?.fields.ErrorCode).toBeUndefined();
    await other.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    expect(other.events.some((e) => e.name === 'QMICallInfoEvent')).toBe(false);
    await other.stop();
  });

  it('tells C_3 from the calling agent side, and a queued call with the queue as B', async () => {
    await establishedCall(gw);
    await agentAction(gw, 'HARRI', 'consult', '1102');
    await agentAction(gw, 'MAIJA', 'answer');
    const newcalls = await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent', 3);
    const c3 = newcalls[2]?.fields.CallID ?? '';
    tool.clear();
    await post(gw, req.call('QMIQueryCallInfo', 'ev', c3));
    const [info] = await tool.waitFor((e) => e.name === 'QMICallInfoEvent');
    expect(info?.fields).toMatchObject({ CallID: c3, ANumber: '1101', BNumber: '1102', AgentNumber: '1101', AgentUserName: 'HARRI' });

    await api(gw, 'PUT', '/api/v1/agents/ANNA/state', { state: 'notReady' });
    const { callId: queued } = (await api(gw, 'POST', '/api/v1/calls', { from: '+4930123456', to: '2003' })) as { callId: string };
    tool.clear();
    await post(gw, req.call('QMIQueryCallInfo', 'ev', queued));
    const [q] = await tool.waitFor((e) => e.name === 'QMICallInfoEvent');
    expect(q?.fields).toMatchObject({ CallID: queued, ANumber: '+4930123456', BNumber: '2003', BUserName: 'Billing', AgentNumber: null });
  });
});
