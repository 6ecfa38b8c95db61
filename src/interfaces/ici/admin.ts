/**
 * OII's admin and status pages (seed 002 §3.4): `GET /OII/OII.asmx` lists the admin functions as ASP.NET's service
 * help page does; `GET|POST /OII/OII.asmx/<Function>` runs one, only for a client on the local host (§3.4.1: "can
 * only be executed if the web page has been loaded locally in the web server"; others get 403), answering as an
 * ASP.NET HttpGet/HttpPost method does (`<string xmlns="…">…</string>`); `GET /OII/default.aspx` is the status page
 * of §3.4.2 with live values, refreshed once a minute.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SubscriberHealth } from '../../notify/index.js';
import { caseInsensitivePattern } from '../../soap/index.js';
import { VERSION } from '../../version.js';
import { WORKMODES, workmodeOf } from './users.js';
import { LEVEL_LABELS, LEVELS, LOG_COUNTERS } from './log.js';
import { CALL_STATUS, PROCESSING_STATUS } from './call-status.js';
import { phoneCallView } from './phonecall.js';
import type { Oii } from './oii.js';
import { BEANS, OII_DEFAULT_PAGE, OII_PATH } from './protocol.js';
import { esc } from './xml-out.js';

/** The namespace OII's own web service answers in (its beans' WSDLs use http://wicom.com/ws/OII/<Bean>/). */
export const OII_SERVICE_NS = 'http://wicom.com/ws/OII/';

export const ADMIN_FUNCTIONS = [
  'EnumClients',
  'EnumItems',
  'EnumUsers',
  'GetHttpRequestTime',
  'GetLogPath',
  'GetState',
  'SetLogLevel',
  'Start',
  'Stop',
  'Unload',
  'UpdateSettings',
] as const;
export type AdminFunction = (typeof ADMIN_FUNCTIONS)[number];

/** What the admin functions do to the module (index.ts: Stop ends every subscription with subscriptionEnded 1). */
export interface AdminActions {
  start(): void;
  /** Stop. */
  halt(): void;
  unload(): void;
  /** The delivery figures of the status page's SOAP threads. */
  soapFigures(): SoapFigures;
}

/** §3.4.2 Threads `[SOAP:a/b/c/d q=x/y ms=min/avg/max #=n]`, from the notifier's health of ICI's URLs. */
export interface SoapFigures {
  /** URLs with an event on its way, and URLs (each has at most one in flight). */
  inFlight: number;
  maxInFlight: number;
  /** Events queued, and the most queued for one URL. */
  queued: number;
  maxQueued: number;
  /** Latency of each URL's last delivery: least, mean, most (ms). */
  minMs: number;
  avgMs: number;
  maxMs: number;
  /** Events delivered, and failed attempts. */
  sent: number;
  errors: number;
}

export function soapFigures(health: readonly SubscriberHealth[]): SoapFigures {
  const latencies = health.map((h) => h.lastLatencyMs).filter((l): l is number => l !== null);
  const sum = (f: (h: SubscriberHealth) => number) => health.reduce((s, h) => s + f(h), 0);
  return {
    inFlight: health.filter((h) => h.queued > 0).length,
    maxInFlight: health.length,
    queued: sum((h) => h.queued),
    maxQueued: Math.max(0, ...health.map((h) => h.queued)),
    minMs: latencies.length === 0 ? 0 : Math.min(...latencies),
    avgMs: latencies.length === 0 ? 0 : Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    maxMs: latencies.length === 0 ? 0 : Math.max(...latencies),
    sent: sum((h) => h.delivered),
    errors: sum((h) => h.failed),
  };
}

const LOCAL = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** GetState: `Connected` when OII runs and the agent server answers (§3.4.1). */
export function applicationState(oii: Oii): string {
  if (oii.state === 'stopped') return 'Stopped';
  return oii.center.isDown('agentServer') ? 'Not connected' : 'Connected';
}

