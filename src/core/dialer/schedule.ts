/**
 * When a call list may dial: working hours of the day, days of the week and days of the year not worked, in a time
 * zone. The shape follows TelServices' campaign settings (seed 003 "StartRoutingPoint": workingHours,
 * nonWorkingDaysOfWeek, nonWorkingDays), which any caller can fill.
 */
import { localParts } from '../local-time.js';

export interface WorkingTime {
  /** Minutes of the local day, [from, to); empty: the whole day. */
  workingHours: { from: number; to: number }[];
  /** Days of the week not worked, 1 = Sunday … 7 = Saturday. */
  nonWorkingDaysOfWeek: ReadonlySet<number>;
  /** Days of the year not worked, "day-month" without leading zeros ("25-12"). */
  nonWorkingDays: ReadonlySet<string>;
}

/** A working time in a time zone (IANA name). */
export interface Schedule extends WorkingTime {
  timeZone: string;
}

/** Whether `atMs` (epoch ms) falls in working time in `timeZone`. */
export function isWorkingTime(s: WorkingTime, atMs: number, timeZone: string): boolean {
  const p = localParts(atMs, timeZone);
  if (s.nonWorkingDaysOfWeek.has(p.weekday)) return false;
  if (s.nonWorkingDays.has(`${p.day}-${p.month}`)) return false;
  if (s.workingHours.length === 0) return true;
  const minute = p.hour * 60 + p.minute;
  return s.workingHours.some((r) => minute >= r.from && minute < r.to);
}
