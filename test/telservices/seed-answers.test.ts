/**
 * Answers the seed defines, not generic ones: noCall when a call service finds "no call in the expected state"
 * (pbxReject only when the PBX refuses for another reason), the queryUserStatistics snapshot with the seed's elements
 * only, closeSession in the seed's form closing only the requesting client of a host, and cause transfer reported
 * once per transfer on each device.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { error, req, settle, STANDARD, useGateway } from './helpers.js';

const { startGateway, send, ok, monitor, listener, agentAction } = useGateway();

describe('noCall: "no call in the expected state"', () => {
  it('retrieveCall with an active call and nothing on hold, and the other call services without their call', async () => {
    await startGateway();
    await monitor('1101');
    await monitor('1102');
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    await ok(req('answerCall', { deviceNumber: '1102' }));
    for (const op of ['retrieveCall', 'answerCall', 'alternateCall', 'conferenceCall', 'reconnectCall', 'transferCall', 'qualifyCall']) {
      expect(await send(req(op, { deviceNumber: '1101' })), op).toBe(error('noCall'));
    }
    await ok(req('holdCall', { deviceNumber: '1101' }));
    for (const op of ['holdCall', 'consultationCall', 'divertCall']) {
      const extra: Record<string, string> = op === 'consultationCall' ? { consultedDeviceNumber: '1103' } : op === 'divertCall' ? { divertedDeviceNumber: '1103' } : {};
      expect(await send(req(op, { deviceNumber: '1101', ...extra })), op).toBe(error('noCall'));
    }
    // A held call and a new active one: retrieving is refused by the PBX (alternate instead), not "no call".
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1103' }));
    expect(await send(req('retrieveCall', { deviceNumber: '1101' }))).toBe(error('pbxReject'));
    await ok(req('dropCall', { deviceNumber: '1101' }));
    await ok(req('retrieveCall', { deviceNumber: '1101' }));
  });
});

describe('queryUserStatistics snapshot', () => {
  it('carries the seed example\'s elements only, also during calls', async () => {
    await startGateway();
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    await ok(req('makeCall', { deviceNumber: '1103', calledDeviceNumber: '1104' }));
    expect(await send(req('queryUserStatistics', { deviceNumber: '1101', type: '<snapshot/>' }))).toBe(
      '<TelServiceReturn><result><userStatistics><snapshot><agentState><busy/></agentState><inboundServices><service>service1</service></inboundServices></snapshot></userStatistics></result></TelServiceReturn>',
    );
  });
});

describe('closeSession in the seed\'s form (no eventUDPPort)', () => {
  it('closes only the requesting client when two clients of the session share a host; the other keeps its events', async () => {
    await startGateway();
    const first = await listener();
    const second = await listener();
    await ok(req('openSession', { deviceNumber: '1101', eventUDPPort: String(first.port) }));
    await ok(req('openSession', { deviceNumber: '1101', eventUDPPort: String(second.port) }));
    await ok(req('closeSession', { deviceNumber: '1101' }));
    // The session stays open for the other client, which still gets events; the closed one gets none.
    expect(await send(req('snapshot', { deviceNumber: '1101' }))).toContain('<snapshot>');
    await ok(req('doNotDisturb', { deviceNumber: '1101', state: '<on/>' }));
    await first.waitFor(1, (m) => m.includes('doNotDisturb'));
    await settle();
    expect(second.messages.filter((m) => m.includes('doNotDisturb'))).toHaveLength(0);
    expect(first.messages.filter((m) => m.includes('<session>'))).toHaveLength(0);
    // The remaining client's own closeSession closes the session.
    await ok(req('closeSession', { deviceNumber: '1101' }));
    expect(await send(req('snapshot', { deviceNumber: '1101' }))).toBe(error('noOpenSession'));
  });

  it('over HTTP closes the host\'s web client, not its desktop client listening on UDP', async () => {
    const g = await startGateway();
    const desktop = await listener();
    await ok(req('openSession', { deviceNumber: '1102', eventUDPPort: String(desktop.port) }));
    const http = (xml: string) => request(`${g.httpUrl}/telservices`, { method: 'POST', body: xml }).then((r) => r.body.text());
    expect(await http(req('openSession', { deviceNumber: '1102' }))).toBe(STANDARD);
    expect(await http(req('closeSession', { deviceNumber: '1102' }))).toBe(STANDARD);
    const clients = (await (await request(`${g.httpUrl}/telservices/sessions`)).body.json()) as { sessions: { deviceNumber: string; clients: { udpPort: number | null }[] }[] };
    expect(clients.sessions.find((s) => s.deviceNumber === '1102')?.clients).toEqual([expect.objectContaining({ udpPort: desktop.port })]);
  });
});

describe('cause transfer, once per transfer', () => {
  const causes = (events: string[]) => events.map((e) => /<cause><(\w+)\/>/.exec(e)?.[1] ?? '-');
  const states = (events: string[]) => events.map((e) => /<primCall><state><(\w+)\/>/.exec(e)?.[1]);
  /** 1101 calls Maija (1102), who answers; 1101 and the transfer target are monitored. */
  async function answeredCall(target: string) {
    await startGateway();
    const at1101 = await monitor('1101');
    const atTarget = await monitor(target);
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    await agentAction('MAIJA', 'answer');
    return { at1101, atTarget };
  }

  it('consultative transfer to a ringing target: the target and the transferred party each get it once, not again on answer', async () => {
    const { at1101, atTarget: at1103 } = await answeredCall('1103');
    await agentAction('MAIJA', 'consult', '1103');
    await agentAction('MAIJA', 'transfer');
    await agentAction('PEKKA', 'answer');
    const target = await at1103.waitFor(3, (m) => m.includes('<call>'));
    expect(states(target)).toEqual(['alerting', 'alerting', 'connected']);
    expect(causes(target)).toEqual(['-', 'transfer', '-']);
    const transferred = await at1101.waitFor(7, (m) => m.includes('<call>'));
    expect(states(transferred).slice(-2)).toEqual(['delivered', 'connected']);
    expect(causes(transferred).slice(-2)).toEqual(['transfer', '-']);
  });

  it('blind transfer (divertCall on a connected call): the target gets it while ringing, nobody gets it again on answer', async () => {
    const { at1101, atTarget: at1104 } = await answeredCall('1104');
    await agentAction('MAIJA', 'divert', '1104');
    await ok(req('answerCall', { deviceNumber: '1104' }));
    const target = await at1104.waitFor(2, (m) => m.includes('<call>'));
    expect(states(target)).toEqual(['alerting', 'connected']);
    expect(causes(target)).toEqual(['transfer', '-']);
    const transferred = await at1101.waitFor(6, (m) => m.includes('<call>'));
    expect(causes(transferred).filter((c) => c === 'transfer')).toHaveLength(1);
    await settle();
    expect(at1104.callEvents()).toHaveLength(2);
  });
});
