/**
 * Seed 002 §3.11 "Outbound call" and "Consultation": IciItem.create (Created, 6,7,8,101,102,103) → dial (the number
 * dialled, canonical) → Dialing/Ringing/Connected; consult (the connected call goes on hold) → transfer, conference,
 * alternate, reconnect naming both calls; hold/unhold, dropParty, getCalls, dropCalls.
 */
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { callIdOf } from '../../src/interfaces/ici/items.js';
import { api, crm, drained, EXTERNAL, ici, inboundCall, items, onlyReady, perTest, phoneCall, startGateway, subscribeUser, text, type Crm } from './helpers.js';

const t = perTest();

async function create(gw: Gateway, line: string): Promise<string> {
  const a = await ici(gw, 'IciItem', 'create', `<channelType>1</channelType><containerId>${line}</containerId>`);
  expect(text(a.response, 'status', 'description')).toBe('created');
  expect(items(a.response, 'capabilityList').map((i) => Number(i.text))).toEqual([6, 7, 8, 101, 102, 103]);
  return text(a.response, 'itemId') ?? '';
}

/** HARRI on a connected queue call, CRMs subscribed for HARRI and MAIJA. */
async function connectedQueueCall(): Promise<{ gw: Gateway; harri: Crm; maija: Crm; call: string }> {
  t.gw = await startGateway();
  const gw = t.gw;
  await onlyReady(gw, 'HARRI');
  await api(gw, 'PUT', '/api/v1/agents/MAIJA/state', { state: 'ready' });
  await api(gw, 'PUT', '/api/v1/agents/HARRI/state', { state: 'ready' });
  const harri = await crm(t);
  const maija = await crm(t);
  await subscribeUser(gw, harri, 'HARRI');
  await subscribeUser(gw, maija, 'MAIJA', 'maija-app');
  // HARRI became ready last: make him the only one in queue 2001's reach for this call.
  await api(gw, 'PUT', '/api/v1/agents/MAIJA/state', { state: 'notReady' });
  const call = await inboundCall(gw);
  await harri.call(call, 3);
  await ici(gw, 'IciItem', 'accept', `<itemId>${call}</itemId><containerId>+1101</containerId>`);
  await harri.call(call, 101);
  await api(gw, 'PUT', '/api/v1/agents/MAIJA/state', { state: 'ready' });
  return { gw, harri, maija, call };
}

describe('outbound calls', () => {
  it('create → dial: Dialing, Ringing, Ended; the answer is the number dialled, canonical', async () => {
    t.gw = await startGateway({ ici: { ignoreOperDirect: false } });
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    const handle = await create(gw, '+1101');
    const calls = await ici(gw, 'IciPhoneLine', 'getCalls', '<lineNumber>+1101</lineNumber>');
    expect(items(calls.response).map((i) => phoneCall(i).statusText)).toEqual(['Created']);
    const dial = await ici(gw, 'IciPhoneCall', 'dial', `<lineNumber>+1101</lineNumber><callHandle>${handle.toLowerCase()}</callHandle><dialNumber>00358401112220</dialNumber>`);
    expect(dial.response?.text).toBe('+358401112220');
    const ringing = await c.call(handle, 104);
    expect(ringing).toMatchObject({ caps: [102], processing: 2, inbound: 'false', internal: 'false', remote: ['+358401112220'], dialed: '+358401112220' });
    const state = await api(gw, 'GET', '/api/v1/state');
    const id = (state.calls as { callId: string }[])[0]?.callId ?? '';
    expect(id.replace(/-/g, '').toUpperCase()).toBe(handle);
    await api(gw, 'POST', `/api/v1/calls/${id}/hangup`, { number: '00358401112220' });
    expect(await c.call(handle, 4)).toMatchObject({ processing: 1 });
    expect(c.calls(handle).map((p) => p.status)).toEqual([103, 104, 4]);
  });

  it('an internal number: +1102 reaches MAIJA, whose CRM sees nothing (a direct agent call, OII.IgnoreOperDirect)', async () => {
    t.gw = await startGateway({ config: { center: { seed: 9, externalAnswerMs: -1 } } });
    const gw = t.gw;
    const harri = await crm(t);
    const maija = await crm(t);
    await subscribeUser(gw, harri, 'HARRI');
    await subscribeUser(gw, maija, 'MAIJA', 'maija-app');
    const handle = await create(gw, '1101');
    await ici(gw, 'IciPhoneCall', 'dial', `<lineNumber>1101</lineNumber><callHandle>${handle}</callHandle><dialNumber>+1102</dialNumber>`);
    expect(await harri.call(handle, 104)).toMatchObject({ remote: ['+1102'], internal: 'true' });
    await api(gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'answer' });
    await harri.call(handle, 101);
    await drained(gw, maija, 'MAIJA');
    expect(maija.calls()).toEqual([]);
  });

  it('a bad dial number is the seed\'s area 5 / error 2 and changes nothing', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const handle = await create(gw, '+1101');
    const a = await ici(gw, 'IciPhoneCall', 'dial', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle><dialNumber>+49 (30) 123</dialNumber>`, { fault: true });
    expect(a.status).toBe(200);
    expect(a.fault).toMatchObject({ code: 'soap:Client', string: 'com.sap.bcb.common.SoapException', area: 5, error: 2, retry: false });
    expect(a.fault?.text).toMatch(/^Other characters than \+1234567890 in phone number/);
    const calls = await ici(gw, 'IciPhoneLine', 'getCalls', '<lineNumber>+1101</lineNumber>');
    expect(items(calls.response).map((i) => phoneCall(i).statusText)).toEqual(['Created']);
    await ici(gw, 'IciPhoneCall', 'drop', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle>`);
    expect(items((await ici(gw, 'IciPhoneLine', 'getCalls', '<lineNumber>+1101</lineNumber>')).response)).toEqual([]);
  });
});

