/** Snapshots of live objects for events and the control API: plain data, safe to keep and serialise. */
import type { CallView, ItemView, PartyView } from './events.js';
import type { Agent, AgentDriver, AgentState, Call, Channel, Party, Queue, WorkItem } from './model.js';

export function viewParty(p: Party): PartyView {
  const v: PartyView = {
    legId: p.legId,
    number: p.number,
    internal: p.internal,
    role: p.role,
    state: p.state,
    joinedAt: p.joinedAt,
    ip: p.ip,
    port: p.port,
  };
  if (p.userId !== undefined) v.userId = p.userId;
  if (p.alertingAt !== undefined) v.alertingAt = p.alertingAt;
  if (p.connectedAt !== undefined) v.connectedAt = p.connectedAt;
  if (p.endedAt !== undefined) v.endedAt = p.endedAt;
  if (p.cause !== undefined) v.cause = p.cause;
  return v;
}

export function viewCall(c: Call): CallView {
  const v: CallView = {
    id: c.id,
    sipCallId: c.sipCallId,
    reference: c.reference,
    direction: c.direction,
    parties: c.parties.map(viewParty),
    dialled: c.dialled,
    acd: c.acd,
    conference: c.conference,
    attached: { ...c.attached },
    gateway: { ...c.gateway },
    mrs: { ...c.mrs },
    codec: c.codec,
    recordings: c.recordings.map((r) => ({ ...r })),
    monitors: c.monitors.map((m) => ({ ...m, targets: m.targets.map((t) => ({ ...t })) })),
    state: c.state,
    createdAt: c.createdAt,
  };
  if (c.firstCalled !== undefined) v.firstCalled = c.firstCalled;
  if (c.lastRedirection !== undefined) v.lastRedirection = { ...c.lastRedirection };
  if (c.queueId !== undefined) v.queueId = c.queueId;
  if (c.consultFor !== undefined) v.consultFor = c.consultFor;
  if (c.forQueue !== undefined) v.forQueue = c.forQueue;
  if (c.answeredAt !== undefined) v.answeredAt = c.answeredAt;
  if (c.endedAt !== undefined) v.endedAt = c.endedAt;
  if (c.cause !== undefined) v.cause = c.cause;
  return v;
}

export function viewItem(i: WorkItem, queuePosition: number): ItemView {
  const v: ItemView = {
    id: i.id,
    channel: i.channel,
    queueId: i.queueId,
    state: i.state,
    priority: i.routing.priority,
    createdAt: i.createdAt,
    data: { ...i.data },
    attached: { ...i.attached },
    queuePosition,
  };
  if (i.userId !== undefined) v.userId = i.userId;
  if (i.from !== undefined) v.from = i.from;
  if (i.to !== undefined) v.to = i.to;
  if (i.subject !== undefined) v.subject = i.subject;
  if (i.routing.type !== undefined) v.type = i.routing.type;
  return v;
}

/** An agent as the control API's snapshot shows it (DESIGN.md "Control API"). */
export interface AgentSnapshot {
  userId: string;
  extension: string;
  name: string;
  state: AgentState;
  stateSince: string;
  reason?: string;
  queues: string[];
  channels: Channel[];
  skills: Record<string, number>;
  driver?: AgentDriver;
  /** Work items of any channel the agent holds now (allocated, accepted or in wrap-up). */
  workItems: number;
}

/** A queue as the control API's snapshot shows it. */
export interface QueueSnapshot {
  id: string;
  name: string;
  channel: Channel;
  address: string;
  open: boolean;
  waiting: number;
  members: string[];
}

export function agentSnapshot(a: Agent, workItems = 0): AgentSnapshot {
  const s: AgentSnapshot = {
    userId: a.userId,
    extension: a.extension,
    name: a.name,
    state: a.state,
    stateSince: new Date(a.stateSince).toISOString(),
    queues: [...a.queues],
    channels: [...a.channels],
    skills: { ...a.skills },
    workItems,
  };
  if (a.reason !== undefined) s.reason = a.reason;
  if (a.driver) s.driver = { ...a.driver };
  return s;
}

export function queueSnapshot(q: Queue): QueueSnapshot {
  return { id: q.id, name: q.name, channel: q.channel, address: q.address, open: q.open, waiting: q.waiting.length, members: [...q.members] };
}
