/**
 * Delivery policy: how long one attempt may take, how retries back off, and when a subscriber that stays
 * unreachable is given up. Interfaces pass their protocol's values; everything else takes these defaults.
 */
export interface DeliveryPolicy {
  /** First backoff after a failed attempt. */
  retryBaseMs: number;
  /** Backoff cap. */
  retryMaxMs: number;
  /** Consecutive failed attempts before the subscriber is cancelled. */
  cancelAfterFailures: number;
  /** Or: failing continuously this long (since the first failure of the current streak). */
  cancelAfterMs: number;
  /**
   * Undelivered messages (including the one being attempted) a subscriber may hold; one more is an overflow, which
   * cancels an HTTP subscriber (the protocol's rule for a receiver that cannot keep up) and drops a datagram.
   */
  queueLimit: number;
  /** The same limit in bytes of undelivered bodies: a few huge events overflow as surely as many small ones. */
  queueLimitBytes: number;
  /**
   * The high-water mark: at or above this many undelivered messages (or `highWaterBytes`) the subscriber is
   * `congested`, and an interface refuses requests that would add events to it (the protocol's busy answer) so a
   * subscriber's own requests never overflow it. Default: half of `queueLimit`.
   */
  highWaterEvents: number;
  /** Default: half of `queueLimitBytes`. */
  highWaterBytes: number;
  connectTimeoutMs: number;
  /** Whole attempt, connect + request + response body; undici's own defaults (300 s) never apply. */
  attemptTimeoutMs: number;
  /** Response body is read up to this many bytes, the rest is discarded. */
  maxResponseBytes: number;
  /**
   * Messages a subscriber may have on its one keep-alive connection at a time (HTTP/1.1 pipelining, RFC 9112
   * §9.3.2), sent and answered in queue order. 1 (the default) is one at a time: every message arrives in order and
   * exactly once. Above 1 a fast receiver is not held to one round trip per message, at a cost the receiver must
   * accept: a connection that breaks with messages on it has them sent again (at least once, in order), and a
   * receiver that fails one message with an error answer while accepting the ones behind it sees those first. After
   * a failed attempt delivery is one at a time until a message is delivered again.
   */
  pipelining: number;
  /**
   * How long the next message waits for the answer to the one before it; when that answer is this late, the next is
   * sent anyway, on another connection (OII's SOAP_WAIT_MS, seed 002 §4.2: "how long OII should wait before sending
   * next SOAP event to same agent session, if the CRM has not responded to the earlier event yet"). Messages still
   * leave in queue order and each is retried in order as before; a receiver that answers within this time sees them
   * one at a time. 0 (the default): always wait for the answer.
   */
  sendNextAfterMs: number;
  /** With sendNextAfterMs: at most this many messages unanswered on the wire at once (and as many connections). */
  maxInFlight: number;
}

export const DEFAULT_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  retryBaseMs: 500,
  retryMaxMs: 30_000,
  cancelAfterFailures: 10,
  cancelAfterMs: 120_000,
  queueLimit: 1000,
  queueLimitBytes: 16 * 1024 * 1024,
  highWaterEvents: 500,
  highWaterBytes: 8 * 1024 * 1024,
  connectTimeoutMs: 5000,
  attemptTimeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  pipelining: 1,
  sendNextAfterMs: 0,
  maxInFlight: 8,
});

/** ±20 %: subscribers that failed together (one receiver restarting) do not retry in lockstep. */
export const JITTER = 0.2;

/**
 * Later layers win; undefined fields fall through. A high-water mark no layer sets is half its limit, and one above
 * its limit is lowered to it. Throws RangeError on a value that would stall or spin delivery.
 */
export function resolvePolicy(...layers: Array<Partial<DeliveryPolicy> | undefined>): DeliveryPolicy {
  const policy: DeliveryPolicy = { ...DEFAULT_POLICY };
  const set = new Set<keyof DeliveryPolicy>();
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(DEFAULT_POLICY) as Array<keyof DeliveryPolicy>) {
      const value = layer[key];
      if (value !== undefined) {
        policy[key] = value;
        set.add(key);
      }
    }
  }
  if (!set.has('highWaterEvents')) policy.highWaterEvents = Math.max(1, Math.floor(policy.queueLimit / 2));
  if (!set.has('highWaterBytes')) policy.highWaterBytes = Math.max(1, Math.floor(policy.queueLimitBytes / 2));
  policy.highWaterEvents = Math.min(policy.highWaterEvents, policy.queueLimit);
  policy.highWaterBytes = Math.min(policy.highWaterBytes, policy.queueLimitBytes);
  for (const [key, value] of Object.entries(policy)) {
    const min = key === 'retryBaseMs' || key === 'retryMaxMs' || key === 'sendNextAfterMs' ? 0 : 1;
    if (!Number.isFinite(value) || value < min) {
      throw new RangeError(`delivery policy ${key} must be a finite number >= ${min}, got ${String(value)}`);
    }
  }
  if (policy.retryMaxMs < policy.retryBaseMs) policy.retryMaxMs = policy.retryBaseMs;
  return policy;
}

/**
 * Wait before retry number `failures` (1 = after the first failure): base * 2^(failures-1), capped at retryMaxMs,
 * then ±20 % jitter. `random` is injectable so the curve can be tested exactly.
 */
export function backoffDelay(failures: number, policy: Pick<DeliveryPolicy, 'retryBaseMs' | 'retryMaxMs'>, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  // 2^exponent overflows to Infinity after ~1000 failures; Math.min keeps the cap meaningful.
  const raw = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** exponent);
  const factor = 1 + JITTER * (2 * random() - 1);
  return Math.max(0, Math.round(raw * factor));
}
