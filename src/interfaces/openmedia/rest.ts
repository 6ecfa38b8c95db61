/**
 * The REST twin newer MiCC Enterprise releases serve beside the SOAP service, at /OpenMediaServiceRest: the same
 * operations with JSON bodies of the same member names, enums as numbers, dates as ISO 8601. Query-string dates are
 * read as ISO 8601, RFC 1123 or the US locale form (dates.ts). `PUT /requests` (ModifyRequest) is ccgate's addition.
 * Faults are JSON `{"error": <fault name>, "message"}` with an HTTP status per fault (REST_STATUS).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentCodings } from '../../net/content-coding.js';
import { duplicateMember } from '../../net/json-members.js';
import { isCoreError } from '../../core/index.js';
import { routeAnyCase } from '../../soap/index.js';
import { inDateTimeRange, parseQueryDate } from './dates.js';
import { type IvrInformation, type Values } from './contract.js';
import type { OmContext } from './context.js';
import { CORE_TO_FAULT, OmFault, type OmFaultName } from './faults.js';
import type { OptionsStore } from './options.js';
import { CONTRACTS, OM_STATUS, REQUEST_STATUS, REST_PATH, type Members } from './protocol.js';
import * as Q from './queries.js';
import * as R from './requests.js';
import { checkUser, type AuthSettings } from './soap.js';
import type { StatusEvent } from './status.js';

/** HTTP status of each fault in the REST twin. */
export const REST_STATUS: Readonly<Record<OmFaultName, number>> = {
  InvalidUserFault: 401,
  NoLicenseFault: 403,
  RouterDisconnectedFault: 503,
  InvalidOpenMediaIDFault: 404,
  OpenMediaRequestTerminatedFault: 409,
  InvalidDataFault: 400,
  InvalidDataException: 400,
};

class BadInput extends Error {}

const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function coerce(name: string, type: Members[number][1], v: unknown): Values[string] {
  if (v === null) return null;
  const bad = (): BadInput => new BadInput(`${name}: not a valid ${type}`);
  switch (type) {
    case 'int': {
      const n = typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw bad();
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 1 || v === 0 || v === 'true' || v === 'false') return v === 1 || v === 'true';
      throw bad();
    case 'string':
      if (typeof v !== 'string') throw bad();
      // What the SOAP endpoint's XML cannot carry (XML 1.0 §2.2 Char) is no text here either: NUL, C0 controls but
      // tab, CR and LF, U+FFFE/U+FFFF, and a lone surrogate (not a Unicode scalar value, so not UTF-8 either).
      if (NOT_XML_CHAR.test(v)) throw new BadInput(`${name}: holds a character that is not allowed in text (a control character or a lone surrogate)`);
      return v;
    case 'dateTime': {
      const ms = typeof v === 'number' ? inDateTimeRange(v) : typeof v === 'string' ? parseQueryDate(v) : undefined;
      if (ms === undefined) throw bad();
      return ms;
    }
    default: {
      if (!Array.isArray(v)) throw bad();
      return v.map((i): IvrInformation => {
        const o = members(i, CONTRACTS.IVRInformation);
        return { Label: (o['Label'] as string | null | undefined) ?? null, Data: (o['Data'] as string | null | undefined) ?? null };
      });
    }
  }
}

/**
 * A JSON object's members of a contract, names matched without regard to case. A member spelled twice
 * (`ServiceGroupID` and `ServiceGroupId`) is ambiguous and refused; members the contract does not know are ignored,
 * as WCF's DataContractJsonSerializer ignores them.
 */
function members(body: unknown, list: Members): Values {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadInput('expected a JSON object');
  const keys = Object.keys(body);
  const out: Values = {};
  for (const [name, type] of list) {
    const found = keys.filter((k) => k.toLowerCase() === name.toLowerCase());
    if (found.length > 1) throw new BadInput(`${name}: given more than once (${found.join(', ')})`);
    const key = found[0];
    if (key !== undefined) out[name] = coerce(name, type, (body as Record<string, unknown>)[key]);
  }
  return out;
}

