/** Control API request bodies: validated with zod, documented in OpenAPI through z.toJSONSchema. */
import { z } from 'zod';
import { FAULT_COMPONENTS, REQUESTABLE_AGENT_STATES } from '../core/index.js';

const number = z.string().regex(/^\+?[0-9*#]{1,32}$/, 'a phone number: 1 to 32 digits (and * #), optionally a leading +');
const shortText = z.string().max(256);
// Attached data reaches XML events (TelServices extraData and the like): characters XML 1.0 cannot carry at all (C0
// controls other than tab, LF and CR; U+FFFE, U+FFFF; unpaired surrogates) are refused here with a 400.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const xmlText = (max: number) => z.string().max(max).refine((s) => !NOT_XML_CHAR.test(s), 'holds a control character XML cannot carry');
/** Whether text can reach an XML event as it is (e-mail and chat items reach ICI and Open Media events too). */
export function isXmlText(text: string): boolean {
  return !NOT_XML_CHAR.test(text);
}
const stringMap = z.record(xmlText(128), xmlText(4096));

export const NewCall = z.object({
  from: number,
  to: number,
  /** The call's GUID (e.g. a seed example's CallID); 409 when a call has it already. */
  callId: z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a GUID').optional(),
  /** The agent (userId) to offer the call to first when it reaches a queue; 404 when unknown. */
  preferredAgent: z.string().min(1).max(64).optional(),
  attached: stringMap.optional(),
  priority: z.number().int().min(1).max(100).optional(),
  skills: z.record(z.string().max(64), z.number().int().min(0).max(100)).optional(),
});

export const QueueChange = z.object({ open: z.boolean() });

export const Hangup = z.object({ number: number.optional() }).default({});
export const ExternalAnswer = z.object({ number: number.optional() }).default({});
export const Prompt = z.object({ name: z.string().min(1).max(128) });
export const Supervise = z.object({ number });

export const AGENT_ACTIONS = ['answer', 'hold', 'retrieve', 'drop', 'consult', 'transfer', 'conference', 'divert', 'dial', 'alternate', 'reconnect'] as const;
export const AgentAction = z.object({
  action: z.enum(AGENT_ACTIONS),
  number: number.optional(),
  callId: z.string().min(1).max(64).optional(),
});

export const AgentStateBody = z.object({ state: z.enum(REQUESTABLE_AGENT_STATES), reason: shortText.optional() });
export const Driver = z.object({
  answerAfterSec: z.number().min(0).max(3600),
  talkSec: z.number().min(0).max(86_400),
  wrapUpSec: z.number().min(0).max(86_400),
});

export const ItemAction = z.object({
  action: z.enum(['accept', 'complete', 'reject']),
  userId: z.string().min(1).max(64).optional(),
});

export const NewEmail = z.union([
  z.object({
    from: xmlText(256).pipe(z.string().min(3)),
    to: xmlText(256).pipe(z.string().min(3)),
    subject: xmlText(998),
    body: xmlText(1024 * 1024),
    html: z.boolean().optional(),
  }),
  z.object({ mime: z.string().min(1).max(4 * 1024 * 1024) }),
]);

export const NewChat = z.object({ from: xmlText(256).pipe(z.string().min(1)), to: xmlText(256).pipe(z.string().min(1)), text: xmlText(64 * 1024).pipe(z.string().min(1)) });
export const ChatMessage = z.object({ text: xmlText(64 * 1024).pipe(z.string().min(1)) });

export const DeviceChange = z
  .object({ dnd: z.boolean().optional(), msgWaiting: z.boolean().optional() })
  .refine((d) => d.dnd !== undefined || d.msgWaiting !== undefined, 'give dnd and/or msgWaiting');

export const Fault = z.object({ component: z.enum(FAULT_COMPONENTS as [string, ...string[]]), state: z.enum(['down', 'up']) });

export const Traffic = z.object({
  callsPerMinute: z.number().min(0.1).max(60_000),
  handleSeconds: z.number().min(0).max(86_400),
  queues: z.array(z.string().min(1)).optional(),
  patienceSeconds: z.number().min(0).max(86_400).optional(),
  driveAgents: z.boolean().optional().describe('give the queues\' agents an automatic driver while traffic runs (default true)'),
  answerAfterSec: z.number().min(0).max(3600).optional().describe('a driven agent answers after this long (default 2)'),
  wrapUpSec: z.number().min(0.1).max(86_400).optional().describe('wrap-up of a driven agent (default 3)'),
});

const ScenarioStep = z.object({
  at: z.number().min(0).max(86_400_000).describe('milliseconds after the scenario starts'),
  do: z.enum(['call', 'hangup', 'agentAction', 'agentState', 'fault', 'externalAnswer', 'email', 'chat']),
  args: z.record(z.string(), z.unknown()).default({}),
});
export const Scenario = z.object({ name: z.string().max(128).optional(), steps: z.array(ScenarioStep).min(1).max(10_000) });

export type ScenarioStep = z.infer<typeof ScenarioStep>;

/**
 * A whole number in a query string (`?limit=10`), in decimal digits only (`1e2`, ` 100` and the empty string are
 * refused, where z.coerce.number() would read 100, 100 and 0), with its range.
 */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

export const HistoryQuery = z.strictObject({
  deviceNumber: z.string().min(1).max(32).optional(),
  userId: z.string().min(1).max(64).optional(),
  recordType: z.enum(['call', 'agent', 'all']).optional().describe('call, agent or all (default all)'),
  limit: queryInt(1, 10_000).optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

