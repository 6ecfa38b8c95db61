/** Issue 7 point 5: caller-chosen ids for calls and items; a duplicate of an active or remembered id is refused. */
import { describe, expect, it } from 'vitest';
import { errorCode, makeCenter } from './helpers.js';

const GUID = 'cd80d000-0e2a-11de-8c30-0800200c9a66';

describe('caller-chosen call ids', () => {
  it('uses the GUID for inbound, makeCall and consult, and refuses one in use or remembered, changing nothing', () => {
    const { cc, events } = makeCenter();
    const a = cc.telephony.inbound('+35840111222', '1101', { callId: GUID.toUpperCase() });
    expect(a.id).toBe(GUID);
    const before = events.length;
    expect(errorCode(() => cc.telephony.inbound('+35891234567', '1102', { callId: GUID }))).toBe('duplicateId');
    expect(errorCode(() => cc.telephony.makeCall('1102', '1103', { callId: GUID }))).toBe('duplicateId');
    expect(errorCode(() => cc.telephony.makeCall('1102', '1103', { callId: 'not-a-guid' }))).toBe('invalidArgument');
    expect(events.length).toBe(before);
    expect(cc.agent('MAIJA').state).toBe('ready');
    cc.telephony.answer('1101');
    const consultId = '00000000-0000-4000-8000-000000000001';
    expect(cc.telephony.consult('1101', '1102', { callId: consultId }).id).toBe(consultId);
    cc.telephony.hangup(a.id);
    expect(errorCode(() => cc.telephony.inbound('+35891234567', '2001', { callId: GUID }))).toBe('duplicateId');
    const made = cc.telephony.makeCall('1103', '1104', { callId: '00000000-0000-4000-8000-000000000002' });
    expect(made.id).toBe('00000000-0000-4000-8000-000000000002');
  });
});

describe('caller-chosen item ids', () => {
  it('uses the id, refuses a duplicate while the item is known and a malformed one', () => {
    const { cc } = makeCenter();
    const item = cc.items.create({ channel: 'openmedia', queueId: '10', id: 'OM-1' });
    expect(item.id).toBe('OM-1');
    expect(cc.items.get('OM-1')).toBe(item);
    expect(errorCode(() => cc.items.create({ channel: 'openmedia', queueId: '10', id: 'OM-1' }))).toBe('duplicateId');
    cc.items.complete(item.id);
    expect(errorCode(() => cc.items.create({ channel: 'openmedia', queueId: '10', id: 'OM-1' }))).toBe('duplicateId');
    expect(errorCode(() => cc.items.create({ channel: 'openmedia', queueId: '10', id: 'a/b' }))).toBe('invalidArgument');
    expect(cc.items.list({ includeEnded: true })).toHaveLength(1);
  });
});
