import type { RoutingRequest } from '../routing/inputs.js';

/**
 * What a caller of inbound(), makeCall() and consult() may say about the new call. The routing requests (priority,
 * skills, preferredAgent, forcedAgent, queueStart) apply when the call reaches a queue, and stay with the call.
 */
export interface CallOptions extends RoutingRequest {
  /**
   * The call's id (a GUID, e.g. a seed example's CallID) instead of a generated one; `duplicateId` when an active or
   * remembered call has it. For consult(), the consultation call's id.
   */
  callId?: string;
  attached?: Record<string, string>;
  /** A consultation for this (held) call. */
  consultFor?: string;
  sipCallId?: string;
  /** When a called external party answers, overriding the center's externalAnswerMs (negative = never). */
  externalAnswerMs?: number;
}
