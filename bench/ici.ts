/**
 * ICI/OII under load:
 *
 *   npm run bench -- ici [--users 500] [--rate 5000] [--seconds 5] [--concurrency 50] [--rounds 3]
 *
 * 1. phoneCallChanged deliveries. `users` agents log in as IC WebClient does (IciUser.getAttributes, then
 *    IciUser.subscribe and IciContainer.subscribe of the agent's line, both at one appUrl of the agent's own: 500
 *    ordered queues; phoneCallChanged goes to the container subscription, userChanged to the user one). Generated traffic then makes about `rate` call
 *    changes per second for `seconds`: each agent in turn is offered a queue call, answers, holds, resumes and hangs up
 *    (one phoneCallChanged each), then ends the wrap-up on the desktop, so the agent takes the next call.
 *    `ici.requestedWrapUp` is on (OII.RequestedWrapUp: a call's end is its last event unless CRM asks for wrap-up).
 *    Printed: the changes made, deliveries per second while the traffic ran, the latency from the core change to the
 *    CRM's receipt (p50, p99, max), events lost (never delivered: must be 0), and the gateway's CPU time per delivered
 *    event: the core's change, every interface's projection of it, the delivery. Then the two ceilings on the rate: the
 *    gateway's one event loop at that CPU per event, and the machine's CPUs at the gateway's and the receiver's CPU
 *    per event together (both run here).
 * 2. IciUser.getAttributes per second at `concurrency`, each answer checked, against ccgate and against the npm `soap`
 *    package serving the same WSDL (wsdl/ici/IciUserService.wsdl) with a trivial handler, in the same run, in turns
 *    (`rounds` rounds of 2 s each, after 5,000 requests of warm-up each), each with the server's CPU time per request.
 *
 * The CRM receiver and the request load generator run in processes of their own, so this process's CPU time is the
 * server's (the receiver's own CPU time is printed too: it shows whether the receiver limited the rate). The call
 * traffic is the core's own work, driven in the gateway's process as the PBX would drive it; its bookkeeping here is
 * a few array writes per change. Latency is measured on the machine's one wall clock (performance.timeOrigin +
 * now()). It prints figures and asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchGateway } from './_gateway.js';
import { ask, child, option } from './_processes.js';
import { soapLoad, type Load } from './_soap-load.js';
import type { Gateway } from '../src/gateway.js';
import { WSDL_DIR } from '../src/paths.js';

const line = (s: string): void => void process.stdout.write(`${s}\n`);
const wallMs = (): number => performance.timeOrigin + performance.now();
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

/** Changes or requests a server handles before it is measured: until then the JIT is still compiling its paths. */
const WARM_UP = 5000;

/**
 * Plain JS for a child process: the CRMs' IciEvent service. Records each phoneCallChanged's call handle, call status
 * and arrival time, counts the other events, and reports its own CPU time.
 */
const RECEIVER = `
const http = require('node:http');
const send = (m) => process.send(m);
let others = 0, pcc = [], cpu0 = process.cpuUsage();
const HANDLE = /<callHandle>([^<]*)</, STATUS = /<callStatus><id>([^<]*)</, OP = /<soap:Body><(\\w+)/;
const answers = new Map();
const answer = (op) => {
  let a = answers.get(op);
  if (!a) answers.set(op, (a = Buffer.from('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><' + op + 'Response xmlns="urn:IciEventInterface"><response /></' + op + 'Response></soap:Body></soap:Envelope>')));
  return a;
};
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const op = OP.exec(body)?.[1] ?? '?';
    if (op === 'phoneCallChanged') pcc.push([HANDLE.exec(body)?.[1] ?? '', STATUS.exec(body)?.[1] ?? '', at]);
    else others++;
    const a = answer(op);
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': a.length }).end(a);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => send({ port: server.address().port }));
process.on('message', (m) => {
  const c = process.cpuUsage(cpu0);
  if (m === 'dump') send({ others, pcc, cpuMs: (c.user + c.system) / 1000 });
  if (m === 'reset') { others = 0; pcc = []; cpu0 = process.cpuUsage(); send({}); }
});
`;

const envelope = (bean: string, op: string, inner: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op} xmlns="urn:Ici${bean}Interface">${inner}</${op}></soap:Body></soap:Envelope>`;
const actionOf = (bean: string): string => `"http://inqmy.com/soapdispatcher/rpc/bcbici/Ici${bean}Bean"`;

async function ici(gw: Gateway, bean: string, op: string, inner: string): Promise<string> {
  const res = await fetch(`${gw.baseUrl}/OII/OII.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: actionOf(bean) }, body: envelope(bean, op, inner) });
  const text = await res.text();
  if (res.status !== 200 || text.includes('Fault>')) throw new Error(`Ici${bean}.${op}: ${res.status} ${text.slice(0, 400)}`);
  return text;
}

