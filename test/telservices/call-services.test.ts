/**
 * Seed call-control services and the call events they cause on every device involved: hold/retrieve (causes
 * heldByOtherParty, retrievedByOtherParty), alternate, reconnect, conference and addPartyToCall (isConference,
 * addedParties, cause conference), transfer, blind transfer by divertCall, extraData, firstOtherParty,
 * firstCalledParty on ACD calls, callReference.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { error, req, settle, useGateway, type UdpListener } from './helpers.js';

const { startGateway, gw, send, ok, monitor: monitorOne } = useGateway();

async function monitor(...devices: string[]): Promise<Record<string, UdpListener>> {
  const out: Record<string, UdpListener> = {};
  for (const d of devices) out[d] = await monitorOne(d);
  return out;
}

/** Call events so far; `next(l, mark)` waits for the first one after the mark. */
const mark = (l: UdpListener | undefined): number => l?.callEvents().length ?? 0;
async function next(l: UdpListener | undefined, at: number, offset = 0): Promise<string> {
  if (!l) throw new Error('no listener');
  const events = await l.waitFor(at + offset + 1, (m) => m.includes('<call>'));
  return events[at + offset] ?? '';
}

const states = (xml: string) => [...xml.matchAll(/<(primCall|secCall)><state><(\w+)\/>/g)].map((m) => `${m[1]}:${m[2]}`);
const services = (xml: string) => [...(/<permittedServices>(.*)<\/permittedServices>/.exec(xml)?.[1] ?? '').matchAll(/<(\w+)\/>/g)].map((m) => m[1]);

async function connected(a: string, b: string): Promise<void> {
  await ok(req('makeCall', { deviceNumber: a, calledDeviceNumber: b }));
  await ok(req('answerCall', { deviceNumber: b }));
}

describe('hold and retrieve', () => {
  it('shows hold on the holding device and heldByOtherParty / retrievedByOtherParty on the other', async () => {
    await startGateway();
    const m = await monitor('1101', '1102');
    await connected('1101', '1102');
    await settle();
    let a = mark(m['1101']);
    let b = mark(m['1102']);
    await ok(req('holdCall', { deviceNumber: '1101' }));
    const held = await next(m['1101'], a);
    expect(states(held)).toEqual(['primCall:hold']);
    expect(services(held)).toEqual(['retrieveCall', 'dropCall']);
    const other = await next(m['1102'], b);
    expect(states(other)).toEqual(['primCall:connected']);
    expect(other).toContain('<cause><heldByOtherParty/></cause>');
    await settle();
    a = mark(m['1101']);
    b = mark(m['1102']);
    await ok(req('retrieveCall', { deviceNumber: '1101' }));
    expect(states(await next(m['1101'], a))).toEqual(['primCall:connected']);
    expect(await next(m['1102'], b)).toContain('<cause><retrievedByOtherParty/></cause>');
  });
});

