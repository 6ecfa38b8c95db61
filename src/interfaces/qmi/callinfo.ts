/**
 * CallInfoParams (QMI 5.2) of a call, told from one leg. A side is the caller (A) or the party that picked the call
 * (B); the agent is B when B is an agent, else A when A is one. After a transfer B is the new party (QMI 7.1 event 7:
 * "BNumber = Agent B number and AgentNumber = Agent B number"); in a conference B stays the agent who picked the call.
 */
import type { CallView, PartyView } from '../../core/index.js';
import type { Leg } from './call-ids.js';
import type { CallInfoParams } from './messages.js';

/** What CallInfo reads of a call: a CallView from an event, or the core's live call (same fields). */
export type CallLike = Pick<CallView, 'id' | 'sipCallId' | 'dialled' | 'queueId' | 'gateway' | 'mrs' | 'codec' | 'recording'> & {
  parties: Pick<PartyView, 'legId' | 'number' | 'userId' | 'internal' | 'role' | 'state' | 'ip' | 'port'>[];
};
type Party = CallLike['parties'][number];

export interface Sides {
  a: Party | undefined;
  b: Party | undefined;
}

function live(p: Party): boolean {
  return p.state !== 'ended' && p.role !== 'supervisor';
}

export function sidesOf(call: CallLike): Sides {
  const a = call.parties.find((p) => p.role === 'caller' && live(p)) ?? call.parties.find((p) => p.role === 'caller');
  const others = call.parties.filter((p) => p !== a && live(p));
  const b = others.find((p) => p.state === 'connected' || p.state === 'hold' || p.state === 'held') ?? others[0];
  return { a, b };
}

/** QMI 7.1 note: a call between two agents is reported as two calls. */
export function isAgentToAgent(call: CallLike): boolean {
  const { a, b } = sidesOf(call);
  return a?.userId !== undefined && b?.userId !== undefined;
}

export function timestamp(at: number): string {
  return new Date(at).toISOString();
}

export function callInfo(call: CallLike, qmiId: string, leg: Leg, at: number, queueName: (id: string) => string | undefined): CallInfoParams {
  const { a, b } = sidesOf(call);
  const agent = leg === 'callerSide' ? a : b?.userId !== undefined ? b : a?.userId !== undefined ? a : undefined;
  // Before anybody picked it, B is what the caller dialled: "a direct number or a queue" (QMI 5.2.1).
  const bNumber = b?.number ?? call.dialled;
  const bUser = b ? (b.userId ?? null) : call.queueId !== undefined ? (queueName(call.queueId) ?? null) : null;
  return {
    CallID: qmiId,
    SIPCallID: call.sipCallId,
    ANumber: a?.number ?? null,
    BNumber: bNumber,
    AgentNumber: agent?.userId !== undefined ? agent.number : null,
    AUserName: a?.userId ?? null,
    BUserName: bUser,
    AgentUserName: agent?.userId ?? null,
    AgentIP: agent?.userId !== undefined ? agent.ip : null,
    AgentPort: agent?.userId !== undefined ? agent.port : null,
    GateWayIP: call.gateway.ip,
    GateWayPort: call.gateway.port,
    MRSIP: call.mrs.ip,
    MRSPort: call.mrs.port,
    Codec: call.codec,
    TimeStamp: timestamp(at),
    // Enabled while the server records; a paused recording is not recording (QMI 5.2.1: 0 disabled, 1 enabled).
    BcmRecordingEn: call.recording.state === 'on' ? 1 : 0,
  };
}
