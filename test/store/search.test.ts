import { describe, expect, it } from 'vitest';
import type { RecordingArchive, RecordingQuery, RecordingRecord, RecordingSource } from '../../src/store/index.js';
import { errorCode, openArchive, sample } from './helpers.js';

const ids = (rs: RecordingRecord[]): number[] => rs.map((r) => r.id);

/** Every page of a search, following nextAfterId. */
function allPages(a: RecordingArchive, q: RecordingQuery, limit: number, order: 'asc' | 'desc' = 'asc'): { ids: number[]; pages: number[] } {
  const out: number[] = [];
  const pages: number[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = a.search(q, { limit, order, ...(afterId !== undefined && { afterId }) });
    out.push(...ids(page.recordings));
    pages.push(page.recordings.length);
    if (page.nextAfterId === undefined) return { ids: out, pages };
    expect(page.nextAfterId).toBe(page.recordings[page.recordings.length - 1]!.id);
    afterId = page.nextAfterId;
  }
}

describe('search criteria (seed 001 search: all criteria ANDed)', () => {
  function fill(a: RecordingArchive): RecordingRecord[] {
    return [
      a.create(sample({ ani: '1234', dnis: '5678', startTime: Date.parse('2008-02-11T00:00:00Z'), metadata: [{ key: 'customerid', value: '42' }, { key: 'calltype', value: '6' }] })),
      a.create(sample({ ani: '1234', dnis: '9012', startTime: Date.parse('2008-03-01T00:00:00Z'), agent: { userId: 'agent4', userName: 'doejo' }, metadata: [{ key: 'customerid', value: '42' }] })),
      a.create(sample({ ani: '999', dnis: '5678', startTime: Date.parse('2008-03-29T00:00:00Z'), agent: { userId: 'agent4' }, source: 'qmi', hasScreen: true, metadata: [{ key: 'customerid', value: '42' }, { key: 'calltype', value: '6' }] })),
      a.create(sample({ ani: '1234', startTime: Date.parse('2008-04-01T00:00:00Z'), source: 'tag', reasons: ['agentTagged'] })),
    ];
  }

  it('matches each criterion exactly, and all of them together', () => {
    const a = openArchive();
    const [r1, r2, r3, r4] = fill(a);
    const find = (q: RecordingQuery): number[] => ids(a.search(q).recordings);
    expect(find({ ani: '1234' })).toEqual([r1!.id, r2!.id, r4!.id]);
    expect(find({ dnis: '5678' })).toEqual([r1!.id, r3!.id]);
    expect(find({ userId: 'agent4' })).toEqual([r2!.id, r3!.id]);
    expect(find({ userId: 'AGENT4' })).toEqual([r2!.id, r3!.id]); // user ids compare case-insensitively
    expect(find({ userId: ['HARRI', 'nobody'] })).toEqual([r1!.id, r4!.id]);
    expect(find({ userName: 'DOEJO' })).toEqual([r2!.id]);
    expect(find({ extension: '1101' })).toEqual([r1!.id, r4!.id]);
    expect(find({ source: 'qmi' })).toEqual([r3!.id]);
    expect(find({ source: ['tag', 'qmi'] })).toEqual([r3!.id, r4!.id]);
    expect(find({ reason: 'agentTagged' })).toEqual([r4!.id]);
    expect(find({ hasScreen: true })).toEqual([r3!.id]);
    expect(find({ callId: r2!.callId })).toEqual([r2!.id]);
    expect(find({ sipCallId: r3!.sipCallId! })).toEqual([r3!.id]);
    expect(find({ acdCallId: r4!.acdCallId! })).toEqual([r4!.id]);
    // Seed 001 search example 1: ANI with after and before.
    expect(find({ ani: '1234', startFrom: Date.parse('2008-02-11T00:00:00+00:00'), startBefore: Date.parse('2008-03-29T00:00:00+00:00') })).toEqual([r1!.id, r2!.id]);
    // Seed 001 search example 2: agentId with two metadata criteria.
    expect(find({ userId: 'agent4', metadata: [{ key: 'customerid', value: '42' }, { key: 'calltype', value: '6' }] })).toEqual([r3!.id]);
    expect(find({ metadata: [{ key: 'customerid', value: '42' }, { key: 'calltype', value: '7' }] })).toEqual([]);
    expect(find({ ani: '1234', dnis: '5678', userId: 'HARRI', source: 'ciscoqm', state: 'recording', retention: 'retained' })).toEqual([r1!.id]);
  });

  it('takes startFrom as inclusive and startBefore as exclusive', () => {
    const a = openArchive();
    const [r1, r2] = fill(a);
    expect(ids(a.search({ startFrom: r2!.startTime }).recordings)[0]).toBe(r2!.id);
    expect(ids(a.search({ startBefore: r2!.startTime }).recordings)).toEqual([r1!.id]);
    expect(a.search({ startFrom: r2!.startTime, startBefore: r2!.startTime }).recordings).toEqual([]);
  });

  it('filters by state and retention', () => {
    const a = openArchive();
    const [r1, r2, r3] = fill(a);
    a.pause(r1!.id, r1!.startTime + 1);
    a.stop(r2!.id, r2!.startTime + 1);
    a.deleteAudio(r3!.id, 'deleted');
    expect(ids(a.search({ state: 'paused' }).recordings)).toEqual([r1!.id]);
    expect(ids(a.search({ state: ['paused', 'stopped'] }).recordings)).toEqual([r1!.id, r2!.id]);
    expect(ids(a.search({ retention: ['retained', 'audioDeleted'] }).recordings)).not.toContain(r3!.id);
    expect(a.count({ retention: 'deleted' })).toBe(1);
  });

  it('refuses unknown criteria and malformed values instead of matching everything', () => {
    const a = openArchive();
    fill(a);
    const bad: unknown[] = [
      { agentId: 'agent4' },
      { ani: 1234 },
      { ani: '' },
      { userId: [] },
      { source: 'fax' },
      { state: ['recording', 'done'] },
      { startFrom: 'yesterday' },
      { startBefore: -5 },
      { metadata: { customerid: '42' } },
      { metadata: [{ key: 'customerid' }] },
      { metadata: Array.from({ length: 21 }, () => ({ key: 'k', value: 'v' })) },
      { hasAudio: 'yes' },
      { reason: 'policy' },
      [],
    ];
    for (const q of bad) expect(errorCode(() => a.search(q as RecordingQuery)), JSON.stringify(q)).toBe('invalidInput');
  });
});

