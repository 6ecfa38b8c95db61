/**
 * The fixture's `telservices` section, validated here (the core only carries it): routing points (inbound ones on a
 * phone queue, outbound templates for campaigns) and the directories updateDirectory can synchronise.
 */
import { z } from 'zod';
import { DISTRIBUTIONS, NUMBER_TYPES } from './requests.js';
import { ConfigError } from '../../config/errors.js';

const phone = z.string().regex(/^\+?[0-9*#]{1,32}$/, 'a phone number');
const service = z.string().min(1).max(128);

export const CampaignSettingsFixture = z.object({
  serviceTimeout: z.number().int().min(0).optional(),
  workingHours: z.string().max(256).optional(),
  nonWorkingDaysOfWeek: z.string().max(64).optional(),
  nonWorkingDays: z.string().max(4096).optional(),
  noAnswerTimeout: z.number().int().min(1).default(20),
  failedCallRetryTimeout: z.number().int().min(0).default(60),
  failedCallRetryLimit: z.number().int().min(0).default(2),
  agentWorkingAfterCallTimeout: z.number().int().min(0).default(10),
  agentsDistribution: z.enum(DISTRIBUTIONS).default('cyclic'),
  queueLimit: z.number().int().min(0).default(100),
  agentLoggedOnOnOpenSession: z.boolean().default(false),
  agentReadyOnLoggedOn: z.boolean().default(true),
  statisticsIncomingCallImmediateAbandonTimeout: z.number().int().min(0).default(5),
});

const SETTINGS_DEFAULT = CampaignSettingsFixture.parse({});

export const InboundRoutingPoint = z.object({
  service,
  type: z.literal('inbound'),
  /** The phone queue (id or number) the routing point distributes. */
  queue: z.string().min(1),
  started: z.boolean().default(true),
  /** Where incoming calls go while the point is suspended, stopped, outside working time or full (seed "failure route"). */
  failureRoute: phone.optional(),
});

export const OutboundTemplate = z.object({
  /** Template name (startRoutingPoint `template`). */
  service,
  type: z.literal('outbound'),
  /** Routing point device number; allocated from 3901 up when absent. */
  number: phone.optional(),
  /** Agents by user id; empty = every agent working the phone channel. */
  agents: z.array(z.string().min(1)).default([]),
  /** The call list; when empty, `generatedCalls` synthetic customer numbers. */
  calls: z.array(phone).default([]),
  generatedCalls: z.number().int().min(0).max(100_000).default(20),
  /** Simulated customers: percentage that answers, after how many seconds. */
  customerAnswerPercent: z.number().min(0).max(100).default(70),
  customerAnswerAfterSec: z.number().min(0).max(3600).default(5),
  config: CampaignSettingsFixture.default(SETTINGS_DEFAULT),
});

export const TelServicesFixture = z.object({
  routingPoints: z.array(z.discriminatedUnion('type', [InboundRoutingPoint, OutboundTemplate])).default([]),
  directories: z
    .array(
      z.object({
        name: z.string().min(1).max(128),
        entries: z
          .array(
            z.object({
              number: z.string().min(1).max(64),
              name: z.string().min(1).max(128),
              company: z.string().max(128).optional(),
              numberType: z.enum(NUMBER_TYPES).optional(),
            }),
          )
          .default([]),
      }),
    )
    // The seed's updateDirectory example synchronises 'ldap'.
    .default([{ name: 'ldap', entries: [] }]),
});

export type TelServicesFixture = z.infer<typeof TelServicesFixture>;
export type OutboundTemplate = z.infer<typeof OutboundTemplate>;
export type CampaignSettingsFixture = z.infer<typeof CampaignSettingsFixture>;

/** The template used when startRoutingPoint names none and the fixture defines no 'outbound' template. */
export const DEFAULT_TEMPLATE: OutboundTemplate = OutboundTemplate.parse({ service: 'outbound', type: 'outbound' });

export function parseTelServicesFixture(raw: unknown): TelServicesFixture {
  const r = TelServicesFixture.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError('fixture', `telservices.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}
