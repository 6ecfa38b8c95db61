/**
 * Whole-attempt deadlines of one notifier's HTTP attempts, enforced by one shared coarse ticker instead of a timer
 * (and an AbortController) per attempt: those were a measurable share of the delivery cost at thousands of
 * deliveries per second. undici's own headers and body timeouts, set to the attempt timeout, end the common slow
 * cases (no answer, a stalled body) on time; the ticker bounds what they cannot see: connect + waiting + a body that
 * keeps dripping. An attempt therefore ends at most one tick (attemptTimeoutMs / 20, clamped to 5..500 ms) after its
 * deadline.
 */
import { performance } from 'node:perf_hooks';

export interface Expiring {
  /** performance.now() value after which the attempt has failed. */
  readonly deadline: number;
  /** Called once, when the deadline has passed and the attempt is still registered. */
  expire(): void;
}

const MIN_TICK_MS = 5;
const MAX_TICK_MS = 500;

export function tickFor(timeoutMs: number): number {
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(timeoutMs / 20)));
}

export class DeadlineTicker {
  private readonly pending = new Set<Expiring>();
  private timer: NodeJS.Timeout | null = null;
  private periodMs = 0;
  private closed = false;

  /** The monotonic clock deadlines are measured on (the notifier's injectable `now` is for latency and streaks). */
  static now(): number {
    return performance.now();
  }

  add(item: Expiring, timeoutMs: number): void {
    if (this.closed) return;
    this.pending.add(item);
    const period = tickFor(timeoutMs);
    if (this.timer === null || period < this.periodMs) this.start(period);
  }

  /**
   * Only forgets the item. The ticker stops itself on its next tick with nothing pending: stopping and restarting it
   * here, between one subscriber's back-to-back attempts, would bring back a timer per attempt.
   */
  delete(item: Expiring): void {
    this.pending.delete(item);
  }

  /** Stops the ticker for good; attempts still registered are being aborted by their subscribers' close(). */
  close(): void {
    this.closed = true;
    this.pending.clear();
    this.stop();
  }

  private start(period: number): void {
    this.stop();
    this.periodMs = period;
    this.timer = setInterval(() => this.tick(), period);
    // In-flight requests keep the process alive through their sockets; the ticker alone must not.
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (this.pending.size === 0) {
      this.stop();
      return;
    }
    const now = DeadlineTicker.now();
    for (const item of this.pending) {
      if (item.deadline <= now) {
        this.pending.delete(item);
        item.expire();
      }
    }
  }
}

/**
 * One restartable timer for a subscriber's waits that recur with every message (sendNextAfterMs): made once and
 * `refresh()`ed, not a new timer per message. It never keeps the process alive.
 */
export class RestartableTimer {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ms: number,
    private readonly due: () => void,
  ) {}

  /** (Re)starts the wait: `due` runs `ms` from now unless restarted or stopped. */
  restart(): void {
    if (this.timer === null) {
      this.timer = setTimeout(this.due, this.ms);
      this.timer.unref();
    } else {
      this.timer.refresh();
    }
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