describe('consultation, alternate, reconnect, transfer, conference', () => {
  async function consulting(): Promise<Record<string, UdpListener>> {
    const m = await monitor('1101', '1102', '1103');
    await connected('1101', '1102');
    await ok(req('consultationCall', { deviceNumber: '1101', consultedDeviceNumber: '1103', extraData: 'case-42' }));
    await ok(req('answerCall', { deviceNumber: '1103' }));
    await m['1103']!.waitFor(2, (x) => x.includes('<call>'));
    await settle();
    return m;
  }

  it('the consulted device sees the original party (firstOtherParty) and the extraData', async () => {
    await startGateway();
    const m = await consulting();
    const alerting = await next(m['1103'], 0);
    expect(states(alerting)).toEqual(['primCall:alerting']);
    expect(alerting).toContain('<otherParty><number>1101</number></otherParty><firstOtherParty><number>1102</number></firstOtherParty>');
    expect(alerting).toContain('<extraData>case-42</extraData>');
    const mine = m['1101']!.callEvents().at(-1) ?? '';
    expect(states(mine)).toEqual(['primCall:hold', 'secCall:connected']);
    expect(mine).toContain('<extraData>case-42</extraData>');
  });

  it('alternateCall swaps the held and active calls, reconnectCall clears the active one and retrieves', async () => {
    await startGateway();
    const m = await consulting();
    let a = mark(m['1101']);
    await ok(req('alternateCall', { deviceNumber: '1101' }));
    const swapped = await next(m['1101'], a, 1);
    expect(states(swapped)).toEqual(['primCall:connected', 'secCall:hold']);
    expect(services(swapped)).toEqual(['dropCall', 'holdCall', 'reconnectCall', 'alternateCall', 'transferCall', 'conferenceCall']);
    await ok(req('alternateCall', { deviceNumber: '1101' }));
    await next(m['1101'], a, 3);
    await settle();
    a = mark(m['1101']);
    const c = mark(m['1103']);
    await ok(req('reconnectCall', { deviceNumber: '1101' }));
    expect(states(await next(m['1101'], a))).toEqual(['primCall:hold', 'secCall:cleared']);
    expect(states(await next(m['1101'], a, 1))).toEqual(['primCall:connected']);
    const cleared = await next(m['1103'], c);
    expect(states(cleared)).toEqual(['primCall:cleared']);
    expect(cleared).toContain('<cause><droppedByOtherParty/></cause>');
  });

  it('transferCall connects the held and the consulted parties and clears the transferring device', async () => {
    await startGateway();
    const m = await consulting();
    const [a, b, c] = [mark(m['1101']), mark(m['1102']), mark(m['1103'])];
    await ok(req('transferCall', { deviceNumber: '1101' }));
    expect(states(await next(m['1101'], a))).toEqual(['primCall:hold', 'secCall:cleared']);
    const last = await next(m['1101'], a, 1);
    expect(states(last)).toEqual(['primCall:cleared']);
    expect(last).toContain('<cause><transfer/></cause>');
    const at1102 = await next(m['1102'], b);
    expect(at1102).toContain('<otherParty><number>1103</number></otherParty><lastRedirectionParty><number>1101</number></lastRedirectionParty>');
    expect(at1102).toContain('<cause><transfer/></cause>');
    const at1103 = await next(m['1103'], c);
    expect(at1103).toContain('<id>1</id>');
    expect(at1103).toContain('<otherParty><number>1102</number></otherParty><lastRedirectionParty><number>1101</number></lastRedirectionParty>');
    expect(at1103).not.toContain('firstOtherParty');
  });

  it('conferenceCall puts the three parties together: isConference, addedParties, cause conference', async () => {
    await startGateway();
    const m = await consulting();
    const [a, b, c] = [mark(m['1101']), mark(m['1102']), mark(m['1103'])];
    await ok(req('conferenceCall', { deviceNumber: '1101' }));
    expect(states(await next(m['1101'], a))).toEqual(['primCall:hold', 'secCall:cleared']);
    const mine = await next(m['1101'], a, 1);
    expect(states(mine)).toEqual(['primCall:connected']);
    expect(mine).toContain('<otherParty><number>1102</number></otherParty><addedParties><party><number>1103</number></party></addedParties>');
    expect(mine).toContain('<isConference><true/></isConference>');
    const at1102 = await next(m['1102'], b);
    expect(at1102).toContain('<addedParties><party><number>1103</number></party></addedParties>');
    expect(at1102).toContain('<cause><conference/></cause>');
    const at1103 = await next(m['1103'], c);
    expect(at1103).toContain('<isConference><true/></isConference>');
    expect(at1103).toContain('<cause><conference/></cause>');
    // One party leaves: the others stay connected, no longer a conference.
    await settle();
    const b2 = mark(m['1102']);
    await ok(req('dropCall', { deviceNumber: '1103' }));
    const after = await next(m['1102'], b2);
    expect(after).toContain('<isConference><false/></isConference>');
    expect(after).not.toContain('addedParties');
  });
});

