/** Projection tables and formats in memory: permitted services, agent states, XER reals, durations, device views. */
import { describe, expect, it } from 'vitest';
import type { CallEvent, CallView, PartyView } from '../../src/core/index.js';
import { DeviceViews } from '../../src/interfaces/telservices/device-view.js';
import { AGENT_STATE_FROM_WIRE, PERMITTED_AGENT_STATES, permittedServices, wireAgentState } from '../../src/interfaces/telservices/projection.js';
import { TS_AGENT_STATES } from '../../src/interfaces/telservices/requests.js';
import { formatDateTime, hms, parseLocalDate, xerReal, zonedTime } from '../../src/interfaces/telservices/time.js';

describe('permittedServices', () => {
  it('follows the seed examples in their order', () => {
    expect(permittedServices('initiated', undefined)).toEqual(['dropCall']);
    expect(permittedServices('alerting', undefined)).toEqual(['answerCall', 'divertCall']);
    expect(permittedServices('connected', undefined)).toEqual(['holdCall', 'dropCall', 'divertCall', 'consultationCall']);
    expect(permittedServices('hold', 'originated')).toEqual(['dropCall', 'reconnectCall']);
    expect(permittedServices('hold', 'delivered')).toEqual(['dropCall', 'reconnectCall', 'transferCall']);
    expect(permittedServices('hold', 'connected')).toEqual(['dropCall', 'holdCall', 'reconnectCall', 'alternateCall', 'transferCall', 'conferenceCall']);
  });

  it('treats a cleared or failed call as gone, and never lists makeCall', () => {
    expect(permittedServices('hold', 'cleared')).toEqual(['retrieveCall', 'dropCall']);
    expect(permittedServices('cleared', 'connected')).toEqual(['holdCall', 'dropCall', 'divertCall', 'consultationCall']);
    expect(permittedServices('cleared', undefined)).toEqual([]);
    for (const a of ['initiated', 'connected', 'hold', 'alerting'] as const) expect(permittedServices(a, undefined)).not.toContain('makeCall');
  });
});

describe('agent states', () => {
  it('maps loggedOn to notReady with a reason and back; null and busy cannot be requested', () => {
    expect(AGENT_STATE_FROM_WIRE.loggedOn).toEqual({ state: 'notReady', reason: 'loggedOn' });
    expect(wireAgentState('notReady', 'loggedOn')).toBe('loggedOn');
    expect(wireAgentState('notReady', 'ringNoAnswer')).toBe('notReady');
    expect(AGENT_STATE_FROM_WIRE.null).toBeUndefined();
    expect(AGENT_STATE_FROM_WIRE.busy).toBeUndefined();
    for (const s of TS_AGENT_STATES) for (const p of PERMITTED_AGENT_STATES[s]) expect(AGENT_STATE_FROM_WIRE[p], `${s} permits ${p}`).toBeDefined();
  });
});

describe('formats', () => {
  it('writes percentages as XER reals and durations as HH:MM:SS', () => {
    expect(xerReal(100)).toBe('1.0E2');
    expect(xerReal(0)).toBe('0');
    expect(xerReal(50)).toBe('5.0E1');
    expect(xerReal(33.333)).toBe('3.333E1');
    expect(xerReal(0.5)).toBe('5.0E-1');
    expect(hms(0)).toBe('00:00:00');
    expect(hms(421_000)).toBe('00:07:01');
    expect(hms(15_023_000)).toBe('04:10:23');
    expect(hms(400 * 3600_000)).toBe('400:00:00');
  });

  it('reads and writes wall-clock times in the configured zone', () => {
    const t = zonedTime(2009, 11, 9, 11, 13, 'Europe/Helsinki');
    expect(new Date(t).toISOString()).toBe('2009-11-09T09:13:00.000Z');
    expect(formatDateTime(t, 'Europe/Helsinki')).toBe('2009-11-09T11:13:00');
    expect(parseLocalDate('2009-02-30', 0, 'UTC')).toBeUndefined();
  });
});

describe('device views', () => {
  const party = (p: Partial<PartyView> & Pick<PartyView, 'legId' | 'number' | 'role' | 'state'>): PartyView =>
    ({ internal: /^\d{4}$/.test(p.number), joinedAt: 0, ip: '10.0.0.1', port: 1, ...p }) as PartyView;
  const call = (id: string, parties: PartyView[]): CallView =>
    ({ id, sipCallId: id, reference: 77, direction: 'inbound', parties, dialled: '1101', acd: false, conference: false, attached: {}, gateway: { ip: '', port: 0 }, mrs: { ip: '', port: 0 }, codec: 'G711', recording: { state: 'off' }, monitors: [], state: 'active', createdAt: 0 }) as unknown as CallView;
  const ev = (change: CallEvent['change'], c: CallView, legs: string[] = []): CallEvent => ({ type: 'call', change, call: c, legs });

  it('writes a withheld caller as *****-<call reference>', () => {
    const views = new DeviceViews({ now: () => 0, findCall: () => undefined, isRoutingPoint: () => false, presentFirstOther: true });
    const [u] = views.apply(ev('alerting', call('c1', [party({ legId: 'x', number: '', role: 'caller', state: 'initiated' }), party({ legId: 'a', number: '1101', role: 'called', state: 'alerting' })]), ['a']));
    expect(u?.report.prim?.other).toBe('*****-77');
  });

  it('gives a device the smallest free call id and shows the changed call as secondary beyond two calls', () => {
    const views = new DeviceViews({ now: () => 0, findCall: () => undefined, isRoutingPoint: () => false, presentFirstOther: true });
    const ringing = (id: string, leg: string, from: string) => call(id, [party({ legId: `${leg}-c`, number: from, role: 'caller', state: 'initiated' }), party({ legId: leg, number: '1101', role: 'called', state: 'alerting' })]);
    expect(views.apply(ev('alerting', ringing('c1', 'l1', '+1')))[0]?.report.id).toBe(1);
    expect(views.apply(ev('alerting', ringing('c2', 'l2', '+2')))[0]?.report.sec?.other).toBe('+2');
    const third = views.apply(ev('alerting', ringing('c3', 'l3', '+3')))[0];
    expect(third?.report.id).toBe(1);
    expect(third?.report.sec?.other).toBe('+3');
    // The first call ends: its id is free again for the next call.
    const ended = call('c1', [party({ legId: 'l1-c', number: '+1', role: 'caller', state: 'ended' }), party({ legId: 'l1', number: '1101', role: 'called', state: 'ended', cause: 'droppedByOtherParty' })]);
    const cleared = views.apply(ev('ended', ended))[0];
    expect(cleared?.report.prim?.state).toBe('cleared');
    expect(cleared?.report.prim?.cause).toBe('droppedByOtherParty');
    expect(views.apply(ev('alerting', ringing('c4', 'l4', '+4')))[0]?.report.id).toBe(1);
    expect(views.reports('1101').map((r) => r.id)).toEqual([1, 3]);
  });
});
