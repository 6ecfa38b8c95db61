/** Per-test cleanup: what a test opens is closed after it, newest first, whether it passed or not. */
import { afterEach } from 'vitest';

/**
 * Registers an afterEach in the calling test file that undoes, newest first, what its tests set up: `track(x)` closes
 * x (and returns it), `defer(fn)` runs fn.
 */
export function cleanupAfterEach(): {
  track: <T extends { close(): Promise<void> }>(x: T) => T;
  defer: (fn: () => Promise<void> | void) => void;
} {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return {
    track(x) {
      cleanup.push(() => x.close());
      return x;
    },
    defer(fn) {
      cleanup.push(fn);
    },
  };
}
