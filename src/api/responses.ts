/**
 * Control API response bodies, as zod schemas documented in OpenAPI (/api/docs/json), one per route, so a client
 * generated from the document is typed. Objects are loose (more fields are welcome, DESIGN.md "snapshot's shape"):
 * what is listed is relied on. Every error, any route, is `{"error": code, "message": text}` (ErrorBody).
 *
 * RESPONSES maps `METHOD /path` (Fastify's route syntax) to the 2xx body; test/api/openapi.test.ts fails when a
 * route has none, and validates real answers against the document.
 */
import { z } from 'zod';
import { AGENT_STATES, CALL_CAUSES, CHANNELS, FAULT_COMPONENTS, FORWARD_TYPES, ITEM_STATES, PARTY_STATES } from '../core/index.js';
import { REASON_CODES, RECORDING_SOURCES, RECORDING_STATES, RETENTION_STATES } from '../store/index.js';
import { Driver, Traffic } from './schemas.js';

const iso = z.string().describe('ISO 8601 date-time');
const ms = z.number().describe('milliseconds since the epoch');
const nullableString = z.string().nullable();
const faults = z.array(z.enum(FAULT_COMPONENTS as [string, ...string[]]));

export const ErrorBody = z.object({ error: z.string().describe('stable code, e.g. invalidArgument, unknownCall'), message: z.string() });

const Ok = z.looseObject({ ok: z.literal(true) });

const Tally = z.looseObject({ count: z.number(), totalMs: z.number(), maxMs: z.number() });
const stateMs = z.record(z.enum(AGENT_STATES), z.number());

export const AgentSnapshot = z.looseObject({
  userId: z.string(),
  extension: z.string(),
  name: z.string(),
  state: z.enum(AGENT_STATES),
  stateSince: iso,
  reason: z.string().optional(),
  queues: z.array(z.string()),
  channels: z.array(z.enum(CHANNELS)),
  skills: z.record(z.string(), z.number()),
  driver: Driver.optional().describe('present while the agent has an automatic driver'),
  workItems: z.number().describe('work items of any channel the agent holds now (allocated, accepted or in wrap-up)'),
});

const QueueSnapshot = z.looseObject({
  id: z.string(),
  name: z.string(),
  channel: z.enum(CHANNELS),
  address: z.string(),
  open: z.boolean(),
  waiting: z.number(),
  members: z.array(z.string()),
});

export const CallView = z.looseObject({
  callId: z.string(),
  sipCallId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  dialled: z.string(),
  queueId: nullableString,
  conference: z.boolean(),
  consultFor: nullableString,
  parties: z.array(
    z.looseObject({
      number: z.string(),
      userId: z.string().optional(),
      state: z.enum(PARTY_STATES),
      role: z.enum(['caller', 'called', 'added', 'supervisor']),
      legId: z.string(),
    }),
  ),
  attached: z.record(z.string(), z.string()),
  recording: z.enum(['off', 'on', 'paused']).describe('on while any of its recordings runs, paused while all are paused'),
  recordings: z.array(
    z.looseObject({
      id: z.number().describe('archive id (GET /api/v1/recordings/{id})'),
      source: z.enum(RECORDING_SOURCES),
      state: z.enum(['recording', 'paused']),
      userId: z.string().optional().describe("the agent whose recording it is"),
    }),
  ),
  monitoring: z.array(
    z.looseObject({
      owner: z.string(),
      mode: z.enum(['mixed', 'separate']),
      state: z.enum(['running', 'paused']),
      targets: z.array(z.looseObject({ host: z.string(), port: z.number() })),
    }),
  ),
  createdAt: iso,
});

export const ItemView = z.looseObject({
  itemId: z.string(),
  channel: z.enum(CHANNELS),
  queueId: z.string(),
  state: z.enum(ITEM_STATES),
  userId: nullableString,
  from: nullableString,
  to: nullableString,
  subject: nullableString,
  queuePosition: z.number(),
  createdAt: iso,
});

const Subscription = z.looseObject({
  interface: z.string(),
  id: z.string(),
  target: z.string().describe('callback URL or address, credentials removed'),
  queued: z.number(),
  delivered: z.number(),
  failed: z.number().describe('failed attempts'),
  dropped: z.number(),
  lastError: nullableString,
  lastLatencyMs: z.number().nullable(),
  state: z.enum(['active', 'retrying', 'cancelled']),
});

const AgentStats = z.looseObject({
  since: ms,
  incomingAlerting: Tally,
  incomingConnected: Tally,
  acdIncomingConnected: Tally,
  outgoingOriginated: z.number(),
  outgoingConnected: Tally,
  stateMs,
  stateMsNow: stateMs.describe('time in each state including the current one'),
});

const QueueStats = z.looseObject({
  since: ms,
  offered: z.number(),
  answered: z.number(),
  abandonedInQueue: z.number(),
  abandonedOnAgent: z.number(),
  queued: Tally,
  alerting: Tally,
  connected: Tally,
});

const Statistics = z.looseObject({ agents: z.record(z.string(), AgentStats), queues: z.record(z.string(), QueueStats) });

const TrafficSettings = Traffic.extend({ queues: z.array(z.string()) });

const State = z.looseObject({
  agents: z.array(AgentSnapshot),
  queues: z.array(QueueSnapshot),
  calls: z.array(CallView),
  items: z.array(ItemView),
  subscriptions: z.array(Subscription),
  faults,
  traffic: TrafficSettings.nullable(),
  statistics: Statistics,
  interfaces: z.record(z.string(), z.unknown()).describe('each interface\'s own sessions and state, by interface name'),
});