/**
 * The parameters of an admin function (query and form, names in any case as ASP.NET reads them). A name given twice,
 * or under two of its spellings, is ambiguous: refused like any bad value, in the function's answer.
 */
export interface AdminParams {
  /** Lower-cased name → value. */
  values: ReadonlyMap<string, string>;
  /** Names (lower-cased) given more than once. */
  repeated: readonly string[];
}

/** Reads one parameter under any of its spellings (lower case); `undefined` when absent. */
function param(params: AdminParams, ...names: string[]): string | undefined | { twice: string } {
  const given = names.filter((n) => params.values.has(n));
  const repeated = names.find((n) => params.repeated.includes(n));
  if (repeated !== undefined || given.length > 1) return { twice: repeated ?? given.join('/') };
  return given[0] === undefined ? undefined : params.values.get(given[0]);
}

function functions(oii: Oii, actions: AdminActions, fn: AdminFunction, params: AdminParams): string {
  switch (fn) {
    case 'EnumClients':
      return [...oii.center.agents.values()]
        .filter((a) => a.state !== 'loggedOff')
        .map((a) => `${a.extension} ${a.userId} ${WORKMODES.find((w) => w.id === workmodeOf(a))?.description ?? ''}`)
        .join('\n');
    case 'EnumItems':
      return [...oii.items.all()]
        .map((i) => `${i.handle} line=${i.line} status=${CALL_STATUS[phoneCallView(i, oii.plan, '').status].description} processing=${PROCESSING_STATUS[i.processing].description}${i.visible ? '' : ' hidden'}`)
        .join('\n');
    case 'EnumUsers':
      return [...oii.users.keys()].map((u) => `${u} subscriptions=${oii.subs.all().filter((s) => s.userId === u).length}`).join('\n');
    case 'GetHttpRequestTime':
      return `AppDomainAppId=/LM/W3SVC/1/ROOT/OII AppDomainAppVirtualPath=/OII RequestTime=${new Date().toISOString()}`;
    case 'GetLogPath':
      return 'standard output (pino JSON lines; ccgate writes no log file)';
    case 'GetState':
      return applicationState(oii);
    case 'SetLogLevel': {
      const given = param(params, 'level', 'loglevel');
      if (typeof given === 'object') return `Parameter "${given.twice}" is given more than once: give the level once; the log level is unchanged`;
      const wanted = (given ?? '').toLowerCase();
      const level = LEVELS[wanted];
      if (level === undefined) return `Unknown level "${wanted}": one of ${Object.keys(LEVELS).join(', ')}`;
      oii.log.level = level;
      return LEVEL_LABELS[level] ?? level;
    }
    case 'Start':
      actions.start();
      return applicationState(oii);
    case 'Stop':
      actions.halt();
      return applicationState(oii);
    case 'Unload':
      actions.unload();
      return 'Unloaded';
    case 'UpdateSettings':
      for (const u of oii.users.keys()) oii.notifyUser(u);
      return 'OK';
  }
}

function asmxString(value: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<string xmlns="${OII_SERVICE_NS}">${esc(value)}</string>`;
}

function page(title: string, body: string, refresh = false): string {
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title>` +
    `${refresh ? '<meta http-equiv="refresh" content="60">' : ''}</head><body>${body}</body></html>`
  );
}

function helpPage(): string {
  const list = ADMIN_FUNCTIONS.map((f) => `<li><a href="OII.asmx?op=${f}">${f}</a></li>`).join('');
  return page(
    'OII Web Service',
    `<h1>OII</h1><p>The following operations are supported.</p><ul>${list}</ul>` +
      '<p>These functions can only be executed from the local host: <code>GET /OII/OII.asmx/&lt;Function&gt;</code>.</p>',
  );
}

