/**
 * The SOAP side of Open Media: each operation's wrapper read as WCF reads it (contract.ts), the operation run, its
 * answer written as WCF writes it (messages.ts). Authentication (seed "Authentication"): when enabled, every message
 * carries the `LogonID` and `Password` headers (namespace `OpenMediaService`, text content) of a host administrator,
 * else InvalidUserFault.
 */
import { timingSafeEqual } from 'node:crypto';
import { printable, SOAP11_NS, SOAP12_NS, SoapFault, type SoapContext } from '../../soap/index.js';
import type { XmlElement } from '../../xml/index.js';
import { readMembers, readRequest, type MemberOrder, type Values } from './contract.js';
import type { OmContext } from './context.js';
import { bodyFault, OmFault } from './faults.js';
import * as M from './messages.js';
import type { OptionsStore } from './options.js';
import { AUTH_NS, INPUTS, TEMPURI, type Operation } from './protocol.js';
import * as Q from './queries.js';
import * as R from './requests.js';

export interface Administrator {
  logonId: string;
  password: string;
}

export interface AuthSettings {
  enabled: boolean;
  administrators: readonly Administrator[];
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the credentials name a configured host administrator (logon IDs without regard to case). */
export function isAdministrator(auth: AuthSettings, logonId: string | undefined, password: string | undefined): boolean {
  if (logonId === undefined || password === undefined) return false;
  let ok = false;
  // Every entry is compared, so the time taken does not tell which logon IDs exist.
  for (const a of auth.administrators) if (a.logonId.toLowerCase() === logonId.toLowerCase() && same(a.password, password)) ok = true;
  return ok;
}

/** Seed: "The passed in LogonID/Password combination must be for a valid user who is configured as a host administrator". */
export function checkUser(auth: AuthSettings, logonId: string | undefined, password: string | undefined): void {
  if (auth.enabled && !isAdministrator(auth, logonId, password)) {
    throw new OmFault('InvalidUserFault', 'The LogonID and Password headers do not name a host administrator');
  }
}

/** An authentication header: element `name` in namespace `OpenMediaService` (one in another namespace is not it). */
function headerText(header: XmlElement | undefined, name: string): string | undefined {
  return header?.children.find((c) => c.name === name && c.ns === AUTH_NS)?.text;
}

/**
 * What WCF's BasicHttpBinding refuses before the operation runs: an Envelope outside the SOAP namespace it speaks is
 * `VersionMismatch` (SOAP 1.1 §4.4.1); the Body must hold exactly the operation's wrapper element, in
 * `http://tempuri.org/` (else the formatter's `a:DeserializationFailed`).
 */
function checkMessage(c: SoapContext<Operation>): void {
  const ns = c.soap.envelope.ns;
  if (ns !== SOAP11_NS && ns !== SOAP12_NS) {
    throw new SoapFault({ code: 'VersionMismatch', lang: 'en-US', reason: `The envelope namespace '${printable(ns).slice(0, 128)}' is not that of SOAP 1.1 ('${SOAP11_NS}').`, kind: 'request', reasonCode: 'versionMismatch' });
  }
  const entries = c.soap.body.children;
  const el = c.element;
  if (el.ns !== TEMPURI || el.name !== c.operation) {
    throw bodyFault(c.operation, `OperationFormatter encountered an invalid Message body. Expected to find node type 'Element' with name '${c.operation}' and namespace '${TEMPURI}'. Found node type 'Element' with name '${el.name}' and namespace '${el.ns}'`);
  }
  if (entries.length > 1) {
    throw bodyFault(c.operation, `The Body holds ${entries.length} elements; it must hold only the '${c.operation}' element.`);
  }
  // SOAP 1.1 §4.3: one Body. Reading the first and dropping a second would lose what the client sent in it.
  const bodies = c.soap.envelope.children.filter((e) => e.name === 'Body').length;
  if (bodies > 1) throw bodyFault(c.operation, `The Envelope holds ${bodies} Body elements; it must hold one.`);
}

const num = (v: Values[string]): number | null | undefined => (typeof v === 'number' ? v : v === null ? null : undefined);

function respond(op: Operation, a: Q.StatusAnswer): string {
  return M.getOpenMediaResponse(op, a.requests.map((e) => M.openMediaRequest(e)), a.stamp);
}

export class OmSoap {
  constructor(
    private readonly ctx: OmContext,
    private readonly options: OptionsStore,
    private readonly auth: AuthSettings,
    private readonly order: () => MemberOrder,
  ) {}

  handle(c: SoapContext<Operation>): string {
    checkMessage(c);
    checkUser(this.auth, headerText(c.soap.header, 'LogonID'), headerText(c.soap.header, 'Password'));
    const op = c.operation;
    const input = INPUTS[op];
    const order = this.order();
    const ctx = this.ctx;
    if ('request' in input) {
      const r = readRequest(c.element, input.request, order);
      switch (op) {
        case 'AddRequest':
          return M.addResponse(R.addRequest(ctx, r as R.AddInput | null));
        case 'CancelRequest':
          return M.booleanResponse(op, R.cancelRequest(ctx, r as Parameters<typeof R.cancelRequest>[1]));
        case 'DivertRequest':
          return M.divertResponse(R.divertRequest(ctx, r as Parameters<typeof R.divertRequest>[1]));
        case 'ModifyRequest':
          return M.booleanResponse(op, R.modifyRequest(ctx, r as Parameters<typeof R.modifyRequest>[1]));
        default:
          return M.booleanResponse(op, this.options.apply(ctx, r));
      }
    }
    const p = readMembers(c.element, input.params, order, {});
    switch (op) {
      case 'GetOpenMediaRequestStatusByID':
        return respond(op, Q.statusById(ctx, num(p['openMediaID'])));
      case 'GetOpenMediaRequestHistoryByID':
        return respond(op, Q.historyById(ctx, num(p['openMediaID']), num(p['retrieveLaterThan'])));
      case 'GetOpenMediaRequestsByTime':
        return respond(op, Q.requestsByTime(ctx, num(p['retrieveLaterThan'])));
      case 'GetAllOpenMediaRequestStatus':
        return respond(op, Q.allStatus(ctx));
      case 'GetServiceGroupStatus': {
        const g = Q.serviceGroupStatus(ctx, num(p['serviceGroupID']));
        return M.groupStatusResponse(g.open, g.id);
      }
      case 'GetAllOpenMediaServiceGroupStatus':
        return M.allGroupsResponse(Q.allServiceGroupStatus(ctx, num(p['tenantID'])));
      default: {
        const a = Q.agentsByGroup(ctx, num(p['serviceGroupID']));
        return M.agentsResponse(a.id, a.agents);
      }
    }
  }
}
