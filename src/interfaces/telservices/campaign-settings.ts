/**
 * Campaign settings (seed "StartRoutingPoint" config) and the parsers for their text forms: workingHours
 * "8:30/12:00,12/17", nonWorkingDaysOfWeek "1,7" (1 = Sunday), nonWorkingDays "25-12" (day-month).
 */
import { TsError } from './errors.js';
import type { Distribution, RoutingPointConfigInput } from './requests.js';

export interface CampaignSettings {
  serviceTimeoutSec?: number;
  /** Minutes of the day [from, to). Empty = all day. */
  workingHours: { from: number; to: number }[];
  nonWorkingDaysOfWeek: Set<number>;
  /** "day-month" without leading zeros. */
  nonWorkingDays: Set<string>;
  noAnswerTimeoutSec: number;
  retryTimeoutSec: number;
  retryLimit: number;
  wrapUpSec: number;
  distribution: Distribution;
  queueLimitPercent: number;
  agentLoggedOnOnOpenSession: boolean;
  agentReadyOnLoggedOn: boolean;
  immediateAbandonSec: number;
}

/** Parses "8:30/12:00,12/17" (seed workingHours) into minute ranges. */
export function parseWorkingHours(text: string | undefined): { from: number; to: number }[] {
  if (text === undefined || text.trim() === '') return [];
  const minutes = (hm: string): number => {
    const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(hm.trim());
    if (!m) throw new TsError('reject', `workingHours: ${hm}`);
    const v = Number(m[1]) * 60 + Number(m[2] ?? 0);
    if (v > 24 * 60 || Number(m[2] ?? 0) > 59) throw new TsError('reject', `workingHours: ${hm}`);
    return v;
  };
  return text.split(',').map((range) => {
    const [a, b] = range.split('/');
    if (a === undefined || b === undefined) throw new TsError('reject', `workingHours: ${range}`);
    const r = { from: minutes(a), to: minutes(b) };
    if (r.to <= r.from) throw new TsError('reject', `workingHours: ${range}`);
    return r;
  });
}

export function parseDaysOfWeek(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const d of (text ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const n = Number(d);
    if (!Number.isInteger(n) || n < 1 || n > 7) throw new TsError('reject', `nonWorkingDaysOfWeek: ${d}`);
    out.add(n);
  }
  return out;
}

/** "25-12,1-1" (seed: month-day dates written day first, e.g. 25-12 for the 25th of December). */
export function parseDays(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const d of (text ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(\d{1,2})-(\d{1,2})$/.exec(d);
    const day = Number(m?.[1]);
    const month = Number(m?.[2]);
    if (!m || day < 1 || day > 31 || month < 1 || month > 12) throw new TsError('reject', `nonWorkingDays: ${d}`);
    out.add(`${day}-${month}`);
  }
  return out;
}

export type WorkingTime = Pick<CampaignSettings, 'workingHours' | 'nonWorkingDaysOfWeek' | 'nonWorkingDays'>;

/** Working time is the dialer's notion (core/dialer/schedule.ts); inbound routing points use it too. */
export { isWorkingTime } from '../../core/dialer/schedule.js';

/** `s` with the working-time fields a startRoutingPoint/updateRoutingPoint config gives parsed over it. */
export function withWorkingTime<T extends WorkingTime>(s: T, r: RoutingPointConfigInput): T {
  const out = { ...s };
  if (r.workingHours !== undefined) out.workingHours = parseWorkingHours(r.workingHours);
  if (r.nonWorkingDaysOfWeek !== undefined) out.nonWorkingDaysOfWeek = parseDaysOfWeek(r.nonWorkingDaysOfWeek);
  if (r.nonWorkingDays !== undefined) out.nonWorkingDays = parseDays(r.nonWorkingDays);
  return out;
}
