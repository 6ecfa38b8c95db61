/**
 * ICI's phone call projection tables (seed 002 §10.12): call status with its default capabilities (table 10.12.3,
 * sent as they are), processing status (§10.12.1), and the rule that picks a line's call status from the core's call.
 * docs/ARCHITECTURE.md "ICI projection" prints these tables.
 */
import type { CallView, PartyView } from '../../core/index.js';

/** §10.12.3, the spelling of its Status column (`ConfereceOwner` sic). */
export const CALL_STATUS = {
  created: { id: 1, description: 'Created', capabilities: [6, 7, 8, 101, 102, 103] },
  new: { id: 2, description: 'New', capabilities: [] },
  alerting: { id: 3, description: 'Alerting', capabilities: [1, 2, 3] },
  ended: { id: 4, description: 'Ended', capabilities: [5] },
  connected: { id: 101, description: 'Connected', capabilities: [3, 4, 6, 7, 8, 102, 104, 105, 107, 109, 110] },
  idle: { id: 102, description: 'Idle', capabilities: [6, 7, 8, 101, 102, 103] },
  dialing: { id: 103, description: 'Dialing', capabilities: [102] },
  ringing: { id: 104, description: 'Ringing', capabilities: [102] },
  busy: { id: 105, description: 'Busy', capabilities: [102] },
  hold: { id: 106, description: 'Hold', capabilities: [4, 6, 7, 8, 102, 103, 104, 105, 108, 109, 110] },
  held: { id: 107, description: 'Held', capabilities: [4, 6, 7, 8, 102] },
  conferenceOwner: { id: 108, description: 'ConfereceOwner', capabilities: [4, 6, 7, 8, 102, 106, 107] },
  conferenceParticipant: { id: 109, description: 'ConferenceParticipant', capabilities: [4, 6, 7, 8, 102, 107] },
  listened: { id: 110, description: 'Listened', capabilities: [112] },
} as const satisfies Record<string, { id: number; description: string; capabilities: readonly number[] }>;
export type CallStatus = keyof typeof CALL_STATUS;

/** §10.12.1 processing status (the descriptions as §9.4.1.3 writes "not in process"). */
export const PROCESSING_STATUS = {
  notInProcess: { id: 1, description: 'not in process' },
  active: { id: 2, description: 'active' },
  wrapUp: { id: 3, description: 'wrap up' },
  suspended: { id: 4, description: 'suspended' },
} as const;
export type ProcessingStatus = keyof typeof PROCESSING_STATUS;

/** §10.11 / §9.4.1.3: a new item's status. */
export const ITEM_CREATED = { id: 1, description: 'created' } as const;

/**
 * A line's call status from its party in the call (explicit rules, first match wins):
 *
 * | line's party | condition | status |
 * | --- | --- | --- |
 * | none yet (IciItem.create, before dial) | | Created |
 * | initiated | another party rings | Ringing |
 * | initiated | otherwise | Dialing |
 * | queued (the line called a queue) | | Ringing |
 * | alerting | | Alerting |
 * | connected | the call is a conference this line set up (it merged the consultation) | ConfereceOwner |
 * | connected | the call is a conference set up by another | ConferenceParticipant |
 * | connected | otherwise | Connected |
 * | hold | | Hold |
 * | held | | Held |
 * | ended, or the call ended | the line dialled and the call failed busy, ici.showBusyStatus | Busy (then Ended) |
 * | ended, or the call ended | otherwise | Ended |
 */
export function lineStatus(call: CallView | undefined, party: PartyView | undefined, conferenceOwner: boolean): CallStatus {
  if (call === undefined) return 'created';
  if (party === undefined || party.state === 'ended' || call.state === 'ended') return 'ended';
  switch (party.state) {
    case 'initiated':
      return call.parties.some((p) => p !== party && p.state === 'alerting') ? 'ringing' : 'dialing';
    case 'queued':
      return 'ringing';
    case 'alerting':
      return 'alerting';
    case 'connected':
      if (!call.conference) return 'connected';
      return conferenceOwner ? 'conferenceOwner' : 'conferenceParticipant';
    case 'hold':
      return 'hold';
    case 'held':
      return 'held';
  }
}

/** The line's party in a call: the one still in it, else the last one that left. */
export function partyOfLine(call: CallView, line: string): PartyView | undefined {
  let last: PartyView | undefined;
  for (const p of call.parties) {
    if (p.number !== line) continue;
    if (p.state !== 'ended') return p;
    last = p;
  }
  return last;
}