function statusPage(oii: Oii, actions: AdminActions): string {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().replace('T', ' ').replace('Z', '');
  const s = actions.soapFigures();
  const clients = [...oii.center.agents.values()].filter((a) => a.state !== 'loggedOff').length;
  const rows: [string, string][] = [
    ['Title', `ccgate OII ${VERSION}`],
    ['Version', VERSION],
    ['Domain', '/LM/W3SVC/1/ROOT/OII'],
    ['VU', 'ccgate'],
    ['Application state', applicationState(oii)],
    ['Chat Server state', 'Not connected (chat is not available in this version)'],
    ['Objects', `Clients:${clients} Items:${oii.items.size} Users:${oii.users.size} Queues:${oii.center.queues.size} Subs:${oii.subs.size}`],
    ['Threads', `[SOAP:${s.inFlight}/${s.maxInFlight}/${s.inFlight}/${s.maxInFlight} q=${s.queued}/${s.maxQueued} ms=${s.minMs}/${s.avgMs}/${s.maxMs} #=${s.sent} (${s.errors})] [Chat:0/0/0/0 q=0/0 ms=0/0/0]`],
    ['Server time', local],
    ['Server UTC time', now.toISOString().replace('T', ' ').replace('Z', '')],
    ['Log file', 'standard output'],
    ['Log level', LEVEL_LABELS[oii.log.level] ?? oii.log.level],
    ['Log statistics', LOG_COUNTERS.map((c) => `${c}:${oii.log.counts[c]}`).join(' ')],
    ['Secure log', 'True'],
    ['Last Err', oii.log.lastErr],
    ['Last Exc', oii.log.lastExc],
  ];
  const table = rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td id="${k.replace(/ /g, '')}">${esc(v)}</td></tr>`).join('');
  return page('SAP BCM OII Status', `<h1>SAP BCM OII Status</h1><table>${table}</table>`, true);
}

/** The ASP.NET help page for `GET /OII/OII.asmx` (no query, or `?op=`); anything else it does not serve is 404. */
export function onAsmxGet(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // It lists the admin functions: the same local-host rule as they (the WSDL at ?WSDL stays public).
  if (!LOCAL.has(request.ip)) return forbidden(reply);
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (Object.keys(query).some((k) => k.toLowerCase() !== 'op')) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
  return reply.type('text/html; charset=utf-8').send(helpPage());
}

export function registerAdmin(app: FastifyInstance, oii: Oii, actions: AdminActions): void {
  void app.register(async (scope) => adminRoutes(scope, oii, actions));
}

/** IIS serves .asmx and .aspx for GET, HEAD and POST only. */
const VERBS = new Set(['GET', 'HEAD', 'POST']);
const FUNCTIONS = new Map<string, AdminFunction>(ADMIN_FUNCTIONS.map((f) => [f.toLowerCase(), f]));
const SERVICES = new Set([OII_PATH, ...BEANS.map((b) => b.path)].map((p) => p.toLowerCase()));
const PLAIN = 'text/plain; charset=utf-8';
/** Request bodies the admin paths read (a form of a parameter or two). */
const MAX_BODY = 4096;

/**
 * Everything under /OII/ that the SOAP endpoints do not serve (any case, any method, as IIS matches paths without
 * regard to case): the admin functions, default.aspx, the 405 of other verbs, ASP.NET's own errors for unknown
 * functions and pages. Never Fastify's or the control API's JSON: bodies are read raw here and every failure,
 * a thrown one included, is answered in ASP.NET's words without internals (logged instead).
 */
function adminRoutes(app: FastifyInstance, oii: Oii, actions: AdminActions): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => done(null, body));
  app.setErrorHandler((err: { statusCode?: number }, request, reply) => {
    if (err.statusCode === 413) return reply.code(500).type(PLAIN).send('Maximum request length exceeded.');
    if (err.statusCode !== undefined && err.statusCode < 500) return reply.code(400).type(PLAIN).send('Bad Request');
    oii.log.pino.error({ err, path: request.url.split('?')[0] }, 'OII admin path failed');
    return reply.code(500).type(PLAIN).send(SERVER_ERROR);
  });
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => route(oii, actions, request, reply);
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
  const oiiSegment = caseInsensitivePattern(`/${OII_PATH.split('/')[1] ?? 'OII'}`);
  for (const url of [oiiSegment, `${oiiSegment}/*`]) app.route({ method: [...methods], url, handler, exposeHeadRoute: false });
}

const SERVER_ERROR = "Server Error in '/OII' Application.";

function route(oii: Oii, actions: AdminActions, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = (request.url.split('?')[0] ?? '').toLowerCase();
  const slash = path.lastIndexOf('/');
  const service = path.slice(0, slash);
  const isPage = path === OII_DEFAULT_PAGE.toLowerCase();
  if ((SERVICES.has(path) || SERVICES.has(service) || isPage) && !VERBS.has(request.method)) return notAllowed(reply);
  if (isPage) return LOCAL.has(request.ip) ? reply.type('text/html; charset=utf-8').send(statusPage(oii, actions)) : forbidden(reply);
  if (!SERVICES.has(service)) return notFound(reply);
  const fn = service === OII_PATH.toLowerCase() ? FUNCTIONS.get(path.slice(slash + 1)) : undefined;
  // ASP.NET's answer to a function the service does not have (HTTP 500, its own words).
  if (fn === undefined) return unknownFunction(request, reply);
  if (!LOCAL.has(request.ip)) return forbidden(reply);
  // HEAD asks for the headers only: it runs nothing (Stop and Unload are not to be triggered by a link checker).
  if (request.method === 'HEAD') return reply.type('text/xml; charset=utf-8').send();
  const params = adminParams(request);
  if (typeof params === 'string') return reply.code(500).type(PLAIN).send(params);
  oii.log.info({ function: fn }, 'OII admin function');
  return reply.type('text/xml; charset=utf-8').send(asmxString(functions(oii, actions, fn, params)));
}

/**
 * The query's and the form's parameters (ASP.NET's HttpGet and HttpPost protocols), read from the raw URL and body;
 * a body of another type is ASP.NET's "Request format is invalid" (the answer's text).
 */
function adminParams(request: FastifyRequest): AdminParams | string {
  const values = new Map<string, string>();
  const repeated = new Set<string>();
  const add = (pairs: URLSearchParams): void => {
    for (const [k, v] of pairs) {
      const name = k.toLowerCase();
      if (values.has(name)) repeated.add(name);
      else values.set(name, v);
    }
  };
  const url = request.url;
  const q = url.indexOf('?');
  add(new URLSearchParams(q === -1 ? '' : url.slice(q + 1)));
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  if (body !== undefined && body.length > 0) {
    const type = String(request.headers['content-type'] ?? '');
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return `Request format is invalid: ${type.replace(/[^\x20-\x7e]/g, '?').slice(0, 128)}.`;
    add(new URLSearchParams(body.toString('utf8')));
  }
  return { values, repeated: [...repeated] };
}

function unknownFunction(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const tail = (request.url.split('?')[0] ?? '').replace(/^.*\//, '/').replace(/[^\x20-\x7e]/g, '?').slice(0, 128);
  return reply.code(500).type(PLAIN).send(`Request format is unrecognized for URL unexpectedly ending in '${tail}'.`);
}

/** IIS maps .asmx and .aspx to GET, HEAD and POST only: any other method is 405 with Allow. */
function notAllowed(reply: FastifyReply): FastifyReply {
  return reply.code(405).header('allow', 'GET, HEAD, POST').type(PLAIN).send('The HTTP verb used to access this page is not allowed.\n');
}

/** ASP.NET's page for a path the application does not have. */
function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/html; charset=utf-8').send(page('The resource cannot be found.', "<h1>Server Error in '/OII' Application.</h1><h2>The resource cannot be found.</h2>"));
}

/** §3.4.1: the admin pages and functions answer only the local host. */
function forbidden(reply: FastifyReply): FastifyReply {
  return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden: OII admin pages and functions run only from the local host\n');
}
