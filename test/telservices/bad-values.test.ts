/**
 * One bad value never silences a call: a character XML cannot carry is refused where it comes in (TelServices
 * `reject`, control API 400) and, when it reaches a call some other way, written as U+FFFD so every event of the call
 * still goes out. A failure to send one device's event is logged once and does not stop the other devices.
 */
import type { Logger } from 'pino';
import { request } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../../src/core/index.js';
import type { DeviceCallUpdate, DeviceViews } from '../../src/interfaces/telservices/device-view.js';
import { EventRouter } from '../../src/interfaces/telservices/event-router.js';
import type { Sessions } from '../../src/interfaces/telservices/sessions.js';
import { error, req, STANDARD, useGateway } from './helpers.js';

const { startGateway, send, ok, monitor, agentAction, gw } = useGateway();

describe('a character XML cannot carry is refused at the door', () => {
  it('GET /makeCall?extraData= with a control character answers reject on both HTTP servers and places no call', async () => {
    const g = await startGateway();
    for (const base of [g.httpUrl, `http://127.0.0.1:${g.tsPort}`]) {
      // Control characters, a noncharacter, and escapes that are not UTF-8 (which a lenient decoder keeps as text).
      for (const bad of ['a%01b', '%1B%5B2J', '%00', '%EF%BF%BF', 'order%FF42', '%ED%A0%80', 'a%']) {
        const r = await request(`${base}/makeCall?deviceNumber=1101&calledDeviceNumber=1102&extraData=${bad}`);
        expect(await r.body.text(), `${base} ${bad}`).toBe(error('reject'));
      }
    }
    expect(g.gw.center.activeCalls()).toHaveLength(0);
    // Tab, line breaks and any other Unicode text are fine.
    const good = await request(`${g.httpUrl}/makeCall?deviceNumber=1101&calledDeviceNumber=1102&extraData=${encodeURIComponent('order\t42 – Æ😀')}`);
    expect(await good.body.text()).toBe(STANDARD);
  });

  it('an XML request with a character reference to a control character answers reject', async () => {
    await startGateway();
    expect(await send('<TelServiceRequest><makeCall><deviceNumber>1101</deviceNumber><calledDeviceNumber>1102</calledDeviceNumber><extraData>a&#1;b</extraData></makeCall></TelServiceRequest>')).toBe(error('reject'));
    expect(gw().gw.center.activeCalls()).toHaveLength(0);
  });

  it('the control API answers 400 to attached data with a control character, in a value or a key', async () => {
    const g = await startGateway();
    for (const attached of [{ extraData: 'a\u0001b' }, { ['key\u0007']: 'x' }, { extraData: '\ud800' }]) {
      const r = await request(`${g.httpUrl}/api/v1/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '+358401234567', to: '2001', attached }) });
      expect(r.statusCode).toBe(400);
      expect(((await r.body.json()) as { error: string }).error).toBeTypeOf('string');
    }
    expect(g.gw.center.activeCalls()).toHaveLength(0);
  });
});

describe('a bad value that reached a call anyway', () => {
  it('is written as U+FFFD, and every later event of the call still goes out', async () => {
    const g = await startGateway();
    const at1101 = await monitor('1101');
    const at1102 = await monitor('1102');
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102', extraData: 'x' }));
    const [call] = g.gw.center.activeCalls();
    // Another way in: a simulated-world component attaches a raw value to the call.
    g.gw.center.telephony.setAttached(call?.id ?? '', { extraData: 'ab\u0001c\u001b' });
    await agentAction('MAIJA', 'answer');
    await agentAction('MAIJA', 'hold');
    await agentAction('MAIJA', 'retrieve');
    await ok(req('dropCall', { deviceNumber: '1101' }));
    const last = (await at1101.waitFor(1, (m) => m.includes('<cleared/>')))[0] ?? '';
    expect(last).toContain('<extraData>ab\uFFFDc\uFFFD</extraData>');
    // 1102: alerting, alerting again with the new data, then the rest of the call.
    const at2 = await at1102.waitFor(6, (m) => m.includes('<call>'));
    expect(at2.map((m) => /<state><(\w+)\/>/.exec(m)?.[1])).toEqual(['alerting', 'alerting', 'connected', 'hold', 'connected', 'cleared']);
    expect(at2[1]).toContain('<extraData>ab\uFFFDc\uFFFD</extraData>');
    // A snapshot of the device renders it the same way.
    await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    const [second] = g.gw.center.activeCalls();
    g.gw.center.telephony.setAttached(second?.id ?? '', { extraData: '\u0000' });
    expect(await send(req('snapshot', { deviceNumber: '1102' }))).toContain('<extraData>\uFFFD</extraData>');
  });
});

describe('one device failing does not stop the others', () => {
  it('logs one warning per event, naming the devices, and delivers to the rest', () => {
    const warn = vi.fn();
    const delivered: string[] = [];
    const update = (device: string): DeviceCallUpdate => ({
      device,
      changedState: 'alerting',
      report: { id: 1, prim: { state: 'alerting', other: '1101', added: [], durationSec: 0, isOutgoing: false, isConference: false, reference: 1 }, permitted: [] },
    });
    const router = new EventRouter({
      cc: {} as never,
      log: { warn } as unknown as Logger,
      views: { apply: () => [update('1102'), update('1103'), update('1104')] } as unknown as DeviceViews,
      sessions: {
        get: () => ({}),
        deliver: (device: string) => {
          if (device === '1103') throw new Error('socket gone');
          delivered.push(device);
        },
      } as unknown as Sessions,
      callReference: false,
      lookupFor: () => () => undefined,
      agentInfo: () => ({ state: 'null', inbound: [], outbound: [] }),
    });
    const event = { type: 'call', change: 'alerting', seq: 41 } as unknown as DomainEvent;
    router.handle(event);
    router.handle({ ...event, seq: 42 } as DomainEvent);
    expect(delivered).toEqual(['1102', '1104', '1102', '1104']);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ seq: 41, devices: ['1103'] });
  });
});
