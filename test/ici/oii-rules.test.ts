/**
 * OII's behaviour and its telephony parameters (seed 002 §4.3.1, §7.2, §7.4): attached data, which calls CRM sees,
 * Busy status, wrap-up rules.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { api, crm, drained, envelope, ici, inboundCall, onlyReady, perTest, phoneCall, post, startGateway, subscribeUser, text, type Crm, type CrmEvent } from './helpers.js';

const phoneCallOf = (e: CrmEvent | undefined) => phoneCall(e?.el);

const t = perTest();
const CALL = 'a163fdac-ee7a-476b-ab59-e15c81b6d4f2';

async function connected(o: Parameters<typeof startGateway>[0] = {}): Promise<{ gw: Gateway; c: Crm; handle: string }> {
  t.gw = await startGateway(o);
  const gw = t.gw;
  await onlyReady(gw, 'HARRI');
  const c = await crm(t);
  await subscribeUser(gw, c, 'HARRI');
  const handle = await inboundCall(gw);
  await c.call(handle, 3);
  await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
  await c.call(handle, 101);
  return { gw, c, handle };
}

describe('attached data (§7.2, §9.4.7–9.4.9)', () => {
  it('generated CAD, then what CRM sets (in every later event), then deleted: an empty string, never a fault', async () => {
    const { gw, c, handle } = await connected({ ici: { cadApplicationId: 'CRM_IC/BUPA', extraDataWhenAllocated: 'XML,FirstBName,FirstBNumber,GUID,SIP_CALL_ID' } });
    const first = await ici(gw, 'IciItem', 'getAttachedData', `<itemId>${handle}</itemId>`);
    const sip = gw.center.telephony.findCall(CALL)?.sipCallId ?? '';
    expect(first.response?.text).toBe(
      `<ItemAttachedData><Application id="CRM_IC/BUPA"><FirstBNumber>2001</FirstBNumber><FirstBName>Sales</FirstBName><BNumberName>Sales</BNumberName>` +
        `<OrigQueue>Sales</OrigQueue><GUID>${CALL.toUpperCase()}</GUID><SIP_CALL_ID>${sip}</SIP_CALL_ID></Application></ItemAttachedData>`,
    );
    const mine = '<ItemAttachedData><Application id="SAP-IC"><X>1 &amp; 2</X></Application></ItemAttachedData>';
    await ici(gw, 'IciItem', 'setAttachedData', `<itemId>${handle}</itemId><attachedData>${mine.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</attachedData>`);
    const [changed] = (await c.waitFor((e) => e.name === 'phoneCallChanged' && e.raw.includes('SAP-IC'))).slice(-1);
    expect(text(changed?.el, 'phoneCall', 'attachedData')).toBe(mine);
    expect(gw.center.telephony.findCall(CALL)?.attached['XML']).toBe(mine);
    expect((await ici(gw, 'IciItem', 'getAttachedData', `<itemId>${handle}</itemId>`)).response?.text).toBe(mine);
    await ici(gw, 'IciPhoneCall', 'hold', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle>`);
    expect((await c.call(handle, 106)).attached).toBe(mine);
    await ici(gw, 'IciItem', 'deleteAttachedData', `<itemId>${handle}</itemId>`);
    const empty = await ici(gw, 'IciItem', 'getAttachedData', `<itemId>${handle}</itemId>`);
    expect(empty.fault).toBeUndefined();
    expect(empty.text).toContain('<response></response>');
  });

  it('a document that is not XML is refused and changes nothing', async () => {
    const { gw, handle } = await connected();
    const before = (await ici(gw, 'IciItem', 'getAttachedData', `<itemId>${handle}</itemId>`)).response?.text;
    const bad = await post(gw, 'IciItem', envelope(`<setAttachedData xmlns="urn:IciItemInterface"><itemId>${handle}</itemId><attachedData>&lt;a&gt;&lt;b&gt;</attachedData></setAttachedData>`));
    expect(bad.fault).toMatchObject({ area: 1, error: 1 });
    expect((await ici(gw, 'IciItem', 'getAttachedData', `<itemId>${handle}</itemId>`)).response?.text).toBe(before);
  });

  it('OII.SetExtraData 0: CRM\'s CAD stays with ICI until the call is transferred', async () => {
    const { gw, handle } = await connected({ ici: { setExtraData: false } });
    await api(gw, 'PUT', '/api/v1/agents/MAIJA/state', { state: 'ready' });
    await ici(gw, 'IciItem', 'setAttachedData', `<itemId>${handle}</itemId><attachedData>&lt;ItemAttachedData/&gt;</attachedData>`);
    expect(gw.center.telephony.findCall(CALL)?.attached['XML']).toBeUndefined();
    expect((await ici(gw, 'IciItem', 'getAttachedData', `<itemId>${handle}</itemId>`)).response?.text).toBe('<ItemAttachedData/>');
    await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'consult', number: '1102' });
    await api(gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'answer' });
    await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'transfer' });
    expect(gw.center.telephony.findCall(CALL)?.attached['XML']).toBe('<ItemAttachedData/>');
  });
});

describe('which calls CRM sees (§2.1, §4.3.1, §7.4)', () => {
  it('outbound calls made elsewhere are hidden unless ici.ignoreCdtOutbound is false', async () => {
    for (const ignoreCdtOutbound of [true, false]) {
      t.gw = await startGateway({ ici: { ignoreCdtOutbound } });
      const c = await crm(t);
      await subscribeUser(t.gw, c, 'HARRI');
      await c.waitFor((e) => e.name === 'userChanged');
      await api(t.gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'dial', number: '+4930123456' });
      await api(t.gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'drop' });
      await drained(t.gw, c, 'HARRI');
      const seen = c.calls().map((p) => p.status);
      expect(seen).toEqual(ignoreCdtOutbound ? [] : [103, 104, 4]);
      await t.gw.close();
      delete t.gw;
    }
  });

  it('a knocking call (§7.4) is hidden until the user picks it', async () => {
    const { gw, c, handle } = await connected({ ici: { ignoreOperDirect: false } });
    await ici(gw, 'IciPhoneCall', 'hold', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle>`);
    await c.call(handle, 106);
    const knock = '5b0c9f4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';
    await api(gw, 'POST', '/api/v1/calls', { from: '+4930123456', to: '1101', callId: knock });
    const knockHandle = knock.replace(/-/g, '').toUpperCase();
    await ici(gw, 'IciPhoneCall', 'unhold', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle>`);
    await c.waitFor((e) => e.name === 'phoneCallChanged' && e.raw.includes('<id>101</id>'), 2);
    expect(c.calls(knockHandle)).toEqual([]);
    await ici(gw, 'IciPhoneCall', 'hold', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle>`);
    await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'answer' });
    expect(await c.call(knockHandle, 101)).toMatchObject({ remote: ['+4930123456'], inbound: 'true' });
  });

  it('a direct call is hidden (OII.IgnoreOperDirect) and shown when ici.ignoreOperDirect is false', async () => {
    for (const ignoreOperDirect of [true, false]) {
      t.gw = await startGateway({ ici: { ignoreOperDirect } });
      const c = await crm(t);
      await subscribeUser(t.gw, c, 'MAIJA');
      await c.waitFor((e) => e.name === 'userChanged');
      await api(t.gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'dial', number: '1102' });
      await api(t.gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'drop' });
      await drained(t.gw, c, 'MAIJA');
      if (ignoreOperDirect) expect(c.events.filter((e) => e.name === 'phoneCallChanged')).toEqual([]);
      else expect(c.calls().map((p) => `${p.status}/${p.processing}`)).toEqual(['3/1', '4/1']);
      if (ignoreOperDirect) {
        // Answered and ended while hidden on an integrated line: CRM never learned the call, so it cannot end a
        // wrap-up for it; the line is not held in one (the agent stayed in workingAfterCall for good).
        await ici(t.gw, 'IciContainer', 'subscribe', `<appUrl>${c.url}</appUrl><appId>line-app</appId><channelType>1</channelType><containerId>+1102</containerId>`);
        await api(t.gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'dial', number: '1102' });
        await api(t.gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'answer' });
        await api(t.gw, 'POST', '/api/v1/agents/MAIJA/actions', { action: 'drop' });
        expect(t.gw.center.agent('MAIJA').state).toBe('ready');
        expect(c.events.filter((e) => e.name === 'phoneCallChanged')).toEqual([]);
      }
      await t.gw.close();
      delete t.gw;
    }
  });
});

describe('reset', () => {
  it('ends a wrap-up CRM still holds, reported as usual (Ended, then not in process)', async () => {
    const { gw, c, handle } = await connected();
    await api(gw, 'POST', '/api/v1/agents/HARRI/actions', { action: 'drop' });
    await c.waitFor((e) => e.name === 'phoneCallChanged' && phoneCallOf(e).handle === handle && phoneCallOf(e).processing === 3);
    await api(gw, 'POST', '/api/v1/reset');
    const ended = (e: CrmEvent) => e.name === 'phoneCallChanged' && phoneCallOf(e).handle === handle && phoneCallOf(e).status === 4;
    await c.waitFor((e) => ended(e) && phoneCallOf(e).processing === 1);
    // Ended in wrap up, then Ended not in process: the reset's one change for CRM.
    expect(c.events.filter(ended).map((e) => phoneCallOf(e).processing)).toEqual([3, 1]);
  });
});

describe('Busy and wrap-up parameters', () => {
  it('OII.ShowBusyStatus: Busy, then Ended after OII.BusyStatusDuration; OII.WrapUpOutbound wraps failed calls up', async () => {
    const clock = new ManualClock();
    t.gw = await startGateway({ clock, ici: { showBusyStatus: true, busyStatusDurationMs: 3000, wrapUpOutbound: true } });
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    gw.center.setDnd('1102', true);
    const created = await ici(gw, 'IciItem', 'create', '<channelType>1</channelType><containerId>+1101</containerId>');
    const handle = text(created.response, 'itemId') ?? '';
    await ici(gw, 'IciPhoneCall', 'dial', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle><dialNumber>+1102</dialNumber>`);
    expect(await c.call(handle, 105)).toMatchObject({ statusText: 'Busy', caps: [102] });
    clock.advance(3000);
    expect(await c.call(handle, 4)).toMatchObject({ processing: 3 });
    expect(c.calls(handle).map((p) => p.status)).toEqual([103, 105, 4]);
  });

  it('OII.ForwardAndEnd ends a forwarded call not in process; without it the call is wrapped up', async () => {
    for (const forwardAndEnd of [false, true]) {
      const { gw, c, handle } = await connected({ ici: { forwardAndEnd } });
      await ici(gw, 'IciItem', 'forward', `<itemId>${handle}</itemId><containerId>+1101</containerId><destType>1</destType><destination>+1102</destination>`);
      expect(await c.call(handle, 4)).toMatchObject({ processing: forwardAndEnd ? 1 : 3 });
      await gw.close();
      delete t.gw;
    }
  });

  it('OII.WrapUpEndedFromCdt: the desktop going ready ends CRM\'s wrap-up', async () => {
    const { gw, c, handle } = await connected({ ici: { wrapUpEndedFromCdt: true } });
    await api(gw, 'POST', `/api/v1/calls/${CALL}/hangup`, {});
    await c.call(handle, 4);
    await api(gw, 'PUT', '/api/v1/agents/HARRI/state', { state: 'ready' });
    await c.waitFor((e) => e.name === 'phoneCallChanged' && e.raw.includes('<id>4</id>'), 2);
    expect(c.calls(handle).map((p) => `${p.status}/${p.processing}`).slice(-2)).toEqual(['4/3', '4/1']);
  });

  it('OII.CallRecordingCad: a separate phoneCallChanged carries CallRecording once the file exists', async () => {
    const { gw, c, handle } = await connected({ ici: { callRecordingCad: true } });
    gw.center.telephony.startRecording(CALL, 'api');
    await api(gw, 'POST', `/api/v1/calls/${CALL}/hangup`, {});
    const [withFile] = (await c.waitFor((e) => e.name === 'phoneCallChanged' && e.raw.includes('CallRecording'))).slice(-1);
    expect(text(withFile?.el, 'phoneCall', 'attachedData')).toMatch(/<CallRecording>[^<]+\.wav<\/CallRecording><\/Application>/);
    expect(text(withFile?.el, 'phoneCall', 'callHandle')).toBe(handle);
  });
});
