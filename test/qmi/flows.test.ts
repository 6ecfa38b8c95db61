/**
 * QMI chapter 7, driven like a QM tool's test bench would: the world acts through the control API over HTTP, the
 * tool listens on its callback, and every event is compared field by field with the seed's flow.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { allDelivered } from '../support/index.js';
import { agentAction, api, EXTERNAL, Receiver, startGateway, subscribed, type ReceivedEvent } from './helpers.js';

const A = '1101'; // HARRI
const B = '1102'; // MAIJA

let gw: Gateway;
let tool: Receiver;
beforeEach(async () => {
  gw = await startGateway();
  tool = await subscribed(gw, 'flow-tool');
});
afterEach(async () => {
  await gw.close();
  await tool.stop();
});

interface Expected {
  name: string;
  CallID: string;
  ANumber?: string;
  BNumber?: string;
  AgentNumber?: string;
  CallState?: string;
  ExtraParameter?: string | null;
}

/** Waits for `expected.length` call events, then checks nothing else came, and compares each field named. */
async function expectFlow(expected: Expected[]): Promise<ReceivedEvent[]> {
  await tool.waitFor(() => true, expected.length);
  await allDelivered(gw); // everything queued is delivered: nothing more is on its way
  const got = tool.callEvents();
  expect(got.map((e) => `${e.name} ${e.fields.CallID}`)).toEqual(expected.map((e) => `${e.name} ${e.CallID}`));
  expected.forEach((want, i) => {
    const e = got[i];
    for (const [k, v] of Object.entries(want)) if (k !== 'name') expect(e?.fields[k], `event ${i + 1} ${want.name} ${k}`).toBe(v);
    expect(e?.sessId).toBe('flow-tool');
  });
  return got;
}

async function externalCallsAgentA(): Promise<string> {
  const { callId } = (await api(gw, 'POST', '/api/v1/calls', { from: EXTERNAL, to: A })) as { callId: string };
  await agentAction(gw, 'HARRI', 'answer');
  return callId;
}

describe('QMI 7.1 call with consultation transfer', () => {
  for (const style of ['hold, then consult', 'hold, then dial', 'consult (holds by itself)'] as const) {
    it(`reports events 1 to 7 exactly (${style})`, async () => {
      const c1 = await externalCallsAgentA();
      let c2: string;
      if (style === 'consult (holds by itself)') {
        c2 = ((await agentAction(gw, 'HARRI', 'consult', B)) as { callId: string }).callId;
      } else {
        await agentAction(gw, 'HARRI', 'hold');
        c2 = ((await agentAction(gw, 'HARRI', style === 'hold, then dial' ? 'dial' : 'consult', B)) as { callId: string }).callId;
      }
      await agentAction(gw, 'MAIJA', 'answer');
      await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent', 3);
      const c3 = tool.callEvents()[3]?.fields.CallID ?? '';
      await agentAction(gw, 'HARRI', 'transfer');
      const events = await expectFlow([
        { name: 'QMICallInfoNewcallEvent', CallID: c1, ANumber: EXTERNAL, BNumber: A, AgentNumber: A },
        { name: 'QMICallinfoCallonholdEvent', CallID: c1 },
        { name: 'QMICallInfoNewcallEvent', CallID: c2, ANumber: A, BNumber: B, AgentNumber: B },
        { name: 'QMICallInfoNewcallEvent', CallID: c3, ANumber: A, BNumber: B, AgentNumber: A },
        { name: 'QMICallinfoCallendedEvent', CallID: c2 },
        { name: 'QMICallinfoCallendedEvent', CallID: c3 },
        { name: 'QMICallinfoCallupdatedEvent', CallID: c1, ANumber: EXTERNAL, BNumber: B, AgentNumber: B },
      ]);
      // "An agent-to-agent call is always treated as two different calls": C_2 and C_3 are distinct, GUID-shaped.
      expect(new Set([c1, c2, c3]).size).toBe(3);
      expect(c3).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(events[0]?.fields).toMatchObject({ AUserName: null, BUserName: 'HARRI', AgentUserName: 'HARRI', Codec: 'G711', BcmRecordingEn: '0' });
      expect(events[2]?.fields).toMatchObject({ AUserName: 'HARRI', BUserName: 'MAIJA', AgentUserName: 'MAIJA' });
      expect(events[3]?.fields).toMatchObject({ AUserName: 'HARRI', BUserName: 'MAIJA', AgentUserName: 'HARRI' });
      expect(events[6]?.fields).toMatchObject({ AgentUserName: 'MAIJA', SIPCallID: events[0]?.fields.SIPCallID });
    });
  }
});

describe('QMI 7.2 blind transfer', () => {
  it('reports events 1 to 3 exactly: new call, on hold while B rings, updated when B accepts', async () => {
    const c1 = await externalCallsAgentA();
    await agentAction(gw, 'HARRI', 'transfer', B);
    await tool.waitFor((e) => e.name === 'QMICallinfoCallonholdEvent');
    await agentAction(gw, 'MAIJA', 'answer');
    await expectFlow([
      { name: 'QMICallInfoNewcallEvent', CallID: c1, ANumber: EXTERNAL, BNumber: A, AgentNumber: A },
      { name: 'QMICallinfoCallonholdEvent', CallID: c1 },
      { name: 'QMICallinfoCallupdatedEvent', CallID: c1, ANumber: EXTERNAL, BNumber: B, AgentNumber: B },
    ]);
  });
});

describe('QMI 7.3 consultation conference', () => {
  it('reports events 1 to 6 exactly, with CallState 2; C_1, C_2 and C_3 end together', async () => {
    const c1 = await externalCallsAgentA();
    await agentAction(gw, 'HARRI', 'hold');
    const c2 = ((await agentAction(gw, 'HARRI', 'consult', B)) as { callId: string }).callId;
    await agentAction(gw, 'MAIJA', 'answer');
    await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent', 3);
    const c3 = tool.callEvents()[3]?.fields.CallID ?? '';
    await agentAction(gw, 'HARRI', 'conference');
    await expectFlow([
      { name: 'QMICallInfoNewcallEvent', CallID: c1, ANumber: EXTERNAL, BNumber: A, AgentNumber: A },
      { name: 'QMICallinfoCallonholdEvent', CallID: c1 },
      { name: 'QMICallInfoNewcallEvent', CallID: c2, ANumber: A, BNumber: B, AgentNumber: B },
      { name: 'QMICallInfoNewcallEvent', CallID: c3, ANumber: A, BNumber: B, AgentNumber: A },
      { name: 'QMICallinfoCallresumedEvent', CallID: c1 },
      { name: 'QMICallinfoCallstateEvent', CallID: c1, CallState: '2', ExtraParameter: null },
    ]);
    tool.clear();
    await api(gw, 'POST', `/api/v1/calls/${c1}/hangup`, {});
    await agentAction(gw, 'HARRI', 'drop');
    const ended = await tool.waitFor((e) => e.name === 'QMICallinfoCallendedEvent', 3);
    expect(ended.map((e) => e.fields.CallID)).toEqual([c1, c2, c3]);
  });
});