const DeviceView = z.looseObject({
  number: z.string(),
  userId: nullableString,
  dnd: z.boolean(),
  msgWaiting: z.boolean(),
  forwards: z.array(z.looseObject({ type: z.enum(FORWARD_TYPES), number: z.string(), on: z.boolean() })),
});

const ScenarioRun = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  steps: z.number(),
  done: z.number(),
  results: z.array(z.looseObject({ step: z.number(), ok: z.boolean(), result: z.string().optional(), error: z.string().optional() })),
});

const HistoryRecord = z.looseObject({
  reference: z.number(),
  recordType: z.enum(['call', 'agent']),
  deviceNumber: z.string(),
  userId: z.string().optional(),
  at: ms,
  otherParty: z.string().optional(),
  otherName: z.string().optional(),
  alertingMs: z.number().optional(),
  connectedMs: z.number().optional(),
  isOutgoing: z.boolean().optional(),
  isConnected: z.boolean().optional(),
  cause: z.enum(CALL_CAUSES).optional(),
  agentState: z.enum(AGENT_STATES).optional(),
});

const Recording = z.looseObject({
  id: z.number().describe('ordered id, never reused'),
  source: z.enum(RECORDING_SOURCES).describe('qmi: QMI BCM recording; ciscoqm: recording policy; tag: agent tag; api: control API'),
  callId: z.string(),
  ani: z.string().optional(),
  dnis: z.string().optional(),
  agent: z.looseObject({ userId: z.string(), extension: z.string().optional() }).optional(),
  startTime: ms,
  endTime: ms.optional(),
  segments: z.array(z.looseObject({ startMs: ms, endMs: ms.optional() })).describe('active intervals; pauses are the gaps'),
  state: z.enum(RECORDING_STATES),
  reasons: z.array(z.enum(REASON_CODES)),
  metadata: z.array(z.looseObject({ key: z.string(), value: z.string() })),
  retention: z.enum(RETENTION_STATES),
  audio: z
    .looseObject({ file: z.string().describe('relative to <dataDir>/recordings'), bytes: z.number(), format: z.string(), durationMs: z.number(), writtenAt: ms })
    .optional()
    .describe('absent until written, and once deleted'),
});

/** The 2xx body of every control API route, by `METHOD /path`. */
export const RESPONSES: Readonly<Record<string, z.ZodType>> = {
  'GET /api/v1/statistics': Statistics,
  'GET /api/v1/state': State,
  'GET /api/v1/calls/:callId': CallView,
  'POST /api/v1/calls': z.looseObject({
    callId: z.string(),
    sipCallId: z.string(),
    state: z.enum(['active', 'ended']).describe('ended when the number could not be reached'),
    cause: z.string().optional().describe('why the call ended at once (e.g. destNotObtainable)'),
  }),
  'POST /api/v1/reset': z.looseObject({ calls: z.number().describe('calls ended'), items: z.number().describe('work items ended') }),
  'POST /api/v1/calls/:callId/hangup': Ok,
  'POST /api/v1/calls/:callId/answer': Ok,
  'POST /api/v1/calls/:callId/prompt': Ok,
  'POST /api/v1/calls/:callId/supervise': Ok,
  'POST /api/v1/agents/:userId/actions': z.looseObject({ callId: z.string().describe('the call the action acted on or created') }),
  'PUT /api/v1/agents/:userId/state': AgentSnapshot,
  'PUT /api/v1/agents/:userId/driver': AgentSnapshot,
  'DELETE /api/v1/agents/:userId/driver': AgentSnapshot,
  'POST /api/v1/items/:itemId/actions': ItemView,
  'POST /api/v1/emails': z.looseObject({ itemId: z.string() }),
  'POST /api/v1/chats': z.looseObject({ chatId: z.string() }),
  'POST /api/v1/chats/:chatId/messages': Ok,
  'GET /api/v1/devices/:number': DeviceView,
  'PUT /api/v1/devices/:number': DeviceView,
  'POST /api/v1/faults': z.looseObject({ faults }),
  'POST /api/v1/scenarios': z.looseObject({ scenarioId: z.string(), steps: z.number() }),
  'GET /api/v1/scenarios/:scenarioId': ScenarioRun,
  'POST /api/v1/traffic': z.looseObject({ traffic: TrafficSettings }),
  'DELETE /api/v1/traffic': z.looseObject({
    traffic: z.null(),
    generated: z.number().describe('calls generated since start'),
    cleared: z.looseObject({
      calls: z.number().describe('generated calls hung up'),
      drivers: z.array(z.string()).describe('agents whose traffic driver was removed'),
      readied: z.array(z.string()).describe('agents made ready again (after its wrap-ups and ring-outs)'),
    }),
  }),
  'GET /api/v1/history': z.looseObject({ records: z.array(HistoryRecord) }),
  'GET /api/v1/recordings': z.looseObject({
    recordings: z.array(Recording),
    nextAfterId: z.number().optional().describe('present when more match: pass it as afterId for the next page'),
  }),
  'GET /api/v1/recordings/:recordingId': Recording,
  'POST /api/v1/calls/:callId/recording': Recording,
  'PUT /api/v1/queues/:queueId': QueueSnapshot,
};
