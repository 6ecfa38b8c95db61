/** Issue 7 point 5: transfer, conference, alternate and reconnect can name the held and the active call. */
import { describe, expect, it } from 'vitest';
import type { ContactCenter } from '../../src/core/index.js';
import { errorCode, makeCenter } from './helpers.js';

/** 1101 holds a customer call and a call with 1102, and talks with 1103. */
function threeCalls(cc: ContactCenter) {
  const t = cc.telephony;
  const customer = t.inbound('+35840111222', '1101');
  t.answer('1101');
  t.hold('1101');
  const maija = t.makeCall('1101', '1102');
  t.answer('1102');
  t.hold('1101', maija.id);
  const pekka = t.makeCall('1101', '1103');
  t.answer('1103');
  return { customer, maija, pekka };
}

const others = (cc: ContactCenter, callId: string) => cc.telephony.activeParties(cc.telephony.call(callId)).map((p) => `${p.number}:${p.state}`);

describe('naming both calls', () => {
  it('transfers the named held call to the named active call, leaving the other held call alone', () => {
    const { cc } = makeCenter();
    const { customer, maija, pekka } = threeCalls(cc);
    cc.telephony.transfer('1101', { heldCallId: maija.id, activeCallId: pekka.id });
    expect(others(cc, maija.id)).toEqual(['1102:connected', '1103:connected']);
    expect(cc.telephony.findCall(pekka.id)).toBeUndefined();
    expect(others(cc, customer.id)).toEqual(['+35840111222:held', '1101:hold']);
  });

  it('conferences, alternates and reconnects with the named held call', () => {
    const { cc } = makeCenter();
    const { customer, maija, pekka } = threeCalls(cc);
    cc.telephony.alternate('1101', { heldCallId: customer.id });
    expect(cc.telephony.partyOf(customer, '1101')?.state).toBe('connected');
    expect(cc.telephony.partyOf(pekka, '1101')?.state).toBe('hold');
    cc.telephony.conference('1101', { heldCallId: pekka.id, activeCallId: customer.id });
    expect(others(cc, pekka.id).sort()).toEqual(['+35840111222:connected', '1101:connected', '1103:connected']);
    cc.telephony.reconnect('1101', { heldCallId: maija.id });
    expect(cc.telephony.findCall(pekka.id)?.parties.find((p) => p.number === '1101')?.state).toBe('ended');
    expect(cc.telephony.partyOf(maija, '1101')?.state).toBe('connected');
  });

  it('refuses a named call in the wrong state or gone, changing nothing', () => {
    const { cc, events } = makeCenter();
    const { customer, maija, pekka } = threeCalls(cc);
    const before = events.length;
    expect(errorCode(() => cc.telephony.transfer('1101', { heldCallId: pekka.id }))).toBe('noCall');
    expect(errorCode(() => cc.telephony.transfer('1101', { activeCallId: customer.id }))).toBe('noCall');
    expect(errorCode(() => cc.telephony.transfer('1101', { heldCallId: maija.id, activeCallId: maija.id }))).toBe('noCall');
    expect(events.length).toBe(before);
    cc.telephony.hangup(customer.id);
    const after = events.length;
    expect(errorCode(() => cc.telephony.alternate('1101', { heldCallId: customer.id }))).toBe('callGone');
    expect(events.length).toBe(after);
  });
});
