/** What the creator of a call or work item may ask of routing, and its validation into RoutingInputs. */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { RoutingInputs } from '../model.js';

export interface ForcedAgentRequest {
  /** The only agent who may take the contact (userId, case-insensitive). */
  userId: string;
  /** Seconds the contact waits for this agent from when it is created; absent = for ever. */
  timeoutSec?: number;
  /** Then: `fail` (default: Open Media "the request will be rejected") or `anyAgent`. */
  onExpiry?: 'fail' | 'anyAgent';
}

/** Routing requests shared by CallOptions and NewItem. */
export interface RoutingRequest {
  /** 1 = highest … 100 (default 50). */
  priority?: number;
  /** Skill name → minimum level 0..100, on top of the queue's skills. */
  skills?: Record<string, number>;
  /** An agent to offer the contact to first (userId, case-insensitive). */
  preferredAgent?: string;
  forcedAgent?: ForcedAgentRequest;
  /** Epoch ms, not in the future: the contact's queue time starts here (Open Media QueueStartTime). */
  queueStart?: number;
  /** Item type, an integer ≥ 1 (Open Media TypeOfSession): per-type capacity applies. */
  type?: number;
}

/** The inputs of a contact that asks nothing of routing (priority 50, no skills, nobody preferred or excluded). */
export function newRoutingInputs(): RoutingInputs {
  return { priority: 50, skills: {}, excluded: [] };
}

/**
 * Validates a routing request, changing nothing: `invalidArgument` for a value out of range, `unknownAgent` for a
 * preferred or forced agent that does not exist, `agentLoggedOff` for a forced agent who is logged off (Open Media
 * AddRequest RequestStatus 4 "Preferred Agent is logged off").
 */
export function routingInputs(cc: ContactCenter, req: RoutingRequest): RoutingInputs {
  const now = cc.now();
  const priority = req.priority ?? 50;
  if (!Number.isInteger(priority) || priority < 1 || priority > 100) throw new CoreError('invalidArgument', `priority ${priority} (1..100)`);
  const skills: Record<string, number> = {};
  for (const [name, level] of Object.entries(req.skills ?? {})) {
    if (!Number.isInteger(level) || level < 0 || level > 100) throw new CoreError('invalidArgument', `skill ${name} level ${level} (0..100)`);
    skills[name] = level;
  }
  const r: RoutingInputs = { priority, skills, excluded: [] };
  if (req.preferredAgent !== undefined) r.preferredAgent = cc.agent(req.preferredAgent).userId;
  if (req.forcedAgent !== undefined) {
    const f = req.forcedAgent;
    const agent = cc.agent(f.userId);
    if (agent.state === 'loggedOff') throw new CoreError('agentLoggedOff', agent.userId);
    if (f.timeoutSec !== undefined && !(f.timeoutSec >= 0 && f.timeoutSec <= 86_400)) throw new CoreError('invalidArgument', `forced agent timeout ${f.timeoutSec} s`);
    r.forcedAgent = { userId: agent.userId, onExpiry: f.onExpiry ?? 'fail' };
    if (f.timeoutSec !== undefined) r.forcedAgent.until = now + f.timeoutSec * 1000;
  }
  if (req.queueStart !== undefined) {
    if (!Number.isFinite(req.queueStart) || req.queueStart > now) throw new CoreError('invalidArgument', 'the queue start time must not be in the future');
    r.queueStart = req.queueStart;
  }
  if (req.type !== undefined) {
    if (!Number.isInteger(req.type) || req.type < 1) throw new CoreError('invalidArgument', `type ${req.type} (an integer from 1)`);
    r.type = req.type;
  }
  return r;
}
