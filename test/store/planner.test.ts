import { afterAll, describe, expect, it } from 'vitest';
import { chooseDriver, pageIds } from '../../src/store/planner.js';
import { criteria, paging } from '../../src/store/query.js';
import { RecordingArchive, type RecordingQuery } from '../../src/store/index.js';

/**
 * A CountFn that answers from a table of index sizes (capped as SQLite's LIMIT would) and logs what it was asked.
 * `recording_zone` is how many zones meet the period (default 400: every zone of 100,000 recordings) and
 * `recording_zone hits` how many of the first 512 rows the zone walk reads match every criterion (default 0).
 */
function counts(sizes: Record<string, number>): { fn: (sql: string, params: unknown[]) => number; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fn: (sql, params) => {
      if (sql.includes('FROM recording_zone')) {
        const key = sql.includes(' AS hit ') ? 'recording_zone hits' : 'recording_zone';
        asked.push(key);
        return sizes[key] ?? (key === 'recording_zone' ? 400 : 0);
      }
      const index = /INDEXED BY (\w+)/.exec(sql)?.[1] ?? '?';
      asked.push(index);
      const cap = Number(/LIMIT (\d+)\)$/.exec(sql)?.[1]);
      return Math.min(sizes[index] ?? 0, cap);
    },
  };
}

function driverFor(q: RecordingQuery, sizes: Record<string, number>, afterId?: number): { index: string; asked: string[] } {
  const c = counts(sizes);
  const d = chooseDriver(criteria(q), { order: 'asc', limit: 100, ...(afterId !== undefined && { afterId }) }, c.fn);
  return { index: d ? d.index : 'table', asked: c.asked };
}

const week = { startFrom: 1000, startBefore: 2000 };

describe('choosing what drives a search', () => {
  it('walks the table in id order when nothing narrows it', () => {
    expect(driverFor({}, {}).index).toBe('table');
    expect(driverFor({ state: 'stopped', hasAudio: true }, {}).index).toBe('table');
  });

  it('takes a lone ordered index without counting', () => {
    expect(driverFor({ ani: '1234', retention: 'retained' }, {})).toEqual({ index: 'recording_by_ani', asked: [] });
  });

  it('takes the smaller of two ordered candidates (an agent, not a third of the archive with cardType=AMEX)', () => {
    const sizes = { recording_metadata_by_value: 33_000, recording_by_user: 200 };
    expect(driverFor({ userId: 'AGENT007', metadata: [{ key: 'cardType', value: 'AMEX' }] }, sizes).index).toBe('recording_by_user');
    const selective = { recording_metadata_by_value: 3, recording_by_user: 200 };
    expect(driverFor({ userId: 'AGENT007', metadata: [{ key: 'custID', value: '4242' }] }, selective).index).toBe('recording_metadata_by_value');
  });

  it('sorts an unordered candidate only when it is small enough to beat the ordered ones', () => {
    const q = { reason: 'agentTagged' as const, ...week };
    expect(driverFor(q, { recording_reason_by_reason: 10_000, recording_by_start: 300 }).index).toBe('recording_by_start');
    expect(driverFor(q, { recording_reason_by_reason: 10_000, recording_by_start: 7_800 }).index).toBe('recording_reason_by_reason');
    expect(driverFor(q, { recording_reason_by_reason: 40, recording_by_start: 30 }).index).toBe('recording_reason_by_reason');
  });

  it('walks the table rather than sort a broad team, and a broad period zone by zone', () => {
    expect(driverFor({ userId: ['A', 'B'] }, { recording_by_user: 50_000 }).index).toBe('table');
    // Start times that do not follow ids: the zones are no narrower than the table, and no worse to walk.
    expect(driverFor(week, { recording_by_start: 90_000 }).index).toBe('recording_zone');
    expect(driverFor(week, { recording_by_start: 7_800 }).index).toBe('recording_by_start');
  });

  it('walks a period zone by zone when matches are dense where the walk starts, then counts the sorted candidate only up to that', () => {
    // A week of 100,000 recordings over 90 days: 31 zones meet it, 480 of the first 512 rows match; a page reads ~108.
    const dense = { 'recording_zone': 31, 'recording_zone hits': 480, recording_by_start: 7_800 };
    const r = driverFor(week, dense);
    expect(r).toEqual({ index: 'recording_zone', asked: ['recording_zone', 'recording_zone hits', 'recording_by_start'] });
    // A short period: one zone, 43 entries: sorting them beats walking 256 rows.
    expect(driverFor(week, { 'recording_zone': 1, 'recording_zone hits': 43, recording_by_start: 43 }).index).toBe('recording_by_start');
    // A selective ordered index (an ANI) reads less than a page: the zones are not even probed.
    expect(driverFor({ ani: '123', ...week }, { recording_by_ani: 5, ...dense })).toEqual({ index: 'recording_by_ani', asked: ['recording_by_ani', 'recording_by_start'] });
    // A broad ordered index (a DNIS, a fifth of the archive: 100 of 512 rows match) loses to the period's zones.
    expect(driverFor({ dnis: '2003', ...week }, { recording_by_dnis: 20_000, ...dense, 'recording_zone hits': 100 }).index).toBe('recording_zone');
    // A team of 10 agents among 500 in that week: 10 of 512 rows match, so a page would walk 5,000 rows; the team's
    // 155 entries in the (user, start) index are sorted instead.
    const team = { userId: Array.from({ length: 10 }, (_, i) => `A${i}`), ...week };
    const sizes = { ...dense, 'recording_zone hits': 10, recording_by_user: 2_000, recording_by_user_start: 155 };
    expect(driverFor(team, sizes).index).toBe('recording_by_user_start');
  });

  it('drives an agent (or team) in a period from the (user, start) index', () => {
    const sizes = { recording_by_user: 50_000, recording_by_start: 7_800, recording_by_user_start: 155 };
    expect(driverFor({ userId: ['A', 'B', 'C'], ...week }, sizes).index).toBe('recording_by_user_start');
  });

  it('stops counting once a candidate is empty', () => {
    const r = driverFor({ ani: 'none', dnis: '2001', metadata: [{ key: 'k', value: 'v' }] }, { recording_by_ani: 0, recording_by_dnis: 500, recording_metadata_by_value: 9 });
    expect(r).toEqual({ index: 'recording_by_ani', asked: ['recording_by_ani'] });
  });
});

