/**
 * The numbering plan: what a dialled number reaches. A phone queue's number or a device (extension) is internal; a
 * number is external (the trunk) when it starts with `+`, starts with the trunk prefix, or has at least
 * `externalMinDigits` digits; anything else looks internal but is no device or queue, and is unobtainable, as a PBX
 * answers it (cause `destNotObtainable`). Configured in the fixture's `numbering` section.
 */
import type { ContactCenter } from './center.js';

/** Digits, `*` and `#`, optionally after a leading `+`: the shape of anything dialled. */
export const DIALLABLE = /^\+?[0-9*#]{1,32}$/;

export interface NumberingPlan {
  /** Trunk access prefix: a number starting with it goes outside (default "0"; "" for none). */
  trunkPrefix: string;
  /** A number with at least this many digits goes outside even without `+` or the prefix (default 7). */
  externalMinDigits: number;
}

export const DEFAULT_NUMBERING: NumberingPlan = { trunkPrefix: '0', externalMinDigits: 7 };

export type Destination = 'queue' | 'device' | 'external' | 'unobtainable';

/** What `number` reaches in this center (see the file comment); a malformed number is unobtainable. */
export function destinationOf(cc: ContactCenter, plan: NumberingPlan, number: string): Destination {
  if (cc.queueAt(number)?.channel === 'phone') return 'queue';
  if (cc.devices.has(number)) return 'device';
  if (!DIALLABLE.test(number)) return 'unobtainable';
  if (number.startsWith('+')) return 'external';
  if (plan.trunkPrefix !== '' && number.startsWith(plan.trunkPrefix)) return 'external';
  if (/^[0-9]+$/.test(number) && number.length >= plan.externalMinDigits) return 'external';
  return 'unobtainable';
}
