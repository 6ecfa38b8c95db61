/**
 * Recordings archive benchmark: builds a catalogue of 100,000 recordings (each with 3–5 metadata items, stopped, one
 * in ten with its audio deleted) in a temporary directory, 1,000 per commit, then adds 5,000 more one commit per
 * change as the gateway does (the insert rate), reopens it, and measures, for the searches Cisco QM and ICI make,
 * requests per second and the time of one page (aim: under 20 ms at 100,000 recordings). Wall times suffer when other
 * work shares the machine; the CPU time per page does not.
 *
 * `npm run bench -- archive [recordings] [seconds per search]` (defaults 100000, 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingArchive, type PageRequest, type RecordingQuery } from '../src/store/index.js';

/** Agents the catalogue's recordings belong to: agentId(0) … agentId(AGENTS - 1). */
export const AGENTS = 500;
const CALLERS = 20_000;
const QUEUES = ['2001', '2002', '2003', '2004', '2005'];
const CARDS = ['VISA', 'MASTERCARD', 'AMEX'];
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** Deterministic numbers (mulberry32), so every run builds the same catalogue. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const agentId = (i: number): string => `AGENT${String(i).padStart(3, '0')}`;
export const caller = (i: number): string => `+3584${String(i).padStart(7, '0')}`;

/** The `i`th recording of the synthetic catalogue: created, stopped, and (one in ten) its audio deleted. */
function addRecording(archive: RecordingArchive, i: number, spacing: number, rnd: () => number): void {
  const start = T0 + i * spacing;
  const a = Math.floor(rnd() * AGENTS);
  const metadata = [
    { key: 'custID', value: String(Math.floor(rnd() * 50_000)) },
    { key: 'cardType', value: CARDS[i % CARDS.length]! },
    { key: 'balance', value: (rnd() * 10_000).toFixed(2) },
  ];
  if (i % 2 === 0) metadata.push({ key: 'customer', value: `Customer ${i % 7919}` });
  if (i % 3 === 0) metadata.push({ key: 'orderDate', value: new Date(start).toISOString().slice(0, 10) });
  const rec = archive.create({
    source: i % 4 === 0 ? 'qmi' : 'ciscoqm',
    callId: `call-${i}`,
    sipCallId: `${i}@ccgate`,
    acdCallId: String(17_000_000 + i),
    ani: caller(Math.floor(rnd() * CALLERS)),
    dnis: QUEUES[i % QUEUES.length]!,
    agent: { userId: agentId(a), userName: `user${a}`, firstName: 'First', lastName: `Last${a}`, extension: String(1000 + a) },
    startTime: start,
    reasons: i % 10 === 0 ? ['workflow', 'agentTagged'] : ['workflow'],
    metadata,
  });
  archive.stop(rec.id, start + 60_000 + Math.floor(rnd() * 300_000));
  if (i % 10 === 5) archive.deleteAudio(rec.id, i % 20 === 5 ? 'deleted' : 'audioDeleted');
}

/** Wall and CPU time of `fn`, in ms (CPU shows the cost where other work shares the machine). */
function timed(fn: () => void): { wallMs: number; cpuMs: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const u = process.cpuUsage(c);
  return { wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 };
}

const perSecond = (n: number, ms: number): number => Math.round(n / (ms / 1000));

/**
 * Builds `count` recordings in batches of 1,000 (one commit each), then adds `single` more one commit per change,
 * as the gateway does. @returns rates per second.
 */
export function build(archive: RecordingArchive, count: number, single: number): void {
  const rnd = random(1);
  const spacing = Math.floor((90 * DAY) / count);
  const bulk = timed(() => {
    for (let i = 0; i < count; i += 1000) {
      archive.batch(() => {
        for (let j = i; j < Math.min(count, i + 1000); j++) addRecording(archive, j, spacing, rnd);
      });
    }
  });
  process.stdout.write(
    `archive build: ${count} recordings (3–5 metadata items each; create, stop, 1 in 10 audio deleted), ` +
      `1,000 per commit: ${perSecond(count, bulk.wallMs)}/s (cpu ${perSecond(count, bulk.cpuMs)}/s)\n`,
  );
  if (single === 0) return;
  const rec = timed(() => {
    for (let i = count; i < count + single; i++) addRecording(archive, i, spacing, rnd);
  });
  process.stdout.write(
    `archive inserts at ${count}: ${single} recordings, one commit per change (create with metadata, stop): ` +
      `${perSecond(single, rec.wallMs)}/s (cpu ${perSecond(single, rec.cpuMs)}/s)\n`,
  );
}

