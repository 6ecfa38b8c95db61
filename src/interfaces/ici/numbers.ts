/**
 * Phone numbers between the core and SAP CRM. CRM takes only `+` and digits (§1.2's one fault example is CRM-side
 * "Other characters than +1234567890 in phone number"), so every number ICI writes is canonical: `+` and digits.
 * Incoming numbers are normalised as OII does (§4.3.1): `OII.IDD` first (`001234567` → `+1234567`), then a single
 * leading 0 with `OII.Country` (`01234567` → `+491234567`); an internal short number (extension, queue) gets a `+`
 * in front, as the seed's lines and addresses are written (`+129`). Numbers CRM sends are mapped back: `+` and the
 * digits of an extension or queue reach that extension or queue; an outside number is dialled as given, or without
 * its `+` when `OII.RemovePlusPrefix` is set (national or international prefix instead).
 */
import { IciError, ICI_ERRORS } from './faults.js';

export interface NumberPlan {
  /** OII.IDD, e.g. "00". */
  idd: string;
  /** OII.Country, e.g. "49". */
  country: string;
  /** OII.RemovePlusPrefix. */
  removePlusPrefix: boolean;
}

/** What the core knows about a number: an extension or a phone queue's number. */
export type IsInternal = (number: string) => boolean;

const DIGITS = /[^0-9]/g;
/** Already `+` and digits, or digits only: what the core writes nearly always (every event writes a few numbers). */
const PLAIN = /^\+?[0-9]+$/;

/** The canonical form (`+` and digits) of a number from the core; '' for none. */
export function canonical(number: string | undefined, plan: NumberPlan): string {
  if (number === undefined) return '';
  if (PLAIN.test(number)) return number.startsWith('+') ? number : fromDigits(number, plan);
  const n = number.trim();
  if (n === '') return '';
  const digits = n.replace(DIGITS, '');
  if (digits === '') return '';
  if (n.startsWith('+')) return `+${digits}`;
  return fromDigits(digits, plan);
}

/** A number written without `+`: OII.IDD, then a single leading 0 with OII.Country, else a short internal number. */
function fromDigits(digits: string, plan: NumberPlan): string {
  if (plan.idd !== '' && digits.startsWith(plan.idd)) return `+${digits.slice(plan.idd.length)}`;
  if (digits.startsWith('0') && digits.length > 1) return `+${plan.country}${digits.slice(1)}`;
  return `+${digits}`;
}

/** CRM's numbers: digits with at most a leading `+` (§1.2); anything else is the seed's area 5 / error 2. */
export const CRM_NUMBER = /^\+?[0-9]{1,32}$/;

/**
 * A number CRM sent (dialNumber, lineNumber, destination, remoteNumber) as the core writes it. Throws the seed's
 * "Other characters than +1234567890 in phone number" for anything but digits after an optional `+`.
 */
export function toCore(number: string, plan: NumberPlan, isInternal: IsInternal): string {
  const n = number.trim();
  if (!CRM_NUMBER.test(n)) throw new IciError(ICI_ERRORS.phoneNumberCharacters, number.slice(0, 40));
  if (!n.startsWith('+')) return n;
  const digits = n.slice(1);
  if (isInternal(digits)) return digits;
  if (!plan.removePlusPrefix) return n;
  return digits.startsWith(plan.country) ? `0${digits.slice(plan.country.length)}` : `${plan.idd}${digits}`;
}
