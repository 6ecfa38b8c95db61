/**
 * Simulated customers called by an outbound dialer: a share of them answers, after a delay; the others let the
 * phone ring. Who answers is drawn from the center's seeded identifier source, so a seeded run is reproducible. The
 * dialer (core/dialer) only dials; how the far end behaves is the outside world's, and lives here.
 */
import type { IdSource } from '../core/index.js';

export interface CustomerBehaviour {
  /** Share of the customers called who answer, 0..100. */
  answerPercent: number;
  /** Seconds they let the phone ring before answering. */
  answerAfterSec: number;
}

/**
 * The dialer's `farEnd` for these customers: for each number dialled, ms until it answers, or -1 (never). Draws one
 * number from `ids` per call.
 */
export function simulatedCustomers(ids: IdSource, b: CustomerBehaviour): (number: string) => number {
  return () => (ids.next32() % 100 < b.answerPercent ? b.answerAfterSec * 1000 : -1);
}