interface Case {
  name: string;
  query: RecordingQuery;
  page?: PageRequest;
}

function cases(count: number): Case[] {
  const week = { startFrom: T0 + 30 * DAY, startBefore: T0 + 37 * DAY };
  const team = Array.from({ length: 10 }, (_, i) => agentId(i * 7));
  const shown = { retention: ['retained', 'audioDeleted'] } as const;
  return [
    { name: 'everything, first page', query: {} },
    { name: 'everything, page from the middle', query: {}, page: { afterId: Math.floor(count / 2) } },
    { name: 'ANI', query: { ani: caller(4242) } },
    { name: 'DNIS + retention (QM scope)', query: { dnis: '2003', ...shown } },
    { name: 'agentId', query: { userId: agentId(42) } },
    { name: 'after/before (one week)', query: week },
    { name: 'after (the last month)', query: { startFrom: T0 + 60 * DAY } },
    { name: 'week, page from its middle', query: week, page: { afterId: Math.floor((count * 33) / 90) } },
    { name: 'agentId + after/before', query: { userId: agentId(42), ...week } },
    { name: 'supervisor team (10 agents) + week', query: { userId: team, ...week, ...shown } },
    { name: 'metadata custID (selective)', query: { metadata: [{ key: 'custID', value: '4242' }] } },
    { name: 'metadata cardType + agentId', query: { userId: agentId(7), metadata: [{ key: 'cardType', value: 'AMEX' }] } },
    {
      name: 'two metadata (customer, cardType)',
      query: {
        metadata: [
          { key: 'customer', value: 'Customer 100' },
          { key: 'cardType', value: 'VISA' },
        ],
      },
    },
    { name: 'ICI: callId', query: { callId: `call-${Math.floor(count / 3)}` } },
    { name: 'ICI: userId + dateTimeFrom/To, newest first', query: { userId: agentId(3), ...week }, page: { order: 'desc' } },
    { name: 'reason agentTagged + week', query: { reason: 'agentTagged', ...week } },
    { name: 'no match (unknown ANI)', query: { ani: '+000' } },
  ];
}

interface Measured {
  perSecond: number;
  p50: number;
  max: number;
  cpuMs: number;
  rows: number;
}

function measure(archive: RecordingArchive, c: Case, seconds: number): Measured {
  const page = { limit: 100, ...c.page };
  const times: number[] = [];
  let rows = 0;
  const cpu = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until || times.length < 5) {
    const t0 = performance.now();
    rows = archive.search(c.query, page).recordings.length;
    times.push(performance.now() - t0);
  }
  const u = process.cpuUsage(cpu);
  const total = times.reduce((s, t) => s + t, 0);
  times.sort((a, b) => a - b);
  return {
    perSecond: perSecond(times.length, total),
    p50: times[Math.floor(times.length / 2)]!,
    max: times[times.length - 1]!,
    cpuMs: (u.user + u.system) / 1000 / times.length,
    rows,
  };
}

export async function run(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 100_000);
  const seconds = Number(args[1] ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'ccgate-archive-bench-'));
  try {
    let archive = RecordingArchive.open({ dir });
    build(archive, count, Math.min(5000, count));
    // Searched after a reopen, as the gateway would after a restart.
    archive.close();
    archive = RecordingArchive.open({ dir });
    const total = archive.count();
    process.stdout.write(`search over ${total} recordings, page size 100:  req/s  page p50 ms  page max ms  cpu ms/page   rows\n`);
    for (const c of cases(count)) {
      measure(archive, c, 0.1); // warm-up: statements prepared, pages cached
      const m = measure(archive, c, seconds);
      const cells = [String(m.perSecond).padStart(6), m.p50.toFixed(2).padStart(13), m.max.toFixed(2).padStart(13), m.cpuMs.toFixed(2).padStart(13)];
      process.stdout.write(`  ${c.name.padEnd(44)}${cells.join('')}${String(m.rows).padStart(7)}\n`);
    }
    archive.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
