/**
 * Open Media under load:
 *
 *   npm run bench -- openmedia [--concurrency 50] [--seconds 3] [--queued 1000] [--samples 500]
 *
 * 1. AddRequest per second at `concurrency` against ccgate (every answer checked: RequestStatus Success), the load
 *    generator in a process of its own (undici), so this process's CPU time is the server's;
 * 2. the same load against the npm `soap` package serving the same WSDL (the real service's, with its schemas) with a
 *    trivial AddRequest handler, in the same run;
 * 3. the time from AddRequest to allocation with `queued` items waiting in the service group: the waiting items are
 *    forced to an agent who is not ready (so nothing takes them), one agent has room; each sample is an AddRequest
 *    that agent gets at once (QueuePosition 0), its round trip measured, then the item is completed. p50/p99/max.
 *
 * It prints figures and asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildGateway, type Gateway } from '../src/gateway.js';
import { openmediaInterface } from '../src/interfaces/openmedia/index.js';
import { DEFAULT_CENTER_FIXTURE, PROJECT_ROOT } from '../src/paths.js';
import { soapLoad, type Load } from './_soap-load.js';

const CONTRACT = join(PROJECT_ROOT, 'test', 'openmedia', 'contract');
const ACTION = '"http://tempuri.org/IOpenMediaService/AddRequest"';
const DC = 'http://schemas.datacontract.org/2004/07/Solidus.OpenMedia.Contracts.DataContracts';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

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

async function measure(name: string, origin: string, body: string, concurrency: number, seconds: number): Promise<void> {
  await load(origin, '/OpenMediaService', body, concurrency, 1000);
  const cpu0 = cpu();
  const q = await load(origin, '/OpenMediaService', body, concurrency, seconds * 1000);
  const perRequest = (cpu() - cpu0) / Math.max(1, q.ok);
  line(`${name}, concurrency ${concurrency}: ${Math.round(q.ok / q.seconds)} AddRequest/s (${q.ok} in ${q.seconds.toFixed(2)} s), answers not a success: ${q.other}${q.sample ? ` (first: ${q.sample})` : ''}`);
  line(`  server CPU per request: ${Math.round(perRequest)} µs (one core: ${Math.round(1e6 / perRequest)}/s)`);
}

/** The default center; its service group's forced agents wait for a day (nothing fails during the run). */
async function gateway(): Promise<Gateway> {
  const fixture = JSON.parse(readFileSync(DEFAULT_CENTER_FIXTURE, 'utf8')) as { openmedia: { serviceGroups: { forcedAgentTimeoutSec: number }[] } };
  for (const g of fixture.openmedia.serviceGroups) g.forcedAgentTimeoutSec = 86_400;
  const gw = await buildGateway({
    env: {},
    fixture,
    interfaces: [openmediaInterface],
    config: { logLevel: 'silent', host: '127.0.0.1', dataDir: '/tmp/ccgate-bench', http: { port: 0 }, openmedia: { port: 0, licenses: 1_000_000 } },
  });
  await gw.listen();
  return gw;
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
  const url = `${gw.baseUrl}/OpenMediaService`;
  const body = addBody('<a:ServiceGroupID>10</a:ServiceGroupID><a:SessionPriority>1</a:SessionPriority>');
  const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: ACTION }, body }).then((r) => r.text());
  for (let i = 0; i < 50; i++) {
    await post();
    for (const it of cc.items.list({ userId: 'ANNA' })) cc.items.complete(it.id);
  }
  const times: number[] = [];
  let notAllocated = 0;
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const text = await post();
    times.push(performance.now() - t0);
    if (!text.includes('<a:QueuePosition>0</a:QueuePosition>')) notAllocated++;
    for (const it of cc.items.list({ userId: 'ANNA' })) cc.items.complete(it.id);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN).toFixed(2);
  line(`AddRequest to allocation with ${cc.queue('10').waiting.length} requests waiting, ${samples} samples: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; not allocated at once: ${notAllocated}`);
}

export async function run(args: string[]): Promise<void> {
  const concurrency = option(args, 'concurrency', 50);
  const seconds = option(args, 'seconds', 3);
  const queued = option(args, 'queued', 1000);
  const samples = option(args, 'samples', 500);

  // Requests that queue (nobody ready): the waiting list grows during the run, as a ticketing bulk load makes it.
  const gw = await gateway();
  try {
    for (const a of ['HARRI', 'PEKKA', 'ANNA']) gw.center.setAgentState(a, 'notReady');
    await measure('ccgate', gw.baseUrl, addBody('<a:ServiceGroupID>10</a:ServiceGroupID>'), concurrency, seconds);
  } finally {
    await gw.close();
  }
  const s = await soapServer();
  try {
    await measure('npm soap (the real WSDL, trivial handler)', s.origin, addBody('<a:ServiceGroupID>10</a:ServiceGroupID>'), concurrency, seconds);
  } finally {
    await s.close();
  }
  const gw2 = await gateway();
  try {
    await allocation(gw2, queued, samples);
  } finally {
    await gw2.close();
  }
}