/**
 * The route's query parameters, names matched without regard to case: a parameter the route does not take, or one
 * given twice (`?id=1&id=2`, `?id=1&ID=2`), is refused naming it, never ignored (it would widen the answer); so is a
 * `required` one left out, on every route alike (400, before anything is looked up).
 */
function queryOf(req: FastifyRequest, allowed: readonly string[], required: readonly string[] = []): Record<string, string> {
  const q = req.query as Record<string, unknown>;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, v] of Object.entries(q)) {
    const name = allowed.find((a) => a.toLowerCase() === key.toLowerCase());
    if (name === undefined) throw new BadInput(`${key}: not a parameter of this request (${allowed.length > 0 ? `it takes ${allowed.join(', ')}` : 'it takes none'})`);
    if (typeof v !== 'string' || name in out) throw new BadInput(`${name}: given more than once`);
    out[name] = v;
  }
  const missing = required.find((name) => !(name in out));
  if (missing !== undefined) throw new BadInput(`${missing}: required (${required.join(', ')})`);
  return out;
}

function intQuery(q: Record<string, string>, name: string): number | undefined {
  const v = q[name];
  return v === undefined ? undefined : (coerce(name, 'int', v) as number);
}

function dateQuery(q: Record<string, string>, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const ms = parseQueryDate(v);
  if (ms === undefined) throw new BadInput(`${name}: not a date (ISO 8601, RFC 1123, M/D/YYYY, h:mm:ss AM or /Date(ms)/, years 1 to 9999)`);
  return ms;
}

function statusJson(e: StatusEvent): Record<string, unknown> {
  return {
    AgentID: e.agentId,
    ID: e.id,
    LogonID: e.logonId,
    QueuePosition: e.queuePosition,
    ServiceGroupID: e.serviceGroupId,
    Status: OM_STATUS[e.status],
    TenantID: e.tenantId,
    TimeStamp: new Date(e.stamp).toISOString(),
  };
}

