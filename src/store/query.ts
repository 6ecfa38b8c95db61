/**
 * Search criteria → conditions: each a parameterised filter on `recording AS r` and, when an index serves it, how it
 * could drive the search (see planner.ts). The SQL text depends only on which criteria are present (lists travel as
 * one JSON parameter through `json_each`), so the prepared-statement cache stays small and no value ever becomes SQL.
 */
import {
  ArchiveError,
  DEFAULT_PAGE_SIZE,
  MAX_METADATA_CRITERIA,
  MAX_PAGE_SIZE,
  REASON_CODES,
  RECORDING_SOURCES,
  RECORDING_STATES,
  RETENTION_STATES,
  type PageRequest,
  type RecordingQuery,
} from './types.js';
import * as v from './validate.js';

/**
 * An access path that can drive a search (see planner.ts), with its own WHERE terms (`d` is the child table of a
 * link, `r` the recording):
 * - `index`: walk `recording` through `index`. `ordered` when it yields entries in id order (an equality on the
 *   index's columns: each index ends in the rowid), so a page stops after `limit` matches; otherwise (a time range,
 *   a list of agents) every entry it yields is read and sorted.
 * - `link`: walk a child table (`recording_metadata`, `recording_reason`) through `index`, whose last column is
 *   `recording_id`: with `where` fixing the others, entries come in id order.
 */
export type Driver =
  | { kind: 'index'; index: string; ordered: boolean; where: string; params: unknown[] }
  | { kind: 'link'; table: 'recording_metadata' | 'recording_reason'; index: string; ordered: true; where: string; params: unknown[] }
  | ZoneDriver;

/**
 * A period walked zone by zone (schema version 2, `recording_zone z`): `where` picks the zones whose start times
 * meet the period; each zone's rows are then read by rowid, so entries come in id order.
 */
export interface ZoneDriver {
  kind: 'zone';
  index: 'recording_zone';
  ordered: true;
  where: string;
  params: unknown[];
}

/** A criterion as a boolean SQL expression over `r`. */
export interface Condition {
  filter: string;
  params: unknown[];
}

export interface Criteria {
  /** Every criterion; a row matches when all hold. */
  conditions: Condition[];
  /** The ways the search could be driven (none: walk the table in id order). */
  drivers: Driver[];
}

/** Equality criteria on one column each; `index` when the column has one. */
const EQUAL_COLUMNS: readonly { key: keyof RecordingQuery; col: string; index?: string }[] = [
  { key: 'callId', col: 'call_id', index: 'recording_by_call' },
  { key: 'sipCallId', col: 'sip_call_id', index: 'recording_by_sip_call' },
  { key: 'acdCallId', col: 'acd_call_id', index: 'recording_by_acd_call' },
  { key: 'ani', col: 'ani', index: 'recording_by_ani' },
  { key: 'dnis', col: 'dnis', index: 'recording_by_dnis' },
  { key: 'userName', col: 'user_name', index: 'recording_by_user_name' },
  { key: 'audioFile', col: 'audio_file', index: 'recording_by_audio_file' },
  { key: 'extension', col: 'extension' },
];

/** Criteria that take one value or a list. */
const LIST_COLUMNS: readonly { key: keyof RecordingQuery; col: string; index?: string; check: (f: string, x: unknown) => string }[] = [
  { key: 'userId', col: 'user_id', index: 'recording_by_user', check: (f, x) => v.text(f, x) },
  { key: 'source', col: 'source', check: (f, x) => v.oneOf(f, RECORDING_SOURCES, x) },
  { key: 'state', col: 'state', check: (f, x) => v.oneOf(f, RECORDING_STATES, x) },
  { key: 'retention', col: 'retention', check: (f, x) => v.oneOf(f, RETENTION_STATES, x) },
];

/** Known criteria names: anything else is refused, so a misspelt criterion never silently matches everything. */
const KNOWN = new Set<string>([
  ...EQUAL_COLUMNS.map((c) => c.key),
  ...LIST_COLUMNS.map((c) => c.key),
  'reason',
  'hasScreen',
  'hasAudio',
  'startFrom',
  'startBefore',
  'metadata',
]);

function indexDriver(index: string, ordered: boolean, c: Condition): Driver {
  return { kind: 'index', index, ordered, where: c.filter, params: c.params };
}

/**
 * @throws ArchiveError `invalidInput` for an unknown criterion or a value of the wrong type or size.
 */
