/**
 * Cisco QM under load (issue 11):
 *
 *   npm run bench -- ciscoqm [--recordings 100000] [--seconds 3] [--concurrency 20] [--rate 20000]
 *
 * 1. A data directory whose archive holds `recordings` contact records (bench/archive.ts builds them), opened by a
 *    whole gateway, as after a restart.
 * 2. Server API search (SOAP 1.2, UsernameToken PasswordText, page size 100) for typical criteria: requests per second
 *    at `concurrency`, and the time of one page (one client, one request at a time: median and 95th percentile). Every
 *    answer is checked to be a searchResponse.
 * 3. Recording API over UDP, network port, an agent on an answered, recorded call: datagrams (metadata and tag in
 *    turn, each a change of the archive) sent at 5,000, 10,000 and `rate` per second for `seconds` each, then
 *    100,000 as fast as one sender can; for each, how many the gateway handled (its own count), how many were lost,
 *    and the gateway's CPU time per datagram.
 *
 * The load generators run in a process of their own (a generator sharing the server's event loop would measure
 * itself). It asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGateway, type Gateway } from '../src/gateway.js';
import { RecordingArchive } from '../src/store/index.js';
import { agentId, build, caller } from './archive.js';

const QM_NS = 'http://www.calabrio.com/qm/serverapi/schema';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Plain JS for a child process: `concurrency` loops posting `body` for `ms`; latencies of searchResponse answers. */
const SEARCHER = `
const { origin, path, concurrency, ms, body } = JSON.parse(process.env.BENCH_LOAD);
const { Pool } = require('undici');
const pool = new Pool(origin, { connections: concurrency });
const headers = { 'content-type': 'application/soap+xml; charset=utf-8' };
const times = [];
let other = 0, sample = '';
const started = performance.now();
const end = started + ms;
Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < end) {
    const t0 = performance.now();
    try {
      const r = await pool.request({ path, method: 'POST', headers, body });
      const text = await r.body.text();
      if (r.statusCode === 200 && text.includes('searchResponse')) times.push(performance.now() - t0);
      else { other++; sample = sample || r.statusCode + ' ' + text.slice(0, 300); }
    } catch (e) { other++; sample = sample || String(e); }
  }
})).then(async () => {
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  process.send({ ok: times.length, other, seconds, p50: at(0.5), p95: at(0.95), sample }, () => process.exit(0));
});
`;

/** Plain JS for a child process: sends `count` datagrams at `rate` per second (0: as fast as it can), in turn. */
const SENDER = `
const { port, count, rate, datagrams } = JSON.parse(process.env.BENCH_LOAD);
const socket = require('node:dgram').createSocket('udp4');
const bufs = datagrams.map((d) => Buffer.from(d));
let sent = 0, errors = 0;
const started = performance.now();
function tick() {
  const due = rate > 0 ? Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1) : count;
  let inFlight = 0;
  while (sent < due && inFlight < 256) {
    socket.send(bufs[sent % bufs.length], port, '127.0.0.1', (err) => { if (err) errors++; });
    sent++; inFlight++;
  }
  if (sent < count) setImmediate(tick);
  else setTimeout(() => { socket.close(); process.send({ sent, errors, seconds: (performance.now() - started) / 1000 }, () => process.exit(0)); }, 10);
}
tick();
`;

function child<T>(code: string, load: object): Promise<T> {
  const proc: ChildProcess = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, BENCH_LOAD: JSON.stringify(load) } });
  return new Promise<T>((resolve, reject) => {
    proc.once('message', (m) => resolve(m as T));
    proc.once('exit', (code) => reject(new Error(`load generator exited ${code}`)));
  });
}

const line = (s: string): void => void process.stdout.write(`${s}\n`);

