/**
 * Open Media under load:
 *
 *   npm run bench -- openmedia [--concurrency 50] [--seconds 3] [--rounds 5] [--queued 1000] [--samples 500]
 *
 * 1. AddRequest per second at `concurrency` against ccgate on Open Media's own port (every answer checked:
 *    RequestStatus Success), the load generator in a process of its own (undici), so this process's CPU time is the
 *    server's; the requests queue (nobody is ready), as a ticketing system's bulk load makes them;
 * 2. the same load against the npm `soap` package serving the same WSDL (the real service's, with its schemas) with a
 *    trivial AddRequest handler, in the same run;
 *    after 3 s of unmeasured load on each (both servers' code compiled), 1 and 2 alternate for `rounds` rounds (a fresh
 *    gateway each round), so a busy machine weighs on both alike; each round prints the rate and the server's CPU time per request of both, then the medians;
 * 3. the time from AddRequest to allocation with `queued` items waiting in the service group: the waiting items are
 *    forced to an agent who is not ready (so nothing takes them), one agent has room; each sample is an AddRequest
 *    that agent gets at once (QueuePosition 0), measured from the client's send to the core's allocation and to the
 *    answer, then the item is completed. p50/p99/max of both.
 *
 * It prints figures, the machine's load and whether each aim of issue 10 is met; it asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Gateway } from '../src/gateway.js';
import { openmediaInterface } from '../src/interfaces/openmedia/index.js';
import { DEFAULT_CENTER_FIXTURE, PROJECT_ROOT } from '../src/paths.js';
import { benchGateway } from './_gateway.js';
import { option } from './_processes.js';
import { soapLoad, type Load } from './_soap-load.js';

const CONTRACT = join(PROJECT_ROOT, 'test', 'openmedia', 'contract');
const ACTION = '"http://tempuri.org/IOpenMediaService/AddRequest"';
const DC = 'http://schemas.datacontract.org/2004/07/Solidus.OpenMedia.Contracts.DataContracts';

const addBody = (members: string): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><AddRequest xmlns="http://tempuri.org/"><request xmlns:a="${DC}">` +
  `<a:IVRInfo><a:IVRInformation><a:Data>https://tickets.example.com/4711</a:Data><a:Label>URL</a:Label></a:IVRInformation></a:IVRInfo>${members}</request></AddRequest></s:Body></s:Envelope>`;

/** AddRequest load from a process of its own; a success is RequestStatus Success. */
const load = (origin: string, path: string, body: string, concurrency: number, ms: number): Promise<Load> =>
  soapLoad({ origin, path, concurrency, ms, body, action: ACTION, success: '>Success<' });

const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const line = (s: string): void => void process.stdout.write(`${s}\n`);

interface Measured {
  rate: number;
  /** Server CPU time per successful AddRequest, µs. */
  cpuUs: number;
}

/** Load on each server before the first round, not measured. */
const WARM_UP_MS = 3000;

async function measure(name: string, origin: string, body: string, concurrency: number, seconds: number): Promise<Measured> {
  await load(origin, '/OpenMediaService', body, concurrency, 1000);
  const cpu0 = cpu();
  const q = await load(origin, '/OpenMediaService', body, concurrency, seconds * 1000);
  const perRequest = (cpu() - cpu0) / Math.max(1, q.ok);
  const rate = q.ok / q.seconds;
  line(`  ${name}: ${Math.round(rate)} AddRequest/s (${q.ok} in ${q.seconds.toFixed(2)} s), server CPU ${Math.round(perRequest)} µs per request, answers not a success: ${q.other}${q.sample ? ` (first: ${q.sample})` : ''}`);
  return { rate, cpuUs: perRequest };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const load1 = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The default center; its service group's forced agents wait for a day (nothing fails during the run). */
async function gateway(dataDir: string): Promise<Gateway> {
  const fixture = JSON.parse(readFileSync(DEFAULT_CENTER_FIXTURE, 'utf8')) as { openmedia: { serviceGroups: { forcedAgentTimeoutSec: number }[] } };
  for (const g of fixture.openmedia.serviceGroups) g.forcedAgentTimeoutSec = 86_400;
  return benchGateway({ dataDir, fixture, interfaces: [openmediaInterface], config: { openmedia: { licenses: 1_000_000 } } });
}

/** node-soap serving the real service's WSDL (and its schemas) with a trivial AddRequest. */
async function soapServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const soap = await import('soap');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let id = 0;
  const add = () => ({ AddRequestResult: { EWT: 0, OpenMediaID: ++id, QueuePosition: 0, RequestStatus: 'Success' } });
  // node-soap's server looks a request's message up by the Body element's name, and strips a trailing "Request"
  // from it when that fails (so AddRequest becomes "Add"): WCF's message names (IOpenMediaService_AddRequest_InputMessage)
  // are renamed after their elements in this in-memory copy, the contract otherwise unchanged. Its client needs none of it.
  const xml = readFileSync(join(CONTRACT, 'OpenMediaService.wsdl'), 'utf8')
    .replace(/IOpenMediaService_(\w+)_InputMessage/g, '$1')
    .replace(/IOpenMediaService_(\w+)_OutputMessage/g, '$1Response');
  soap.listen(server, { path: '/OpenMediaService', services: { OpenMediaService: { BasicHttpBinding_IOpenMediaService: { AddRequest: add } } }, xml, uri: `${CONTRACT}/OpenMediaService.wsdl` });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function allocation(gw: Gateway, queued: number, samples: number): Promise<void> {
  const cc = gw.center;
  for (const a of ['HARRI', 'PEKKA']) cc.setAgentState(a, 'notReady');
  // ANNA has room for one request at a time; the waiting ones are forced to PEKKA, who is not ready.
  for (let i = 0; i < queued; i++) cc.items.create({ channel: 'openmedia', queueId: '10', forcedAgent: { userId: 'PEKKA', timeoutSec: 86_400 } });
  const url = `http://127.0.0.1:${gw.ctx.ports.openMedia}/OpenMediaService`;
  const body = addBody('<a:ServiceGroupID>10</a:ServiceGroupID><a:SessionPriority>1</a:SessionPriority>');
  const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: ACTION }, body }).then((r) => r.text());
  // The moment the core allocates an item to ANNA (the sample's own: one is allocated at a time).
  let allocatedAt = NaN;
  let held: string | undefined;
  const unsubscribe = cc.bus.subscribe((e) => {
    if (e.type !== 'item' || e.change !== 'allocated' || e.item.userId !== 'ANNA') return;
    allocatedAt = performance.now();
    held = e.item.id;
  });
  const done = () => {
    if (held !== undefined) cc.items.complete(held);
    held = undefined;
  };
  for (let i = 0; i < 50; i++) {
    await post();
    done();
  }
  const toAllocation: number[] = [];
  const roundTrip: number[] = [];
  let notAllocated = 0;
  for (let i = 0; i < samples; i++) {
    allocatedAt = NaN;
    const t0 = performance.now();
    const text = await post();
    roundTrip.push(performance.now() - t0);
    toAllocation.push(allocatedAt - t0);
    if (!text.includes('<a:QueuePosition>0</a:QueuePosition>') || Number.isNaN(allocatedAt)) notAllocated++;
    done();
  }
  unsubscribe();
  const waiting = cc.queue('10').waiting.length;
  const q = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN).toFixed(2);
    return { text: `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`, p99: Number(at(0.99)) };
  };
  const alloc = q(toAllocation);
  line(`AddRequest to allocation with ${waiting} requests waiting, ${samples} samples (load average ${load1()}):`);
  line(`  client's send to the core's allocation: ${alloc.text}`);
  line(`  round trip (answer read):               ${q(roundTrip).text}`);
  line(`  not allocated at once: ${notAllocated}`);
  line(`  aim (allocation p99 under 50 ms): ${alloc.p99 < 50 ? 'met' : 'not met'}`);
}

