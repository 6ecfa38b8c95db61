/**
 * The request operations of seed 004 on the core: AddRequest, CancelRequest, DivertRequest, ModifyRequest. Input
 * arrives typed (from SOAP or the REST twin); every refusal is decided before the core is touched, so a rejected
 * request changes nothing. A member a WCF client always writes (an `int` it left at 0, `false`) means "not given".
 */
import { CoreError, type NewItem, type WorkItem } from '../../core/index.js';
import type { IvrInformation } from './contract.js';
import { assertLicense, assertRouter, checkLength, type OmContext } from './context.js';
import type { ServiceGroup } from './directory.js';
import { invalidData, OmFault } from './faults.js';
import type { AddResult } from './messages.js';
import type { RequestStatus } from './protocol.js';
import { unknownRequest } from './queries.js';

export interface AddInput {
  ServiceGroupID?: number | null;
  TenantID?: number | null;
  ServiceGroupName?: string | null;
  IVRInfo?: IvrInformation[] | null;
  PrivateData?: string | null;
  PreferredAgentID?: number | null;
  PreferredAgentLogonID?: string | null;
  ForceToPreferredAgent?: boolean | null;
  TypeOfSession?: number | null;
  /** Epoch ms. */
  QueueStartTime?: number | null;
  SessionPriority?: number | null;
}

export interface GroupInput {
  ServiceGroupID?: number | null;
  TenantID?: number | null;
  ServiceGroupName?: string | null;
}

const ITEM_PREFIX = 'openmedia-';
/** Seed: "Up to 3 IVRInformation fields", Label and Data "Up to 100 characters", PrivateData 255, ServiceGroupName 20. */
export const LIMITS = { ivrInfo: 3, label: 100, data: 100, privateData: 255, serviceGroupName: 20 } as const;

/** The IVR data as the item keeps it: label → data, in order (an unlabelled entry under ''). */
function ivrData(ivr: IvrInformation[] | null | undefined, required: boolean): Record<string, string> | undefined {
  if (ivr === null || ivr === undefined || ivr.length === 0) {
    if (required) throw invalidData('At least one IVRInfo Label or Data must be provided');
    return undefined;
  }
  if (ivr.length > LIMITS.ivrInfo) throw invalidData(`At most ${LIMITS.ivrInfo} IVRInfo may be provided (${ivr.length} were)`);
  for (const i of ivr) {
    checkLength('IVRInfo Label', i.Label, LIMITS.label);
    checkLength('IVRInfo Data', i.Data, LIMITS.data);
  }
  if (!ivr.some((i) => (i.Label ?? '') !== '' || (i.Data ?? '') !== '')) throw invalidData('At least one IVRInfo Label or Data must be provided');
  // Object.fromEntries defines each label as an own member: a label such as "__proto__" is kept, never a prototype.
  return Object.fromEntries(ivr.map((i) => [i.Label ?? '', i.Data ?? '']));
}

const given = (n: number | null | undefined): n is number => n !== null && n !== undefined && n !== 0;

/**
 * Seed rule 1: ServiceGroupID wins over TenantID + ServiceGroupName; one of them is needed (InvalidDataException).
 * Returns the group, or the RequestStatus that refuses it.
 */
export function resolveGroup(ctx: OmContext, r: GroupInput): ServiceGroup | RequestStatus {
  checkLength('ServiceGroupName', r.ServiceGroupName, LIMITS.serviceGroupName);
  let group: ServiceGroup | undefined;
  if (given(r.ServiceGroupID)) group = ctx.dir.group(r.ServiceGroupID);
  else if (given(r.TenantID) && r.ServiceGroupName) group = ctx.dir.groupByName(r.TenantID, r.ServiceGroupName);
  else throw invalidData('ServiceGroupID, or TenantID and ServiceGroupName, must be provided');
  if (!group) return 'InvalidGroup';
  const tenant = ctx.dir.tenantEnabled(group.tenantId);
  if (tenant === false) return 'TenantDisabled';
  if (!group.queue.open) return 'GroupClosed';
  return group;
}

/** Seed PreferredAgentID / PreferredAgentLogonID ("PreferredAgentID will take precedence"): the agent, if named. */
function preferredAgent(ctx: OmContext, r: AddInput): { userId: string | undefined; named: boolean } {
  if (given(r.PreferredAgentID)) return { userId: ctx.dir.agentById(r.PreferredAgentID)?.userId, named: true };
  if (r.PreferredAgentLogonID) return { userId: ctx.dir.agentByLogon(r.PreferredAgentLogonID)?.userId, named: true };
  return { userId: undefined, named: false };
}