describe('consultation', () => {
  it('consult puts the call on hold; transfer hands it to the consulted agent; HARRI wraps up', async () => {
    const { gw, harri, maija, call } = await connectedQueueCall();
    const consult = await create(gw, '+1101');
    await ici(gw, 'IciPhoneCall', 'consult', `<lineNumber>+1101</lineNumber><callHandle>${consult}</callHandle><connCallHandle>${call}</connCallHandle><dialNumber>+1102</dialNumber><nextStep>2</nextStep>`);
    expect(await harri.call(call, 106)).toMatchObject({ caps: [4, 6, 7, 8, 102, 103, 104, 105, 108, 109, 110] });
    await harri.call(consult, 104);
    expect(await maija.call(consult, 3)).toMatchObject({ line: '+1102', remote: ['+1101'], internal: 'true' });
    await ici(gw, 'IciItem', 'accept', `<itemId>${consult}</itemId><containerId>+1102</containerId>`);
    await harri.call(consult, 101);
    await ici(gw, 'IciPhoneCall', 'transfer', `<lineNumber>+1101</lineNumber><connCallHandle>${consult}</connCallHandle><heldCallHandle>${call}</heldCallHandle>`);
    // HARRI's call was with the customer: the consulted agent who takes it over is not a party of his (no conference).
    expect(await harri.call(call, 4)).toMatchObject({ processing: 3, remote: [EXTERNAL], dialed: '+2001' });
    expect(await harri.call(consult, 4)).toMatchObject({ processing: 1 });
    expect(await maija.call(consult, 4)).toMatchObject({ processing: 1 });
    expect(await maija.call(call, 101)).toMatchObject({ remote: [EXTERNAL], line: '+1102', dialed: '+2001' });
    // An agent-to-agent consultation is internal in every event of the consulting line, Dialing and Ended included
    // (the Dialing event said false before the consulted party existed, Ended false once it had left).
    expect(harri.calls(consult).map((p) => `${p.statusText}:${p.internal}`)).toEqual(harri.calls(consult).map((p) => `${p.statusText}:true`));
    expect(harri.calls(consult).map((p) => p.status)).toEqual(expect.arrayContaining([103, 101, 4]));
    // The customer's call is not: an outside party is on it.
    expect(harri.calls(call).every((p) => p.internal === 'false')).toBe(true);
    await ici(gw, 'IciItem', 'wrapUpEnded', `<itemId>${call}</itemId>`);
  });

  it('OII.TransferAndEnd: the transferred call ends not in process', async () => {
    t.gw = undefined;
    const { gw, harri, call } = await connectedQueueCallWith({ transferAndEnd: true });
    const consult = await create(gw, '+1101');
    await ici(gw, 'IciPhoneCall', 'consult', `<lineNumber>+1101</lineNumber><callHandle>${consult}</callHandle><connCallHandle>${call}</connCallHandle><dialNumber>+1102</dialNumber><nextStep>2</nextStep>`);
    await api(gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'answer' });
    await harri.call(consult, 101);
    await ici(gw, 'IciPhoneCall', 'transfer', `<lineNumber>+1101</lineNumber><connCallHandle>${consult}</connCallHandle><heldCallHandle>${call}</heldCallHandle>`);
    expect(await harri.call(call, 4)).toMatchObject({ processing: 1 });
  });

  it('alternate swaps, reconnect ends the consultation, conference joins them: ConfereceOwner and ConferenceParticipant', async () => {
    const { gw, harri, maija, call } = await connectedQueueCall();
    const consult = await create(gw, '+1101');
    await ici(gw, 'IciPhoneCall', 'consult', `<lineNumber>+1101</lineNumber><callHandle>${consult}</callHandle><connCallHandle>${call}</connCallHandle><dialNumber>+1102</dialNumber><nextStep>3</nextStep>`);
    await api(gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'answer' });
    await harri.call(consult, 101);
    await ici(gw, 'IciPhoneCall', 'alternate', `<lineNumber>+1101</lineNumber><connCallHandle>${consult}</connCallHandle><heldCallHandle>${call}</heldCallHandle>`);
    await harri.call(consult, 106);
    await harri.call(call, 101);
    await ici(gw, 'IciPhoneCall', 'alternate', `<lineNumber>+1101</lineNumber><connCallHandle>${call}</connCallHandle><heldCallHandle>${consult}</heldCallHandle>`);
    await harri.call(call, 106);
    await ici(gw, 'IciPhoneCall', 'conference', `<lineNumber>+1101</lineNumber><connCallHandle>${consult}</connCallHandle><heldCallHandle>${call}</heldCallHandle>`);
    const owner = await harri.call(call, 108);
    expect(owner).toMatchObject({ statusText: 'ConfereceOwner', caps: [4, 6, 7, 8, 102, 106, 107] });
    expect(owner.remote.sort()).toEqual([EXTERNAL, '+1102'].sort());
    expect(await maija.call(call, 109)).toMatchObject({ statusText: 'ConferenceParticipant', caps: [4, 6, 7, 8, 102, 107] });
    await ici(gw, 'IciPhoneCall', 'dropParty', `<lineNumber>+1101</lineNumber><remoteNumber>+1102</remoteNumber><callHandle>${call}</callHandle>`);
    expect(await harri.call(call, 101)).toMatchObject({ remote: [EXTERNAL] });
    expect(await maija.call(call, 4)).toMatchObject({ processing: 3 });
  });

  it('hold/unhold, reconnect, and dropCalls', async () => {
    const { gw, harri, call } = await connectedQueueCall();
    await ici(gw, 'IciPhoneCall', 'hold', `<lineNumber>+1101</lineNumber><callHandle>${call}</callHandle>`);
    await harri.call(call, 106);
    await ici(gw, 'IciPhoneCall', 'unhold', `<lineNumber>+1101</lineNumber><callHandle>${call}</callHandle>`);
    await harri.waitFor((e) => e.name === 'phoneCallChanged' && phoneCall(e.el).status === 101, 2);
    const consult = await create(gw, '+1101');
    await ici(gw, 'IciPhoneCall', 'consult', `<lineNumber>+1101</lineNumber><callHandle>${consult}</callHandle><connCallHandle>${call}</connCallHandle><dialNumber>+1102</dialNumber><nextStep>4</nextStep>`);
    await harri.call(consult, 104);
    await ici(gw, 'IciPhoneCall', 'reconnect', `<lineNumber>+1101</lineNumber><connCallHandle>${consult}</connCallHandle><heldCallHandle>${call}</heldCallHandle>`);
    await harri.call(consult, 4);
    await harri.waitFor((e) => e.name === 'phoneCallChanged' && phoneCall(e.el).status === 101, 3);
    const calls = await ici(gw, 'IciPhoneLine', 'getCalls', '<lineNumber>+1101</lineNumber>');
    expect(items(calls.response).map((i) => [phoneCall(i).handle, phoneCall(i).statusText])).toEqual([[call, 'Connected']]);
    const attrs = await ici(gw, 'IciPhoneCall', 'getAttributes', `<lineNumber>+1101</lineNumber><callHandle>${call}</callHandle>`);
    expect(phoneCall(attrs.response)).toMatchObject({ status: 101, dialed: '+2001', remote: [EXTERNAL] });
    // The call named from a line that is not in it: Unknown call there (5/3), whatever the operation; an unknown item
    // (3/1) for IciItem; nothing changes.
    for (const [bean, op, fields, code] of [
      ['IciPhoneCall', 'hold', `<lineNumber>+1104</lineNumber><callHandle>${call}</callHandle>`, { area: 5, error: 3 }],
      ['IciPhoneCall', 'drop', `<lineNumber>+1104</lineNumber><callHandle>${call}</callHandle>`, { area: 5, error: 3 }],
      ['IciPhoneCall', 'getAttributes', `<lineNumber>+1104</lineNumber><callHandle>${call}</callHandle>`, { area: 5, error: 3 }],
      ['IciItem', 'accept', `<itemId>${call}</itemId><containerId>+1104</containerId>`, { area: 3, error: 1 }],
    ] as const) {
      expect((await ici(gw, bean, op, fields, { fault: true })).fault, op).toMatchObject(code);
    }
    expect(gw.center.telephony.findCall(callIdOf(call))?.parties.map((p) => p.state)).toEqual(['connected', 'connected']);
    await ici(gw, 'IciPhoneLine', 'dropCalls', '<lineNumber>+1101</lineNumber>');
    expect(await harri.call(call, 4)).toMatchObject({ processing: 3 });
    const gone = await ici(gw, 'IciPhoneCall', 'hold', `<lineNumber>+1101</lineNumber><callHandle>${call}</callHandle>`, { fault: true });
    expect(gone.fault).toMatchObject({ area: 5, error: 4 });
  });
});

async function connectedQueueCallWith(ici: Record<string, unknown>): Promise<{ gw: Gateway; harri: Crm; call: string }> {
  t.gw = await startGateway({ ici });
  const gw = t.gw;
  await onlyReady(gw, 'HARRI');
  const harri = await crm(t);
  await subscribeUser(gw, harri, 'HARRI');
  const call = await inboundCall(gw);
  await harri.call(call, 3);
  await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'answer' });
  await harri.call(call, 101);
  await api(gw, 'PUT', '/api/v1/agents/MAIJA/state', { state: 'ready' });
  return { gw, harri, call };
}
