import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { FAST, captureLogger, cleanupAfterEach, event, ok, seqOf, startReceiver, waitFor } from './helpers.js';

const { track } = cleanupAfterEach();

const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('one slow subscriber never delays another', () => {
  it('the fast subscriber receives everything before the slow one first times out', async () => {
    const { logger } = captureLogger();
    const slow = track(await startReceiver(() => undefined)); // accepts, never answers
    const fast = track(await startReceiver((_r, res) => ok(res)));
    const notifier = track(new Notifier({ logger }));
    // The slow one's first attempt times out only after the wait below has long given up: the fast one finishing
    // while the slow one has not failed once is the proof, with no clock read.
    const slowTimeout = 3_600_000;
    const slowSub = notifier.addHttp({ id: 'slow', interfaceName: 'qmi', url: slow.url, policy: { ...FAST, attemptTimeoutMs: slowTimeout } });
    const fastSub = notifier.addHttp({ id: 'fast', interfaceName: 'qmi', url: fast.url, policy: FAST });
    const N = 50;
    for (let i = 1; i <= N; i++) {
      slowSub.enqueue(event(i));
      fastSub.enqueue(event(i));
    }
    await waitFor(() => fastSub.health().delivered === N, 'fast deliveries');
    expect(slowSub.health()).toMatchObject({ failed: 0, delivered: 0, queued: N });
    expect(fast.requests.map((r) => seqOf(r.body))).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Exactly one attempt in flight for the slow subscriber.
    expect(slow.requests).toHaveLength(1);
  });

  it('close() resolves promptly with an attempt in flight and leaves no timers behind', async () => {
    const { logger } = captureLogger();
    const hung = track(await startReceiver(() => undefined));
    const flaky = track(await startReceiver((_r, res) => res.writeHead(500).end()));
    const baseline = timeouts();
    const notifier = new Notifier({ logger });
    // An hour's attempt timeout and backoff: close() resolving at all within the test's timeout shows it waits for
    // neither (no clock read).
    const inFlight = notifier.addHttp({ id: 'a', interfaceName: 'qmi', url: hung.url, policy: { attemptTimeoutMs: 3_600_000 } });
    const backingOff = notifier.addHttp({ id: 'b', interfaceName: 'qmi', url: flaky.url, policy: { retryBaseMs: 3_600_000, retryMaxMs: 3_600_000 } });
    inFlight.enqueue(event(1));
    backingOff.enqueue(event(1));
    await waitFor(() => hung.requests.length === 1 && backingOff.health().failed === 1, 'attempt in flight and a backoff pending');
    // A backoff and an attempt deadline are pending now. (Counting the process's timers here would also count other
    // files' leftovers expiring meanwhile on a loaded machine; after close() only a count at or below the baseline
    // is asked for.)
    expect(backingOff.health().state).toBe('retrying');
    expect(inFlight.health()).toMatchObject({ queued: 1, failed: 0 });

    await notifier.close();
    // Sockets finish closing on their own tick: give them a moment, then no timer of ours may remain.
    await waitFor(() => timeouts() <= baseline, 'timers released after close');
    expect(timeouts()).toBe(baseline);
    expect(notifier.totals()).toMatchObject({ dropped: 2, queued: 0, cancelled: 0 });
    expect(() => notifier.addHttp({ id: 'c', interfaceName: 'qmi', url: hung.url })).toThrow(/closed/);
  });
});
