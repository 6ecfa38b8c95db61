/** Issue 8: a number that is neither a queue, an extension nor external fails as unobtainable; the plan is the fixture's. */
import { describe, expect, it } from 'vitest';
import { ContactCenter, loadFixture, ManualClock, parseFixture } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';
import { callChanges, errorCode, makeCenter } from './helpers.js';

describe('numbering plan', () => {
  it('places queues, devices and external numbers, and nothing else', () => {
    const { cc } = makeCenter();
    expect(['2001', '1101', '+35840111222', '0401234567', '4930123', '9999', '12', '*21#', 'abc'].map((n) => cc.destinationOf(n))).toEqual([
      'queue', 'device', 'external', 'external', 'external', 'unobtainable', 'unobtainable', 'unobtainable', 'unobtainable',
    ]);
  });

  it('fails a call to an unobtainable number at once, as a PBX would, instead of ringing for ever', () => {
    const { cc, events } = makeCenter({ externalAnswerMs: 1000 });
    const inbound = cc.telephony.inbound('+35840111222', '9999');
    expect(inbound.state).toBe('ended');
    expect(inbound.cause).toBe('destNotObtainable');
    expect(callChanges(events)).toEqual(['created', 'failed', 'ended']);
    const dialled = cc.telephony.makeCall('1101', '555');
    expect(dialled).toMatchObject({ state: 'ended', cause: 'destNotObtainable' });
    expect(cc.agent('HARRI').state).toBe('ready');
    expect(cc.history({ deviceNumber: '1101' })[0]).toMatchObject({ cause: 'destNotObtainable', isOutgoing: true });
  });

  it('keeps the held call when a consultation is unobtainable, and refuses to divert or add one', () => {
    const { cc, events } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    cc.telephony.answer('1101');
    const consult = cc.telephony.consult('1101', '4711');
    expect(consult.cause).toBe('destNotObtainable');
    expect(cc.telephony.partyOf(call, '1101')?.state).toBe('hold');
    cc.telephony.retrieve('1101');
    const before = events.length;
    expect(errorCode(() => cc.telephony.divert('1101', '4711'))).toBe('destinationUnknown');
    expect(errorCode(() => cc.telephony.addParty('1101', '4711'))).toBe('destinationUnknown');
    expect(errorCode(() => cc.telephony.addParty('1101', '2002'))).toBe('invalidArgument');
    expect(events.length).toBe(before);
  });

  it('takes the trunk prefix and the external length from the fixture', () => {
    const fixture = loadFixture(DEFAULT_CENTER_FIXTURE);
    const cc = new ContactCenter(parseFixture({ ...fixture, numbering: { trunkPrefix: '9', externalMinDigits: 12 } }), { clock: new ManualClock(), seed: 1, externalAnswerMs: -1 });
    expect(cc.destinationOf('90401234')).toBe('external');
    expect(cc.destinationOf('0401234567')).toBe('unobtainable');
    expect(cc.destinationOf('358401234567')).toBe('external');
    expect(cc.telephony.makeCall('1101', '90401234').state).toBe('active');
  });
});
