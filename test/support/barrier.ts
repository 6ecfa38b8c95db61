/**
 * Waiting without sleeping. A `Barrier` is told when something changed (`notify()`, called by whoever receives a
 * datagram, an HTTP request or a core event) and resolves waiters whose condition now holds, so a test waits exactly
 * as long as the system takes and no fixed delay guesses at it. `eventually` is the fallback for state that reports
 * no change (a notifier's counters): it looks again on each turn of the event loop's timers.
 *
 * Every wait has a bound: a safety net that turns a hang into a readable failure, never an assertion of speed.
 */
import type { ContactCenter, DomainEvent } from '../../src/core/index.js';

/** Default bound of a wait (ms): generous, because a loaded machine is slow, and a wait that holds costs nothing. */
export const WAIT_MS = 10_000;

export class Barrier {
  private readonly waiters = new Set<() => void>();

  /** Something changed: every waiter checks its condition again. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * Resolves with `cond()` once it is truthy (checked now and on every notify); rejects after `timeoutMs` with
   * `what` and, if given, `describe()` (what was seen instead).
   */
  until<T>(cond: () => T | undefined | null | false, what: string, timeoutMs = WAIT_MS, describe?: () => string): Promise<T> {
    const now = cond();
    if (now) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = cond();
        if (!v) return;
        done();
        resolve(v);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `; seen: ${describe()}` : ''}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}

/** Waits until `cond` holds, looking again every `everyMs` (state that reports no change); rejects after `timeoutMs`. */
export async function eventually(cond: () => boolean, what: string, timeoutMs = WAIT_MS, everyMs = 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Waits for a core event matching `match` (one already emitted does not count): the barrier for whatever an
 * interface or the simulator does to the core in the background.
 */
export function nextCoreEvent(center: ContactCenter, match: (e: DomainEvent) => boolean, what: string, timeoutMs = WAIT_MS): Promise<DomainEvent> {
  const barrier = new Barrier();
  let seen: DomainEvent | undefined;
  const unsubscribe = center.bus.subscribe((e) => {
    if (!seen && match(e)) {
      seen = e;
      barrier.notify();
    }
  });
  return barrier.until(() => seen, what, timeoutMs).finally(unsubscribe);
}

/** Lets the event loop run a few turns (I/O already delivered is read): for "nothing more came" checks only. */
export async function quiesce(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