describe('the walk it writes', () => {
  it('pins the chosen index and keeps values out of the SQL text', () => {
    const c = counts({ recording_by_user: 200, recording_metadata_by_value: 33_000 });
    const q = criteria({ userId: "x' OR 1=1 --", metadata: [{ key: 'cardType', value: "'; DROP TABLE recording; --" }] });
    const s = pageIds(q, paging({ afterId: 10, limit: 50 }), c.fn);
    expect(s.sql).toContain('FROM recording r INDEXED BY recording_by_user');
    expect(s.sql).toContain('r.id > ?');
    expect(s.sql).toMatch(/ORDER BY r\.id ASC LIMIT \d+$/);
    expect(s.sql).not.toContain('DROP');
    expect(s.sql).not.toContain('OR 1=1');
    expect(s.params).toContain("x' OR 1=1 --");
    expect(s.sql).toMatch(/ LIMIT 51$/);
  });

  it('walks the zones of a period outside and their rows by rowid inside, from the boundary\'s zone, in id order', () => {
    const c = counts({ 'recording_zone': 31, 'recording_zone hits': 100, recording_by_start: 7_800, recording_by_dnis: 20_000 });
    const s = pageIds(criteria({ startFrom: 1000, startBefore: 2000, dnis: '2001' }), paging({ afterId: 700, limit: 100 }), c.fn);
    expect(s.sql).toContain('FROM recording_zone z CROSS JOIN recording r NOT INDEXED WHERE z.max_start >= ? AND z.min_start < ? AND r.id BETWEEN z.zone << 8 AND (z.zone << 8) + 255');
    expect(s.sql).toContain('z.zone >= ? AND r.id > ?');
    expect(s.sql).toMatch(/ORDER BY z\.zone ASC, r\.id ASC LIMIT \d+$/);
    expect(s.params).toEqual([1000, 2000, '2001', 1000, 2000, 2, 700]);
    const desc = pageIds(criteria({ startFrom: 1000 }), paging({ afterId: 700, order: 'desc' }), c.fn);
    expect(desc.sql).toContain('z.zone <= ? AND r.id < ?');
    expect(desc.sql).toMatch(/ORDER BY z\.zone DESC, r\.id DESC LIMIT \d+$/);
  });

  it('walks a metadata index outside and the recording by rowid inside, in id order', () => {
    const c = counts({ recording_metadata_by_value: 3, recording_by_ani: 500 });
    const s = pageIds(criteria({ metadata: [{ key: 'custID', value: '4242' }], ani: 'x'.repeat(3) }), paging({ order: 'desc', afterId: 99 }), c.fn);
    expect(s.sql).toContain('recording_metadata d INDEXED BY recording_metadata_by_value CROSS JOIN recording r NOT INDEXED ON r.id = d.recording_id');
    expect(s.sql).toContain('d.recording_id < ?');
    expect(s.sql).toMatch(/ORDER BY d\.recording_id DESC LIMIT \d+$/);
  });
});

