/**
 * Per-agent recording policy: which of an agent's calls are recorded when they are answered. Seed 001 (Cisco QM)
 * calls this the workflow ("archiving enabled or the call matches workflow criteria"); a workflow here is none, all,
 * or a percentage of the agent's calls, chosen at random per call (seedable: the core's IdSource).
 */
import { z } from 'zod';

/** `none`, `all`, or `{ "percent": 0 … 100 }` of the agent's calls. */
export type RecordingPolicy = 'none' | 'all' | { percent: number };

/** The fixture's spelling of a policy (agents[].recordingPolicy, ciscoqm.agents[].workflow). */
export const RecordingPolicySchema = z.union([
  z.enum(['none', 'all']),
  z.strictObject({ percent: z.number().min(0).max(100) }),
]);

/** The share of calls a policy records, 0 … 100. */
export function policyPercent(policy: RecordingPolicy): number {
  if (policy === 'none') return 0;
  if (policy === 'all') return 100;
  return policy.percent;
}

/** A percentage back as the policy a user writes (0 → none, 100 → all). */
export function policyOf(percent: number): RecordingPolicy {
  if (percent <= 0) return 'none';
  if (percent >= 100) return 'all';
  return { percent };
}

/**
 * Whether one call is recorded under `percent`: always at 100, never at 0 (no random number is drawn for either, so
 * a seeded run's identifiers do not depend on policies that decide nothing), else when a uniform draw of 32 random
 * bits falls below the share.
 */
export function policyRecords(percent: number, draw: () => number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return draw() < (percent / 100) * 2 ** 32;
}
