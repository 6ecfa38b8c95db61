/**
 * Server API search paging over an archive larger than a page (issue 11): whichever way the archive walks a search
 * (an index, a period's start-time zones, the table), following truncationBoundaryId with the same criteria returns
 * every matching contact exactly once, in ccr id order, and a supervisor's pages hold their team only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import type { RecordingRecord } from '../../src/store/index.js';
import { QmServerClient } from './client.js';
import { startQm } from './gateway.js';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const AGENTS = ['HARRI', 'MAIJA', 'PEKKA'];
const PAGE = 25;
const xsDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

let gw: Gateway;
let records: RecordingRecord[];

beforeAll(async () => {
  gw = await startQm({ pageSize: PAGE });
  const archive = gw.center.recordings.archive;
  // 1,200 contacts a minute apart (about five zones of 256 ids), every seventh one deleted by its agent.
  records = archive.batch(() =>
    Array.from({ length: 1200 }, (_, i) => {
      const rec = archive.create({
        source: i % 4 === 0 ? 'qmi' : 'ciscoqm',
        callId: `paging-${i}`,
        ani: `+3584000${i % 10}`,
        dnis: String(2001 + (i % 3)),
        agent: { userId: AGENTS[i % 3]!, userName: AGENTS[i % 3]!.toLowerCase() },
        startTime: T0 + i * MINUTE,
        reasons: ['workflow'],
        metadata: [{ key: 'customer', value: `C${i % 9}` }],
      });
      archive.stop(rec.id, rec.startTime + 30_000);
      return i % 7 === 3 ? archive.deleteAudio(rec.id, 'deleted').recording : archive.get(rec.id)!;
    }),
  );
});
afterAll(async () => {
  await gw?.close();
});

const visible = (r: RecordingRecord): boolean => r.retention !== 'deleted';

describe(`search paging by truncationBoundaryId (page size ${PAGE})`, () => {
  const cases: [string, string, (r: RecordingRecord) => boolean][] = [
    // Broad periods, walked zone by zone; a short one, sorted from the start-time index.
    ['after/before', `<after>${xsDate(T0 + 100 * MINUTE)}</after><before>${xsDate(T0 + 900 * MINUTE)}</before>`, (r) => r.startTime >= T0 + 100 * MINUTE && r.startTime < T0 + 900 * MINUTE],
    ['after only, across the last zones', `<after>${xsDate(T0 + 700 * MINUTE)}</after>`, (r) => r.startTime >= T0 + 700 * MINUTE],
    ['a short period', `<after>${xsDate(T0 + 130 * MINUTE)}</after><before>${xsDate(T0 + 190 * MINUTE)}</before>`, (r) => r.startTime >= T0 + 130 * MINUTE && r.startTime < T0 + 190 * MINUTE],
    ['agentId and a period', `<agentId>MAIJA</agentId><after>${xsDate(T0 + 200 * MINUTE)}</after><before>${xsDate(T0 + 1000 * MINUTE)}</before>`, (r) => r.agent?.userId === 'MAIJA' && r.startTime >= T0 + 200 * MINUTE && r.startTime < T0 + 1000 * MINUTE],
    ['DNIS and metadata', '<DNIS>2002</DNIS><metadata><key>customer</key><data>C4</data></metadata>', (r) => r.dnis === '2002' && r.metadata.some((m) => m.key === 'customer' && m.value === 'C4')],
    ['ANI', '<ANI>+35840007</ANI>', (r) => r.ani === '+35840007'],
  ];

  it.each(cases)('%s: every match exactly once, in id order', async (_, criteria, matches) => {
    const qm = new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin');
    const expected = records.filter((r) => visible(r) && matches(r)).map((r) => String(r.id));
    expect(expected.length).toBeGreaterThan(2 * PAGE);
    const { ccrs, pages } = await qm.searchAll(criteria);
    expect(ccrs.map((c) => c.id)).toEqual(expected);
    // No boundary after the last page, even a full one (seed 001: absent means no more results).
    expect(pages).toBe(Math.ceil(expected.length / PAGE));
  });

  it('pages a supervisor\'s team only (PEKKA), in a period', async () => {
    const supervisor = new QmServerClient(gw.baseUrl, 'qmsupervisor', 'qmsupervisor');
    const criteria = `<after>${xsDate(T0 + 300 * MINUTE)}</after><before>${xsDate(T0 + 600 * MINUTE)}</before>`;
    const { ccrs } = await supervisor.searchAll(criteria);
    const expected = records.filter((r) => visible(r) && r.agent?.userId === 'PEKKA' && r.startTime >= T0 + 300 * MINUTE && r.startTime < T0 + 600 * MINUTE);
    expect(ccrs.map((c) => [c.id, c.agentId])).toEqual(expected.map((r) => [String(r.id), 'PEKKA']));
  });
});
