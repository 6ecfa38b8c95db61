/**
 * Dates, times and numbers as TelServices writes them: history "yyyy-MM-dd" / "HH:mm:ss", statistics "start"
 * "2009-11-09T11:13:23", durations "HH:MM:SS", percentages as XER REALs ("1.0E2", "0"). Wall-clock values are in one
 * configured time zone (telservices.timeZone, default the host's), which campaign working hours use too.
 */

import { localParts } from '../../core/local-time.js';

export { checkTimeZone, localParts, type LocalParts } from '../../core/local-time.js';

export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

export function formatTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

export function formatDateTime(ms: number, timeZone: string): string {
  return `${formatDate(ms, timeZone)}T${formatTime(ms, timeZone)}`;
}

/** Epoch ms of a wall-clock time in the zone (two passes settle daylight-saving transitions). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let t = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(t, timeZone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    t += wanted - shown;
  }
  return t;
}

/** "yyyy-MM-dd" (already shape-checked) and an hour → epoch ms; undefined for an impossible date. */
export function parseLocalDate(date: string, hour: number, timeZone: string): number | undefined {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1) return undefined;
  return zonedTime(y, m, d, hour, 0, timeZone);
}

/** Statistics durations: "HH:MM:SS", hours growing past 99 if they must. */
export function hms(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

/**
 * A percentage as the seed writes it: the XER canonical REAL ("1.0E2" for 100, "0" for zero), to two decimals.
 * ASN.1 XER writes a non-zero real as a mantissa with one digit before the point and an exponent.
 */
export function xerReal(value: number): string {
  const x = Math.round(value * 100) / 100;
  if (x === 0 || !Number.isFinite(x)) return '0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '0', exp = '0'] = Math.abs(x).toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${sign}${m}E${Number(exp)}`;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? xerReal((part / whole) * 100) : '0';
}
