/** Shapes shared by the notifier, its subscribers and the interfaces that feed them. */

export interface HttpMessage {
  /**
   * A Buffer is sent as is: a caller posting the same body to many subscribers encodes it once instead of once per
   * subscriber and attempt.
   */
  body: string | Buffer;
  headers?: Record<string, string>;
  /** Event name, for logs and metrics only. */
  label?: string;
}

export interface Answer {
  status: number;
  /** Up to maxResponseBytes of the response body, decoded as UTF-8. */
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A failure the receiver itself says must not be retried (ICI: an IciErrorCodes fault with `errorRetry` false): the
 * message counts as failed and dropped, and the queue moves on to the next one; the subscriber is not cancelled.
 */
export interface AnswerRefusal {
  reason: string;
  retry: false;
}

/**
 * true = delivered; a string = why the answer is a failure (e.g. 'SOAP fault', 'Success=0'), retried with backoff;
 * an AnswerRefusal = a failure not to retry, whatever the HTTP status.
 */
export type AnswerCheck = (answer: Answer) => true | string | AnswerRefusal;

export type SubscriberState = 'active' | 'retrying' | 'cancelled';

export interface SubscriberHealth {
  interface: string;
  id: string;
  /** Target with credentials removed; safe to show and log. */
  target: string;
  /** Undelivered messages, including the one being attempted. */
  queued: number;
  /** Their bodies' size in bytes. */
  queuedBytes: number;
  /** At or above the high-water mark (see Subscriber.congested). */
  congested: boolean;
  /** Messages delivered. */
  delivered: number;
  /** Failed delivery attempts (a message retried three times counts three). */
  failed: number;
  /** Messages given up: discarded by cancellation, overflow or removal. */
  dropped: number;
  lastError: string | null;
  /** ms from enqueue to successful delivery of the last delivered message. */
  lastLatencyMs: number | null;
  state: SubscriberState;
}

export interface Subscriber {
  readonly id: string;
  /** Never blocks. false when the message was not accepted (cancelled, closed, or it overflowed the queue). */
  enqueue(msg: HttpMessage | Buffer): boolean;
  /**
   * The queue is at or above its high-water mark (DeliveryPolicy.highWaterEvents or highWaterBytes). An interface
   * answers requests that would add events to this subscriber with its protocol's busy answer while this is true, so
   * a subscriber's own requests can never overflow (and so cancel) it.
   */
  readonly congested: boolean;
  /**
   * Resolves once nothing is left to send: the queue is empty and no cancellation message is in flight, or the
   * subscriber was cancelled or closed. Never rejects; resolves at once when already idle.
   */
  whenDrained(): Promise<void>;
  health(): SubscriberHealth;
  /** Stops delivery, aborts an attempt in flight; pending messages are counted as dropped. */
  close(): Promise<void>;
}
