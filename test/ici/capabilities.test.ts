/**
 * Seed 002 tables 10.12.2/10.12.3: an IciItem / IciPhoneCall operation whose capability the call's status does not list
 * is refused and changes nothing; one phone call at a time (OII.PhoneMultiSession 0); forward's destType 1 is a line;
 * created items: the limit is not retried, and an item never dialled expires.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { callIdOf } from '../../src/interfaces/ici/items.js';
import { alertingCall, api, crm, EXTERNAL, ici, inboundCall, items, perTest, startGateway, subscribeUser, text } from './helpers.js';

const t = perTest();

function partyStates(gw: Gateway, handle: string): string[] | undefined {
  return gw.center.telephony.findCall(callIdOf(handle))?.parties.map((p) => `${p.number}:${p.state}`);
}

async function accepted(): Promise<{ gw: Gateway; handle: string; c: Awaited<ReturnType<typeof crm>> }> {
  const { gw, c, handle } = await alertingCall(t);
  await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
  await c.call(handle, 101);
  return { gw, c, handle };
}

describe('capabilities (table 10.12.3)', () => {
  it('dropParty on a two-party Connected call (no 106) is refused 5/6: the customer stays on', async () => {
    const { gw, handle } = await accepted();
    const before = partyStates(gw, handle);
    const a = await ici(gw, 'IciPhoneCall', 'dropParty', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle><remoteNumber>${EXTERNAL}</remoteNumber>`, { fault: true });
    expect(a.fault).toMatchObject({ area: 5, error: 6, retry: false });
    expect(a.fault?.text).toContain('capability 106');
    expect(partyStates(gw, handle)).toEqual(before);
    expect(before?.every((p) => p.endsWith(':connected'))).toBe(true);
  });

  it('an error text names the call by the callHandle CRM sent, never the core\'s own id (re-probe minor 1)', async () => {
    const { gw, handle } = await accepted();
    // A connected call given as the held one: the core refuses it, naming the call.
    const a = await ici(gw, 'IciPhoneCall', 'transfer', `<lineNumber>+1101</lineNumber><connCallHandle>${handle}</connCallHandle><heldCallHandle>${handle}</heldCallHandle>`, { fault: true });
    expect(a.fault?.text).toContain(handle);
    expect(a.fault?.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i);
  });

  it('every operation outside the status\'s list is refused and changes nothing, Alerting and Connected', async () => {
    const { gw, c, handle } = await alertingCall(t);
    const line = '<lineNumber>+1101</lineNumber>';
    const call = `${line}<callHandle>${handle}</callHandle>`;
    const item = `<itemId>${handle}</itemId>`;
    // Alerting lists 1, 2, 3 only.
    const alerting: [string, string, string, number, number][] = [
      ['IciPhoneCall', 'drop', call, 5, 6],
      ['IciPhoneCall', 'hold', call, 5, 6],
      ['IciPhoneCall', 'unhold', call, 5, 6],
      ['IciPhoneCall', 'dropParty', `${call}<remoteNumber>${EXTERNAL}</remoteNumber>`, 5, 6],
      ['IciItem', 'wrapUpRequired', item, 3, 2],
      ['IciItem', 'wrapUpEnded', item, 3, 2],
      ['IciItem', 'getAttachedData', item, 3, 2],
      ['IciItem', 'setAttachedData', `${item}<attachedData>&lt;a/&gt;</attachedData>`, 3, 2],
      ['IciItem', 'deleteAttachedData', item, 3, 2],
    ];
    for (const [bean, op, f, area, error] of alerting) {
      expect((await ici(gw, bean, op, f, { fault: true })).fault, `${op} while Alerting`).toMatchObject({ area, error });
    }
    expect(partyStates(gw, handle)).toEqual([`${EXTERNAL}:initiated`, '1101:alerting']);
    await ici(gw, 'IciItem', 'accept', `${item}<containerId>+1101</containerId>`);
    await c.call(handle, 101);
    // Connected lists 3, 4, 6, 7, 8, 102, 104, 105, 107, 109, 110.
    const connected: [string, string, string, number, number][] = [
      ['IciItem', 'accept', `${item}<containerId>+1101</containerId>`, 3, 2],
      ['IciItem', 'reroute', `${item}<containerId>+1101</containerId>`, 3, 2],
      ['IciItem', 'wrapUpEnded', item, 3, 2],
      ['IciPhoneCall', 'unhold', call, 5, 6],
      ['IciPhoneCall', 'dropParty', `${call}<remoteNumber>${EXTERNAL}</remoteNumber>`, 5, 6],
    ];
    for (const [bean, op, f, area, error] of connected) {
      expect((await ici(gw, bean, op, f, { fault: true })).fault, `${op} while Connected`).toMatchObject({ area, error });
    }
    expect(partyStates(gw, handle)).toEqual([`${EXTERNAL}:connected`, '1101:connected']);
    // Ended in wrap up lists 5 only: wrapUpRequired and the attached data are over (3/3), wrapUpEnded works.
    await ici(gw, 'IciPhoneCall', 'drop', call);
    expect(await c.call(handle, 4)).toMatchObject({ processing: 3 });
    for (const op of ['wrapUpRequired', 'getAttachedData', 'setAttachedData']) {
      const f = op === 'setAttachedData' ? `${item}<attachedData>&lt;a/&gt;</attachedData>` : item;
      expect((await ici(gw, 'IciItem', op, f, { fault: true })).fault, `${op} in wrap up`).toMatchObject({ area: 3, error: 3 });
    }
    await ici(gw, 'IciItem', 'wrapUpEnded', item);
    await c.waitFor((e) => e.name === 'phoneCallChanged' && e.raw.includes('<callStatus><id>4</id>'), 2);
    expect(c.calls(handle).map((p) => `${p.status}/${p.processing}`)).toEqual(['3/1', '101/2', '4/3', '4/1']);
  });
});

describe('one phone call at a time (OII.PhoneMultiSession 0)', () => {
  it('create and dial are refused 5/6 while a call is in wrap up; allowed with ici.phoneMultiSession', async () => {
    for (const phoneMultiSession of [false, true]) {
      t.gw = await startGateway({ ici: { phoneMultiSession } });
      const gw = t.gw;
      const c = await crm(t);
      await subscribeUser(gw, c, 'HARRI');
      const created = text((await ici(gw, 'IciItem', 'create', '<channelType>1</channelType><containerId>+1101</containerId>')).response, 'itemId') ?? '';
      const handle = await inboundCall(gw);
      await c.call(handle, 3);
      await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
      await ici(gw, 'IciPhoneCall', 'drop', `<lineNumber>+1101</lineNumber><callHandle>${handle}</callHandle>`);
      expect(await c.call(handle, 4)).toMatchObject({ processing: 3 });
      const create = await ici(gw, 'IciItem', 'create', '<channelType>1</channelType><containerId>+1101</containerId>', { fault: true });
      const dial = await ici(gw, 'IciPhoneCall', 'dial', `<lineNumber>+1101</lineNumber><callHandle>${created}</callHandle><dialNumber>${EXTERNAL}</dialNumber>`, { fault: true });
      if (phoneMultiSession) {
        expect([create.fault, dial.fault]).toEqual([undefined, undefined]);
      } else {
        expect(create.fault).toMatchObject({ area: 5, error: 6 });
        expect(dial.fault).toMatchObject({ area: 5, error: 6 });
        expect(gw.center.telephony.findCall(callIdOf(created))).toBeUndefined();
      }
      await gw.close();
      delete t.gw;
    }
  });
});

describe('IciItem.forward destType 1', () => {
  it('a destination that is no phone line is 5/8, never dialled out; the call stays', async () => {
    const { gw, handle } = await accepted();
    for (const destination of ['+1999', '1999', '+4930123456']) {
      const a = await ici(gw, 'IciItem', 'forward', `<itemId>${handle}</itemId><containerId>+1101</containerId><destType>1</destType><destination>${destination}</destination>`, { fault: true });
      expect(a.fault, destination).toMatchObject({ area: 5, error: 8 });
    }
    expect(partyStates(gw, handle)).toEqual([`${EXTERNAL}:connected`, '1101:connected']);
  });
});

describe('forwarded calls keep what the customer dialled and who the call was with', () => {
  it('an alerting queue call (2001) forwarded to MAIJA: dialedNumber +2001 in HARRI\'s Ended and MAIJA\'s Alerting', async () => {
    const { gw, c, handle } = await alertingCall(t);
    const maija = await crm(t);
    await subscribeUser(gw, maija, 'MAIJA', 'maija-app');
    await ici(gw, 'IciItem', 'forward', `<itemId>${handle}</itemId><containerId>+1101</containerId><destType>1</destType><destination>+1102</destination>`);
    expect(await c.call(handle, 4)).toMatchObject({ dialed: '+2001', remote: [EXTERNAL] });
    expect(await maija.call(handle, 3)).toMatchObject({ dialed: '+2001', remote: [EXTERNAL], line: '+1102' });
  });

  it('a connected call forwarded to a line: the forwarding line\'s Ended names the customer only', async () => {
    const { gw, c, handle } = await accepted();
    await ici(gw, 'IciItem', 'forward', `<itemId>${handle}</itemId><containerId>+1101</containerId><destType>1</destType><destination>+1102</destination>`);
    expect(await c.call(handle, 4)).toMatchObject({ dialed: '+2001', remote: [EXTERNAL] });
  });
});

describe('created items', () => {
  it('the 17th is 4/5 without retry; one never dialled expires after ici.createdItemTimeoutSec', async () => {
    const clock = new ManualClock();
    t.gw = await startGateway({ clock, ici: { createdItemTimeoutSec: 60 } });
    const gw = t.gw;
    const create = () => ici(gw, 'IciItem', 'create', '<channelType>1</channelType><containerId>+1101</containerId>', { fault: true });
    for (let i = 0; i < 16; i++) expect((await create()).fault).toBeUndefined();
    clock.advance(30_000);
    expect((await create()).fault).toMatchObject({ area: 4, error: 5, retry: false, code: 'soap:Client' });
    const calls = async () => items((await ici(gw, 'IciPhoneLine', 'getCalls', '<lineNumber>+1101</lineNumber>')).response).length;
    expect(await calls()).toBe(16);
    clock.advance(30_000);
    expect(await calls()).toBe(0);
    expect((await create()).fault).toBeUndefined();
    await api(gw, 'GET', '/api/v1/state');
  });
});
