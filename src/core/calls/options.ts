/** What a caller of inbound(), makeCall() and consult() may say about the new call. */
export interface CallOptions {
  attached?: Record<string, string>;
  priority?: number;
  skills?: Record<string, number>;
  /** A consultation for this (held) call. */
  consultFor?: string;
  /** Agent to try first for an ACD call. */
  preferredAgent?: string;
  sipCallId?: string;
  /** When a called external party answers, overriding the center's externalAnswerMs (negative = never). */
  externalAnswerMs?: number;
}