const refused = (status: RequestStatus): AddResult => ({ EWT: 0, OpenMediaID: 0, QueuePosition: 0, RequestStatus: status });

/** Seed ADDREQUEST. */
export function addRequest(ctx: OmContext, r: AddInput | null): AddResult {
  assertRouter(ctx);
  assertLicense(ctx, true);
  if (r === null) throw invalidData('The request is missing');
  checkLength('PrivateData', r.PrivateData, LIMITS.privateData);
  const data = ivrData(r.IVRInfo, true);
  if (r.TypeOfSession !== null && r.TypeOfSession !== undefined && r.TypeOfSession < 0) throw invalidData('TypeOfSession must be 1 or greater');
  if (given(r.SessionPriority) && (r.SessionPriority < 1 || r.SessionPriority > 100)) throw invalidData('SessionPriority must be from 1 to 100');
  const group = resolveGroup(ctx, r);
  if (typeof group === 'string') return refused(group);
  const { cc } = ctx;
  const item: NewItem = { channel: 'openmedia', queueId: group.queue.id, attached: {} };
  if (data) item.data = data;
  if (r.PrivateData !== null && r.PrivateData !== undefined) item.attached = { PrivateData: r.PrivateData };
  if (given(r.TypeOfSession)) item.type = r.TypeOfSession;
  // Seed QueueStartTime: "must be prior to the current date and time. If the value is valid, the queue time for the
  // session will be set to the provided value" (an invalid one is not used); it wins over SessionPriority.
  const queueStart = r.QueueStartTime !== null && r.QueueStartTime !== undefined && r.QueueStartTime <= cc.now() ? r.QueueStartTime : undefined;
  if (queueStart !== undefined) item.queueStart = queueStart;
  else if (given(r.SessionPriority) && group.sessionPriority) item.priority = r.SessionPriority;
  const preferred = group.preferredAgent ? preferredAgent(ctx, r) : { userId: undefined, named: false };
  if (r.ForceToPreferredAgent === true && preferred.named) {
    if (preferred.userId === undefined) return refused('Error');
    const agent = cc.agent(preferred.userId);
    if (agent.state === 'loggedOff') return refused('AgentLoggedOff');
    item.forcedAgent = { userId: agent.userId, timeoutSec: group.forcedAgentTimeoutSec, onExpiry: 'fail' };
  } else if (preferred.userId !== undefined) {
    item.preferredAgent = preferred.userId;
  }
  const id = ctx.cache.allocateId();
  let created: WorkItem | undefined;
  for (let attempt = 0; created === undefined; attempt++) {
    const itemId = `${ITEM_PREFIX}${id}${attempt === 0 ? '' : `-${attempt}`}`;
    ctx.cache.register(id, itemId);
    // The id is set on the request itself, not spread into a copy: V8 (Node 20) builds `{ ...o, more }` on a slow
    // path that costs microseconds, on every AddRequest.
    item.id = itemId;
    try {
      created = cc.items.create(item);
    } catch (err) {
      ctx.cache.unregister(id);
      if (!(err instanceof CoreError && err.code === 'duplicateId' && attempt < 8)) return mapCreateError(err);
    }
  }
  return {
    EWT: created.state === 'queued' ? cc.routing.estimatedWaitSec(created.queueId, created.id) : 0,
    OpenMediaID: id,
    QueuePosition: cc.items.position(created),
    RequestStatus: 'Success',
  };
}

function mapCreateError(err: unknown): AddResult {
  if (!(err instanceof CoreError)) throw err;
  if (err.code === 'queueClosed') return refused('GroupClosed');
  if (err.code === 'agentLoggedOff') return refused('AgentLoggedOff');
  if (err.code === 'unknownQueue') return refused('InvalidGroup');
  if (err.code === 'routerDown') throw new OmFault('RouterDisconnectedFault', err.message);
  return refused('Error');
}

/** The live request `id` (InvalidOpenMediaIDFault when it is not in the cache). */
export function requestItem(ctx: OmContext, id: number | null | undefined): WorkItem {
  ctx.cache.expire();
  const entry = id === null || id === undefined ? undefined : ctx.cache.get(id);
  const item = entry ? ctx.cc.items.find(entry.itemId) : undefined;
  if (!entry || !item) throw new OmFault('InvalidOpenMediaIDFault', unknownRequest(id));
  return item;
}