describe('single-step services', () => {
  it('addPartyToCall rings the added device and makes a conference when it answers', async () => {
    await startGateway();
    const m = await monitor('1101', '1102', '1104');
    await connected('1101', '1102');
    await settle();
    const a = mark(m['1101']);
    await ok(req('addPartyToCall', { deviceNumber: '1102', addedDeviceNumber: '1104', extraData: 'added' }));
    const ringing = await next(m['1104'], 0);
    expect(states(ringing)).toEqual(['primCall:alerting']);
    expect(ringing).toContain('<extraData>added</extraData>');
    await ok(req('answerCall', { deviceNumber: '1104' }));
    const at1101 = (await m['1101']!.waitFor(1, (x) => x.includes('<call>') && x.includes('<isConference><true/>')))[0] ?? '';
    expect(mark(m['1101'])).toBeGreaterThan(a);
    expect(at1101).toContain('<addedParties><party><number>1104</number></party></addedParties>');
    expect(at1101).toContain('<isConference><true/></isConference>');
    expect(at1101).toContain('<cause><conference/></cause>');
    expect(at1101).toContain('<extraData>added</extraData>');
    expect(await send(req('addPartyToCall', { deviceNumber: '1102', addedDeviceNumber: '1104' }))).toBe(error('pbxReject'));
  });

  it('divertCall on a connected call is a blind transfer: the other party sees delivered with cause transfer, then connected', async () => {
    await startGateway();
    const m = await monitor('1101', '1102', '1104');
    await connected('1101', '1102');
    await settle();
    const [a, b] = [mark(m['1101']), mark(m['1102'])];
    await ok(req('divertCall', { deviceNumber: '1102', divertedDeviceNumber: '1104' }));
    const delivered = await next(m['1101'], a);
    expect(states(delivered)).toEqual(['primCall:delivered']);
    expect(delivered).toContain('<otherParty><number>1104</number></otherParty><lastRedirectionParty><number>1102</number></lastRedirectionParty>');
    expect(delivered).toContain('<cause><transfer/></cause>');
    expect(states(await next(m['1102'], b))).toEqual(['primCall:cleared']);
    await ok(req('answerCall', { deviceNumber: '1104' }));
    const done = await next(m['1101'], a, 1);
    expect(states(done)).toEqual(['primCall:connected']);
    // Seed "Call": the transfer is reported once; the answer that completes it carries no cause.
    expect(done).not.toContain('<cause>');
    const target = m['1104']?.callEvents() ?? [];
    expect(target.filter((e) => e.includes('<cause><transfer/></cause>'))).toHaveLength(1);
    expect(target[0]).toContain('<alerting/>');
  });

  it('answerCall and dropCall pick the call by the other party number', async () => {
    await startGateway();
    await monitor('1102');
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102', extraData: 'order-7' }));
    expect(await send(req('answerCall', { deviceNumber: '1102', callingNumber: '1103' }))).toBe(error('noCall'));
    await ok(req('answerCall', { deviceNumber: '1102', callingNumber: '1101' }));
    expect(gw().gw.center.activeCalls()[0]?.attached['extraData']).toBe('order-7');
    expect(await send(req('dropCall', { deviceNumber: '1102', otherNumber: '1104' }))).toBe(error('noCall'));
    await ok(req('dropCall', { deviceNumber: '1102', otherNumber: '1101' }));
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
  });
});

describe('ACD calls and settings', () => {
  it('an ACD call shows the queue number as firstCalledParty and the caller from the directory; callReference on request', async () => {
    await startGateway({ telservices: { eventCallReference: true } });
    const m = await monitor('1101', '1102', '1104');
    const r = await request(`${gw().httpUrl}/api/v1/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '+35891234567', to: '2001' }) });
    expect(r.statusCode).toBe(201);
    await r.body.dump();
    await settle();
    const alerting = Object.values(m).flatMap((l) => l.callEvents())[0] ?? '';
    expect(alerting).toContain('<otherParty><number>+35891234567</number><name>Liisa Laine</name><numberType><work/></numberType><company>Laine Consulting</company></otherParty><firstCalledParty><number>2001</number></firstCalledParty>');
    expect(alerting).toMatch(/<callReference>\d+<\/callReference>/);
  });
});