const userId = (i: number): string => `U${String(i).padStart(3, '0')}`;
const extension = (i: number): string => String(4000 + i);

/**
 * A gateway with every interface, as `ccgate start` runs one, on free ports and a data directory of its own (the
 * benchmark imports nothing from the tests: compiled, it runs from dist/ without the tests' data files).
 */
async function gateway(users: number): Promise<{ gw: Gateway; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-bench-ici-'));
  const gw = await benchGateway({
    dataDir,
    fixture: {
      agents: Array.from({ length: users }, (_, i) => ({ userId: userId(i), extension: extension(i), name: `Agent ${i}`, queues: ['2001'], channels: ['phone'] })),
      queues: [{ id: '2001', name: 'Sales', channel: 'phone', address: '2001' }],
    },
    config: {
      ici: { requestedWrapUp: true },
      center: { wrapUpSec: 0, ringTimeoutSec: 3600 },
      notify: { queueLimit: 100_000, queueLimitBytes: 512 * 1024 * 1024 },
    },
  });
  return {
    gw,
    close: async () => {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** IC WebClient's login for every user: getAttributes, then the user and the user's line subscribed at one appUrl. */
async function logIn(gw: Gateway, users: number, port: number): Promise<void> {
  const one = async (i: number): Promise<void> => {
    const attrs = await ici(gw, 'User', 'getAttributes', `<userId>${userId(i)}</userId>`);
    const lineNumber = /<(?:\w+:)?address>([^<]*)<\/(?:\w+:)?address>\s*<(?:\w+:)?channel>1</.exec(attrs)?.[1];
    if (!lineNumber) throw new Error(`no phone address for ${userId(i)}`);
    const appUrl = `<appUrl>http://127.0.0.1:${port}/crm/${userId(i)}</appUrl>`;
    await ici(gw, 'User', 'subscribe', `<userId>${userId(i)}</userId>${appUrl}<appId>user-${i}</appId>`);
    await ici(gw, 'Container', 'subscribe', `${appUrl}<appId>line-${i}</appId><channelType>1</channelType><containerId>${lineNumber}</containerId>`);
  };
  for (let i = 0; i < users; i += 25) await Promise.all(Array.from({ length: Math.min(25, users - i) }, (_, k) => one(i + k)));
}

/** The phoneCallChanged status of each traffic step (the second Connected of a call is the resume, step 3). */
const STEP_OF: Readonly<Record<string, number>> = { '3': 0, '101': 1, '106': 2, '4': 4 };

interface Traffic {
  /** Call handle → the wall time each step of the call was made. */
  emitted: Map<string, number[]>;
  made: number;
  /** Offers left out because the agent was not ready yet, and steps the core refused (both should be 0). */
  skipped: number;
  refused: number;
}

/** Call ids stay unique across runs on one gateway (the warm-up's calls are still known to the core). */
let callSerial = 0;

/**
 * Generated traffic: about `rate` call changes per second for `seconds`, the users in turn. A step the core refuses
 * is counted and the user's call hung up, so one surprise never stops the run.
 */
async function traffic(gw: Gateway, users: number, rate: number, seconds: number): Promise<Traffic> {
  const t = gw.center.telephony;
  const out: Traffic = { emitted: new Map(), made: 0, skipped: 0, refused: 0 };
  const calls = Array.from({ length: users }, () => ({ id: '', handle: '', step: 0 }));
  let next = 0;
  const act = (): void => {
    const i = next;
    next = (next + 1) % users;
    const c = calls[i]!;
    const ext = extension(i);
    try {
      if (c.step === 0) {
        if (gw.center.agent(userId(i)).state !== 'ready') {
          out.skipped++;
          return;
        }
        c.id = `b0000000-0000-4000-8000-${String(++callSerial).padStart(12, '0')}`;
        c.handle = c.id.replace(/-/g, '').toUpperCase();
        out.emitted.set(c.handle, []);
        t.inbound(`+3584${String(callSerial % 1e7).padStart(7, '0')}`, '2001', { callId: c.id, preferredAgent: userId(i) });
      } else if (c.step === 1) t.answer(ext, c.id);
      else if (c.step === 2) t.hold(ext, c.id);
      else if (c.step === 3) t.retrieve(ext, c.id);
      else t.hangup(c.id);
      out.emitted.get(c.handle)![c.step] = wallMs();
      out.made++;
      if (c.step === 4) gw.center.setAgentState(userId(i), 'ready');
      c.step = (c.step + 1) % 5;
    } catch {
      out.refused++;
      if (t.findCall(c.id)) t.hangup(c.id);
      c.step = 0;
    }
  };
  // Paced in 10 ms ticks. A generator that fell behind (the gateway was busy) lets the missed changes go rather than
  // making them up in one burst: at most two ticks' worth at a time.
  const perTick = Math.max(1, Math.round(rate / 100));
  const started = performance.now();
  const end = started + seconds * 1000;
  let slots = 0;
  for (let now = started; now < end; now = performance.now()) {
    const owed = Math.floor(((now - started) * rate) / 1000) - slots;
    const n = Math.min(owed, 2 * perTick);
    for (let k = 0; k < n; k++) act();
    slots += owed;
    await new Promise((r) => setTimeout(r, 10));
  }
  // Every call ends and every agent is ready again, for the next measurement.
  for (let i = 0; i < users; i++) {
    const c = calls[i]!;
    if (c.step === 0) continue;
    t.hangup(c.id);
    gw.center.setAgentState(userId(i), 'ready');
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

type Receipt = [handle: string, status: string, at: number];

/** Latencies of the changes received, and how many changes made were never received. */
function matchReceipts(emitted: Map<string, number[]>, pcc: Receipt[]): { latencies: number[]; missing: number } {
  const seen = new Map<string, Set<number>>();
  const latencies: number[] = [];
  for (const [handle, status, at] of pcc) {
    const times = emitted.get(handle);
    if (times === undefined) continue;
    const got = seen.get(handle) ?? new Set<number>();
    seen.set(handle, got);
    const step = status === '101' && got.has(1) ? 3 : STEP_OF[status];
    if (step === undefined || times[step] === undefined) continue;
    got.add(step);
    latencies.push(at - times[step]!);
  }
  let missing = 0;
  for (const [handle, times] of emitted) for (let s = 0; s < times.length; s++) if (times[s] !== undefined && !seen.get(handle)?.has(s)) missing++;
  return { latencies: latencies.sort((a, b) => a - b), missing };
}

async function deliveries(users: number, rate: number, seconds: number): Promise<void> {
  const receiver = child(RECEIVER);
  const { port } = await new Promise<{ port: number }>((r) => receiver.once('message', (m) => r(m as { port: number })));
  const { gw, close } = await gateway(users);
  try {
    await logIn(gw, users, port);
    // Warm-up: every step of the traffic runs often enough for the JIT to compile the projection and delivery paths
    // (counted in changes, not seconds: on a busy machine a few seconds are a few hundred changes).
    for (let made = 0, until = performance.now() + 30_000; made < WARM_UP && performance.now() < until; ) made += (await traffic(gw, users, rate, 1)).made;
    await gw.ctx.notifier.drain(60_000);
    await ask(receiver, 'reset');
    const before = gw.ctx.notifier.totalsByInterface().get('ici');
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const started = wallMs();
    const run = await traffic(gw, users, rate, seconds);
    const trafficMs = wallMs() - started;
    const drained = await gw.ctx.notifier.drain(120_000);
    const serverMs = cpuMs(cpu0);
    const busy = performance.eventLoopUtilization(elu0).utilization;
    const wallAll = wallMs() - started;
    const { pcc, others, cpuMs: receiverMs } = await ask<{ others: number; pcc: Receipt[]; cpuMs: number }>(receiver, 'dump');
    const after = gw.ctx.notifier.totalsByInterface().get('ici');
    const { latencies, missing } = matchReceipts(run.emitted, pcc);
    const inWindow = pcc.filter(([, , at]) => at <= started + trafficMs).length;
    const dropped = (after?.dropped ?? 0) - (before?.dropped ?? 0);
    const messages = pcc.length + others;
    line(
      `ccgate phoneCallChanged, ${users} subscribed users (user and line at one appUrl each): ${run.made} call changes made in ${(trafficMs / 1000).toFixed(1)} s ` +
        `(${Math.round((run.made * 1000) / trafficMs)}/s of ${rate}/s asked; offers skipped, agent not ready: ${run.skipped}; steps refused: ${run.refused})`,
    );
    line(`  deliveries: ${Math.round((inWindow * 1000) / trafficMs)}/s while the traffic ran; ${pcc.length} phoneCallChanged received in ${(wallAll / 1000).toFixed(1)} s, ${others} other events`);
    line(`  latency core change → CRM receipt: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms (${latencies.length} matched)`);
    line(
      `  events lost: ${missing + dropped + (after?.queued ?? 0)} (must be 0: changes never received ${missing}, dropped ${dropped}, still queued ${after?.queued ?? 0}${drained ? '' : ' 120 s after the traffic'}); ` +
        `failed attempts ${(after?.failed ?? 0) - (before?.failed ?? 0)}`,
    );
    line(`  gateway CPU ${Math.round(serverMs)} ms: ${Math.round((serverMs * 1000) / Math.max(1, messages))} µs per delivered event (core change, projections, delivery)`);
    // Which side limited the rate: a gateway whose event loop was busy nearly all the time but got far less CPU than
    // that was waiting for a CPU (a shared machine); one with an idle loop was waiting for the receiver or the pacing.
    line(
      `  gateway event loop busy ${Math.round(busy * 100)}% of the time, on a CPU ${Math.round((serverMs * 100) / wallAll)}%; ` +
        `receiver CPU ${Math.round(receiverMs)} ms (${Math.round((receiverMs * 100) / wallAll)}% of one core)`,
    );
    // The two ceilings on the rate: the gateway's one event loop, and the machine's CPUs, which gateway and receiver
    // share (each event costs both).
    const cpus = availableParallelism();
    // The loop's own time per event (its busy share of the wall time): the process's CPU also counts GC and the
    // kernel's work on other threads.
    const loopUs = (busy * wallAll * 1000) / Math.max(1, messages);
    const bothUs = ((serverMs + receiverMs) * 1000) / Math.max(1, messages);
    line(
      `  ceilings: the gateway's event loop at ${Math.round(loopUs)} µs per event, ${Math.round(1e6 / loopUs)}/s; ` +
        `the machine's ${cpus} CPUs at ${Math.round(bothUs)} µs per event for gateway and receiver, ${Math.round((cpus * 1e6) / bothUs)}/s`,
    );
  } finally {
    await close();
    receiver.kill();
  }
}

interface Measured {
  ok: number;
  other: number;
  seconds: number;
  cpuMs: number;
  sample: string;
}

/** One load of `seconds` at `concurrency`, with this process's CPU time (the server's: the load runs in a child). */
async function measure(origin: string, path: string, concurrency: number, seconds: number): Promise<Measured> {
  const common = { origin, path, concurrency, body: envelope('User', 'getAttributes', '<userId>U000</userId>'), action: actionOf('User'), success: '<(?:\\w+:)?userId>U000<' };
  const cpu0 = process.cpuUsage();
  const q: Load = await soapLoad({ ...common, ms: seconds * 1000 });
  return { ...q, cpuMs: cpuMs(cpu0) };
}

async function warmUp(load: (seconds: number) => Promise<Measured>): Promise<void> {
  for (let ok = 0, until = performance.now() + 30_000; ok < WARM_UP && performance.now() < until; ) ok += (await load(1)).ok;
}

function report(name: string, concurrency: number, runs: Measured[]): void {
  const ok = runs.reduce((n, r) => n + r.ok, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const cpu = runs.reduce((n, r) => n + r.cpuMs, 0);
  const other = runs.reduce((n, r) => n + r.other, 0);
  const sample = runs.find((r) => r.sample)?.sample;
  line(
    `${name}, concurrency ${concurrency}: ${Math.round(ok / seconds)}/s (${ok} in ${seconds.toFixed(2)} s; rounds ${runs.map((r) => Math.round(r.ok / r.seconds)).join(', ')}/s), ` +
      `server CPU ${Math.round((cpu * 1000) / Math.max(1, ok))} µs per request, answers not a User: ${other}${sample ? ` (first: ${sample})` : ''}`,
  );
}

/**
 * ccgate and the npm soap package serving the same WSDL with a trivial handler, both listening in this process, loaded
 * in turns (a warm-up each, then `rounds` rounds of each), so drift of a shared machine's load hits both alike.
 */
async function getAttributes(concurrency: number, seconds: number, rounds: number): Promise<void> {
  const { gw, close } = await gateway(20);
  const soap = await import('soap');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const xml = readFileSync(join(WSDL_DIR, 'ici', 'IciUserService.wsdl'), 'utf8');
  const user = () => ({ response: { userId: 'U000', wrapUpMode: 1 }, cmsHostId: 'BA48C51B1B9249F6A56C4E6ADFFC2E3F' });
  soap.listen(server, '/OII/IciUserService.asmx', { IciUserService: { IciUserServiceSoap: { getAttributes: user } } }, xml);
  const address = server.address();
  const soapOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const ours = (s: number) => measure(gw.baseUrl, '/OII/OII.asmx', concurrency, s);
  const theirs = (s: number) => measure(soapOrigin, '/OII/IciUserService.asmx', concurrency, s);
  try {
    await warmUp(ours);
    await warmUp(theirs);
    const a: Measured[] = [];
    const b: Measured[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(await ours(seconds));
      b.push(await theirs(seconds));
    }
    report('ccgate IciUser.getAttributes', concurrency, a);
    report('npm soap (same WSDL, trivial handler)', concurrency, b);
  } finally {
    await close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

export async function run(args: string[]): Promise<void> {
  const users = option(args, 'users', 500);
  const rate = option(args, 'rate', 5000);
  const seconds = option(args, 'seconds', 5);
  const concurrency = option(args, 'concurrency', 50);
  await deliveries(users, rate, seconds);
  await getAttributes(concurrency, 2, option(args, 'rounds', 3));
}
