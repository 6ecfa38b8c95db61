/**
 * One action, every view (DESIGN.md principles): a TelServices client drives the QMI chapter 7.1 flow and a QM tool
 * subscribed over QMI sees exactly the seed's events; a control API action shows up on both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { qmiInterface } from '../../src/interfaces/qmi/index.js';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import { allDelivered, startGateway, type TestGateway } from '../support/index.js';
import { api, EXTERNAL, Receiver, subscribed } from '../qmi/helpers.js';
import { req, STANDARD, ts, udpListener, type UdpListener } from '../telservices/helpers.js';

let t: TestGateway;
let gw: Gateway;
let tool: Receiver;
let tsPort: number;
let udp: UdpListener;

beforeEach(async () => {
  t = await startGateway({ interfaces: [qmiInterface, telservicesInterface], config: { center: { seed: 11 }, notify: { retryBaseMs: 20, retryMaxMs: 80 } } });
  gw = t.gw;
  tsPort = t.ports.telservices;
  tool = await subscribed(gw, 'one-core-tool');
  udp = await udpListener();
});
afterEach(async () => {
  await t.close();
  await tool.stop();
  await udp.close();
});

async function telservices(op: string, fields: Record<string, string>): Promise<void> {
  expect(await ts(tsPort, req(op, fields))).toBe(STANDARD);
}

describe('one core, every view', () => {
  it('a consultation transfer made with TelServices requests is QMI flow 7.1, event for event', async () => {
    for (const d of ['1101', '1102']) await telservices('openSession', { deviceNumber: d, eventUDPPort: String(udp.port) });
    const { callId: c1 } = (await api(gw, 'POST', '/api/v1/calls', { from: EXTERNAL, to: '1101' })) as { callId: string };
    await telservices('answerCall', { deviceNumber: '1101' });
    await telservices('consultationCall', { deviceNumber: '1101', consultedDeviceNumber: '1102' });
    await telservices('answerCall', { deviceNumber: '1102' });
    await telservices('transferCall', { deviceNumber: '1101' });

    await tool.waitFor(() => true, 7);
    // Everything queued is delivered: no eighth event is on its way.
    await allDelivered(gw);
    const got = tool.callEvents().map((e) => [e.name, e.fields.CallID === c1 ? 'C_1' : 'C_x', e.fields.ANumber, e.fields.BNumber, e.fields.AgentNumber]);
    expect(got).toEqual([
      ['QMICallInfoNewcallEvent', 'C_1', EXTERNAL, '1101', '1101'],
      ['QMICallinfoCallonholdEvent', 'C_1', undefined, undefined, undefined],
      ['QMICallInfoNewcallEvent', 'C_x', '1101', '1102', '1102'],
      ['QMICallInfoNewcallEvent', 'C_x', '1101', '1102', '1101'],
      ['QMICallinfoCallendedEvent', 'C_x', undefined, undefined, undefined],
      ['QMICallinfoCallendedEvent', 'C_x', undefined, undefined, undefined],
      ['QMICallinfoCallupdatedEvent', 'C_1', EXTERNAL, '1102', '1102'],
    ]);
    // TelServices saw it too: 1102 ends connected to the external caller, transferred by 1101.
    const last1102 = udp.callEvents().filter((e) => e.includes('<deviceNumber>1102</deviceNumber>')).pop();
    expect(last1102).toContain('<state><connected/></state>');
    expect(last1102).toContain(`<number>${EXTERNAL}</number>`);
    expect(last1102).toContain('<cause><transfer/></cause>');
  });

  it('a TelServices makeCall is a QMI new call, and a control API hold is a TelServices hold event', async () => {
    await telservices('openSession', { deviceNumber: '1101', eventUDPPort: String(udp.port) });
    await telservices('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1103' });
    await api(gw, 'POST', '/api/v1/agents/PEKKA/actions', { action: 'answer' });
    const [newcall] = await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
    expect(newcall?.fields).toMatchObject({ ANumber: '1101', BNumber: '1103', AgentNumber: '1103' });
    await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'hold' });
    await tool.waitFor((e) => e.name === 'QMICallinfoCallonholdEvent');
    await allDelivered(gw);
    const last = udp.callEvents().pop();
    expect(last).toContain('<state><hold/></state>');
    expect(last).toContain('<retrieveCall/>');
  });
});
