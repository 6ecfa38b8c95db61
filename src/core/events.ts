/**
 * Domain events: every change of the core's state emits exactly one of these, numbered by one global sequence.
 * Interfaces subscribe to the bus and project events onto their protocols. Events carry snapshots (views), never
 * live objects, so a subscriber may keep them after the next change.
 */
import type { RecordingSource } from '../store/index.js';
import type { AgentState, Call, CallCause, FaultComponent, Forward, ItemChannel, ItemState, Party } from './model.js';

/** A party as events and the API show it: the live Party's plain data. */
export type PartyView = Party;

/** A call as events show it: everything but the core's bookkeeping (timers, routing internals). */
export type CallView = Omit<Call, 'timers' | 'redirects' | 'transferBy' | 'offer' | 'routing' | 'queuedAt' | 'parties'> & {
  parties: PartyView[];
};

/** What happened to a call; interfaces choose their wire events from this. */
export type CallChange =
  | 'created' // a call exists: the caller party is initiated (outgoing) or the call arrived (incoming)
  | 'dialled' // the caller's number is processed (TelServices "originated")
  | 'queued' // the call waits in a queue
  | 'alerting' // a party's phone rings
  | 'answered' // a ringing party answered
  | 'held'
  | 'retrieved'
  | 'diverted' // an alerting party sent the call elsewhere (redirect)
  | 'transferring' // blind transfer started: the transferrer left, the target rings, the others wait on hold
  | 'transferred' // consultative or blind transfer completed: the call has a new party
  | 'conferenced' // a consultation call was merged into this (held) call
  | 'merged' // this consultation call was merged into another one (`related`) and leaves
  | 'partyAdded' // single-step add party / supervisor join
  | 'partyDropped' // one party left, the call goes on
  | 'requeued' // ring-no-answer: the call went back to its queue
  | 'failed' // the destination could not be reached (busy, unknown, DND)
  | 'ended'
  | 'dataChanged'
  | 'recording' // the call's recording started, paused, resumed or stopped (field `recording`)
  | 'monitoring' // a monitoring session of the call changed (field `monitoring`)
  | 'prompt'; // a prompt is being played to the call (QMI CallState 4)

/** What happened to one of a call's recordings (QMI 3.2.4 BcmRecordingEn follows its own, source `qmi`). */
export type RecordingChange = 'started' | 'paused' | 'resumed' | 'stopped';

/** Which recording an event is about: the archive's id, its source and, for an agent's own recording, the agent. */
export interface RecordingRef {
  recordingId: number;
  source: RecordingSource;
  userId?: string;
}
/** What happened to one of a call's monitoring sessions (QMI 3.2.3). */
export type MonitoringChange = 'started' | 'paused' | 'resumed' | 'stopped';

/**
 * One change of one call. Besides the snapshot, an event carries typed fields for what the snapshot cannot say;
 * which change sets which field is written next to each field.
 */
export interface CallEvent {
  type: 'call';
  change: CallChange;
  call: CallView;
  /** Leg ids of the parties this change is about (e.g. the party that answered, the party added). */
  legs: string[];
  /** Device number of who acted, if a device did. */
  actor?: string;
  cause?: CallCause;
  /** Another call involved: the consultation call that was merged, the call it was merged into, etc. */
  related?: string;
  /** dialled: the number dialled; diverted, transferring: where the call is sent; transferred: the number it went to. */
  target?: string;
  /** queued, requeued: the queue the call waits in. */
  queueId?: string;
  /** prompt: the name of the prompt being played. */
  prompt?: string;
  /** recording: what happened to which of the call's recordings (one recording per event). */
  recording?: RecordingRef & { change: RecordingChange };
  /** ended, merged: the recordings the call's end stopped (the end of a call stays one event). */
  stoppedRecordings?: RecordingRef[];
  /** monitoring: which monitoring session changed, and how. */
  monitoring?: { change: MonitoringChange; monitorId: string; owner: string };
}

export interface AgentEvent {
  type: 'agent';
  userId: string;
  extension: string;
  state: AgentState;
  previous: AgentState;
  reason?: string;
  /** Seconds until the system changes the state by itself (wrap-up end). */
  timeoutSec?: number;
  /**
   * Work items of any channel the agent holds now (allocated, accepted or in wrap-up). An agent event whose `state`
   * equals `previous` reports only a change of this count (an item allocated to the agent or leaving them), so every
   * interface that reports agent state can show the agent's item load (Open Media issue 10 point 8), or that a
   * wrap-up's timeout was taken away (an interface holds the agent in wrap-up: no `timeoutSec` any more).
   */
  workItems: number;
}