describe('the plans SQLite runs (EXPLAIN QUERY PLAN on a catalogue whose start times follow ids)', () => {
  const a = RecordingArchive.open({ memory: true });
  a.batch(() => {
    for (let i = 0; i < 3000; i++) {
      const r = a.create({
        source: 'ciscoqm',
        callId: `plan-${i}`,
        ani: `+358${i % 300}`,
        dnis: String(2001 + (i % 5)),
        agent: { userId: `A${i % 30}` },
        startTime: 1e12 + i * 1000,
        reasons: ['workflow'],
        metadata: [{ key: 'custID', value: String(i % 500) }],
      });
      a.stop(r.id, r.startTime + 500);
    }
  });
  afterAll(() => a.close());
  // The Server API's scope: every QM search has it.
  const shown = { retention: ['retained', 'audioDeleted'] } as const;
  const period = { startFrom: 1e12 + 1_000_000, startBefore: 1e12 + 2_500_000 };
  const plan = (q: RecordingQuery, page: { afterId?: number; order?: 'asc' | 'desc' } = {}): string => a.explain({ ...shown, ...q }, { limit: 100, ...page }).join('; ');

  it.each([
    ['ANI', { ani: '+35842' }, 'SEARCH r USING INDEX recording_by_ani (ani=?)'],
    ['DNIS', { dnis: '2003' }, 'SEARCH r USING INDEX recording_by_dnis (dnis=?)'],
    ['agentId', { userId: 'A7' }, 'SEARCH r USING INDEX recording_by_user (user_id=?)'],
    ['metadata', { metadata: [{ key: 'custID', value: '42' }] }, 'SEARCH d USING COVERING INDEX recording_metadata_by_value (key=? AND value=?)'],
    ['after/before', period, 'SCAN z; SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)'],
    ['after', { startFrom: period.startFrom }, 'SCAN z; SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)'],
    // A fifth of the archive in a period that starts mid-zone: its index reads about as many entries as the zones.
    ['DNIS and after/before', { dnis: '2003', ...period }, 'SEARCH r USING INDEX recording_by_dnis (dnis=?)'],
    ['ANI and after/before', { ani: '+35842', ...period }, 'SEARCH r USING INDEX recording_by_ani (ani=?)'],
  ] as const)('%s: walks an index or the zones in id order, never the whole table, never a sort', (_, q, expected) => {
    const steps = plan(q);
    expect(steps).toContain(expected);
    expect(steps).not.toMatch(/SCAN r\b|TEMP B-TREE/);
  });

  it('pages by truncationBoundaryId with a seek past the boundary, not a walk from the start', () => {
    expect(plan({ ani: '+35842' }, { afterId: 1000 })).toContain('SEARCH r USING INDEX recording_by_ani (ani=? AND rowid>?)');
    expect(plan({ userId: 'A7' }, { afterId: 1000, order: 'desc' })).toContain('SEARCH r USING INDEX recording_by_user (user_id=? AND rowid<?)');
    expect(plan(period, { afterId: 1600 })).toContain('SEARCH z USING INTEGER PRIMARY KEY (rowid>?); SEARCH r USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)');
    expect(plan({}, { afterId: 1600 })).toContain('SEARCH r USING INTEGER PRIMARY KEY (rowid>?)');
  });

  it('sorts only what a small candidate holds: an agent in a short period from the (user, start) index', () => {
    expect(plan({ userId: 'A7', startFrom: period.startFrom, startBefore: period.startFrom + 300_000 })).toContain('SEARCH r USING INDEX recording_by_user_start (user_id=? AND start_time>? AND start_time<?)');
  });
});
