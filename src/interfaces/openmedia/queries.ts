/**
 * The status and service-group queries of seed 004: GetOpenMediaRequestStatusByID, GetOpenMediaRequestHistoryByID,
 * GetOpenMediaRequestsByTime, GetAllOpenMediaRequestStatus, GetServiceGroupStatus, GetAllOpenMediaServiceGroupStatus
 * and the contract's GetOMAgentsByGroup. Status answers come from the cache; their TimeStamp is the cache's mark, so
 * "later than" that TimeStamp is exactly what happened after the answer.
 */
import { assertRouter, type OmContext } from './context.js';
import { invalidData, OmFault } from './faults.js';
import type { StatusEvent } from './status.js';

/** A status update as answered: historical (as recorded) or current (QueuePosition and status now). */
export interface StatusAnswer {
  requests: StatusEvent[];
  /** The answer's TimeStamp (epoch ms). */
  stamp: number;
}

/**
 * Seed: "For requests looking at the current status … the QueuePosition will be the current queue position in the
 * service group"; for historical ones, the position when the event happened.
 */
function current(ctx: OmContext, ev: StatusEvent, itemId: string): StatusEvent {
  const item = ctx.cc.items.find(itemId);
  if (!item || ev.status !== 'Queued') return ev;
  return { ...ev, queuePosition: ctx.cc.items.position(item) };
}

/** InvalidOpenMediaIDFault's reason: the ID asked for, or that none was given. */
export function unknownRequest(id: number | null | undefined): string {
  return id === null || id === undefined ? 'No OpenMediaID was given' : `OpenMediaID ${id} is not a known Open Media request`;
}

function entry(ctx: OmContext, id: number | null | undefined) {
  ctx.cache.expire();
  const e = id === null || id === undefined ? undefined : ctx.cache.get(id);
  if (!e) throw new OmFault('InvalidOpenMediaIDFault', unknownRequest(id));
  return e;
}

/** Seed GETOPENMEDIAREQUESTSTATUSBYID: the latest status update, with the current queue position. */
export function statusById(ctx: OmContext, id: number | null | undefined): StatusAnswer {
  const e = entry(ctx, id);
  const last = e.events.at(-1);
  return { requests: last ? [current(ctx, last, e.itemId)] : [], stamp: ctx.cache.mark() };
}

/** Seed GETOPENMEDIAREQUESTHISTORYBYID: every update later than `after` (epoch ms; null = all). */
export function historyById(ctx: OmContext, id: number | null | undefined, after: number | null | undefined): StatusAnswer {
  const e = entry(ctx, id);
  const from = after ?? -Infinity;
  return { requests: e.events.filter((ev) => ev.stamp > from), stamp: ctx.cache.mark() };
}

/** Seed GETOPENMEDIAREQUESTSBYTIME: every update of every cached request later than `after`. */
export function requestsByTime(ctx: OmContext, after: number | null | undefined): StatusAnswer {
  ctx.cache.expire();
  return { requests: ctx.cache.since(after ?? -Infinity), stamp: ctx.cache.mark() };
}

/** Seed GETALLOPENMEDIAREQUESTSTATUS: the current status of every request in the cache. */
export function allStatus(ctx: OmContext): StatusAnswer {
  ctx.cache.expire();
  const requests: StatusEvent[] = [];
  for (const e of ctx.cache.all()) {
    const last = e.events.at(-1);
    if (last) requests.push(current(ctx, last, e.itemId));
  }
  return { requests, stamp: ctx.cache.mark() };
}

function group(ctx: OmContext, id: number | null | undefined) {
  assertRouter(ctx);
  const g = id === null || id === undefined ? undefined : ctx.dir.group(id);
  if (!g) throw invalidData(id === null || id === undefined ? 'No ServiceGroupID was given' : `ServiceGroupID ${id} is not a valid Open Media service group`);
  return g;
}

/** Seed GETSERVICEGROUPSTATUS. */
export function serviceGroupStatus(ctx: OmContext, id: number | null | undefined): { id: number; open: boolean } {
  const g = group(ctx, id);
  return { id: g.id, open: g.queue.open };
}

/** Seed GETALLOPENMEDIASERVICEGROUPSTATUS ("1 should be used for a non-tenanted system"). */
export function allServiceGroupStatus(ctx: OmContext, tenantId: number | null | undefined): { id: number; open: boolean }[] {
  assertRouter(ctx);
  const enabled = tenantId === null || tenantId === undefined ? undefined : ctx.dir.tenantEnabled(tenantId);
  if (enabled !== true) throw invalidData(tenantId === null || tenantId === undefined ? 'No TenantID was given' : `Tenant ${tenantId} is not valid or is disabled`);
  return ctx.dir.groupsOfTenant(tenantId as number).map((g) => ({ id: g.id, open: g.queue.open }));
}

/** The contract's GetOMAgentsByGroup: the record IDs of the group's agents who are logged on. */
export function agentsByGroup(ctx: OmContext, id: number | null | undefined): { id: number; agents: number[] } {
  const g = group(ctx, id);
  const agents: number[] = [];
  for (const uid of g.queue.members) {
    const a = ctx.cc.agents.get(uid);
    const rec = ctx.dir.record(uid);
    if (a && rec && a.state !== 'loggedOff' && a.channels.includes('openmedia')) agents.push(rec.agentId);
  }
  return { id: g.id, agents };
}
