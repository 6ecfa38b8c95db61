/**
 * Shared fixtures for notifier tests. Cleanup, the capturing logger, the HTTP receivers and waiting come from the
 * shared test support (test/support), re-exported under the names other suites import from here; what is the
 * notifier's own (a fast delivery policy, numbered events) stays here.
 */
import type { DeliveryPolicy } from '../../src/notify/index.js';
import { eventually } from '../support/index.js';

export { captureLogger, cleanupAfterEach, closedPort, ok, startReceiver, WARN, type Handler, type LogLine, type ReceivedRequest, type Receiver } from '../support/index.js';

/** Short policy so retries and cancellations happen in milliseconds. */
export const FAST: Partial<DeliveryPolicy> = {
  retryBaseMs: 20,
  retryMaxMs: 100,
  connectTimeoutMs: 500,
  attemptTimeoutMs: 300,
  cancelAfterFailures: 50,
  cancelAfterMs: 60_000,
};

/** Waits for notifier state that reports no event (its counters): test/support `eventually`. */
export function waitFor(cond: () => boolean, what: string, timeoutMs?: number): Promise<void> {
  return eventually(cond, what, timeoutMs);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function event(seq: number): { body: string; label: string; headers: Record<string, string> } {
  return { body: `<event seq="${seq}"/>`, label: `event${seq}`, headers: { SOAPAction: '"urn:test#event"' } };
}

export function seqOf(body: string): number {
  const m = /seq="(\d+)"/.exec(body);
  return m ? Number(m[1]) : -1;
}

/** Detects a SOAP fault in any prefix: what ICI/QMI protocol checks do. */
export const soapFaultCheck = (a: { body: string }): true | string => (/<(\w+:)?Fault[\s/>]/.test(a.body) ? 'SOAP fault' : true);
