/**
 * Core call events → QMI events. The table says what each core change means to QMI; the functions below only
 * execute it. Nothing is reported about a call before its NewCall, and nothing after its Callended (QMI 3.2.2).
 *
 * When NewCall fires: at `answered`. QMI 4.2.2 "a new call established", and AgentNumber is "the agent's number who
 * picked the call" (5.2.1), which is only true once the agent answered; an ACD call that is abandoned while queued
 * or ringing is never reported, and a ring-no-answer (the call going to another agent) never needs correcting.
 *
 * Which queue a call is with is remembered from `queued` until a transfer or a deflection takes the call away from
 * it: while it is, B is the queue (QMI 5.2.1 "a direct number or a queue").
 */
import type { CallChange, CallEvent, CallView } from '../../core/index.js';
import { callInfo, isAgentToAgent, type CallInfoContext } from './callinfo.js';
import type { CallIds, Leg, QmiCall } from './call-ids.js';
import type { QmiEvent } from './messages.js';
import { CALL_STATE } from './protocol.js';

type Rule =
  | 'ignore'
  | 'queue' // nothing sent; the call is with its queue (B = the queue)
  | 'deflect' // nothing sent (only a ringing call is deflected); the call leaves its queue
  | 'announce' // NewCall (C_2 then C_3 for agent-to-agent); Callupdated when already announced
  | 'update' // Callupdated
  | 'hold' // Callonhold
  | 'resume' // Callresumed
  | 'blindTransfer' // Callonhold; the call leaves its queue
  | 'transfer' // Callupdated; Callstate 0 first when the new party is not an agent; a consultative one leaves the queue
  | 'conference' // Callresumed + Callstate 2; the consultation's merged QMI calls are tied to its two parties
  | 'merge' // the consultation's QMI calls join the conference call, silently
  | 'partyAdded' // Callstate 3 (supervisor) or 1 (a party joined)
  | 'partyLeft' // Callended for the merged consultation calls the party was in, then Callupdated
  | 'prompt' // Callstate 4
  | 'end'; // Callended for every QMI call of the core call

export const CALL_RULES: Readonly<Record<CallChange, Rule>> = {
  created: 'ignore', // not established yet
  dialled: 'ignore',
  queued: 'queue',
  alerting: 'ignore', // ringing: nobody picked the call (also a blind-transfer target ringing, QMI 7.2)
  answered: 'announce', // QMI 7.1 events 1, 3, 4
  held: 'hold', // QMI 7.1 event 2
  retrieved: 'resume',
  diverted: 'deflect', // only an alerting call is diverted: not announced
  transferring: 'blindTransfer', // QMI 7.2 event 2: "the call is put on hold … ringing for Agent B"
  transferred: 'transfer', // QMI 7.1 event 7, 7.2 event 3
  conferenced: 'conference', // QMI 7.3 events 5, 6
  merged: 'merge', // QMI 7.3 lists no Callended for C_2/C_3: they live on in the conference while A and B are in it
  partyAdded: 'partyAdded',
  partyDropped: 'partyLeft', // a party leaving a conference ends the consultation calls it was in
  requeued: 'queue', // ring-no-answer: back to the queue, nothing reported
  failed: 'ignore', // the 'ended' that follows reports it
  ended: 'end', // QMI 7.1 events 5, 6
  dataChanged: 'ignore', // QMI carries no attached data
  recording: 'update', // BcmRecordingEn changed
  monitoring: 'ignore', // answered by QMIRequestResponse to the requesting session
  prompt: 'prompt',
};

export interface ProjectionDeps {
  ids: CallIds;
  callInfo: CallInfoContext;
}

/** The QMI events of one core call event, in order; [] when QMI reports nothing about it. */
export function projectCallEvent(e: CallEvent & { at: number }, deps: ProjectionDeps): QmiEvent[] {
  const rule = CALL_RULES[e.change];
  if (rule === 'ignore') return [];
  // BcmRecordingEn follows BCM's own recording only: another source's recording changes nothing QMI reports.
  if (e.change === 'recording' && e.recording?.source !== 'qmi') return [];
  const { ids } = deps;
  switch (rule) {
    case 'queue':
      if (e.call.queueId !== undefined) ids.ensure(e.call.id).queue = e.call.queueId;
      return [];
    case 'deflect':
      leaveQueue(ids, e.call.id);
      return [];
    case 'announce':
      return announce(e.call, e.at, deps);
    case 'merge': {
      const from = ids.get(e.call.id);
      if (!from) return [];
      if (e.related === undefined || !from.announced) {
        ids.end(e.call.id);
        return [];
      }
      ids.merge(from, ids.ensure(e.related));
      return [];
    }
    case 'end':
      return ids.end(e.call.id).map((callId) => ({ kind: 'Callended', callId }));
  }
  // A blind transfer leaves the queue when it starts (the target may be another queue, which `queued` then records);
  // a consultative one (`related` = the consultation) when it completes.
  if (rule === 'blindTransfer' || (rule === 'transfer' && e.related !== undefined)) leaveQueue(ids, e.call.id);
  const c = ids.get(e.call.id);
  if (!c?.announced) return [];
  const legs = ids.legs(c);
  const each = (f: (id: string, leg: (typeof legs)[number]['leg']) => QmiEvent): QmiEvent[] => legs.map((l) => f(l.id, l.leg));
  const updated = (): QmiEvent[] => each((id, leg) => ({ kind: 'Callupdated', info: callInfo(e.call, id, leg, e.at, deps.callInfo, c.queue) }));
  switch (rule) {
    case 'update':
      return updated();
    case 'hold':
    case 'blindTransfer':
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
      // The consultation's C_2/C_3 live on in the conference as long as both of its parties do (QMI 7.3 note).
      if (e.related !== undefined) ids.bind(c, e.related, e.legs);
      return [
        ...each((callId): QmiEvent => ({ kind: 'Callresumed', callId })),
        ...each((callId): QmiEvent => ({ kind: 'Callstate', callId, state: CALL_STATE.conference, extra: null })),
      ];
    case 'partyLeft': {
      // As QMI 7.1 events 5-7: the calls that ended first, then the call that goes on.
      const ended = e.legs.flatMap((leg) => ids.leave(c, leg)).map((callId): QmiEvent => ({ kind: 'Callended', callId }));
      return [...ended, ...updated()];
    }
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

/** A transfer or deflection takes the call away from its queue: from now on B is the party that has it. */
function leaveQueue(ids: CallIds, coreId: string): void {
  const c = ids.get(coreId);
  if (c) delete c.queue;
}

function announce(call: CallView, at: number, deps: ProjectionDeps): QmiEvent[] {
  const c: QmiCall = deps.ids.ensure(call.id);
  const info = (l: { id: string; leg: Leg }) => callInfo(call, l.id, l.leg, at, deps.callInfo, c.queue);
  if (c.announced) return deps.ids.legs(c).map((l) => ({ kind: 'Callupdated', info: info(l) }));
  c.announced = true;
  if (isAgentToAgent(call)) deps.ids.split(c);
  return deps.ids.legs(c).map((l) => ({ kind: 'Newcall', info: info(l) }));
}
