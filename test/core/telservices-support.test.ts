/**
 * Core additions the TelServices interface relies on: a delivery delay between dialling and ringing, multi-line
 * devices (routing points placing several campaign calls), per-call external answer times, shared directories.
 */
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/index.js';
import { callChanges, makeCenter } from './helpers.js';

describe('deliveryDelayMs', () => {
  it('rings the called device only after the delay, so "dialled" and "alerting" happen at different times', () => {
    const { cc, clock, events } = makeCenter({ deliveryDelayMs: 1000 });
    const call = cc.telephony.makeCall('1101', '1102');
    expect(callChanges(events)).toEqual(['created', 'dialled']);
    expect(cc.telephony.partyOf(call, '1102')).toBeUndefined();
    clock.advance(999);
    expect(callChanges(events)).toEqual(['created', 'dialled']);
    clock.advance(1);
    expect(callChanges(events)).toEqual(['created', 'dialled', 'alerting']);
    expect(cc.telephony.partyOf(call, '1102')?.state).toBe('alerting');
  });

  it('abandons cleanly when the caller hangs up before delivery', () => {
    const { cc, clock, events } = makeCenter({ deliveryDelayMs: 1000 });
    const call = cc.telephony.makeCall('1101', '1102');
    cc.telephony.drop('1101');
    clock.advance(5000);
    expect(call.state).toBe('ended');
    expect(callChanges(events)).toEqual(['created', 'dialled', 'ended']);
    expect(cc.agent('MAIJA').state).toBe('ready');
  });

  it('is off by default: delivery is synchronous', () => {
    const { cc, events } = makeCenter();
    cc.telephony.makeCall('1101', '1102');
    expect(callChanges(events)).toEqual(['created', 'dialled', 'alerting']);
  });
});

describe('multi-line devices', () => {
  it('lets a routing point device place several calls at once, while an extension cannot', () => {
    const { cc } = makeCenter();
    const rp = cc.ensureDevice('3001');
    rp.multiLine = true;
    const a = cc.telephony.makeCall('3001', '+35840000001');
    const b = cc.telephony.makeCall('3001', '+35840000002');
    expect(a.id).not.toBe(b.id);
    cc.telephony.makeCall('1101', '+35840000003');
    expect(() => cc.telephony.makeCall('1101', '+35840000004')).toThrow(CoreError);
  });
});

describe('per-call externalAnswerMs', () => {
  it('overrides the center setting for one call', () => {
    const { cc, clock } = makeCenter({ externalAnswerMs: 1000 });
    const never = cc.telephony.makeCall('1101', '+35840000001', { externalAnswerMs: -1 });
    const late = cc.telephony.makeCall('1102', '+35840000002', { externalAnswerMs: 7000 });
    clock.advance(5000);
    expect(cc.telephony.partyOf(never, '+35840000001')?.state).toBe('alerting');
    expect(cc.telephony.partyOf(late, '+35840000002')?.state).toBe('alerting');
    clock.advance(2000);
    expect(cc.telephony.partyOf(late, '+35840000002')?.state).toBe('connected');
    expect(cc.telephony.partyOf(never, '+35840000001')?.state).toBe('alerting');
  });
});

describe('shared directories', () => {
  it('replaces a shared directory visible to every user, leaving global and private entries alone', () => {
    const { cc } = makeCenter();
    cc.directory.replacePrivate('HARRI', 'outlook', [{ number: '0160121314', name: 'Bob Blake' }]);
    cc.directory.replaceShared('ldap', [{ number: '+4912345', name: 'Anton Ldap', company: 'Dir GmbH' }]);
    expect(cc.directory.searchName('anton').map((e) => e.number)).toEqual(['+4912345']);
    expect(cc.directory.searchName('anton', 'MAIJA').map((e) => e.number)).toEqual(['+4912345']);
    expect(cc.directory.lookup('+4912345')?.name).toBe('Anton Ldap');
    cc.directory.replaceShared('ldap', [{ number: '+4954321', name: 'Berta Ldap' }]);
    expect(cc.directory.searchName('anton')).toEqual([]);
    expect(cc.directory.searchName('berta').map((e) => e.number)).toEqual(['+4954321']);
    expect(cc.directory.searchName('bob', 'HARRI').map((e) => e.number)).toEqual(['0160121314']);
    expect(cc.directory.searchName('bob')).toEqual([]);
    expect(cc.directory.searchName('matti').length).toBe(1);
    expect(() => cc.directory.replaceShared('global', [])).toThrow(CoreError);
  });
});