const ENDED = ['completed', 'failed', 'cancelled'];

/** Seed CANCELREQUEST: true if cancelled; false when allocated and CancelIfAllocated is not set. */
export function cancelRequest(ctx: OmContext, r: { OpenMediaID?: number | null; CancelIfAllocated?: boolean | null; DoNotReport?: boolean | null } | null): boolean {
  assertRouter(ctx);
  assertLicense(ctx, false);
  const item = requestItem(ctx, r?.OpenMediaID);
  if (ENDED.includes(item.state)) throw new OmFault('OpenMediaRequestTerminatedFault', `Open Media request ${r?.OpenMediaID ?? ''} has already terminated or been cancelled`);
  if (item.state !== 'queued' && r?.CancelIfAllocated !== true) return false;
  ctx.cc.items.cancel(item.id, { ifAllocated: r?.CancelIfAllocated === true, report: r?.DoNotReport !== true });
  return true;
}

/**
 * Seed DIVERTREQUEST: reported as overflowed out of the old group and in to the new one. A forced request waits for
 * its agent the new group's forcedAgentTimeoutSec from now (README "within the group's forcedAgentTimeoutSec"); into a
 * group its agent is not a member of it could only fail, so it is refused, changing nothing, as `InvalidGroup` (seed:
 * "Invalid Service Group provided in request", the one status of DivertRequest's list that fits).
 */
export function divertRequest(ctx: OmContext, r: (GroupInput & { OpenMediaID?: number | null }) | null): { OpenMediaID: number; RequestStatus: RequestStatus } {
  assertRouter(ctx);
  assertLicense(ctx, false);
  if (r === null) throw invalidData('The request is missing');
  const id = r.OpenMediaID ?? 0;
  const group = resolveGroup(ctx, r);
  let item: WorkItem;
  try {
    item = requestItem(ctx, r.OpenMediaID);
  } catch {
    return { OpenMediaID: id, RequestStatus: 'InvalidID' };
  }
  if (ENDED.includes(item.state)) return { OpenMediaID: id, RequestStatus: 'InvalidID' };
  if (typeof group === 'string') return { OpenMediaID: id, RequestStatus: group };
  const forced = item.routing.forcedAgent;
  if (forced && !group.queue.members.includes(forced.userId)) return { OpenMediaID: id, RequestStatus: 'InvalidGroup' };
  ctx.cc.items.divert(item.id, group.queue.id, forced ? { forcedTimeoutSec: group.forcedAgentTimeoutSec } : {});
  return { OpenMediaID: id, RequestStatus: 'Success' };
}

/**
 * Seed MODIFYREQUEST: only while queued and unallocated (else false); an IVR label replaces its data, a new label is
 * appended. Its input rules are AddRequest's (InvalidDataException, nothing changed): IVRInfo "At least one Label or
 * Data field must be provided with the request", up to 3 (counted on the request as modified), Label and Data up to
 * 100 characters, PrivateData up to 255. An unknown OpenMediaID is InvalidOpenMediaIDFault, the fault the service's
 * contract declares for it (the vendor document's table says InvalidDataException).
 */
export function modifyRequest(ctx: OmContext, r: { OpenMediaID?: number | null; IVRInfo?: IvrInformation[] | null; PrivateData?: string | null } | null): boolean {
  assertRouter(ctx);
  assertLicense(ctx, false);
  const item = requestItem(ctx, r?.OpenMediaID);
  checkLength('PrivateData', r?.PrivateData, LIMITS.privateData);
  const data = ivrData(r?.IVRInfo, true) ?? {};
  // Seed: "Up to 3 IVRInformation fields" holds for the request as modified: replaced labels count once.
  const labels = new Set([...Object.keys(item.data), ...Object.keys(data)]);
  if (labels.size > LIMITS.ivrInfo) throw invalidData(`At most ${LIMITS.ivrInfo} IVRInfo may be held; the request would hold ${labels.size}`);
  if (item.state !== 'queued') return false;
  const change: { data: Record<string, string>; attached?: Record<string, string> } = { data };
  if (r?.PrivateData !== null && r?.PrivateData !== undefined) change.attached = { PrivateData: r.PrivateData };
  ctx.cc.items.modify(item.id, change);
  return true;
}
