/**
 * Chooses which condition drives a search, and writes the SQL that walks it.
 *
 * Why not leave it to SQLite's planner: its statistics describe averages, and the archive's data is skewed. A
 * metadata pair such as custID=4242 matches a handful of recordings while cardType=VISA matches a third of them;
 * both look alike to `sqlite_stat1` ((key, value) → "3 rows"), so SQLite drives "cardType=AMEX AND agent X" from the
 * metadata index and probes 33,000 entries (85 ms at 100,000 recordings) instead of walking the agent's 200. Here
 * each candidate's size is measured with a bounded count (an index walk of at most a thousand entries, about 0.1 ms)
 * and the plan is pinned with INDEXED BY / NOT INDEXED / CROSS JOIN, so one page costs at most a few thousand index
 * entries whatever the values.
 *
 * Candidates (see Driver in query.ts): an ordered driver yields entries in id order, so the walk stops at the page's
 * end; an unordered one (a time range, a team's agents, an agent in a period) is read whole and sorted, so it is used
 * only when small. With no usable candidate the table is walked in id order, filtering.
 */
import type { Criteria, Driver, Paging, ZoneDriver } from './query.js';
import { ZONE_BITS } from './schema.js';

/** Bounded counts: enough to tell a selective driver from a broad one. */
const ORDERED_CAP = 1000;
/** An unordered driver is read whole and sorted: used only below this size. */
const SORTED_CAP = 20_000;
/** Reading and sorting an entry costs about this many ordered index steps. */
const SORT_FACTOR = 2;

/** Runs a counting statement; the planner knows SQL, not the connection. */
export type CountFn = (sql: string, params: unknown[]) => number;

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Where a walk starts and which way it goes, and the page's size (absent when every match is wanted: a count). */
type Bound = Pick<Paging, 'afterId' | 'order'> & { limit?: number };

/** The column that holds the recording id in a walk driven by `d`. */
function idColumn(d: Driver | undefined): string {
  return d?.kind === 'link' ? 'd.recording_id' : 'r.id';
}

/** The zone of an id (schema.ts, version 2). */
const zoneOf = (id: number): number => Math.floor(id / 2 ** ZONE_BITS);

/**
 * The page boundary as a WHERE term on the walk's id column; a zone walk also starts at the boundary's zone, so the
 * zones before it are not visited at all.
 */
function boundary(d: Driver | undefined, p: Bound): Statement | undefined {
  if (p.afterId === undefined) return undefined;
  const [beyond, from] = p.order === 'asc' ? ['>', '>='] : ['<', '<='];
  if (d?.kind === 'zone') return { sql: `z.zone ${from} ? AND r.id ${beyond} ?`, params: [zoneOf(p.afterId), p.afterId] };
  return { sql: `${idColumn(d)} ${beyond} ?`, params: [p.afterId] };
}

/**
 * A LIMIT clause with its number in the SQL text, never a bound parameter: SQLite's planner reads a bound LIMIT's
 * value, so binding it again expires the statement and every run prepared it anew (6-40 µs, more than a small search
 * costs). `n` is a whole number the planner computed (never client text), so the SQL text is still value-free.
 */
function limitClause(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`planner: LIMIT ${n}`);
  return `LIMIT ${n}`;
}

/**
 * How many entries `d` yields beyond the boundary, counting no further than `cap`. The count runs to `cap` rounded up
 * to a power of two (a handful of statement texts rather than one per cap) and is cut back to `cap`.
 */
function boundedCount(d: Driver, p: Bound, cap: number, count: CountFn): number {
  const from = d.kind === 'link' ? `${d.table} d INDEXED BY ${d.index}` : `recording r INDEXED BY ${d.index}`;
  const b = boundary(d, p);
  const where = b ? `${d.where} AND ${b.sql}` : d.where;
  const rounded = 2 ** Math.ceil(Math.log2(cap));
  return Math.min(cap, count(`SELECT count(*) FROM (SELECT 1 FROM ${from} WHERE ${where} ${limitClause(rounded)})`, [...d.params, ...(b?.params ?? [])]));
}

/** Rows of a zone walk read to see how dense matches are where it starts: two zones. */
const PROBE_ROWS = 2 * 2 ** ZONE_BITS;

/** The rows of the zone `z` (joined inside it by rowid range). */
const ZONE_ROWS = `r.id BETWEEN z.zone << ${ZONE_BITS} AND (z.zone << ${ZONE_BITS}) + ${2 ** ZONE_BITS - 1}`;

/**
 * The rows a zone walk reads for a page. The zones meeting the period (a count over the zone table: a few hundred rows
 * at 100,000 recordings) hold at most 256 rows each. How many of those the page needs depends on how dense matches
 * are, every criterion counted (a team of 10 agents among 500 is one row in 50): the first {@link PROBE_ROWS} rows the
 * walk would read are tested against them all, and a page of `limit` is expected after limit × probed / hits rows.
 * Without a page (a count), or with no hit in the probe, every row of the meeting zones.
 */
