/**
 * One action, every view (DESIGN "Principles"): an ICI hold is a TelServices hold event and a QMI Callonhold of the
 * same call, and an answer on the phone is ICI's Connected; the simulated CRM's login and call flow is §3.11's.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { qmiInterface } from '../../src/interfaces/qmi/index.js';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import { iciInterface } from '../../src/interfaces/ici/index.js';
import { subscribed, type Receiver } from '../qmi/helpers.js';
import { api, crm, ici, inboundCall, perTest, startGateway, subscribeUser } from './helpers.js';

const t = perTest();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** TelServices' UDP events for a session, awaited without polling. */
async function telservicesEvents(port: () => number, device: string): Promise<{ events: string[]; waitFor(pred: (e: string) => boolean): Promise<string> }> {
  const socket = createSocket('udp4');
  const events: string[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (m) => {
    events.push(m.toString('utf8'));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => socket.close(() => r())));
  const answer = await new Promise<string>((resolve, reject) => {
    const c = connect(port(), '127.0.0.1');
    let got = '';
    c.on('data', (d) => (got += d.toString('utf8')));
    c.on('end', () => resolve(got));
    c.on('error', reject);
    c.end(`<TelServiceRequest><openSession><deviceNumber>${device}</deviceNumber><eventUDPPort>${socket.address().port}</eventUDPPort></openSession></TelServiceRequest>`);
  });
  expect(answer).toContain('<standard/>');
  return {
    events,
    async waitFor(pred) {
      for (;;) {
        const hit = events.find(pred);
        if (hit !== undefined) return hit;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

describe('one action, every view', () => {
  it('ICI accept and hold: QMI Newcall and Callonhold, TelServices connected and hold, ICI Connected and Hold, one call', async () => {
    t.gw = await startGateway({ interfaces: [qmiInterface, telservicesInterface, iciInterface] });
    const gw = t.gw;
    const qm: Receiver = await subscribed(gw, 'qm-session-1');
    closers.push(() => qm.stop());
    const tsEvents = await telservicesEvents(() => gw.ctx.ports.telservices, '1101');
    const c = await crm(t);
    // §3.11 login: getWorkcenterCapability, getAttributes, setCurrentWorkmode, subscribe.
    await ici(gw, 'IciSystem', 'getWorkcenterCapability', '<userId>HARRI</userId>');
    await ici(gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>');
    await ici(gw, 'IciUser', 'setCurrentWorkmode', '<userId>HARRI</userId><workmode>2</workmode>');
    await subscribeUser(gw, c, 'HARRI');
    const handle = await inboundCall(gw);
    const callId = 'a163fdac-ee7a-476b-ab59-e15c81b6d4f2';

    expect((await c.call(handle, 3)).caps).toEqual([1, 2, 3]);
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    await c.call(handle, 101);
    await qm.waitFor((e) => e.name === 'QMICallInfoNewcallEvent' && e.fields['CallID'] === callId, 1, 60_000);
    await tsEvents.waitFor((e) => e.includes('<connected/>') || e.includes('<callState>connected</callState>'));

    await ici(gw, 'IciPhoneCall', 'hold', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle>`);
    expect((await c.call(handle, 106)).statusText).toBe('Hold');
    const [onHold] = await qm.waitFor((e) => e.name.toLowerCase().includes('callonhold'), 1, 60_000);
    expect(onHold?.fields['CallID']).toBe(callId);
    const held = await tsEvents.waitFor((e) => e.includes('<hold/>') || e.includes('<callState>hold</callState>'));
    expect(held).toContain('+35840111222');
    const state = await api(gw, 'GET', '/api/v1/state');
    const call = (state.calls as { callId: string; parties: { number: string; state: string }[] }[]).find((x) => x.callId === callId);
    expect(call?.parties.map((p) => `${p.number}:${p.state}`)).toEqual(['+35840111222:held', '1101:hold']);

    // And the other way: the agent retrieves on the phone, CRM sees Connected again.
    await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'retrieve' });
    await c.waitFor((e) => e.name === 'phoneCallChanged' && e.raw.includes('<id>101</id>'), 2);
    await qm.waitFor((e) => e.name.toLowerCase().includes('callresumed'), 1, 60_000);
  });
});
