/**
 * Input checks for the archive. Every value reaches SQLite as a bound parameter, never as SQL text; these checks keep
 * out what a parameter cannot: wrong types, unbounded sizes, NUL characters, paths that leave the archive's directory.
 * Each failure is an ArchiveError `invalidInput` naming the field, thrown before anything changes.
 */
import { isAbsolute, normalize, sep } from 'node:path';
import {
  ArchiveError,
  MAX_METADATA_ITEMS,
  MAX_METADATA_KEY_LENGTH,
  MAX_METADATA_VALUE_LENGTH,
  MAX_TEXT_LENGTH,
  type MetadataChange,
  type MetadataItem,
  type OneOrMany,
  type RecordingAgent,
} from './types.js';

function invalid(field: string, why: string): ArchiveError {
  return new ArchiveError('invalidInput', `${field} ${why}`);
}

/** A string of 1 … `max` characters without NUL. */
export function text(field: string, v: unknown, max = MAX_TEXT_LENGTH): string {
  if (typeof v !== 'string') throw invalid(field, 'must be a string');
  if (v.length === 0) throw invalid(field, 'must not be empty');
  if (v.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (v.includes('\0')) throw invalid(field, 'must not contain NUL');
  return v;
}

/** `undefined` stays `undefined`; anything else must be {@link text}. */
export function optionalText(field: string, v: unknown, max = MAX_TEXT_LENGTH): string | undefined {
  return v === undefined ? undefined : text(field, v, max);
}

/** A time in ms since the epoch: a safe, non-negative integer. */
export function time(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(field, 'must be a non-negative integer (ms)');
  return v;
}

/** A recording id: a positive safe integer. */
export function recordingId(v: unknown, field = 'id'): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw invalid(field, 'must be a positive integer');
  return v;
}

export function count(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(field, 'must be a non-negative integer');
  return v;
}

export function flag(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalid(field, 'must be true or false');
  return v;
}

/** One of `allowed`. */
export function oneOf<T extends string>(field: string, allowed: readonly T[], v: unknown): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw invalid(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** A value or a non-empty list of values, each checked by `check`, as a list. */
export function list<T>(field: string, v: OneOrMany<T>, check: (field: string, x: unknown) => T): T[] {
  if (!Array.isArray(v)) return [check(field, v)];
  if (v.length === 0) throw invalid(field, 'must not be an empty list');
  if (v.length > 1000) throw invalid(field, 'must list at most 1000 values');
  return v.map((x: unknown) => check(field, x));
}

export function agent(field: string, v: unknown): RecordingAgent {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(field, 'must be an object');
  const a = v as Record<string, unknown>;
  const out: RecordingAgent = { userId: text(`${field}.userId`, a['userId']) };
  for (const k of ['userName', 'firstName', 'lastName', 'extension'] as const) {
    const x = optionalText(`${field}.${k}`, a[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

export function metadataKey(field: string, v: unknown): string {
  return text(field, v, MAX_METADATA_KEY_LENGTH);
}

/** A metadata value: a string (empty allowed: seed 001 "key=" zeros the value) of bounded length, without NUL. */
export function metadataValue(field: string, v: unknown): string {
  if (typeof v !== 'string') throw invalid(field, 'must be a string');
  if (v.length > MAX_METADATA_VALUE_LENGTH) throw invalid(field, `must be at most ${MAX_METADATA_VALUE_LENGTH} characters`);
  if (v.includes('\0')) throw invalid(field, 'must not contain NUL');
  return v;
}

/**
 * A list of metadata changes with distinct keys. Keys are data, never object properties, so `__proto__` or
 * `constructor` is an ordinary key.
 */
export function metadataChanges(field: string, v: unknown, allowRemove: boolean): MetadataChange[] {
  if (!Array.isArray(v)) throw invalid(field, 'must be a list of {key, value}');
  if (v.length > MAX_METADATA_ITEMS * 4) throw invalid(field, 'lists too many items');
  const seen = new Set<string>();
  return v.map((item: unknown, i): MetadataChange => {
    if (typeof item !== 'object' || item === null) throw invalid(`${field}[${i}]`, 'must be {key, value}');
    const { key, value } = item as Record<string, unknown>;
    const k = metadataKey(`${field}[${i}].key`, key);
    if (seen.has(k)) throw invalid(`${field}[${i}].key`, `repeats "${k}"`);
    seen.add(k);
    if (value === null && allowRemove) return { key: k, value: null };
    return { key: k, value: metadataValue(`${field}[${i}].value`, value) };
  });
}

export function metadataItems(field: string, v: unknown): MetadataItem[] {
  return metadataChanges(field, v, false) as MetadataItem[];
}

/**
 * An audio file path relative to the archive's directory: no absolute path, no `..`, no backslash (one spelling
 * per file on every platform), normalised (so one file has one catalogue spelling).
 */
export function audioFile(field: string, v: unknown): string {
  const f = text(field, v);
  if (isAbsolute(f) || f.includes('\\') || normalize(f) !== f || f.split(sep).some((p) => p === '..' || p === '.' || p === '')) {
    throw invalid(field, 'must be a plain relative path inside the archive directory');
  }
  return f;
}
