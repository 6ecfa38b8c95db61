/**
 * QMI under load, for one QM tool (one session) whose callback receiver is healthy:
 *
 *   npm run bench -- qmi [--concurrency 50] [--seconds 3] [--events 20000]
 *
 * 1. QMIQueryCallInfo requests per second at `concurrency`, each answer checked (Response/Success 1), then every
 *    event those requests caused (QMICallInfo and QMIRequestResponse, two per request) waited for at the receiver.
 * 2. The events per second one subscriber takes in order: `events` core call events enqueued at once for the one
 *    session; the receiver checks their x-ccgate-seq order and times first to last. Once with the default delivery
 *    (one event on the wire at a time), once with `notify.pipelining` 8 on a gateway of its own.
 * 3. The same load generator against the npm `soap` package serving the same WSDL (wsdl/qmi.wsdl) with a trivial
 *    QMIQueryCallInfo handler, in the same process, for comparison.
 *
 * The load generator and the receiver each run in a process of their own (a generator sharing the server's event loop
 * would measure itself), so this process's CPU time is the server's: besides the rates, each server's CPU time per
 * request is printed, which a machine busy with other work changes far less than the rates. It asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ask, child, option } from './_processes.js';
import { performance } from 'node:perf_hooks';
import type { Gateway } from '../src/gateway.js';
import { benchGateway } from './_gateway.js';
import { qmiInterface, SEQ_HEADER } from '../src/interfaces/qmi/index.js';
import { WSDL_DIR } from '../src/paths.js';
import { soapLoad, type Load } from './_soap-load.js';


/** Plain JS for a child process: the QM tool's callback. Counts events, records x-ccgate-seq order and arrival times. */
const RECEIVER = `
const parentPort = { postMessage: (m) => process.send(m), on: (e, f) => process.on(e, f) };
const http = require('node:http');
const OK = '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:qmi="http://sap.com/bcm/qmi/qmi_schema"><soapenv:Body><qmi:Response><qmi:Success>1</qmi:Success></qmi:Response></soapenv:Body></soapenv:Envelope>';
let total = 0, seqCount = 0, lastSeq = -1, outOfOrder = 0, first = 0, last = 0;
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    total++;
    const seq = req.headers['${SEQ_HEADER}'];
    if (seq !== undefined) {
      const n = Number(seq);
      if (n <= lastSeq) outOfOrder++;
      lastSeq = n;
      const now = performance.now();
      if (seqCount === 0) first = now;
      last = now;
      seqCount++;
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(OK) }).end(OK);
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'count') parentPort.postMessage({ total, seqCount, outOfOrder, spanMs: last - first });
  if (m === 'reset') { total = 0; seqCount = 0; lastSeq = -1; outOfOrder = 0; first = last = 0; parentPort.postMessage({}); }
});
`;

interface Count {
  total: number;
  seqCount: number;
  outOfOrder: number;
  spanMs: number;
}



/** QMIQueryCallInfo load from a process of its own; a success is `Success` 1. */
function load(origin: string, path: string, body: string, concurrency: number, ms: number): Promise<Load> {
  return soapLoad({ origin, path, concurrency, ms, body, action: '"http://sap.com/BCM/QMIInterface"', success: 'Success>1<' });
}

/** This process's CPU time (user + system) in microseconds. */
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Waits until the receiver has `expected` events (or 60 s without progress); resolves with its last count. */
async function received(receiver: ChildProcess, expected: (c: Count) => boolean): Promise<Count> {
  let count = await ask<Count>(receiver, 'count');
  let progressAt = performance.now();
  let before = count.total;
  while (!expected(count) && performance.now() - progressAt < 60_000) {
    await new Promise((r) => setTimeout(r, 20));
    count = await ask<Count>(receiver, 'count');
    if (count.total !== before) {
      before = count.total;
      progressAt = performance.now();
    }
  }
  return count;
}

