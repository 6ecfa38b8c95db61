/**
 * TelServices benchmark (`npm run bench -- telservices [seconds] [concurrency]`):
 * 1. TCP requests per second, one connection per request as the seed's transport demands, `concurrency` clients
 *    in flight (default 50), for `seconds` (default 3);
 * 2. UDP events per second with 1,000 open sessions: every device toggles do-not-disturb, then every device places
 *    and clears a call, and the datagrams are counted as they arrive.
 * Client and server share this process (and its CPU), so the figures are a floor for a real deployment.
 */
import { connect } from 'node:net';
import { Worker } from 'node:worker_threads';
import { benchGateway } from './_gateway.js';
import { telservicesInterface } from '../src/interfaces/telservices/index.js';

const DEVICES = 1000;

function bigFixture(): unknown {
  return {
    agents: Array.from({ length: DEVICES }, (_, i) => ({ userId: `B${i}`, extension: String(200000 + i), name: `Bench ${i}`, queues: [], channels: ['phone'] })),
    queues: [{ id: '5000', name: 'Bench', channel: 'phone', address: '5000' }],
    telservices: { routingPoints: [] },
  };
}

function exchange(port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let reply = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(body));
    s.on('data', (d: string) => (reply += d));
    s.on('close', () => resolve(reply));
    s.on('error', reject);
  });
}

/**
 * The load generator runs in a worker thread, so the server's event loop has this process's main thread to itself
 * (the machine's other core runs the clients), as it would facing real remote clients.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { connect } = require('node:net');
const { port, seconds, concurrency, requests } = workerData;
const until = performance.now() + seconds * 1000;
let done = 0, errors = 0;
function once(body) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let reply = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(body));
    s.on('data', (d) => (reply += d));
    s.on('close', () => resolve(reply.startsWith('<TelServiceReturn>')));
    s.on('error', () => resolve(false));
  });
}
const started = performance.now();
Promise.all(Array.from({ length: concurrency }, async (_, w) => {
  let i = w;
  while (performance.now() < until) (await once(requests[i++ % requests.length])) ? done++ : errors++;
})).then(() => parentPort.postMessage({ done, errors, elapsed: (performance.now() - started) / 1000 }));
`;

const RECEIVER = `
const { parentPort } = require('node:worker_threads');
const { createSocket } = require('node:dgram');
let received = 0;
const sockets = Array.from({ length: 4 }, () => createSocket('udp4'));
Promise.all(sockets.map((s) => new Promise((resolve) => s.bind(0, '127.0.0.1', () => { s.setRecvBufferSize(4 * 1024 * 1024); resolve(s.address().port); }))))
  .then((ports) => parentPort.postMessage(ports));
for (const s of sockets) s.on('message', () => received++);
parentPort.on('message', () => parentPort.postMessage(received));
`;

async function tcpRate(port: number, seconds: number, concurrency: number): Promise<{ done: number; errors: number; perSecond: number; busy: number }> {
  // A mix of session-free services: a feature query, a forward query, a directory search.
  const requests = [
    '<TelServiceRequest><queryDoNotDisturb><deviceNumber>200001</deviceNumber></queryDoNotDisturb></TelServiceRequest>',
    '<TelServiceRequest><queryForward><deviceNumber>200002</deviceNumber></queryForward></TelServiceRequest>',
    '<TelServiceRequest><searchNumber><number>200003</number></searchNumber></TelServiceRequest>',
  ];
  const worker = new Worker(CLIENT, { eval: true, workerData: { port, seconds, concurrency, requests } });
  const elu = performance.eventLoopUtilization();
  const r = await new Promise<{ done: number; errors: number; elapsed: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const busy = performance.eventLoopUtilization(elu).utilization;
  await worker.terminate();
  return { done: r.done, errors: r.errors, perSecond: Math.round(r.done / r.elapsed), busy };
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 3);
  const concurrency = Number(args[1] ?? 50);
  const gw = await benchGateway({
    dataDir: '/tmp/ccgate-bench',
    fixture: bigFixture(),
    config: {
      telservices: { sessionLimit: DEVICES + 10, maxConnections: 4096 },
      center: { externalAnswerMs: -1 },
      notify: { queueLimit: 10_000 },
    },
    interfaces: [telservicesInterface],
  });
  const ports = gw.ctx.ports;
  try {
    await tcpRate(ports.telservices, 0.5, concurrency); // warm-up
    const tcp = await tcpRate(ports.telservices, seconds, concurrency);
    process.stdout.write(
      `telservices TCP: ${tcp.done} requests in ${seconds}s = ${tcp.perSecond} requests/s (one connection per request, ${concurrency} in flight, ${tcp.errors} errors); ` +
        `server event loop ${Math.round(tcp.busy * 100)} % busy, i.e. about ${Math.round(tcp.perSecond / Math.max(tcp.busy, 0.01))} requests/s at full load\n`,
    );

    // Event receivers live in a worker too: 4 sockets, 250 sessions each.
    const rx = new Worker(RECEIVER, { eval: true });
    const rxPorts = await new Promise<number[]>((resolve) => rx.once('message', resolve));
    const receivedCount = () =>
      new Promise<number>((resolve) => {
        rx.once('message', resolve);
        rx.postMessage('count');
      });
    const devices = Array.from({ length: DEVICES }, (_, i) => String(200000 + i));
    for (let i = 0; i < devices.length; i += 50) {
      await Promise.all(
        devices
          .slice(i, i + 50)
          .map((d, j) => exchange(ports.telservices, `<TelServiceRequest><openSession><deviceNumber>${d}</deviceNumber><eventUDPPort>${rxPorts[(i + j) % rxPorts.length]}</eventUDPPort></openSession></TelServiceRequest>`)),
      );
    }
    const cc = gw.center;
    const measure = async (label: string, round: () => void, rounds: number) => {
      const receivedBefore = await receivedCount();
      const before = gw.ctx.notifier.totals();
      const started = performance.now();
      for (let r = 0; r < rounds; r++) {
        round();
        // Let the sockets drain between rounds, as a real PBX's event rate would.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const sent = () => gw.ctx.notifier.totals().delivered - before.delivered;
      const deadline = performance.now() + 10_000;
      while (gw.ctx.notifier.totals().queued > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const elapsed = (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 200));
      const received = (await receivedCount()) - receivedBefore;
      process.stdout.write(`telservices UDP (${label}): ${sent()} events sent to ${DEVICES} sessions in ${elapsed.toFixed(2)}s = ${Math.round(sent() / elapsed)} events/s, ${received} received\n`);
    };
    let on = true;
    await measure('doNotDisturb', () => {
      for (const d of devices) cc.setDnd(d, on);
      on = !on;
    }, 6);
    await measure('call events', () => {
      for (let i = 0; i < DEVICES / 2; i++) {
        const a = devices[i] as string;
        cc.telephony.makeCall(a, devices[i + DEVICES / 2] as string);
        cc.telephony.drop(a);
      }
    }, 2);
    await rx.terminate();
  } finally {
    await gw.close();
  }
}
