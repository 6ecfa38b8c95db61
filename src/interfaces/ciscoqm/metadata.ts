/**
 * Metadata fields and their value formats (seed 001, Metadata Command): dates `yyyy-mm-dd`; numbers that may start
 * with and contain a decimal point but not end with one nor contain a comma (`.30`, `10.7`, `2500` are valid, `30.`
 * and `2,500` are not); text without the reserved characters `&` and `=`. An empty value is always valid: it zeros
 * out the field (`key=`) or, in editMetadata, removes it. Keys are matched without regard to case, as every part of a
 * Recording API command is, and stored with the configured spelling.
 */

export type FieldType = 'number' | 'text' | 'date';

export interface MetadataField {
  /** The key as configured (QM Administrator's "Key Name"). */
  key: string;
  display: string;
  type: FieldType;
  /** Encrypted fields are kept and edited like the others but can never be searched (Server API search). */
  encrypted: boolean;
}

/** The longest value kept (the archive's limit). */
export const MAX_VALUE_LENGTH = 1024;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Seed 001 "Numbers": digits that may start with and contain one decimal point but not end with one; no comma, and
// no sign (its valid examples are `.30`, `10.7`, `2500`), so `-7` is a bad format like `2,500`.
const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;
// The reserved characters, and control characters no desktop field holds.
const NOT_TEXT = /[&=\u0000-\u001f\u007f]/;

/** Whether `value` has the field's format. */
export function validValue(type: FieldType, value: string): boolean {
  if (value === '') return true;
  if (value.length > MAX_VALUE_LENGTH) return false;
  switch (type) {
    case 'number':
      return NUMBER.test(value);
    case 'date': {
      const m = DATE.exec(value);
      return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
    }
    case 'text':
      return !NOT_TEXT.test(value);
  }
}

/**
 * Whether year, month (1-12) and day name a day of the proleptic Gregorian calendar: 2008-02-30 does not (Date.UTC
 * would roll it over to March 1st), nor does month 13 or day 0, nor year 0000 (XML Schema 1.0 §3.2.7 has no year zero).
 */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export class MetadataFields {
  private readonly byKey = new Map<string, MetadataField>();

  constructor(readonly list: readonly MetadataField[]) {
    for (const f of list) this.byKey.set(f.key.toLowerCase(), f);
  }

  /** The configured field a key names (any case), or undefined: an unknown key. */
  find(key: string): MetadataField | undefined {
    return this.byKey.get(key.toLowerCase());
  }
}