function searchEnvelope(criteria: string): string {
  const security =
    `<wsse:Security xmlns:wsse="${WSSE}" soap:mustUnderstand="true"><wsse:UsernameToken><wsse:Username>qmadmin</wsse:Username>` +
    `<wsse:Password Type="${TEXT}">qmadmin</wsse:Password></wsse:UsernameToken></wsse:Security>`;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header>${security}</soap:Header>` +
    `<soap:Body><search xmlns="${QM_NS}">${criteria}</search></soap:Body></soap:Envelope>`;
}

async function gateway(dataDir: string): Promise<Gateway> {
  const gw = await buildGateway({
    env: {},
    config: {
      logLevel: 'silent',
      host: '127.0.0.1',
      dataDir,
      http: { port: 0 },
      telservices: { port: 0 },
      ciscoqm: { desktopPort: 0, networkPort: 0, adminPassword: 'qmadmin' },
      center: { externalAnswerMs: -1 },
    },
  });
  await gw.listen();
  return gw;
}

/** Datagrams the gateway has counted (applied, ignored or refused). */
function handled(gw: Gateway): number {
  const qm = gw.interfaces.find((m) => m.name === 'ciscoqm')?.snapshot?.() as { datagrams: Record<string, number> } | undefined;
  return Object.values(qm?.datagrams ?? {}).reduce((s, n) => s + n, 0);
}

/** Waits until the gateway's count stops moving (the socket's queue is drained). */
async function settled(gw: Gateway): Promise<number> {
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const n = handled(gw);
    if (n === last) return n;
    last = n;
  }
}

export async function run(args: string[]): Promise<void> {
  const recordings = option(args, 'recordings', 100_000);
  const seconds = option(args, 'seconds', 3);
  const concurrency = option(args, 'concurrency', 20);
  const rate = option(args, 'rate', 20_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-qm-bench-'));
  try {
    const archive = RecordingArchive.open({ dir: join(dataDir, 'recordings') });
    build(archive, recordings, 0);
    archive.close();
    const gw = await gateway(dataDir);
    try {
      const origin = gw.baseUrl;
      const path = '/serverapi/api';
      const week = '<after>2026-01-31T00:00:00Z</after><before>2026-02-07T00:00:00Z</before>';
      const cases: [string, string][] = [
        ['everything, first page', ''],
        ['ANI', `<ANI>${caller(4242)}</ANI>`],
        ['agentId', `<agentId>${agentId(42)}</agentId>`],
        ['after/before (one week)', week],
        ['agentId + one week', `<agentId>${agentId(42)}</agentId>${week}`],
        ['metadata custID', `<metadata><key>custID</key><data>4242</data></metadata>`],
        ['DNIS + metadata customer', `<DNIS>2003</DNIS><metadata><key>customer</key><data>Customer 100</data></metadata>`],
        ['page from the middle', `<truncationBoundaryId>${Math.floor(recordings / 2)}</truncationBoundaryId>`],
      ];
      line(`Server API search over ${recordings} recordings, page size 100:`.padEnd(52) + `req/s (c=${concurrency})  page p50 ms  page p95 ms  server cpu ms/req`);
      for (const [name, criteria] of cases) {
        const body = searchEnvelope(criteria);
        await child(SEARCHER, { origin, path, concurrency: 1, ms: 300, body }); // warm-up
        const cpu0 = process.cpuUsage();
        const many = await child<{ ok: number; other: number; seconds: number; sample: string }>(SEARCHER, { origin, path, concurrency, ms: seconds * 1000, body });
        const u = process.cpuUsage(cpu0);
        const cpuMs = (u.user + u.system) / 1000 / Math.max(1, many.ok + many.other);
        const one = await child<{ p50: number | null; p95: number | null; other: number }>(SEARCHER, { origin, path, concurrency: 1, ms: 1000, body });
        const failed = many.other + one.other;
        const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(2)).padStart(13);
        line(`  ${name.padEnd(50)}${String(Math.round(many.ok / many.seconds)).padStart(12)}${ms(one.p50)}${ms(one.p95)}${cpuMs.toFixed(2).padStart(19)}` +
          (failed ? `  not a searchResponse: ${failed} (${many.sample})` : ''));
      }

      // UDP: HARRI on an answered call, recorded by the default center's policy (workflow all).
      const t = gw.center.telephony;
      gw.center.setAgentState('HARRI', 'ready');
      t.inbound('+35840111222', '1101');
      t.answer('1101');
      const port = gw.ctx.ports.qmNetwork ?? 0;
      const datagrams = ['command=metadata&sender_id=HARRI&custID=1000&balance=20.5', 'command=tag&sender_id=HARRI'];
      line(`Recording API over UDP (network port; metadata and tag in turn):`);
      for (const r of [5000, 10_000, rate, 0]) {
        const before = await settled(gw);
        const count = r > 0 ? r * seconds : 100_000;
        const cpu0 = process.cpuUsage();
        const sent = await child<{ sent: number; errors: number; seconds: number }>(SENDER, { port, count, rate: r, datagrams });
        const got = (await settled(gw)) - before;
        const u = process.cpuUsage(cpu0);
        const cpuPer = (u.user + u.system) / Math.max(1, got);
        line(`  ${(r > 0 ? `${r}/s offered` : 'as fast as one sender can').padEnd(28)} sent ${sent.sent} in ${sent.seconds.toFixed(2)} s ` +
          `(${Math.round(sent.sent / sent.seconds)}/s): handled ${got}, lost ${sent.sent - got}; server CPU ${cpuPer.toFixed(1)} µs/datagram (one core: ${Math.round(1e6 / cpuPer)}/s)`);
      }
    } finally {
      await gw.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
