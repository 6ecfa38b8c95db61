import { describe, expect, it, vi } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { FAST, WARN, captureLogger, cleanupAfterEach, closedPort, event, ok, sleep, startReceiver, waitFor } from './helpers.js';

const { track } = cleanupAfterEach();

describe('cancellation of a subscriber that stays unreachable', () => {
  it('cancels after cancelAfterFailures, logs why, calls onCancel once and sends its last message once', async () => {
    const { logger, lines, raw } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const receiver = track(await startReceiver((_r, res) => res.writeHead(500).end()));
    const url = receiver.url.replace('http://', 'http://bob:hunter2@');
    const onCancel = vi.fn((reason: string) => ({ body: `<subscriptionEnded reason="${reason}"/>`, label: 'subscriptionEnded' }));
    const sub = notifier.addHttp({ id: 'ici-7', interfaceName: 'ici', url, policy: { ...FAST, cancelAfterFailures: 3 }, onCancel });
    for (let i = 1; i <= 4; i++) sub.enqueue(event(i));

    await waitFor(() => sub.health().state === 'cancelled', 'cancellation');
    const reason = 'unreachable: 3 consecutive failed attempts (last: HTTP 500)';
    const cancelLines = lines.filter((l) => l.msg === 'subscriber cancelled');
    expect(cancelLines).toHaveLength(1);
    expect(cancelLines[0]).toMatchObject({ level: WARN, subscriber: 'ici-7', interface: 'ici', target: receiver.url, reason, discarded: 4 });
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onCancel).toHaveBeenCalledWith(reason);

    // The last message goes out once, best-effort: the receiver's 500 is not retried.
    await waitFor(() => receiver.requests.some((r) => r.body.includes('subscriptionEnded')), 'last message');
    await sleep(FAST.retryMaxMs! * 2);
    expect(receiver.requests.filter((r) => r.body.includes('subscriptionEnded'))).toHaveLength(1);
    expect(receiver.requests).toHaveLength(4);

    expect(sub.enqueue(event(5))).toBe(false);
    expect(sub.health()).toMatchObject({ state: 'cancelled', queued: 0, delivered: 0, failed: 4, dropped: 4, lastError: reason });
    expect(notifier.totals()).toMatchObject({ cancelled: 1, dropped: 4, queued: 0 });
    expect(raw.join('')).not.toContain('hunter2');
  });

  it('cancels when the failing streak has lasted cancelAfterMs (injected clock)', async () => {
    const { logger, lines } = captureLogger();
    let clock = 1_000_000;
    const notifier = track(new Notifier({ logger, now: () => clock }));
    const port = await closedPort();
    const sub = notifier.addHttp({
      id: 'om-1',
      interfaceName: 'openmedia',
      url: `http://127.0.0.1:${port}/`,
      policy: { ...FAST, cancelAfterFailures: 1000, cancelAfterMs: 60_000 },
    });
    sub.enqueue(event(1));
    await waitFor(() => sub.health().failed >= 2, 'two failures');
    expect(sub.health().state).toBe('retrying');
    clock += 60_000;
    await waitFor(() => sub.health().state === 'cancelled', 'cancellation');
    const line = lines.find((l) => l.msg === 'subscriber cancelled');
    expect(line?.reason).toBe('unreachable: failing for 60000 ms (last: connection error: ECONNREFUSED)');
    expect(sub.health().dropped).toBe(1);
  });

  it('cancels on queue overflow with the reason and counts every lost message as dropped', async () => {
    const { logger, lines } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const hung = track(await startReceiver(() => undefined)); // never answers: the head stays in flight
    const onCancel = vi.fn();
    const sub = notifier.addHttp({ id: 'q', interfaceName: 'qmi', url: hung.url, policy: { ...FAST, queueLimit: 5, attemptTimeoutMs: 10_000 }, onCancel });
    for (let i = 1; i <= 5; i++) expect(sub.enqueue(event(i))).toBe(true);
    expect(sub.enqueue(event(6))).toBe(false);
    expect(sub.enqueue(event(7))).toBe(false);

    expect(sub.health()).toMatchObject({ state: 'cancelled', queued: 0, dropped: 6, lastError: 'queue overflow (5 events)' });
    const warn = lines.filter((l) => l.msg === 'subscriber cancelled');
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ level: WARN, subscriber: 'q', interface: 'qmi', reason: 'queue overflow (5 events)', discarded: 5 });
    await waitFor(() => onCancel.mock.calls.length === 1, 'onCancel');
    expect(notifier.totals()).toMatchObject({ dropped: 6, cancelled: 1, queued: 0, failed: 0 });
  });

  it('addHttp with an existing id replaces the subscriber; totals keep the old counters', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const receiver = track(await startReceiver((_r, res) => ok(res)));
    const old = notifier.addHttp({ id: 'x', interfaceName: 'qmi', url: receiver.url, policy: FAST });
    old.enqueue(event(1));
    await waitFor(() => old.health().delivered === 1, 'first delivery');
    const fresh = notifier.addHttp({ id: 'x', interfaceName: 'qmi', url: receiver.url, policy: FAST });
    expect(old.enqueue(event(2))).toBe(false);
    expect(notifier.get('x')).toBe(fresh);
    expect(fresh.health().delivered).toBe(0);
    fresh.enqueue(event(3));
    await waitFor(() => fresh.health().delivered === 1, 'second delivery');
    expect(notifier.health()).toHaveLength(1);
    expect(notifier.totals()).toMatchObject({ delivered: 2, cancelled: 0 });

    await notifier.remove('x');
    expect(notifier.get('x')).toBeUndefined();
    expect(notifier.totals()).toMatchObject({ delivered: 2, queued: 0 });
  });
});
