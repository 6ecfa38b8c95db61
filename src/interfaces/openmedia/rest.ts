/**
 * The REST twin newer MiCC Enterprise releases serve beside the SOAP service, at /OpenMediaServiceRest: the same
 * operations with JSON bodies of the same member names, enums as numbers, dates as ISO 8601. Query-string dates are
 * read as ISO 8601, RFC 1123 or the US locale form (dates.ts). `PUT /requests` (ModifyRequest) is ccgate's addition.
 * Faults are JSON `{"error": <fault name>, "message"}` with an HTTP status per fault (REST_STATUS).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError } from '../../core/index.js';
import { parseQueryDate } from './dates.js';
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

const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

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
      return v;
    case 'dateTime': {
      const ms = typeof v === 'number' ? v : typeof v === 'string' ? (MS_DATE.exec(v) ? Number(MS_DATE.exec(v)?.[1]) : parseQueryDate(v)) : undefined;
      if (ms === undefined || !Number.isFinite(ms)) throw bad();
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

/** A JSON object's members of a contract, names matched without regard to case. */
function members(body: unknown, list: Members): Values {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadInput('expected a JSON object');
  const keys = Object.keys(body);
  const out: Values = {};
  for (const [name, type] of list) {
    const key = keys.find((k) => k === name) ?? keys.find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) out[name] = coerce(name, type, (body as Record<string, unknown>)[key]);
  }
  return out;
}

function query(req: FastifyRequest, name: string): string | undefined {
  const q = req.query as Record<string, unknown>;
  const key = Object.keys(q).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : q[key];
  return typeof v === 'string' ? v : undefined;
}

function intQuery(req: FastifyRequest, name: string): number | undefined {
  const v = query(req, name);
  if (v === undefined) return undefined;
  return coerce(name, 'int', v) as number;
}

function dateQuery(req: FastifyRequest, name: string): number | undefined {
  const v = query(req, name);
  if (v === undefined || v === '') return undefined;
  const ms = parseQueryDate(v);
  if (ms === undefined) throw new BadInput(`${name}: not a date (ISO 8601, RFC 1123 or M/D/YYYY, h:mm:ss AM)`);
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

/** Registers the REST twin's routes (in their own encapsulated scope: JSON bodies, their own error shape). */
export function registerRest(app: FastifyInstance, ctx: OmContext, options: OptionsStore, auth: AuthSettings, maxBytes: number): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((err, _req, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      // Fastify's own refusals (unreadable or prototype-polluting JSON, a body over the limit): the twin's fault shape.
      if (status >= 400 && status < 500) return reply.code(status).send({ error: 'InvalidDataException', message: err instanceof Error ? err.message : 'bad request' });
      return sendFault(reply, err);
    });
    // Under the twin's prefix, an unknown path or method is the twin's JSON too, on either port.
    scope.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'notFound', message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` }));
    const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, run: (req: FastifyRequest) => unknown) => {
      scope.route({
        method,
        url,
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
      });
    };
    const body = (req: FastifyRequest, list: Members) => members(req.body ?? {}, list);
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
      const id = intQuery(req, 'id');
      return answer(id === undefined ? Q.allStatus(ctx) : Q.statusById(ctx, id));
    });
    route('GET', '/requests/history', (req) => answer(Q.historyById(ctx, intQuery(req, 'ID'), dateQuery(req, 'RetrieveLaterThan'))));
    route('GET', '/requests/time', (req) => answer(Q.requestsByTime(ctx, dateQuery(req, 'laterThan'))));
    route('GET', '/serviceGroups', (req) => {
      const g = Q.serviceGroupStatus(ctx, intQuery(req, 'id'));
      return { Open: g.open, ServiceGroupID: g.id };
    });
    route('GET', '/serviceGroups/tenant', (req) => ({
      Status: Q.allServiceGroupStatus(ctx, intQuery(req, 'id')).map((g) => ({ Open: g.open, ServiceGroupID: g.id })),
    }));
  }, { prefix: REST_PATH });
}
