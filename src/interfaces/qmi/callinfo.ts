/**
 * CallInfoParams (QMI 5.2) of a call, told from one leg.
 *
 * - A is the caller.
 * - B is "the called number that can be a direct number or a queue" (5.2.1): the queue (its number, its name as
 *   BUserName) while the call is with the queue that delivered it; otherwise the party that picked the call (after a
 *   transfer the new party, QMI 7.1 event 7; in a conference the agent who first answered), else the party ringing,
 *   else the number dialled.
 * - The agent is "the agent … who picked the call" (5.2.1): an agent on the called side that answered (connected or
 *   on hold); for an agent's call to an outside number, the calling agent; nil while nobody has picked the call. C_3,
 *   the caller's side of an agent-to-agent call, names the calling agent (QMI 7.1 event 4).
 * - GateWayIP/Port is where the call enters or leaves the system (5.2.1): the gateway's media endpoint of the outside
 *   party; an internal call (agent to agent, C_2/C_3) has no gateway and both are nil.
 */
import type { CallView, ContactCenter, PartyView } from '../../core/index.js';
import type { Leg } from './call-ids.js';
import type { CallInfoParams } from './messages.js';
import { timeStampWriter, type TimeStampFormat } from './timestamp.js';

/** What CallInfo reads of a call: a CallView from an event, or the core's live call (same fields). */
export type CallLike = Pick<CallView, 'id' | 'sipCallId' | 'dialled' | 'direction' | 'mrs' | 'codec' | 'recordings'> & {
  parties: Pick<PartyView, 'legId' | 'number' | 'userId' | 'internal' | 'role' | 'state' | 'ip' | 'port'>[];
};
type Party = CallLike['parties'][number];

/** What CallInfo needs besides the call: queue names and the notification time's format. */
export interface CallInfoContext {
  /** A queue by id: its number (address) and name; undefined when unknown. */
  queue(id: string): { number: string; name: string } | undefined;
  /** TimeStamp text for an instant in ms since the epoch (see timestamp.ts). */
  timeStamp(at: number): string;
}

/** The context of a running gateway: the core's queues, TimeStamp as `qmi.timeStamp` and `qmi.timeZone` say. */
export function callInfoContext(center: ContactCenter, settings: { timeStamp: TimeStampFormat; timeZone: string }): CallInfoContext {
  return {
    queue: (id) => {
      const q = center.queues.get(id);
      return q === undefined ? undefined : { number: q.address, name: q.name };
    },
    timeStamp: timeStampWriter(settings.timeStamp, settings.timeZone),
  };
}

export interface Sides {
  a: Party | undefined;
  /** The called-side party that answered and is still in the call (first one: in a conference, who answered first). */
  picked: Party | undefined;
  /** The called-side party ringing, when nobody has picked the call. */
  ringing: Party | undefined;
}

const PICKED = new Set(['connected', 'hold', 'held']);

function live(p: Party): boolean {
  return p.state !== 'ended' && p.role !== 'supervisor';
}

export function sidesOf(call: CallLike): Sides {
  const a = call.parties.find((p) => p.role === 'caller' && live(p)) ?? call.parties.find((p) => p.role === 'caller');
  const others = call.parties.filter((p) => p !== a && live(p));
  return { a, picked: others.find((p) => PICKED.has(p.state)), ringing: others.find((p) => p.state === 'alerting') };
}

/** QMI 7.1 note: a call between two agents is reported as two calls. */
export function isAgentToAgent(call: CallLike): boolean {
  const { a, picked } = sidesOf(call);
  return a?.userId !== undefined && picked?.userId !== undefined;
}

function agentOf(call: CallLike, sides: Sides, leg: Leg): Party | undefined {
  const { a, picked } = sides;
  if (leg === 'callerSide') return a;
  if (picked?.userId !== undefined) return picked;
  // An agent's own call to the outside world is that agent's call from the moment it is dialled.
  if (call.direction === 'outbound' && a?.userId !== undefined) return a;
  return undefined;
}

/**
 * CallInfoParams of `call` as QMI call `qmiId` (leg `leg`) at `at` (ms since the epoch). `queueId` is the queue the
 * call is with (CallIds.queueOf), undefined for a direct call or one that left its queue by transfer or deflection.
 */
export function callInfo(call: CallLike, qmiId: string, leg: Leg, at: number, ctx: CallInfoContext, queueId?: string): CallInfoParams {
  const sides = sidesOf(call);
  const { a } = sides;
  const agent = agentOf(call, sides, leg);
  const queue = queueId === undefined ? undefined : ctx.queue(queueId);
  const bParty = sides.picked ?? sides.ringing;
  const gateway = call.parties.find((p) => !p.internal && live(p));
  return {
    CallID: qmiId,
    SIPCallID: call.sipCallId,
    ANumber: a?.number ?? null,
    BNumber: queue?.number ?? bParty?.number ?? call.dialled,
    AgentNumber: agent?.number ?? null,
    AUserName: a?.userId ?? null,
    BUserName: queue?.name ?? bParty?.userId ?? null,
    AgentUserName: agent?.userId ?? null,
    AgentIP: agent?.ip ?? null,
    AgentPort: agent?.port ?? null,
    GateWayIP: gateway?.ip ?? null,
    GateWayPort: gateway?.port ?? null,
    MRSIP: call.mrs.ip,
    MRSPort: call.mrs.port,
    Codec: call.codec,
    TimeStamp: ctx.timeStamp(at),
    // Enabled while the server records; a paused recording is not recording (QMI 5.2.1: 0 disabled, 1 enabled). Only
    // BCM's own recording counts (QMIBCMRecordingStart, source `qmi`): another system's recording of the call is not it.
    BcmRecordingEn: call.recordings.some((r) => r.source === 'qmi' && r.state === 'recording') ? 1 : 0,
  };
}
