/**
 * Seed 002 §3.11 "Inbound phone call": Alerting – Accept – Connected – Wrap Up – End – Ended, each event's status and
 * capabilities as table 10.12.3 says, every number canonical, the CAD of §7.2.1, and the user kept in wrap-up while
 * CRM wraps up (OII.PhoneMultiSession 0).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { alertingCall, api, crm, EXTERNAL, ici, inboundCall, onlyReady, perTest, subscribeUser } from './helpers.js';
import { startGateway } from './helpers.js';

const t = perTest();

async function agentState(gw: NonNullable<typeof t.gw>, userId: string): Promise<string> {
  const state = await api(gw, 'GET', '/api/v1/state');
  return ((state.agents as { userId: string; state: string }[]).find((a) => a.userId === userId)?.state) ?? '';
}

describe('an inbound queue call as SAP CRM sees it', () => {
  it('Alerting (1,2,3) → accept → Connected → Ended in wrap up → wrapUpEnded → Ended, not in process', async () => {
    const clock = new ManualClock();
    t.gw = await startGateway({ clock });
    const gw = t.gw;
    const c = await crm(t);
    await ici(gw, 'IciUser', 'getAttributes', '<userId xmlns="">HARRI</userId>');
    await subscribeUser(gw, c, 'HARRI');
    const handle = await inboundCall(gw);

    const alerting = await c.call(handle, 3);
    expect(alerting).toMatchObject({
      line: '+1101',
      statusText: 'Alerting',
      caps: [1, 2, 3],
      processing: 1,
      remote: [EXTERNAL],
      dialed: '+2001',
      inbound: 'true',
      internal: 'false',
    });
    expect(alerting.attached).toBe(
      '<ItemAttachedData><Application id="SAP_BCM/OII"><FirstBNumber>2001</FirstBNumber><FirstBName>Sales</FirstBName>' +
        '<BNumberName>Sales</BNumberName><OrigQueue>Sales</OrigQueue></Application></ItemAttachedData>',
    );

    // Still ringing: nothing is processed yet, so there is nothing to wrap up (README "ICI error codes" 3/2).
    const early = await ici(gw, 'IciItem', 'wrapUpRequired', `<itemId>${handle}</itemId>`, { fault: true });
    expect(early.fault).toMatchObject({ area: 3, error: 2 });
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    const connected = await c.call(handle, 101);
    expect(connected).toMatchObject({ statusText: 'Connected', caps: [3, 4, 6, 7, 8, 102, 104, 105, 107, 109, 110], processing: 2 });

    await api(gw, 'POST', `/api/v1/calls/a163fdac-ee7a-476b-ab59-e15c81b6d4f2/hangup`, {});
    const wrapUp = await c.call(handle, 4);
    expect(wrapUp).toMatchObject({ statusText: 'Ended', caps: [5], processing: 3, remote: [EXTERNAL] });
    // OII keeps the desktop in wrap-up while CRM's item is: the center's wrap-up time passes, the user stays.
    clock.advance(60_000);
    expect(await agentState(gw, 'HARRI')).toBe('workingAfterCall');

    await ici(gw, 'IciItem', 'wrapUpEnded', `<itemId>${handle}</itemId>`);
    const [, ended] = await c.waitFor((e) => e.name === 'phoneCallChanged' && e.raw.includes('<id>4</id>'), 2);
    expect(ended).toBeDefined();
    expect(c.calls(handle).map((p) => `${p.status}/${p.processing}`)).toEqual(['3/1', '101/2', '4/3', '4/1']);
    expect(await agentState(gw, 'HARRI')).toBe('ready');
    // The item is gone: a second End is refused with the item error, not a generic one.
    const again = await ici(gw, 'IciItem', 'wrapUpEnded', `<itemId>${handle}</itemId>`, { fault: true });
    expect(again.fault).toMatchObject({ area: 3, error: 3 });
    const lateAccept = await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`, { fault: true });
    expect(lateAccept.fault).toMatchObject({ area: 3, error: 3 });
    const unknown = await ici(gw, 'IciItem', 'wrapUpEnded', '<itemId>0123456789ABCDEF0123456789ABCDEF</itemId>', { fault: true });
    expect(unknown.fault).toMatchObject({ area: 3, error: 1 });
  });

  it('with OII.RequestedWrapUp the call ends not in process unless CRM asked for wrap-up', async () => {
    t.gw = await startGateway({ ici: { requestedWrapUp: true } });
    const gw = t.gw;
    await onlyReady(gw, 'HARRI');
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    const user = await c.waitFor((e) => e.name === 'userChanged');
    expect(user[0]?.raw).toContain('<wrapUpMode>2</wrapUpMode>');
    const handle = await inboundCall(gw);
    await c.call(handle, 3);
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    await c.call(handle, 101);
    await api(gw, 'POST', `/api/v1/calls/a163fdac-ee7a-476b-ab59-e15c81b6d4f2/hangup`, {});
    expect(await c.call(handle, 4)).toMatchObject({ processing: 1 });

    await api(gw, 'PUT', '/api/v1/agents/HARRI/state', { state: 'ready' });
    const second = await inboundCall(gw, '2001', '5b0c9f4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f');
    await c.call(second, 3);
    await ici(gw, 'IciItem', 'accept', `<itemId>${second}</itemId><containerId>1101</containerId>`);
    await ici(gw, 'IciItem', 'wrapUpRequired', `<itemId>${second}</itemId>`);
    await api(gw, 'POST', `/api/v1/calls/5b0c9f4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f/hangup`, {});
    expect(await c.call(second, 4)).toMatchObject({ processing: 3 });
  });

  it('with OII.PhoneMultiSession the center wraps up as usual and CRM still ends its item', async () => {
    const clock = new ManualClock();
    t.gw = await startGateway({ clock, ici: { phoneMultiSession: true } });
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    const handle = await inboundCall(gw);
    await c.call(handle, 3);
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    await c.call(handle, 101);
    await api(gw, 'POST', `/api/v1/calls/a163fdac-ee7a-476b-ab59-e15c81b6d4f2/hangup`, {});
    await c.call(handle, 4);
    clock.advance(60_000);
    expect(await agentState(gw, 'HARRI')).toBe('ready');
    await ici(gw, 'IciItem', 'wrapUpEnded', `<itemId>${handle}</itemId>`);
  });

  it('reroute sends the call back to the queue and never to the same user again', async () => {
    const { gw, c, handle } = await alertingCall(t);
    await ici(gw, 'IciItem', 'reroute', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    expect(await c.call(handle, 4)).toMatchObject({ processing: 1 });
    const state = await api(gw, 'GET', '/api/v1/state');
    const call = (state.calls as { callId: string; parties: { number: string; state: string }[] }[])[0];
    expect(call?.parties.find((p) => p.state === 'alerting')?.number).toBe('1102');
    // HARRI is ready again: the call is still not offered to him.
    await api(gw, 'PUT', '/api/v1/agents/HARRI/state', { state: 'ready' });
    await api(gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'drop' });
    const after = await api(gw, 'GET', '/api/v1/state');
    const again = (after.calls as { parties: { number: string; state: string }[] }[])[0];
    expect(again?.parties.find((p) => p.state === 'alerting')?.number).toBe('1104');
  });

  it('forward: a ringing call to another queue (its CAD names both queues), a connected one to a line', async () => {
    const { gw, c, handle } = await alertingCall(t);
    const maija = await crm(t);
    await subscribeUser(gw, maija, 'MAIJA');
    await ici(gw, 'IciItem', 'forward', `<itemId>${handle}</itemId><containerId>+1101</containerId><destType>12</destType><destination>2003</destination>`);
    expect(await c.call(handle, 4)).toMatchObject({ processing: 1 });
    // §7.2.1: the first queue stays FirstB…, the queue it came from is OrigQueue, the one it rings for BNumberName.
    expect((await maija.call(handle, 3)).attached).toBe(
      '<ItemAttachedData><Application id="SAP_BCM/OII"><FirstBNumber>2001</FirstBNumber><FirstBName>Sales</FirstBName>' +
        '<BNumberName>Billing</BNumberName><OrigQueue>Sales</OrigQueue></Application></ItemAttachedData>',
    );
    const state = await api(gw, 'GET', '/api/v1/state');
    const call = (state.calls as { parties: { number: string; state: string }[] }[])[0];
    expect(call?.parties.find((p) => p.state === 'alerting')?.number).toBe('1102');
    const part2 = await ici(gw, 'IciItem', 'forward', `<itemId>${handle}</itemId><containerId>+1102</containerId><destType>2</destType><destination>x</destination>`, { fault: true });
    expect(part2.fault).toMatchObject({ area: 1, error: 3 });
  });
});