describe('paging (seed 001: truncationBoundaryId is the last ccr id returned; absent means no more)', () => {
  function many(a: RecordingArchive, n: number): number[] {
    return a.batch(() => Array.from({ length: n }, () => a.create(sample({ ani: 'paged' })).id));
  }

  it('returns pages of exactly the page size, with no boundary after the last one, even when it is full', () => {
    const a = openArchive();
    const all = many(a, 30);
    for (const limit of [1, 7, 10, 15, 29, 30, 31, 100]) {
      const { ids: got, pages } = allPages(a, { ani: 'paged' }, limit);
      expect(got, `limit ${limit}`).toEqual(all);
      expect(pages.slice(0, -1).every((n) => n === limit)).toBe(true);
      expect(pages[pages.length - 1]).toBe(30 % limit || Math.min(limit, 30));
    }
    expect(a.search({ ani: 'paged' }, { limit: 30 }).nextAfterId).toBeUndefined();
    expect(a.search({ ani: 'paged' }, { limit: 29 }).nextAfterId).toBe(all[28]);
  });

  it('pages newest first with order desc', () => {
    const a = openArchive();
    const all = many(a, 12);
    expect(allPages(a, { ani: 'paged' }, 5, 'desc').ids).toEqual([...all].reverse());
    expect(ids(a.search({}, { order: 'desc', afterId: all[3]!, limit: 2 }).recordings)).toEqual([all[2], all[1]]);
  });

  it('answers an empty page, without a boundary, past the end, for no match and on an empty archive', () => {
    const a = openArchive();
    expect(a.search({})).toEqual({ recordings: [] });
    const all = many(a, 3);
    expect(a.search({}, { afterId: all[2]! })).toEqual({ recordings: [] });
    expect(a.search({}, { afterId: 1e12 })).toEqual({ recordings: [] });
    expect(a.search({ ani: 'nobody' })).toEqual({ recordings: [] });
    expect(ids(a.search({}, { afterId: 0 }).recordings)).toEqual(all);
  });

  it('keeps paging stable while entries are added and removed between pages', () => {
    const a = openArchive();
    const all = many(a, 10);
    const first = a.search({ ani: 'paged' }, { limit: 4 });
    a.remove(all[5]!);
    const added = a.create(sample({ ani: 'paged' }));
    const rest = allPages(a, { ani: 'paged' }, 4);
    expect(ids(first.recordings)).toEqual(all.slice(0, 4));
    expect(rest.ids).toEqual([...all.slice(0, 5), ...all.slice(6), added.id]);
  });

  it('refuses page sizes outside 1 … 10,000 and bad boundaries', () => {
    const a = openArchive();
    for (const page of [{ limit: 0 }, { limit: 10_001 }, { limit: 2.5 }, { afterId: -1 }, { afterId: '5' }, { order: 'up' }]) {
      expect(errorCode(() => a.search({}, page as never)), JSON.stringify(page)).toBe('invalidInput');
    }
  });
});

