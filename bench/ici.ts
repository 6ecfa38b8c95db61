/**
 * ICI/OII under load:
 *
 *   npm run bench -- ici [--users 500] [--rate 5000] [--seconds 5] [--concurrency 50]
 *
 * 1. phoneCallChanged deliveries: `users` agents, each with an IC WebClient of its own (its line subscribed with
 *    IciContainer.subscribe at an appUrl of its own, so 500 ordered queues), and generated traffic at about `rate`
 *    call changes per second for `seconds`: each agent in turn is offered a queue call, answers, holds, resumes and
 *    hangs up (a phoneCallChanged each). Printed: deliveries per second while the traffic ran, the latency from the
 *    core change to the CRM's receipt (p50, p99, max), and events lost (dropped or never delivered: must be 0).
 * 2. IciUser.getAttributes per second at `concurrency`, each answer checked, against ccgate and against the npm `soap`
 *    package serving the same WSDL (wsdl/ici/IciUserService.wsdl) with a trivial handler, in the same run.
 *
 * The CRM receiver and the load generator run in processes of their own (sharing the gateway's event loop they would
 * measure themselves); latency is measured on the machine's one wall clock (performance.timeOrigin + now()). It
 * prints figures and asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ask, child, option } from './_processes.js';
import type { Gateway } from '../src/gateway.js';
import { WSDL_DIR } from '../src/paths.js';
import { startIciGateway } from '../test/ici-contract/support.js';

const line = (s: string): void => void process.stdout.write(`${s}\n`);
const wallMs = (): number => performance.timeOrigin + performance.now();

/** Plain JS for a child process: the CRMs' IciEvent service. Records each phoneCallChanged's call, status, arrival. */
const RECEIVER = `
const http = require('node:http');
const send = (m) => process.send(m);
let total = 0, pcc = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    total++;
    const op = /<(?:[\\w-]+:)?Body[^>]*>\\s*<(?:[\\w-]+:)?(\\w+)/.exec(body)?.[1] ?? '?';
    if (op === 'phoneCallChanged') {
      const handle = /<(?:[\\w-]+:)?callHandle>([^<]*)</.exec(body)?.[1] ?? '';
      const status = /<(?:[\\w-]+:)?callStatus>\\s*<(?:[\\w-]+:)?(?:message[^>]*\\/>\\s*<(?:[\\w-]+:)?)?id>([^<]*)</.exec(body)?.[1] ?? '';
      pcc.push([handle.toUpperCase(), status, at]);
    }
    const ans = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><' + op + 'Response xmlns="urn:IciEventInterface"><response /></' + op + 'Response></soap:Body></soap:Envelope>';
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(ans) }).end(ans);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') send({ total, pcc: pcc.length });
  if (m === 'dump') send({ total, pcc });
  if (m === 'reset') { total = 0; pcc = []; send({}); }
});
`;

/** Plain JS for a child process: \`concurrency\` loops posting \`body\` for \`ms\`; an answer counts when it matches. */
const LOADER = `
const w = JSON.parse(process.env.BENCH_LOAD);
const { Pool } = require('undici');
const pool = new Pool(w.origin, { connections: w.concurrency });
const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://inqmy.com/soapdispatcher/rpc/bcbici/IciUserBean"' };
const good = new RegExp(w.good);
let ok = 0, other = 0, sample = '';
const started = performance.now(), end = started + w.ms;
Promise.all(Array.from({ length: w.concurrency }, async () => {
  while (performance.now() < end) {
    try {
      const r = await pool.request({ path: w.path, method: 'POST', headers, body: w.body });
      const text = await r.body.text();
      if (r.statusCode === 200 && good.test(text)) ok++; else { other++; sample = sample || r.statusCode + ' ' + text.slice(0, 300); }
    } catch (e) { other++; sample = sample || String(e); }
  }
})).then(async () => { const seconds = (performance.now() - started) / 1000; await pool.close(); process.send({ ok, other, seconds, sample }, () => process.exit(0)); });
`;


interface Load {
  ok: number;
  other: number;
  seconds: number;
  sample: string;
}
function load(origin: string, path: string, body: string, good: string, concurrency: number, ms: number): Promise<Load> {
  const proc = child(LOADER, { BENCH_LOAD: JSON.stringify({ origin, path, body, good, concurrency, ms }) });
  return new Promise<Load>((resolve) => proc.once('message', (m) => resolve(m as Load)));
}

