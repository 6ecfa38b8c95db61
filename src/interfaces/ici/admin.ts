/**
 * OII's admin and status pages (seed 002 §3.4): `GET /OII/OII.asmx` lists the admin functions as ASP.NET's service
 * help page does; `GET|POST /OII/OII.asmx/<Function>` runs one, only for a client on the local host (§3.4.1: "can
 * only be executed if the web page has been loaded locally in the web server"; others get 403), answering as an
 * ASP.NET HttpGet/HttpPost method does (`<string xmlns="…">…</string>`); `GET /OII/default.aspx` is the status page
 * of §3.4.2 with live values, refreshed once a minute.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SubscriberHealth } from '../../notify/index.js';
import { routeAnyCase } from '../../soap/index.js';
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

function functions(oii: Oii, actions: AdminActions, fn: AdminFunction, params: Record<string, string>): string {
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
      const wanted = (params['level'] ?? params['logLevel'] ?? params['LogLevel'] ?? '').toLowerCase();
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

function adminRoutes(app: FastifyInstance, oii: Oii, actions: AdminActions): void {
  // ASP.NET's HttpPost protocol sends the parameters as a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  for (const fn of ADMIN_FUNCTIONS) {
    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      if (!LOCAL.has(request.ip)) return forbidden(reply);
      const params = { ...((request.query ?? {}) as Record<string, string>), ...(typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, string>) : {}) };
      oii.log.info({ function: fn }, 'OII admin function');
      return reply.type('text/xml; charset=utf-8').send(asmxString(functions(oii, actions, fn, params)));
    };
    routeAnyCase(app, { method: ['GET', 'POST'], url: `${OII_PATH}/${fn}`, handler }, true);
  }
  const status = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    LOCAL.has(request.ip) ? reply.type('text/html; charset=utf-8').send(statusPage(oii, actions)) : forbidden(reply);
  routeAnyCase(app, { method: 'GET', url: OII_DEFAULT_PAGE, handler: status }, true);
  // ASP.NET's answer to a function the service does not have (HTTP 500, its own words), not the control API's JSON.
  const unknownFunction = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const tail = (request.url.split('?')[0] ?? '').replace(/^.*\//, '/').replace(/[^\x20-\x7e]/g, '?').slice(0, 128);
    return reply.code(500).type('text/plain; charset=utf-8').send(`Request format is unrecognized for URL unexpectedly ending in '${tail}'.`);
  };
  for (const url of [`${OII_PATH}/*`, `${OII_PATH.toLowerCase()}/*`]) app.route({ method: ['GET', 'POST'], url, handler: unknownFunction });
  // IIS maps .asmx to GET, HEAD and POST only: any other method is 405 with Allow, for OII.asmx and every bean.
  const notAllowed = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    reply.code(405).header('allow', 'GET, HEAD, POST').type('text/plain; charset=utf-8').send('The HTTP verb used to access this page is not allowed.\n');
  for (const path of [OII_PATH, ...BEANS.map((b) => b.path)]) routeAnyCase(app, { method: ['DELETE', 'PUT', 'PATCH', 'OPTIONS'], url: path, handler: notAllowed }, true);
}

/** §3.4.1: the admin pages and functions answer only the local host. */
function forbidden(reply: FastifyReply): FastifyReply {
  return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden: OII admin pages and functions run only from the local host\n');
}