/** AddRequest against ccgate and npm soap, alternating for `rounds` rounds; the medians and the aim's verdict. */
async function addRequests(dataDir: string, concurrency: number, seconds: number, rounds: number): Promise<void> {
  const body = addBody('<a:ServiceGroupID>10</a:ServiceGroupID>');
  line(`AddRequest at concurrency ${concurrency}, ${seconds} s per measurement, ${rounds} rounds after ${WARM_UP_MS / 1000} s of warm-up each (load average ${load1()}):`);
  const ours: Measured[] = [];
  const peer: Measured[] = [];
  const s = await soapServer();
  try {
    // Both servers' code warmed up (compiled by V8's optimising tiers) before anything is measured: a steady state is
    // compared, not which server's JIT settles first. The gateways of the rounds run the same, already compiled code.
    const warm = await gateway(dataDir);
    try {
      await load(`http://127.0.0.1:${warm.ctx.ports.openMedia}`, '/OpenMediaService', body, concurrency, WARM_UP_MS);
    } finally {
      await warm.close();
    }
    await load(s.origin, '/OpenMediaService', body, concurrency, WARM_UP_MS);
    for (let r = 1; r <= rounds; r++) {
      line(` round ${r}`);
      // Requests that queue (nobody ready): the waiting list grows during the run, as a ticketing bulk load makes it.
      const gw = await gateway(dataDir);
      try {
        for (const a of ['HARRI', 'PEKKA', 'ANNA']) gw.center.setAgentState(a, 'notReady');
        // Open Media's own port (openmedia.port, 12615 by default): the one clients of the real service use.
        ours.push(await measure('ccgate', `http://127.0.0.1:${gw.ctx.ports.openMedia}`, body, concurrency, seconds));
      } finally {
        await gw.close();
      }
      peer.push(await measure('npm soap (the real WSDL, trivial handler)', s.origin, body, concurrency, seconds));
    }
  } finally {
    await s.close();
  }
  const rate = { ours: median(ours.map((m) => m.rate)), peer: median(peer.map((m) => m.rate)) };
  const cpuUs = { ours: median(ours.map((m) => m.cpuUs)), peer: median(peer.map((m) => m.cpuUs)) };
  line(`medians: ccgate ${Math.round(rate.ours)} AddRequest/s, ${Math.round(cpuUs.ours)} µs CPU per request; npm soap ${Math.round(rate.peer)} AddRequest/s, ${Math.round(cpuUs.peer)} µs CPU per request`);
  line(`  aim (AddRequest rate at least npm soap's): ${rate.ours >= rate.peer ? 'met' : 'not met'} (rate ${(rate.ours / rate.peer).toFixed(2)}× npm soap's; CPU per request ${(cpuUs.ours / cpuUs.peer).toFixed(2)}× npm soap's)`);
}

export async function run(args: string[]): Promise<void> {
  // A data directory of this run's own: one that another checkout's gateway wrote may hold a catalogue it cannot read.
  const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-bench-openmedia-'));
  try {
    await addRequests(dataDir, option(args, 'concurrency', 50), option(args, 'seconds', 3), option(args, 'rounds', 5));
    const gw = await gateway(dataDir);
    try {
      await allocation(gw, option(args, 'queued', 1000), option(args, 'samples', 500));
    } finally {
      await gw.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
