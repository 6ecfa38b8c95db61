import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/index.js';
import { makeCenter } from './helpers.js';

describe('Telephony.liveCall (used by interfaces to check a call before acting on it)', () => {
  it('returns an active call, says callGone for one that ended and unknownCall for an id never seen', () => {
    const { cc } = makeCenter();
    const call = cc.telephony.inbound('+35840111222', '1101');
    expect(cc.telephony.liveCall(call.id)).toBe(call);
    cc.telephony.hangup(call.id);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof CoreError ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => cc.telephony.liveCall(call.id))).toBe('callGone');
    expect(code(() => cc.telephony.liveCall('no-such-call'))).toBe('unknownCall');
  });
});