describe('search against a brute-force filter (random data and queries)', () => {
  /** Deterministic numbers, so a failure can be replayed. */
  function random(seed: number): () => number {
    let s = seed;
    return () => ((s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  }

  // Start times in random order (a period is no id range: the zones of a period are no narrower than the table), and
  // following ids as the gateway writes them (a period is a run of zones: schema version 2's zone walk drives it).
  it.each([
    { layout: 'start times in random order', count: 600, startTime: (rnd: () => number) => Math.floor(rnd() * 1_000_000) },
    { layout: 'start times following ids', count: 2000, startTime: (_: () => number, i: number) => i * 500 },
  ])('agrees on every page, in both orders, whichever index drives the search ($layout)', ({ count, startTime }) => {
    const rnd = random(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const a = openArchive();
    const agents = ['A1', 'A2', 'A3', 'a4', 'A5'];
    const sources: RecordingSource[] = ['qmi', 'ciscoqm', 'tag', 'api'];
    a.batch(() => {
      for (let i = 0; i < count; i++) {
        const r = a.create(
          sample({
            source: pick(sources),
            ani: pick(['100', '200', '300']) + (rnd() < 0.02 ? 'x' : ''),
            dnis: pick(['2001', '2002']),
            agent: { userId: pick(agents) },
            startTime: startTime(rnd, i),
            reasons: rnd() < 0.1 ? ['agentTagged'] : ['workflow'],
            metadata: [
              { key: 'card', value: pick(['VISA', 'AMEX', 'MC']) },
              ...(rnd() < 0.05 ? [{ key: 'cust', value: pick(['1', '2']) }] : []),
            ],
          }),
        );
        if (rnd() < 0.3) a.stop(r.id, r.startTime + 10);
      }
    });
    const everything = allPages(a, {}, 10_000).ids.map((id) => a.get(id)!);
    const matches = (r: RecordingRecord, q: RecordingQuery): boolean =>
      (q.ani === undefined || r.ani === q.ani) &&
      (q.dnis === undefined || r.dnis === q.dnis) &&
      (q.userId === undefined || [q.userId].flat().some((u) => u.toLowerCase() === r.agent?.userId.toLowerCase())) &&
      (q.source === undefined || [q.source].flat().includes(r.source)) &&
      (q.state === undefined || [q.state].flat().includes(r.state)) &&
      (q.reason === undefined || r.reasons.includes(q.reason)) &&
      (q.startFrom === undefined || r.startTime >= q.startFrom) &&
      (q.startBefore === undefined || r.startTime < q.startBefore) &&
      (q.metadata ?? []).every((m) => r.metadata.some((x) => x.key === m.key && x.value === m.value));
    for (let i = 0; i < 60; i++) {
      const q: RecordingQuery = {};
      if (rnd() < 0.3) q.ani = pick(['100', '200', '300x', 'none']);
      if (rnd() < 0.3) q.dnis = pick(['2001', '2002']);
      if (rnd() < 0.4) q.userId = rnd() < 0.5 ? pick(agents).toLowerCase() : [pick(agents), pick(agents), 'A4'];
      if (rnd() < 0.2) q.source = rnd() < 0.5 ? pick(sources) : [pick(sources), pick(sources)];
      if (rnd() < 0.2) q.state = pick(['recording', 'stopped'] as const);
      if (rnd() < 0.15) q.reason = 'agentTagged';
      if (rnd() < 0.4) q.startFrom = Math.floor(rnd() * 900_000);
      if (rnd() < 0.4) q.startBefore = Math.floor(rnd() * 1_000_000);
      if (rnd() < 0.4) q.metadata = [{ key: 'card', value: pick(['VISA', 'AMEX', 'MC', 'NONE']) }];
      if (rnd() < 0.15) q.metadata = [...(q.metadata ?? []), { key: 'cust', value: pick(['1', '2']) }];
      const expected = everything.filter((r) => matches(r, q)).map((r) => r.id);
      // Small pages where few match, so boundaries are crossed often without thousands of pages.
      const limit = Math.max(pick([1, 3, 50, 500]), Math.ceil(expected.length / 10));
      expect(allPages(a, q, limit).ids, JSON.stringify(q)).toEqual(expected);
      expect(allPages(a, q, limit, 'desc').ids, JSON.stringify(q)).toEqual([...expected].reverse());
      expect(a.count(q), JSON.stringify(q)).toBe(expected.length);
      // A page of summaries is the same page, each entry without its segments, reasons and metadata.
      const page = a.search(q, { limit });
      expect(a.searchSummaries(q, { limit }), JSON.stringify(q)).toEqual({
        ...page,
        recordings: page.recordings.map(({ segments, reasons, metadata, ...summary }) => summary),
      });
    }
  }, 60_000);
});