const envelope = (sess: string, body: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:qmi="http://sap.com/bcm/qmi/qmi_schema">` +
  `<soapenv:Header><qmi:QMISessID>${sess}</qmi:QMISessID></soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

const line = (s: string): void => void process.stdout.write(`${s}\n`);

async function ccgate(port: number, pipelining = 1): Promise<Gateway> {
  const gw = await benchGateway({
    dataDir: '/tmp/ccgate-bench',
    fixture: { agents: Array.from({ length: 20 }, (_, i) => ({ userId: `A${i}`, extension: String(3000 + i), name: `Agent ${i}` })), queues: [] },
    interfaces: [qmiInterface],
    config: {
      center: { externalAnswerMs: -1, wrapUpSec: 0 },
      // Room for every event of the measured run below the high-water mark, so every answer can be a success.
      notify: { queueLimit: 400_000, queueLimitBytes: 1024 * 1024 * 1024, pipelining },
    },
  });
  const subscribe = envelope('BENCH', `<qmi:QMISubscribeSessionRequest><qmi:SessionParams><qmi:CallbackUrl>http://127.0.0.1:${port}/qm</qmi:CallbackUrl><qmi:Subscribe>1</qmi:Subscribe></qmi:SessionParams></qmi:QMISubscribeSessionRequest>`);
  const r = await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://sap.com/BCM/QMIInterface"' }, body: subscribe });
  if (!(await r.text()).includes('Success>1<')) throw new Error('could not subscribe');
  return gw;
}

/**
 * Events per second one subscriber takes in order: call events enqueued at once (4 per call: new call, on hold,
 * resumed, ended); the receiver checks their x-ccgate-seq order and times first to last.
 */
async function inOrder(gw: Gateway, receiver: ChildProcess, events: number, mode: string): Promise<void> {
  const t = gw.center.telephony;
  const calls = Math.ceil(events / 4);
  const before = gw.ctx.notifier.totals().queued;
  for (let i = 0; i < calls; i++) {
    const ext = String(3001 + (i % 19));
    const c = t.inbound(`+3584${String(i).padStart(7, '0')}`, ext);
    t.answer(ext);
    t.hold(ext, c.id);
    t.retrieve(ext, c.id);
    t.hangup(c.id);
  }
  const enqueued = gw.ctx.notifier.totals().queued - before;
  const cpu1 = cpu();
  const got = await received(receiver, (c) => c.seqCount >= enqueued);
  const perEvent = (cpu() - cpu1) / Math.max(1, got.seqCount);
  const rate = got.spanMs > 0 ? Math.round(((got.seqCount - 1) * 1000) / got.spanMs) : NaN;
  line(`ccgate one subscriber in order, ${mode}: ${rate} events/s (${got.seqCount} of ${enqueued} events in ${Math.round(got.spanMs)} ms, out of order: ${got.outOfOrder}, failed attempts: ${gw.ctx.notifier.totals().failed})`);
  line(`  server CPU per delivered event: ${Math.round(perEvent)} µs`);
}

/** node-soap serving wsdl/qmi.wsdl on its own HTTP server, QMIQueryCallInfo answering Success 1. */
async function soapServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const soap = await import('soap');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const xml = readFileSync(join(WSDL_DIR, 'qmi.wsdl'), 'utf8');
  const ok = () => ({ Success: 1 });
  soap.listen(server, '/bcm/QMIInterface.asmx', { QMIInterface: { QMIInterfaceSoap: { QMIQueryCallInfo: ok, QMISubscribeSession: ok } } }, xml);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function run(args: string[]): Promise<void> {
  const concurrency = option(args, 'concurrency', 50);
  const seconds = option(args, 'seconds', 3);
  const events = option(args, 'events', 20_000);
  const receiver = child(RECEIVER);
  const { port } = await new Promise<{ port: number }>((r) => receiver.once('message', (m) => r(m as { port: number })));
  const gw = await ccgate(port);
  const path = '/bcm/QMIInterface.asmx';
  try {
    const t = gw.center.telephony;
    const call = t.inbound('+35840111222', '3000');
    t.answer('3000');
    const query = envelope('BENCH', `<qmi:QMIQueryCallInfoRequest><qmi:CallID>${call.id}</qmi:CallID></qmi:QMIQueryCallInfoRequest>`);
    const origin = gw.baseUrl;

    // Warm-up (not measured): the JIT compiles the request and delivery paths.
    const warm = await load(origin, path, query, concurrency, 1000);
    await received(receiver, (c) => c.total >= 1 + 2 + 2 * warm.ok);
    await ask(receiver, 'reset');

    // 1. Requests per second; then every event they caused, delivered. CPU: answering and delivering, per request.
    const cpu0 = cpu();
    const q = await load(origin, path, query, concurrency, seconds * 1000);
    const drainStart = performance.now();
    const got = await received(receiver, (c) => c.total >= 2 * q.ok);
    const drainMs = performance.now() - drainStart;
    const perRequest = (cpu() - cpu0) / Math.max(1, q.ok);
    line(`ccgate QMIQueryCallInfo, one session, concurrency ${concurrency}: ${Math.round(q.ok / q.seconds)}/s (${q.ok} in ${q.seconds.toFixed(2)} s)` +
      `, answers not a success: ${q.other}${q.sample ? ` (first: ${q.sample})` : ''}`);
    line(`  events caused: ${2 * q.ok}, delivered: ${got.total}${got.total >= 2 * q.ok ? '' : ' (MISSING)'}, last delivered ${Math.round(drainMs)} ms after the load ended`);
    line(`  server CPU per request, its two events delivered included: ${Math.round(perRequest)} µs (one core: ${Math.round(1e6 / perRequest)}/s)`);
    await ask(receiver, 'reset');

    // 2. One subscriber, in order, delivering one event at a time (the default).
    await inOrder(gw, receiver, events, 'one at a time (default)');
  } finally {
    await gw.close();
  }
  // 2b. The same with notify.pipelining 8, on a gateway of its own.
  const piped = await ccgate(port, 8);
  try {
    await ask(receiver, 'reset');
    await inOrder(piped, receiver, events, 'notify.pipelining 8');
  } finally {
    await piped.close();
    receiver.kill();
  }

  // 3. The npm soap package on the same WSDL, same load generator.
  const s = await soapServer();
  try {
    const query = envelope('BENCH', `<qmi:QMIQueryCallInfoRequest><qmi:CallID>c0ffee</qmi:CallID></qmi:QMIQueryCallInfoRequest>`);
    await load(s.origin, path, query, concurrency, 1000);
    const cpu0 = cpu();
    const q = await load(s.origin, path, query, concurrency, seconds * 1000);
    const perRequest = (cpu() - cpu0) / Math.max(1, q.ok);
    line(`npm soap (same WSDL, trivial handler), concurrency ${concurrency}: ${Math.round(q.ok / q.seconds)}/s (${q.ok} in ${q.seconds.toFixed(2)} s), answers not a success: ${q.other}${q.sample ? ` (first: ${q.sample})` : ''}`);
    line(`  server CPU per request: ${Math.round(perRequest)} µs (one core: ${Math.round(1e6 / perRequest)}/s)`);
  } finally {
    await s.close();
  }
}
