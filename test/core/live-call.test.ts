import { describe, expect, it } from 'vitest';
import { errorCode, makeCenter } from './helpers.js';

describe('Telephony.liveCall (used by interfaces to check a call before acting on it)', () => {
  it('returns an active call, says callGone for one that ended and unknownCall for an id never seen', () => {
    const { cc } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    expect(cc.telephony.liveCall(call.id)).toBe(call);
    cc.telephony.hangup(call.id);
    expect(errorCode(() => cc.telephony.liveCall(call.id))).toBe('callGone');
    expect(errorCode(() => cc.telephony.liveCall('no-such-call'))).toBe('unknownCall');
  });
});
