/**
 * The seed's call event examples 1–6 (test/golden/telservices-events/, copied verbatim from the seed), reproduced
 * exactly on UDP listeners of the monitored devices: states, causes, parties, durations, permitted services. Calls are
 * driven through TelServices requests and through the control API (an agent acting on the phone), in virtual time;
 * deliveryDelayMs reproduces the one second between "originated" and "delivered" the seed's durations show.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compact, req, settle, splitEvents, useGateway } from './helpers.js';

const golden = (name: string) => splitEvents(readFileSync(new URL(`../golden/telservices-events/${name}.xml`, import.meta.url), 'utf8'));

const { startGateway, ok, agentAction, monitor: monitorWith } = useGateway();
const monitor = (device: string) => monitorWith(device, { eventUpdate: '<full/>' });

const isTransfer = (m: string) => m.includes('<call>') && m.includes('<cause><transfer/></cause>');

describe('seed call event examples', () => {
  it('examples 1, 2 and 3: a call answered, then a consultation answered (TelServices requests and the control API)', async () => {
    const g = await startGateway({ center: { deliveryDelayMs: 1000 } });
    const at1101 = await monitor('1101');
    const at1102 = await monitor('1102');

    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    g.clock.advance(1000);
    await ok(req('answerCall', { deviceNumber: '1102', callingNumber: '1101' }));
    expect(await at1101.waitFor(4, (m) => m.includes('<call>'))).toEqual(golden('example-1__device-1101'));
    expect(await at1102.waitFor(2, (m) => m.includes('<call>'))).toEqual(golden('example-2__device-1102'));

    g.clock.advance(118_000);
    await ok(req('consultationCall', { deviceNumber: '1101', consultedDeviceNumber: '1103' }));
    g.clock.advance(1000);
    g.clock.advance(5000);
    await agentAction('PEKKA', 'answer');
    const events = await at1101.waitFor(8, (m) => m.includes('<call>'));
    expect(events.slice(4)).toEqual(golden('example-3__device-1101'));
    await settle();
    expect(at1101.callEvents(), 'no call event beyond the examples').toHaveLength(8);
  });

  it('example 4: two consultative transfers reach 1104 with cause transfer, durations restarting', async () => {
    const g = await startGateway({ center: { deliveryDelayMs: 1000 } });
    const at1104 = await monitor('1104');
    await monitor('1102');
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    g.clock.advance(1000);
    await agentAction('MAIJA', 'answer');
    await agentAction('MAIJA', 'consult', '1103');
    g.clock.advance(1000);
    await agentAction('PEKKA', 'answer');
    await agentAction('PEKKA', 'consult', '1104');
    g.clock.advance(1000);
    await ok(req('answerCall', { deviceNumber: '1104' }));
    g.clock.advance(11_000);
    await agentAction('PEKKA', 'transfer');
    g.clock.advance(44_000);
    await ok(req('transferCall', { deviceNumber: '1102' }));
    expect(await at1104.waitFor(2, isTransfer)).toEqual(golden('example-4__device-1104'));
  });

  it('examples 5 and 6: a call diverted twice shows the first called and the last redirecting party', async () => {
    const g = await startGateway({ center: { deliveryDelayMs: 1000 } });
    await monitor('1102');
    const at1103 = await monitor('1103');
    const at1104 = await monitor('1104');
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    g.clock.advance(1000);
    await ok(req('divertCall', { deviceNumber: '1102', divertedDeviceNumber: '1103' }));
    expect((await at1103.waitFor(1, (m) => m.includes('<call>'))).slice(0, 1)).toEqual(golden('example-5__device-1103'));
    await agentAction('PEKKA', 'divert', '1104');
    expect((await at1104.waitFor(1, (m) => m.includes('<call>'))).slice(0, 1)).toEqual(golden('example-6__device-1104'));
    // 1103 then sees its call cleared with cause redirect.
    const cleared = (await at1103.waitFor(2, (m) => m.includes('<call>')))[1] ?? '';
    expect(compact(cleared)).toContain('<state><cleared/></state>');
    expect(cleared).toContain('<cause><redirect/></cause>');
  });
});
