/**
 * The contact center's initial configuration: a JSON fixture validated with zod. Every object is strict, as the
 * settings are: an unknown key (a typo such as `skils`) is an error naming its path, never silently ignored. The
 * interface sections (`telservices`, `openmedia`, `ciscoqm`, `ici`, `qmi`) are each validated by their interface.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CHANNELS, ITEM_CHANNELS } from './model.js';
import { RecordingPolicySchema } from './recording/policy.js';

const skills = z.record(z.string().min(1).max(64), z.number().int().min(0).max(100));
/** Work items of each channel one agent may hold at once (see core/routing/capacity.ts). */
const capacity = z.partialRecord(z.enum(ITEM_CHANNELS), z.number().int().min(0).max(1000));

export const AgentFixture = z.strictObject({
  userId: z.string().min(1).max(64).regex(/^[^/\s]+$/, 'a user id has no "/" or spaces'),
  extension: z.string().regex(/^\+?[0-9]{1,20}$/),
  name: z.string().min(1).max(128),
  password: z.string().max(128).optional(),
  queues: z.array(z.string().min(1)).default([]),
  channels: z.array(z.enum(CHANNELS)).default(['phone']),
  skills: skills.default({}),
  /** Over the center's routing.capacity. */
  capacity: capacity.optional(),
  wrapUpSec: z.number().int().min(0).max(86_400).optional(),
  state: z.enum(['loggedOff', 'ready', 'notReady']).default('ready'),
  driver: z
    .strictObject({ answerAfterSec: z.number().min(0), talkSec: z.number().min(0), wrapUpSec: z.number().min(0) })
    .optional(),
  /** Which of the agent's calls are recorded when answered: none (default), all, or { percent } (recording/policy.ts). */
  recordingPolicy: RecordingPolicySchema.optional(),
});

export const QueueFixture = z.strictObject({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(128),
  channel: z.enum(CHANNELS),
  address: z.string().min(1).max(256),
  open: z.boolean().default(true),
  skills: skills.default({}),
  ringTimeoutSec: z.number().int().min(1).max(3600).optional(),
  tenantId: z.number().int().min(0).optional(),
});

export const DirectoryFixture = z.strictObject({
  number: z.string().min(1).max(64),
  name: z.string().min(1).max(128),
  company: z.string().max(128).optional(),
  numberType: z.enum(['work', 'home', 'mobile', 'ip']).optional(),
});

export const CenterFixture = z
  .strictObject({
    name: z.string().default('ccgate'),
    agents: z.array(AgentFixture),
    queues: z.array(QueueFixture),
    devices: z.array(z.strictObject({ number: z.string().regex(/^\+?[0-9]{1,20}$/) })).default([]),
    directory: z.array(DirectoryFixture).default([]),
    /** The numbering plan (core/numbering.ts): what counts as an external number. */
    numbering: z
      .strictObject({ trunkPrefix: z.string().regex(/^[0-9*#]{0,8}$/).default('0'), externalMinDigits: z.number().int().min(1).max(32).default(7) })
      .default({ trunkPrefix: '0', externalMinDigits: 7 }),
    /** Routing defaults: every agent's capacity per item channel (1 each unless set: one contact at a time). */
    routing: z.strictObject({ capacity: capacity.default({}) }).default({ capacity: {} }),
    /** Interface-specific sections (routing points, tenants, QM users …); each interface validates its own. */
    telservices: z.unknown().optional(),
    openmedia: z.unknown().optional(),
    ciscoqm: z.unknown().optional(),
    ici: z.unknown().optional(),
    qmi: z.unknown().optional(),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const a of c.agents) {
      if (seen.has(a.extension)) ctx.addIssue({ code: 'custom', message: `extension ${a.extension} is used twice` });
      seen.add(a.extension);
    }
    const queueIds = new Set(c.queues.map((q) => q.id));
    for (const a of c.agents)
      for (const q of a.queues)
        if (!queueIds.has(q)) ctx.addIssue({ code: 'custom', message: `agent ${a.userId} names unknown queue ${q}` });
  });

export type CenterFixture = z.infer<typeof CenterFixture>;

/**
 * Reads and validates a fixture file (tests and tools; the gateway reads the file through src/config/files.ts, which
 * names the setting and a JSON syntax error's line). Throws an Error naming the file and the first bad key path.
 */
export function loadFixture(path: string): CenterFixture {
  return parseFixture(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** Validates a fixture (parsed JSON or an object in code); the error message names `source` and the first bad key path. */
export function parseFixture(raw: unknown, source = 'fixture'): CenterFixture {
  const r = CenterFixture.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.map(String) ?? [];
    if (issue?.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => [...path, k].join('.'));
      throw new Error(`${source}: ${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''}`);
    }
    throw new Error(`${source}: ${path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}