function zoneCost(d: ZoneDriver, c: Criteria, p: Bound, count: CountFn): number {
  const op = p.order === 'asc' ? '>=' : '<=';
  const [zb, zbp] = p.afterId === undefined ? ['', []] : [` AND z.zone ${op} ?`, [zoneOf(p.afterId)]];
  const meeting = count(`SELECT count(*) FROM recording_zone z WHERE ${d.where}${zb}`, [...d.params, ...zbp]);
  const rows = meeting * 2 ** ZONE_BITS;
  if (meeting === 0 || p.limit === undefined) return rows;
  const hit = c.conditions.length ? c.conditions.map((x) => `(${x.filter})`).join(' AND ') : '1';
  const b = boundary(d, p);
  const hits = count(
    `SELECT count(*) FROM (SELECT ${hit} AS hit FROM recording_zone z CROSS JOIN recording r NOT INDEXED ` +
      `WHERE ${d.where} AND ${ZONE_ROWS}${b ? ` AND ${b.sql}` : ''} ORDER BY ${orderBy(d, p.order)} ${limitClause(PROBE_ROWS)}) WHERE hit`,
    [...c.conditions.flatMap((x) => x.params), ...d.params, ...(b?.params ?? [])],
  );
  return hits === 0 ? rows : Math.min(rows, Math.ceil(((p.limit + 1) * Math.min(rows, PROBE_ROWS)) / hits));
}

/**
 * The driver to walk, or undefined for the table in id order. Ordered drivers are counted first (up to the best so
 * far), then a period's zones (when the best so far reads more than a page), then unordered drivers only up to what
 * would still beat the best, so the counting itself stays cheap.
 */
export function chooseDriver(c: Criteria, p: Bound, count: CountFn): Driver | undefined {
  const drivers = c.drivers;
  const only = drivers[0];
  if (drivers.length === 1 && only?.ordered) return only;
  let best: Driver | undefined;
  let bestCost = Infinity;
  const rank = (x: Driver): number => (x.kind === 'zone' ? 1 : x.ordered ? 0 : 2);
  for (const d of [...drivers].sort((a, b) => rank(a) - rank(b))) {
    if (bestCost === 0) break; // an empty driver: nothing can match
    if (d.kind === 'zone') {
      // An ordered driver that reads no more than a page is as good as a walk gets.
      if (p.limit !== undefined && bestCost <= p.limit + 1) continue;
      const cost = zoneCost(d, c, p, count);
      if (cost < bestCost) [best, bestCost] = [d, cost];
      continue;
    }
    const limit = d.ordered ? Math.min(ORDERED_CAP, bestCost) : Math.min(SORTED_CAP, Math.ceil(bestCost / SORT_FACTOR));
    if (limit <= 0) continue;
    const n = boundedCount(d, p, limit, count);
    // An ordered walk stops when the page is full: its count is an upper bound of its cost. Reaching the cap
    // still leaves it usable; an unordered driver at its cap is too broad to sort (or no better than the best).
    const cost = d.ordered ? n : n >= limit ? Infinity : n * SORT_FACTOR;
    if (cost < bestCost || (best === undefined && d.ordered)) [best, bestCost] = [d, cost];
  }
  return best;
}

/** FROM and WHERE of a walk driven by `d` (or the table in id order) with every criterion as a filter. */
function walk(c: Criteria, d: Driver | undefined, b: Statement | undefined): { from: string; where: string; params: unknown[] } {
  const terms = c.conditions.map((x) => x.filter);
  const params = c.conditions.flatMap((x) => x.params);
  let from: string;
  let own = d ? [d.where] : [];
  if (d?.kind === 'link') {
    // CROSS JOIN fixes the order (SQLite never reorders it): the child index outside, the recording by rowid inside.
    from = `${d.table} d INDEXED BY ${d.index} CROSS JOIN recording r NOT INDEXED ON r.id = d.recording_id`;
  } else if (d?.kind === 'zone') {
    // The zones outside in zone order, each zone's rows inside by rowid range: ids in order, no sort.
    from = 'recording_zone z CROSS JOIN recording r NOT INDEXED';
    own = [d.where, ZONE_ROWS];
  } else {
    // NOT INDEXED still allows rowid ranges (the page boundary).
    from = d ? `recording r INDEXED BY ${d.index}` : 'recording r NOT INDEXED';
  }
  // The driver's own terms first: they are what the index seeks on (repeated among the filters, harmlessly).
  const all = [...own, ...terms, ...(b ? [b.sql] : [])];
  return {
    from,
    where: all.length ? `WHERE ${all.join(' AND ')}` : '',
    params: [...(d?.params ?? []), ...params, ...(b?.params ?? [])],
  };
}

/** ORDER BY of a walk driven by `d`: a zone walk is in id order zone by zone. */
function orderBy(d: Driver | undefined, order: Paging['order']): string {
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  return d?.kind === 'zone' ? `z.zone ${dir}, r.id ${dir}` : `${idColumn(d)} ${dir}`;
}

/**
 * The ids of one page (`limit + 1` rows, to tell whether another page follows). The page size is in the SQL text
 * (see {@link limitClause}): one statement per page size in use, each prepared once.
 */
export function pageIds(c: Criteria, p: Paging, count: CountFn): Statement {
  const d = chooseDriver(c, p, count);
  const w = walk(c, d, boundary(d, p));
  return { sql: `SELECT ${idColumn(d)} FROM ${w.from} ${w.where} ORDER BY ${orderBy(d, p.order)} ${limitClause(p.limit + 1)}`, params: w.params };
}

/** How many entries match. */
export function countAll(c: Criteria, count: CountFn): Statement {
  const d = chooseDriver(c, { order: 'asc' }, count);
  const w = walk(c, d, undefined);
  // Without a driver no order is needed: SQLite counts through its smallest index.
  return { sql: `SELECT count(*) FROM ${d ? w.from : 'recording r'} ${w.where}`, params: w.params };
}
