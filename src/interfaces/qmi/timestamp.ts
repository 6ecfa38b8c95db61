/**
 * CallInfoParams `TimeStamp` (QMI 5.2.1 "the time stamp of the notification"). The seed's only value is
 * `2009-03-31T12:59:59.9999`: wall-clock time with four fraction digits and no zone, which is what ccgate writes by
 * default, in UTC unless `qmi.timeZone` names another zone. `qmi.timeStamp` `iso8601` writes ISO 8601 with the zone
 * instead (`…Z` in UTC, else the zone's offset, e.g. `2026-01-05T11:00:00.000+02:00`).
 */

import { checkTimeZone, localParts } from '../../core/index.js';

export type TimeStampFormat = 'seed' | 'iso8601';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Milliseconds to add to UTC to get the zone's wall clock at `at` (the core's ECMA-402 wall-clock parts). */
function zoneOffsetMs(timeZone: string, at: number): number {
  const p = localParts(at, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * Returns a writer of TimeStamp values: `at` in ms since the epoch → text. Throws RangeError for an unknown zone
 * (the config schema refuses one at start-up, naming `qmi.timeZone`).
 */
export function timeStampWriter(format: TimeStampFormat, timeZone = 'UTC'): (at: number) => string {
  const utc = timeZone.toUpperCase() === 'UTC' || timeZone === 'Etc/UTC';
  if (utc) return format === 'seed' ? (at) => `${new Date(at).toISOString().slice(0, 23)}0` : (at) => new Date(at).toISOString();
  checkTimeZone(timeZone);
  // Zones change offset on a quarter hour of UTC (Adelaide at :30, Chatham at :45): one lookup per quarter hour.
  let quarter = NaN;
  let offset = 0;
  return (at) => {
    const q = Math.floor(at / 900_000);
    if (q !== quarter) {
      quarter = q;
      offset = zoneOffsetMs(timeZone, at);
    }
    const wall = new Date(at + offset).toISOString().slice(0, 23);
    if (format === 'seed') return `${wall}0`;
    const sign = offset < 0 ? '-' : '+';
    const minutes = Math.abs(offset) / 60_000;
    return `${wall}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  };
}