export function criteria(query: RecordingQuery): Criteria {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new ArchiveError('invalidInput', 'query must be an object');
  const q = query as Record<string, unknown>;
  for (const k of Object.keys(q)) {
    if (!KNOWN.has(k)) throw new ArchiveError('invalidInput', `unknown search criterion "${k}"`);
  }
  const conditions: Condition[] = [];
  const drivers: Driver[] = [];
  for (const { key, col, index } of EQUAL_COLUMNS) {
    if (q[key] === undefined) continue;
    const c = { filter: `r.${col} = ?`, params: [v.text(key, q[key])] };
    conditions.push(c);
    if (index) drivers.push(indexDriver(index, true, c));
  }
  let agents: Condition | undefined;
  for (const { key, col, index, check } of LIST_COLUMNS) {
    if (q[key] === undefined) continue;
    const values = v.list(key, q[key] as string | string[], check);
    const one = values.length === 1;
    const c = one
      ? { filter: `r.${col} = ?`, params: [values[0]] }
      : { filter: `r.${col} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(values)] };
    conditions.push(c);
    if (index) drivers.push(indexDriver(index, one, c));
    if (key === 'userId') agents = c;
  }
  const period = startRange(q);
  if (period) {
    const range = period.condition;
    conditions.push(range);
    drivers.push(zoneDriver(period.from, period.before));
    drivers.push(indexDriver('recording_by_start', false, range));
    // An agent's (or a team's) recordings in a period, the commonest archive search: one index gives exactly them.
    if (agents) {
      const both = { filter: `${agents.filter} AND ${range.filter}`, params: [...agents.params, ...range.params] };
      drivers.push(indexDriver('recording_by_user_start', false, both));
    }
  }
  if (q['hasScreen'] !== undefined) conditions.push({ filter: 'r.has_screen = ?', params: [v.flag('hasScreen', q['hasScreen']) ? 1 : 0] });
  if (q['hasAudio'] !== undefined) {
    conditions.push({ filter: v.flag('hasAudio', q['hasAudio']) ? 'r.audio_file IS NOT NULL' : 'r.audio_file IS NULL', params: [] });
  }
  if (q['reason'] !== undefined) {
    const reason = v.oneOf('reason', REASON_CODES, q['reason']);
    conditions.push({ filter: 'EXISTS (SELECT 1 FROM recording_reason x WHERE x.recording_id = r.id AND x.reason = ?)', params: [reason] });
    drivers.push({ kind: 'link', table: 'recording_reason', index: 'recording_reason_by_reason', ordered: true, where: 'd.reason = ?', params: [reason] });
  }
  if (q['metadata'] !== undefined) {
    for (const [key, value] of metadataPairs(q['metadata'])) {
      conditions.push({
        filter: 'EXISTS (SELECT 1 FROM recording_metadata m WHERE m.recording_id = r.id AND m.key = ? AND m.value = ?)',
        params: [key, value],
      });
      const where = 'd.key = ? AND d.value = ?';
      drivers.push({ kind: 'link', table: 'recording_metadata', index: 'recording_metadata_by_value', ordered: true, where, params: [key, value] });
    }
  }
  return { conditions, drivers };
}

/**
 * `${atLeast} >= from AND ${below} < before`, either side absent when its bound is: a period on the start time, or on
 * the start times of a zone (the zone meets the period when its latest start is at least `from` and its earliest
 * before `before`).
 */
function period(from: number | undefined, before: number | undefined, atLeast: string, below: string): Condition {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (from !== undefined) {
    parts.push(`${atLeast} >= ?`);
    params.push(from);
  }
  if (before !== undefined) {
    parts.push(`${below} < ?`);
    params.push(before);
  }
  return { filter: parts.join(' AND '), params };
}

function startRange(q: Record<string, unknown>): { condition: Condition; from?: number; before?: number } | undefined {
  const from = q['startFrom'] === undefined ? undefined : v.time('startFrom', q['startFrom']);
  const before = q['startBefore'] === undefined ? undefined : v.time('startBefore', q['startBefore']);
  if (from === undefined && before === undefined) return undefined;
  return { condition: period(from, before, 'r.start_time', 'r.start_time'), from, before };
}

/** The zones that can hold entries starting in [from, before) (either may be absent, not both). */
function zoneDriver(from: number | undefined, before: number | undefined): ZoneDriver {
  const meet = period(from, before, 'z.max_start', 'z.min_start');
  return { kind: 'zone', index: 'recording_zone', ordered: true, where: meet.filter, params: meet.params };
}

function metadataPairs(items: unknown): [string, string][] {
  if (!Array.isArray(items)) throw new ArchiveError('invalidInput', 'metadata must be a list of {key, value}');
  if (items.length > MAX_METADATA_CRITERIA) throw new ArchiveError('invalidInput', `metadata lists at most ${MAX_METADATA_CRITERIA} criteria`);
  return items.map((item: unknown, i): [string, string] => {
    const { key, value } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    return [v.metadataKey(`metadata[${i}].key`, key), v.metadataValue(`metadata[${i}].value`, value)];
  });
}

export interface Paging {
  afterId?: number;
  limit: number;
  order: 'asc' | 'desc';
}

/** @throws ArchiveError `invalidInput` for a bad boundary, page size or order. */
export function paging(page: PageRequest | undefined): Paging {
  if (page !== undefined && (typeof page !== 'object' || page === null)) throw new ArchiveError('invalidInput', 'page must be an object');
  const p = (page ?? {}) as Record<string, unknown>;
  const out: Paging = {
    limit: p['limit'] === undefined ? DEFAULT_PAGE_SIZE : v.count('limit', p['limit']),
    order: p['order'] === undefined ? 'asc' : v.oneOf('order', ['asc', 'desc'] as const, p['order']),
  };
  if (out.limit < 1 || out.limit > MAX_PAGE_SIZE) throw new ArchiveError('invalidInput', `limit must be 1 … ${MAX_PAGE_SIZE}`);
  // 0 is a valid boundary: "after id 0" is the first page.
  if (p['afterId'] !== undefined) out.afterId = v.count('afterId', p['afterId']);
  return out;
}
