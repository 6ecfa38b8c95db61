/**
 * Core call events → QMI events. The table says what each core change means to QMI; the functions below only
 * execute it. Nothing is reported about a call before its NewCall, and nothing after its Callended (QMI 3.2.2).
 *
 * When NewCall fires: at `answered`. QMI 4.2.2 "a new call established", and AgentNumber is "the agent's number who
 * picked the call" (5.2.1), which is only true once the agent answered; an ACD call that is abandoned while queued
 * or ringing is never reported, and a ring-no-answer (the call going to another agent) never needs correcting.
 */
import type { CallChange, CallEvent, CallView } from '../../core/index.js';
import { callInfo, isAgentToAgent } from './callinfo.js';
import type { CallIds, QmiCall } from './call-ids.js';
import type { QmiEvent } from './messages.js';
import { CALL_STATE } from './protocol.js';

type Rule =
  | 'ignore'
  | 'announce' // NewCall (C_2 then C_3 for agent-to-agent); Callupdated when already announced
  | 'update' // Callupdated
  | 'hold' // Callonhold
  | 'resume' // Callresumed
  | 'transfer' // Callupdated; Callstate 0 first when the new party is not an agent
  | 'conference' // Callresumed + Callstate 2
  | 'merge' // the consultation's QMI calls join the conference call, silently
  | 'partyAdded' // Callstate 3 (supervisor) or 1 (a party joined)
  | 'prompt' // Callstate 4
  | 'end'; // Callended for every QMI call of the core call

export const CALL_RULES: Readonly<Record<CallChange, Rule>> = {
  created: 'ignore', // not established yet
  dialled: 'ignore',
  queued: 'ignore',
  alerting: 'ignore', // ringing: nobody picked the call (also a blind-transfer target ringing, QMI 7.2)
  answered: 'announce', // QMI 7.1 events 1, 3, 4
  held: 'hold', // QMI 7.1 event 2
  retrieved: 'resume',
  diverted: 'ignore', // only an alerting call is diverted: not announced
  transferring: 'hold', // QMI 7.2 event 2: "the call is put on hold … ringing for Agent B"
  transferred: 'transfer', // QMI 7.1 event 7, 7.2 event 3
  conferenced: 'conference', // QMI 7.3 events 5, 6
  merged: 'merge', // QMI 7.3 lists no Callended for C_2/C_3: they live on in the conference
  partyAdded: 'partyAdded',
  partyDropped: 'update',
  requeued: 'ignore',
  failed: 'ignore', // the 'ended' that follows reports it
  ended: 'end', // QMI 7.1 events 5, 6
  dataChanged: 'ignore', // QMI carries no attached data
  recording: 'update', // BcmRecordingEn changed
  monitoring: 'ignore', // answered by QMIRequestResponse to the requesting session
  prompt: 'prompt',
};

export interface ProjectionDeps {
  ids: CallIds;
  queueName(id: string): string | undefined;
}

export function projectCallEvent(e: CallEvent & { at: number }, deps: ProjectionDeps): QmiEvent[] {
  const rule = CALL_RULES[e.change];
  if (rule === 'ignore') return [];
  const { ids } = deps;
  if (rule === 'announce') return announce(e.call, e.at, deps);
  if (rule === 'merge') {
    const from = ids.get(e.call.id);
    if (!from) return [];
    if (e.related === undefined || !from.announced) {
      ids.end(e.call.id);
      return [];
    }
    ids.merge(from, ids.ensure(e.related));
    return [];
  }
  if (rule === 'end') return ids.end(e.call.id).map((callId) => ({ kind: 'Callended', callId }));
  const c = ids.get(e.call.id);
  if (!c?.announced) return [];
  const legs = ids.legs(c);
  const each = (f: (id: string, leg: (typeof legs)[number]['leg']) => QmiEvent): QmiEvent[] => legs.map((l) => f(l.id, l.leg));
  const updated = (): QmiEvent[] => each((id, leg) => ({ kind: 'Callupdated', info: callInfo(e.call, id, leg, e.at, deps.queueName) }));
  switch (rule) {
    case 'update':
      return updated();
    case 'hold':
      return each((callId) => ({ kind: 'Callonhold', callId }));
    case 'resume':
      return each((callId) => ({ kind: 'Callresumed', callId }));
    case 'transfer': {
      const moved = e.call.parties.find((p) => p.legId === e.legs[0]);
      // QMI 5.3.1 CallState 0 "C number to which the call is transferred": said when the call leaves the agents
      // (an external or unattended number); a transfer to an agent is the Callupdated of QMI 7.1/7.2 alone.
      const toNonAgent = moved !== undefined && moved.userId === undefined;
      const state: QmiEvent[] = toNonAgent ? each((callId) => ({ kind: 'Callstate', callId, state: CALL_STATE.transfer, extra: moved.number })) : [];
      return [...state, ...updated()];
    }
    case 'conference':
      return [
        ...each((callId): QmiEvent => ({ kind: 'Callresumed', callId })),
        ...each((callId): QmiEvent => ({ kind: 'Callstate', callId, state: CALL_STATE.conference, extra: null })),
      ];
    case 'partyAdded': {
      const added = e.call.parties.find((p) => p.legId === e.legs[0]);
      if (added?.role === 'supervisor') {
        return each((callId) => ({ kind: 'Callstate', callId, state: CALL_STATE.supervising, extra: added.number }));
      }
      return each((callId) => ({ kind: 'Callstate', callId, state: CALL_STATE.join, extra: null }));
    }
    case 'prompt':
      return each((callId) => ({ kind: 'Callstate', callId, state: CALL_STATE.prompt, extra: e.prompt ?? null }));
  }
}

function announce(call: CallView, at: number, deps: ProjectionDeps): QmiEvent[] {
  const c: QmiCall = deps.ids.ensure(call.id);
  if (c.announced) {
    return deps.ids.legs(c).map((l) => ({ kind: 'Callupdated', info: callInfo(call, l.id, l.leg, at, deps.queueName) }));
  }
  c.announced = true;
  if (isAgentToAgent(call)) deps.ids.split(c);
  return deps.ids.legs(c).map((l) => ({ kind: 'Newcall', info: callInfo(call, l.id, l.leg, at, deps.queueName) }));
}