export interface AgentConfigEvent {
  type: 'agentConfig';
  userId: string;
}

export interface DeviceEvent {
  type: 'device';
  number: string;
  change: 'dnd' | 'forward' | 'msgWaiting';
  dnd: boolean;
  msgWaiting: boolean;
  forward?: Forward;
}

export interface QueueEvent {
  type: 'queue';
  queueId: string;
  waiting: number;
  open: boolean;
  /** The queue was made at run time and is now removed (queues.ts removeQueue). */
  removed?: true;
}

export interface ItemView {
  id: string;
  channel: ItemChannel;
  queueId: string;
  state: ItemState;
  userId?: string;
  /** 1 = highest … 100. */
  priority: number;
  /** Item type (Open Media TypeOfSession), when it has one. */
  type?: number;
  createdAt: number;
  from?: string;
  to?: string;
  subject?: string;
  data: Record<string, string>;
  attached: Record<string, string>;
  queuePosition: number;
}

export interface ItemEvent {
  type: 'item';
  change: 'created' | 'queued' | 'allocated' | 'accepted' | 'wrapUp' | 'completed' | 'failed' | 'cancelled' | 'rejected' | 'diverted' | 'modified' | 'posting';
  item: ItemView;
  /** For 'posting': the new chat posting. */
  posting?: { at: number; from: string; text: string; system: boolean };
  previousUserId?: string;
  previousQueueId?: string;
}

/**
 * A change of a recording that is not a change of its call: its audio file was written (`fileReady`), its audio and
 * metadata were deleted (`deleted`), its metadata (`metadata`) or reason codes (`reasons`) changed, or it was
 * discarded altogether (`removed`, a restarted recording). Starting, pausing, resuming and stopping are changes of the
 * call (CallEvent `recording`). The archive holds the recording's new state.
 */
export interface RecordingEvent extends RecordingRef {
  type: 'recording';
  change: 'fileReady' | 'deleted' | 'metadata' | 'reasons' | 'removed';
  callId: string;
}

/** The world went back to its fixture (ContactCenter.reset); the calls and items it ended were reported before. */
export interface ResetEvent {
  type: 'reset';
}

export interface FaultEvent {
  type: 'fault';
  component: FaultComponent;
  down: boolean;
}

export type DomainEventBody =
  | CallEvent
  | AgentEvent
  | AgentConfigEvent
  | DeviceEvent
  | QueueEvent
  | ItemEvent
  | RecordingEvent
  | FaultEvent
  | ResetEvent;

export type DomainEvent = DomainEventBody & { seq: number; at: number };

export type Listener = (event: DomainEvent) => void;

/**
 * Ordered fan-out, in order by construction. An event emitted while the bus is delivering another (a listener ran a
 * core command) is numbered at once but queued, and delivered to every listener after the current event has reached
 * all of them: every listener sees the global sequence in order, whatever the others do. Outside delivery an event is
 * delivered synchronously, before emit() returns. A listener that throws is reported through onListenerError and never
 * stops the others or the command that emitted the event.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  private seq = 0;
  /** Events emitted during delivery, waiting their turn; `next` is the index of the first not yet delivered. */
  private pending: DomainEvent[] = [];
  private next = 0;
  private delivering = false;

  constructor(private readonly onListenerError: (err: unknown, event: DomainEvent) => void = () => {}) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `build` runs only when somebody listens, so an unobserved core pays nothing for snapshots; it runs at once (the
   * snapshot is of the state at emit time) even when delivery is deferred.
   */
  emit(at: number, build: () => DomainEventBody): void {
    const seq = ++this.seq;
    if (this.listeners.size === 0) return;
    // Every builder returns a fresh object: numbering it in place saves copying the event once per emit (V8 in
    // Node 20 adds a property to a spread copy on a slow path that costs microseconds, on every event).
    const event = build() as DomainEvent;
    event.seq = seq;
    event.at = at;
    if (this.delivering) {
      this.pending.push(event);
      return;
    }
    this.delivering = true;
    try {
      this.deliver(event);
      while (this.next < this.pending.length) {
        const queued = this.pending[this.next++] as DomainEvent;
        this.deliver(queued);
      }
    } finally {
      this.pending = [];
      this.next = 0;
      this.delivering = false;
    }
  }

  private deliver(event: DomainEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }
}
