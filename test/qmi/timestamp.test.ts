/**
 * TimeStamp (QMI 5.2.1): the seed's format `2009-03-31T12:59:59.9999` (four fraction digits, no zone), in UTC unless
 * `qmi.timeZone` says otherwise; `qmi.timeStamp` `iso8601` writes ISO 8601 with the zone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { timeStampWriter } from '../../src/interfaces/qmi/timestamp.js';
import { establishedCall, Receiver, startGateway, subscribed } from './helpers.js';

const WINTER = Date.UTC(2026, 0, 5, 9, 0, 0, 123);
const SUMMER = Date.UTC(2026, 6, 5, 9, 0, 0, 123);

describe('timeStampWriter', () => {
  it("writes the seed's format: four fraction digits, no zone, UTC by default", () => {
    expect(timeStampWriter('seed')(WINTER)).toBe('2026-01-05T09:00:00.1230');
    expect(timeStampWriter('seed')(Date.UTC(2009, 2, 31, 12, 59, 59, 999))).toMatch(/^2009-03-31T12:59:59\.9990$/);
  });

  it('writes wall-clock time of a configured zone, following its daylight saving time', () => {
    const helsinki = timeStampWriter('seed', 'Europe/Helsinki');
    expect(helsinki(WINTER)).toBe('2026-01-05T11:00:00.1230');
    expect(helsinki(SUMMER)).toBe('2026-07-05T12:00:00.1230');
    // Across the change on 2026-03-29 at 01:00 UTC (03:00 → 04:00 local), a quarter hour apart.
    expect(helsinki(Date.UTC(2026, 2, 29, 0, 59, 0))).toBe('2026-03-29T02:59:00.0000');
    expect(helsinki(Date.UTC(2026, 2, 29, 1, 0, 0))).toBe('2026-03-29T04:00:00.0000');
    // Adelaide (+10:30 in January) changes on a half hour of UTC.
    expect(timeStampWriter('seed', 'Australia/Adelaide')(Date.UTC(2026, 3, 4, 16, 29, 0))).toBe('2026-04-05T02:59:00.0000');
    expect(timeStampWriter('seed', 'Australia/Adelaide')(Date.UTC(2026, 3, 4, 16, 30, 0))).toBe('2026-04-05T02:00:00.0000');
  });

  it('writes ISO 8601 with the zone when asked', () => {
    expect(timeStampWriter('iso8601')(WINTER)).toBe('2026-01-05T09:00:00.123Z');
    expect(timeStampWriter('iso8601', 'Europe/Helsinki')(SUMMER)).toBe('2026-07-05T12:00:00.123+03:00');
    expect(timeStampWriter('iso8601', 'America/New_York')(WINTER)).toBe('2026-01-05T04:00:00.123-05:00');
    expect(timeStampWriter('iso8601', 'Asia/Kathmandu')(WINTER)).toBe('2026-01-05T14:45:00.123+05:45');
  });

  it('refuses an unknown zone at start-up, naming the key', () => {
    expect(() => loadConfig({ env: {}, overrides: { qmi: { timeZone: 'Mars/Olympus' } } })).toThrow(/qmi\.timeZone/);
    expect(() => loadConfig({ env: {}, overrides: { qmi: { timeStamp: 'rfc822' as 'seed' } } })).toThrow(/qmi\.timeStamp/);
  });
});

describe('TimeStamp on the wire', () => {
  let gw: Gateway | undefined;
  let tool: Receiver | undefined;
  afterEach(async () => {
    await gw?.close();
    await tool?.stop();
  });

  for (const [settings, want] of [
    [{}, '2026-01-05T09:00:00.1230'],
    [{ timeZone: 'Europe/Helsinki' }, '2026-01-05T11:00:00.1230'],
    [{ timeStamp: 'iso8601' as const }, '2026-01-05T09:00:00.123Z'],
    [{ timeStamp: 'iso8601' as const, timeZone: 'Europe/Helsinki' }, '2026-01-05T11:00:00.123+02:00'],
  ] as const) {
    it(`NewCall carries ${want} with ${JSON.stringify(settings)}`, async () => {
      gw = await startGateway({ qmi: settings }, new ManualClock(WINTER));
      tool = await subscribed(gw, 'ts');
      await establishedCall(gw);
      const [newcall] = await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
      expect(newcall?.fields.TimeStamp).toBe(want);
    });
  }
});