const answer = (a: Q.StatusAnswer) => ({ OpenMediaRequests: a.requests.map(statusJson), TimeStamp: new Date(a.stamp).toISOString() });

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A JSON body: UTF-8, valid JSON, no `__proto__` member, no member given twice (BadInput naming what is wrong). */
function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new BadInput('the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new BadInput('the body is empty (a JSON object was expected)');
  try {
    const value: unknown = JSON.parse(text, (key, member: unknown) => {
      if (key === '__proto__') throw new BadInput('"__proto__" is not a member name this service accepts');
      return member;
    });
    const repeated = duplicateMember(text, '(root)');
    if (repeated !== undefined) throw new BadInput(`${repeated.replace(/^\(root\)\./, '')}: given more than once`);
    return value;
  } catch (err) {
    if (err instanceof BadInput) throw err;
    // V8's own words for a document nested beyond its stack are not a client's business.
    if (err instanceof RangeError) throw new BadInput('the body is not valid JSON: nested too deeply');
    throw new BadInput(`the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function sendFault(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof OmFault) return reply.code(REST_STATUS[err.fault]).send({ error: err.fault, message: err.reason });
  if (err instanceof BadInput) return reply.code(400).send({ error: 'InvalidDataException', message: err.message });
  if (isCoreError(err)) {
    const name = CORE_TO_FAULT[err.code];
    if (name !== 'internal') return reply.code(REST_STATUS[name]).send({ error: name, message: err.message });
  }
  reply.log.error({ err }, 'open media REST failure');
  return reply.code(500).send({ error: 'internal', message: `internal error (request ${reply.request.id})` });
}

/**
 * Registers the REST twin's routes (in their own encapsulated scope: JSON bodies, their own error shape), each at its
 * path in any case, as WCF on HTTP.sys matches paths (`/openmediaservicerest/requests/add`).
 */
export function registerRest(app: FastifyInstance, ctx: OmContext, options: OptionsStore, auth: AuthSettings, maxBytes: number): void {
  // Under the twin's prefix, an unknown path or method is the twin's JSON too, on either port (a prefixed scope of its
  // own: the routes' scope has none, so that routeAnyCase can match the prefix in any case).
  void app.register(async (scope) => {
    scope.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'notFound', message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` }));
  }, { prefix: REST_PATH });
  void app.register(async (scope) => {
    scope.setErrorHandler((err, _req, reply) => {
      if (err instanceof BadInput) return sendFault(reply, err);
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      // Fastify's own refusals (unreadable or prototype-polluting JSON, a body over the limit): the twin's fault shape.
      if (status >= 400 && status < 500) return reply.code(status).send({ error: 'InvalidDataException', message: err instanceof Error ? err.message : 'bad request' });
      return sendFault(reply, err);
    });
    // JSON read here rather than by Fastify's parser, which decodes invalid UTF-8 into U+FFFD silently: the bytes
    // must be UTF-8 (RFC 8259 §8.1), as the SOAP endpoint's XML must be, and `__proto__` is refused by name.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: maxBytes }, (req, raw, done) => {
      try {
        // The twin reads its JSON as sent: a compressed body is refused by its coding, not misread as bad UTF-8.
        const codings = contentCodings(req.headers['content-encoding']);
        if (codings.length > 0) {
          done(Object.assign(new Error(`Content-Encoding ${codings.join(', ').slice(0, 32)} is not supported: send the JSON as it is`), { statusCode: 415 }), undefined);
          return;
        }
        done(null, parseJsonBody(raw as Buffer));
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)), undefined);
      }
    });
    const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, run: (req: FastifyRequest) => unknown) => {
      routeAnyCase(scope, {
        method,
        url: `${REST_PATH}${url}`,
        bodyLimit: maxBytes,
        handler: async (req, reply) => {
          try {
            const h = req.headers;
            checkUser(auth, typeof h['logonid'] === 'string' ? h['logonid'] : undefined, typeof h['password'] === 'string' ? h['password'] : undefined);
            return reply.send(run(req));
          } catch (err) {
            return sendFault(reply, err);
          }
        },
      }, true);
    };
    // No body at all reads as {} (every member absent); a JSON `null` is not an object and is refused.
    const body = (req: FastifyRequest, list: Members) => members(req.body === undefined ? {} : req.body, list);
    route('POST', '/requests/add', (req) => {
      const r = R.addRequest(ctx, body(req, CONTRACTS.AddOpenMediaRequest) as R.AddInput);
      return { ...r, RequestStatus: REQUEST_STATUS[r.RequestStatus] };
    });
    route('DELETE', '/requests/cancel', (req) => R.cancelRequest(ctx, body(req, CONTRACTS.CancelOpenMediaRequest) as Parameters<typeof R.cancelRequest>[1]));
    route('POST', '/requests', (req) => {
      const r = R.divertRequest(ctx, body(req, CONTRACTS.DivertOpenMediaRequest) as Parameters<typeof R.divertRequest>[1]);
      return { ...r, RequestStatus: REQUEST_STATUS[r.RequestStatus] };
    });
    route('PUT', '/requests', (req) => R.modifyRequest(ctx, body(req, CONTRACTS.ModifyOpenMediaRequest) as Parameters<typeof R.modifyRequest>[1]));
    route('PUT', '/options', (req) => options.apply(ctx, body(req, CONTRACTS.SetOptionsRequest)));
    route('GET', '/requests', (req) => {
      const id = intQuery(queryOf(req, ['id']), 'id');
      return answer(id === undefined ? Q.allStatus(ctx) : Q.statusById(ctx, id));
    });
    route('GET', '/requests/history', (req) => {
      const q = queryOf(req, ['ID', 'RetrieveLaterThan'], ['ID']);
      return answer(Q.historyById(ctx, intQuery(q, 'ID'), dateQuery(q, 'RetrieveLaterThan')));
    });
    route('GET', '/requests/time', (req) => answer(Q.requestsByTime(ctx, dateQuery(queryOf(req, ['laterThan']), 'laterThan'))));
    route('GET', '/serviceGroups', (req) => {
      const g = Q.serviceGroupStatus(ctx, intQuery(queryOf(req, ['id'], ['id']), 'id'));
      return { Open: g.open, ServiceGroupID: g.id };
    });
    route('GET', '/serviceGroups/tenant', (req) => ({
      Status: Q.allServiceGroupStatus(ctx, intQuery(queryOf(req, ['id'], ['id']), 'id')).map((g) => ({ Open: g.open, ServiceGroupID: g.id })),
    }));
  });
}
