/**
 * The contact center's state, in the core's own vocabulary. No vendor names for states live here: each interface
 * projects these onto its protocol's codes (see src/interfaces/<name>/projection.ts).
 */
import type { TimerHandle } from './clock.js';
import type { RecordingSource } from '../store/index.js';

export const AGENT_STATES = ['loggedOff', 'ready', 'notReady', 'busy', 'workingAfterCall'] as const;
export type AgentState = (typeof AGENT_STATES)[number];
/** States a person may ask for; `busy` is set by the system only. */
export const REQUESTABLE_AGENT_STATES = ['loggedOff', 'ready', 'notReady', 'workingAfterCall'] as const;
export type RequestableAgentState = (typeof REQUESTABLE_AGENT_STATES)[number];

export const CHANNELS = ['phone', 'email', 'chat', 'action', 'openmedia'] as const;
export type Channel = (typeof CHANNELS)[number];
export type ItemChannel = Exclude<Channel, 'phone'>;
export const ITEM_CHANNELS = ['email', 'chat', 'action', 'openmedia'] as const satisfies readonly ItemChannel[];

/** Automatic behaviour for an agent (demos, load): answer after N s, talk M s, wrap up W s. */
export interface AgentDriver {
  answerAfterSec: number;
  talkSec: number;
  wrapUpSec: number;
}

export interface Agent {
  userId: string;
  name: string;
  firstName: string;
  lastName: string;
  extension: string;
  password?: string;
  /** Phone queues (queue ids) and other-channel queues the agent serves. */
  queues: string[];
  /** Channels the agent works on. */
  channels: Channel[];
  /** Skill name → level 1..100. */
  skills: Record<string, number>;
  state: AgentState;
  stateSince: number;
  /** Reason code for notReady (e.g. 'ringNoAnswer'); undefined otherwise. */
  reason?: string;
  /** Seconds of workingAfterCall before the system sets ready again; 0 = until the agent acts. */
  wrapUpSec: number;
  /** When the agent last became available for a new ACD call (longest-idle routing). */
  idleSince: number;
  /** State to go to when the current call ends (a request made while busy). */
  pendingState?: RequestableAgentState;
  wrapUpTimer?: TimerHandle;
  driver?: AgentDriver;
  /** Concurrent work items per channel (a phone takes one call at a time: its device is busy). */
  capacity: Record<ItemChannel, number>;
  addresses: { channel: Channel; address: string }[];
}

export const FORWARD_TYPES = [
  'immediate',
  'busy',
  'noAnswer',
  'immInt',
  'immExt',
  'busyInt',
  'busyExt',
  'noAnswerInt',
  'noAnswerExt',
] as const;
export type ForwardType = (typeof FORWARD_TYPES)[number];

export interface Forward {
  type: ForwardType;
  number: string;
  on: boolean;
}

export interface Device {
  number: string;
  /** Logged-in agent, if any. */
  userId?: string;
  dnd: boolean;
  msgWaiting: boolean;
  forwards: Forward[];
  /** Simulated phone endpoint (RTP address of the agent's phone). */
  ip: string;
  port: number;
  /** Seconds a direct call rings before noAnswer forwarding / giving up. */
  noAnswerSec: number;
  /**
   * A device that may hold several calls at once (a routing point or trunk placing campaign calls); a normal
   * extension cannot dial while it has a call in progress.
   */
  multiLine?: boolean;
}

export interface Queue {
  id: string;
  name: string;
  channel: Channel;
  /** Phone number (phone queues) or address (e-mail, chat), or a tenant-scoped id (open media). */
  address: string;
  open: boolean;
  members: string[];
  /** Skills a routed contact needs (name → minimum level). */
  skills: Record<string, number>;
  /** Seconds an ACD contact rings an agent before it is requeued. */
  ringTimeoutSec: number;
  /** Where a call goes when the queue is closed or full (a queue, extension or outside number); none: it fails. */
  failureRoute?: string;
  /** Most calls that may wait; a call beyond it takes the failure route. None: no limit. */
  maxWaiting?: number;
  /** Abandons within this many ms count as immediate; none: the center's immediateAbandonMs. */
  immediateAbandonMs?: number;
  tenantId?: number;
  /** How the routing module picks among the members who may take a contact (routing/choice.ts); default `longestIdle`. */
  distribution?: Distribution;
  /**
   * Seconds an agent rests after a contact of this queue ends: they are not offered this queue's contacts meanwhile,
   * and do not wrap up (their state stays as the call left it). An outbound campaign's pause between calls.
   */
  restSec?: number;
  /** Made at run time (queues.ts createQueue), not by the fixture: reset keeps it and its members. */
  dynamic?: boolean;
  /** Waiting contacts (call ids or item ids) in routing order. */
  waiting: Waiting[];
}