const envelope = (bean: string, op: string, inner: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op} xmlns="urn:Ici${bean}Interface">${inner}</${op}></soap:Body></soap:Envelope>`;

async function ici(gw: Gateway, bean: string, op: string, inner: string): Promise<string> {
  const res = await fetch(`${gw.baseUrl}/OII/OII.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"http://inqmy.com/soapdispatcher/rpc/bcbici/Ici${bean}Bean"` }, body: envelope(bean, op, inner) });
  const text = await res.text();
  if (res.status !== 200 || text.includes('Fault>')) throw new Error(`Ici${bean}.${op}: ${res.status} ${text.slice(0, 400)}`);
  return text;
}

const userId = (i: number): string => `U${String(i).padStart(3, '0')}`;
const extension = (i: number): string => String(4000 + i);

function gateway(users: number): Promise<Gateway> {
  return startIciGateway({
    fixture: {
      agents: Array.from({ length: users }, (_, i) => ({ userId: userId(i), extension: extension(i), name: `Agent ${i}`, queues: ['2001'], channels: ['phone'] })),
      queues: [{ id: '2001', name: 'Sales', channel: 'phone', address: '2001' }],
    },
    config: {
      center: { wrapUpSec: 0, ringTimeoutSec: 3600 },
      notify: { queueLimit: 100_000, queueLimitBytes: 512 * 1024 * 1024 },
    },
  });
}

/** Every user's line (User.addresses, channel 1) subscribed at an appUrl of its own. */
async function subscribeAll(gw: Gateway, users: number, port: number): Promise<void> {
  const one = async (i: number): Promise<void> => {
    const attrs = await ici(gw, 'User', 'getAttributes', `<userId>${userId(i)}</userId>`);
    const lineNumber = /<(?:\w+:)?address>([^<]*)<\/(?:\w+:)?address>\s*<(?:\w+:)?channel>1</.exec(attrs)?.[1];
    if (!lineNumber) throw new Error(`no phone address for ${userId(i)}`);
    await ici(gw, 'Container', 'subscribe', `<appUrl>http://127.0.0.1:${port}/crm/${userId(i)}</appUrl><appId>bench-${i}</appId><channelType>1</channelType><containerId>${lineNumber}</containerId>`);
  };
  for (let i = 0; i < users; i += 25) await Promise.all(Array.from({ length: Math.min(25, users - i) }, (_, k) => one(i + k)));
}

/** Status → the traffic step that causes it (the second Connected of a call is the resume). */
const STEP_OF: Record<string, number> = { '3': 0, '101': 1, '106': 2, '4': 4 };

/** Call ids stay unique across runs on one gateway (the warm-up's calls are still known to the core). */
let callSerial = 0;

