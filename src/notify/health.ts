/** The counters every kind of subscriber keeps, and how they become its health view. */
import type { SubscriberHealth, SubscriberState } from './types.js';

export class DeliveryStats {
  delivered = 0;
  failed = 0;
  dropped = 0;
  lastError: string | null = null;
  lastLatencyMs: number | null = null;

  /** `target` must already be the display form (no credentials). */
  health(
    sub: { readonly interfaceName: string; readonly id: string },
    target: string,
    queued: number,
    state: SubscriberState,
    queuedBytes: number,
    congested: boolean,
  ): SubscriberHealth {
    return {
      interface: sub.interfaceName,
      id: sub.id,
      target,
      queued,
      queuedBytes,
      congested,
      delivered: this.delivered,
      failed: this.failed,
      dropped: this.dropped,
      lastError: this.lastError,
      lastLatencyMs: this.lastLatencyMs,
      state,
    };
  }
}