/**
 * Which member a queue offers a contact to, among those who may take it (after a forced and a preferred agent):
 * `longestIdle` (phone: the longest-idle ready agent; items: the least loaded, longest idle among equals), `linear`
 * (the first in the queue's member order: a linear hunt), `circular` (the next in member order after the one chosen
 * last: a circular hunt, round robin).
 */
export const DISTRIBUTIONS = ['longestIdle', 'linear', 'circular'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/** A contact's place in a queue's waiting list (routing/waiting.ts keeps the list ordered by these keys). */
export interface Waiting {
  id: string;
  kind: 'call' | 'item';
  /** When its queue time started (epoch ms): explicit, or when it was first queued. */
  since: number;
  /** 1 = highest. */
  priority: number;
}

/** Only this agent may take the contact, until `until`; then what its creator asked (Open Media ForceToPreferredAgent). */
export interface ForcedAgent {
  userId: string;
  /** Epoch ms after which the contact stops waiting for this agent; absent = it waits for ever. */
  until?: number;
  /** `fail`: the contact fails (Open Media: "the request will be rejected"); `anyAgent`: any agent may take it. */
  onExpiry: 'fail' | 'anyAgent';
}

/**
 * Routing inputs of a call or work item. They live on the contact, so they survive a requeue, a reject, a ring-out
 * and a divert; the routing module (routing/) reads them.
 */
export interface RoutingInputs {
  /** 1 = highest … 100. */
  priority: number;
  /** Skill name → minimum level, on top of the queue's skills (a skill named in both: the contact's level). */
  skills: Record<string, number>;
  /** Offered first when available (canonical userId). */
  preferredAgent?: string;
  forcedAgent?: ForcedAgent;
  /** Agents who declined the contact or let it ring out: it is never offered to them again. */
  excluded: string[];
  /** Explicit queue-start time (epoch ms, in the past): the contact's place and waiting time count from it. */
  queueStart?: number;
  /** Item type (Open Media TypeOfSession, an integer ≥ 1): per-type capacity applies. */
  type?: number;
}

export const PARTY_STATES = ['initiated', 'queued', 'alerting', 'connected', 'hold', 'held', 'ended'] as const;
export type PartyState = (typeof PARTY_STATES)[number];

export type PartyRole = 'caller' | 'called' | 'added' | 'supervisor';

export interface Party {
  /** Per-party leg identifier, unique in the center (interfaces that see one call per device use it). */
  legId: string;
  number: string;
  userId?: string;
  internal: boolean;
  role: PartyRole;
  state: PartyState;
  joinedAt: number;
  alertingAt?: number;
  connectedAt?: number;
  endedAt?: number;
  /** Why this party left, once ended. */
  cause?: CallCause;
  /** Media endpoint of this party (agent phone or the gateway for external parties). */
  ip: string;
  port: number;
}

export const CALL_CAUSES = [
  'normal',
  'busy',
  'conference',
  'destNotObtainable',
  'droppedByOtherParty',
  'heldByOtherParty',
  'redirect',
  'retrievedByOtherParty',
  'transfer',
  'route',
  'noAnswer',
  'abandoned',
  'rejected',
  'failed',
] as const;
export type CallCause = (typeof CALL_CAUSES)[number];

export type CallDirection = 'inbound' | 'outbound' | 'internal';

/**
 * One of the call's recordings that is running or paused; the archive (src/store) holds every recording, stopped ones
 * included, with its segments, reasons, metadata and audio. A call may carry several at once: one per source for a
 * call-wide source (`qmi`, `api`), one per source and agent for an agent's own (`ciscoqm` policy, `tag`).
 */
export interface CallRecording {
  /** The archive's id of the recording. */
  id: number;
  source: RecordingSource;
  /** The agent whose recording it is (the agent on the call when a call-wide recording started). */
  userId?: string;
  state: 'recording' | 'paused';
}

export interface MonitorSession {
  id: string;
  /** Who asked (interface session id). */
  owner: string;
  mode: 'mixed' | 'separate';
  targets: { host: string; port: number }[];
  state: 'running' | 'paused';
}

export interface Call {
  id: string;
  sipCallId: string;
  /** Small integer reference (history, TelServices callReference). */
  reference: number;
  direction: CallDirection;
  parties: Party[];
  /** The number the caller dialled (queue number or extension or external number). */
  dialled: string;
  /** Where the call first arrived, before any redirection. */
  firstCalled?: string;
  /** Last party that diverted or transferred this call. */
  lastRedirection?: { number: string; cause: 'redirect' | 'transfer' };
  queueId?: string;
  /** Was ever delivered through a queue (ACD call). */
  acd: boolean;
  /** A consultation call made from the held call with this id. */
  consultFor?: string;
  /** The queue whose contact this outgoing call serves: a consultation of an ACD call (an agent's ACD outgoing call). */
  forQueue?: string;
  conference: boolean;
  attached: Record<string, string>;
  routing: RoutingInputs;
  gateway: { ip: string; port: number };
  mrs: { ip: string; port: number };
  codec: string;
  /** Recordings running or paused now, oldest first (stopped ones leave this list; the archive keeps them). */
  recordings: CallRecording[];
  monitors: MonitorSession[];
  state: 'active' | 'ended';
  createdAt: number;
  /** When its queue time started (explicit queue start, or first queued); kept when it is requeued. */
  queuedAt?: number;
  answeredAt?: number;
  endedAt?: number;
  cause?: CallCause;
  /** Device that started a blind transfer still waiting for the target to answer. */
  transferBy?: string;
  /** The leg the ACD is offering the call to right now (ring-no-answer and rejection requeue it). */
  offer?: { legId: string; queueId: string };
  /** Redirections so far (forwarding loops are cut off). */
  redirects: number;
  /** Overrides the center's externalAnswerMs for external parties this call alerts (negative = never). */
  externalAnswerMs?: number;
  /** Timers owned by the call (ring-no-answer, automatic driver, external answer). */
  timers: Map<string, TimerHandle>;
}

export const ITEM_STATES = ['queued', 'allocated', 'active', 'wrapUp', 'completed', 'failed', 'cancelled'] as const;
export type ItemState = (typeof ITEM_STATES)[number];
export const TERMINAL_ITEM_STATES: readonly ItemState[] = ['completed', 'failed', 'cancelled'];

export interface ChatPosting {
  at: number;
  from: string;
  text: string;
  system: boolean;
}

export interface WorkItem {
  id: string;
  channel: ItemChannel;
  queueId: string;
  state: ItemState;
  userId?: string;
  routing: RoutingInputs;
  createdAt: number;
  queuedAt?: number;
  allocatedAt?: number;
  answeredAt?: number;
  endedAt?: number;
  /** Status changes, oldest first (Open Media history, ICI processing status). */
  history: { state: ItemState; at: number; userId?: string; queueId: string; queuePosition: number }[];
  /** Channel payload: e-mail headers/body, chat transcript, action item data, open media IVR info. */
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  html?: boolean;
  mime?: string;
  postings: ChatPosting[];
  data: Record<string, string>;
  attached: Record<string, string>;
  timers: Map<string, TimerHandle>;
}

export interface DirectoryEntry {
  number: string;
  name: string;
  company?: string;
  numberType?: 'work' | 'home' | 'mobile' | 'ip';
  /** 'global' for the center's directory, else a user's private directory name. */
  directory: string;
  owner?: string;
}

export interface HistoryRecord {
  reference: number;
  recordType: 'call' | 'agent';
  deviceNumber: string;
  userId?: string;
  at: number;
  otherParty?: string;
  otherName?: string;
  alertingMs?: number;
  connectedMs?: number;
  isOutgoing?: boolean;
  isConnected?: boolean;
  cause?: CallCause;
  agentState?: AgentState;
}

export type FaultComponent = 'pbxLink' | 'router' | 'agentServer' | 'callDispatcher';
export const FAULT_COMPONENTS: readonly FaultComponent[] = ['pbxLink', 'router', 'agentServer', 'callDispatcher'];