/** Generated traffic: about `rate` call changes per second for `seconds`, users in turn; the emit time of each step. */
async function traffic(gw: Gateway, users: number, rate: number, seconds: number): Promise<Map<string, number[]>> {
  const t = gw.center.telephony;
  const emitted = new Map<string, number[]>();
  const calls: { id: string; step: number }[] = Array.from({ length: users }, () => ({ id: '', step: 0 }));
  let next = 0;
  const act = (): void => {
    const i = next;
    next = (next + 1) % users;
    const c = calls[i]!;
    const ext = extension(i);
    if (c.step === 0) {
      c.id = `b0000000-0000-4000-8000-${String(++callSerial).padStart(12, '0')}`;
      t.inbound(`+3584${String(callSerial % 1e7).padStart(7, '0')}`, '2001', { callId: c.id, preferredAgent: userId(i) });
    } else if (c.step === 1) t.answer(ext, c.id);
    else if (c.step === 2) t.hold(ext, c.id);
    else if (c.step === 3) t.retrieve(ext, c.id);
    else t.hangup(c.id);
    const handle = c.id.replace(/-/g, '').toUpperCase();
    const times = emitted.get(handle) ?? [];
    times[c.step] = wallMs();
    emitted.set(handle, times);
    c.step = (c.step + 1) % 5;
  };
  const perTick = Math.max(1, Math.round(rate / 100));
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const tick = performance.now();
    for (let k = 0; k < perTick; k++) act();
    await new Promise((r) => setTimeout(r, Math.max(0, 10 - (performance.now() - tick))));
  }
  // Every call ends, so every user is free again for the next measurement.
  for (const c of calls) if (c.step !== 0) t.hangup(c.id);
  return emitted;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function deliveries(users: number, rate: number, seconds: number): Promise<void> {
  const receiver = child(RECEIVER);
  const { port } = await new Promise<{ port: number }>((r) => receiver.once('message', (m) => r(m as { port: number })));
  const gw = await gateway(users);
  try {
    await subscribeAll(gw, users, port);
    await traffic(gw, users, rate, 1); // warm-up: the JIT compiles the projection and delivery paths
    await gw.ctx.notifier.drain(60_000);
    await ask(receiver, 'reset');
    const before = gw.ctx.notifier.totalsByInterface().get('ici');
    const started = wallMs();
    const emitted = await traffic(gw, users, rate, seconds);
    const trafficMs = wallMs() - started;
    const made = [...emitted.values()].reduce((n, times) => n + times.filter((x) => x !== undefined).length, 0);
    const drained = await gw.ctx.notifier.drain(120_000);
    const { pcc } = await ask<{ total: number; pcc: [string, string, number][] }>(receiver, 'dump');
    const after = gw.ctx.notifier.totalsByInterface().get('ici');
    const seen = new Map<string, number>();
    const latencies: number[] = [];
    for (const [handle, status, at] of pcc) {
      const n = (seen.get(`${handle}:${status}`) ?? 0) + 1;
      seen.set(`${handle}:${status}`, n);
      const step = status === '101' && n === 2 ? 3 : STEP_OF[status];
      const t0 = step === undefined ? undefined : emitted.get(handle)?.[step];
      if (t0 !== undefined && at >= t0) latencies.push(at - t0);
    }
    latencies.sort((a, b) => a - b);
    const inWindow = pcc.filter(([, , at]) => at <= started + trafficMs).length;
    const delivered = (after?.delivered ?? 0) - (before?.delivered ?? 0);
    // Lost: given up by the notifier (dropped), or still undelivered once the queues had two minutes to drain.
    const lost = (after?.dropped ?? 0) - (before?.dropped ?? 0) + (after?.queued ?? 0);
    const cancelled = (after?.cancelled ?? 0) - (before?.cancelled ?? 0);
    line(`ccgate phoneCallChanged, ${users} subscribed users, traffic ~${rate} changes/s asked for ${seconds} s, ${made} made (${Math.round((made * 1000) / trafficMs)}/s): ${Math.round((inWindow * 1000) / trafficMs)} deliveries/s while it ran, ${pcc.length} received in all`);
    line(`  latency core change → CRM receipt: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms (${latencies.length} matched)`);
    line(`  events lost: ${lost} (must be 0)${drained ? '' : ', queues not empty 120 s after the traffic'}; delivered by the notifier ${delivered}, subscribers cancelled ${cancelled}, failed attempts ${(after?.failed ?? 0) - (before?.failed ?? 0)}`);
  } finally {
    await gw.close();
    receiver.kill();
  }
}

async function getAttributes(concurrency: number, seconds: number): Promise<void> {
  const body = envelope('User', 'getAttributes', '<userId>U000</userId>');
  const good = '<(?:\\w+:)?userId>U000<';
  const gw = await gateway(20);
  try {
    await load(gw.baseUrl, '/OII/OII.asmx', body, good, concurrency, 1000);
    const q = await load(gw.baseUrl, '/OII/OII.asmx', body, good, concurrency, seconds * 1000);
    line(`ccgate IciUser.getAttributes, concurrency ${concurrency}: ${Math.round(q.ok / q.seconds)}/s (${q.ok} in ${q.seconds.toFixed(2)} s), answers not a User: ${q.other}${q.sample ? ` (first: ${q.sample})` : ''}`);
  } finally {
    await gw.close();
  }
  // The npm soap package serving the same WSDL, a trivial handler.
  const soap = await import('soap');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const xml = readFileSync(join(WSDL_DIR, 'ici', 'IciUserService.wsdl'), 'utf8');
  const user = () => ({ response: { userId: 'U000', wrapUpMode: 1 }, cmsHostId: 'BA48C51B1B9249F6A56C4E6ADFFC2E3F' });
  soap.listen(server, '/OII/IciUserService.asmx', { IciUserService: { IciUserServiceSoap: { getAttributes: user } } }, xml);
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    await load(origin, '/OII/IciUserService.asmx', body, good, concurrency, 1000);
    const q = await load(origin, '/OII/IciUserService.asmx', body, good, concurrency, seconds * 1000);
    line(`npm soap (same WSDL, trivial handler), concurrency ${concurrency}: ${Math.round(q.ok / q.seconds)}/s (${q.ok} in ${q.seconds.toFixed(2)} s), answers not a User: ${q.other}${q.sample ? ` (first: ${q.sample})` : ''}`);
  } finally {
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
  await getAttributes(concurrency, Math.min(seconds, 3));
}
