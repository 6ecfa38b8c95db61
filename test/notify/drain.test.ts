import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { FAST, captureLogger, cleanupAfterEach, event, ok, startReceiver, waitFor } from './helpers.js';

const { track, defer } = cleanupAfterEach();

function newNotifier(defaults = {}): Notifier {
  return track(new Notifier({ logger: captureLogger().logger, defaults }));
}

describe('removal once a subscriber has drained', () => {
  it('removes the subscriber right after its last message is delivered, without polling', async () => {
    const notifier = newNotifier();
    const receiver = track(await startReceiver((_r, res) => receiver.later(30, () => ok(res))));
    // A generous attempt timeout: on a loaded machine a 30 ms answer must not time out and be sent twice.
    const sub = notifier.addHttp({ id: 's', interfaceName: 'qmi', url: receiver.url, policy: { ...FAST, attemptTimeoutMs: 10_000 } });
    for (let i = 1; i <= 3; i++) sub.enqueue(event(i));
    const removed = notifier.removeWhenDrained('s');
    expect(notifier.get('s')).toBe(sub);
    await removed;
    expect(notifier.get('s')).toBeUndefined();
    expect(receiver.requests).toHaveLength(3);
    expect(notifier.totals()).toMatchObject({ delivered: 3, dropped: 0 });
  });

  it('gives up after its timeout, counting what was left as dropped', async () => {
    const notifier = newNotifier();
    const hung = track(await startReceiver(() => undefined));
    const sub = notifier.addHttp({ id: 's', interfaceName: 'qmi', url: hung.url, policy: { ...FAST, attemptTimeoutMs: 60_000 } });
    sub.enqueue(event(1));
    sub.enqueue(event(2));
    await notifier.removeWhenDrained('s', 50);
    expect(notifier.get('s')).toBeUndefined();
    expect(notifier.totals()).toMatchObject({ delivered: 0, dropped: 2 });
  });

  it('leaves alone a subscriber that took the id meanwhile (a re-subscription)', async () => {
    const notifier = newNotifier();
    const hung = track(await startReceiver(() => undefined));
    const old = notifier.addHttp({ id: 's', interfaceName: 'qmi', url: hung.url, policy: { ...FAST, attemptTimeoutMs: 60_000 } });
    old.enqueue(event(1));
    const removed = notifier.removeWhenDrained('s');
    const fresh = notifier.addHttp({ id: 's', interfaceName: 'qmi', url: hung.url, policy: FAST });
    await removed; // the old one was closed by the replacement, which counts as drained
    expect(notifier.get('s')).toBe(fresh);
  });

  it('works for UDP subscribers too', async () => {
    const socket = createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    defer(() => new Promise<void>((r) => socket.close(() => r())));
    const notifier = newNotifier();
    const sub = notifier.addUdp({ id: 'u', interfaceName: 'telservices', host: '127.0.0.1', port: socket.address().port });
    for (let i = 0; i < 20; i++) sub.enqueue(Buffer.from(`d${i}`));
    await notifier.removeWhenDrained('u');
    expect(notifier.get('u')).toBeUndefined();
    expect(notifier.totals()).toMatchObject({ delivered: 20, dropped: 0 });
  });
});

describe('shutdown drain', () => {
  it('drain() waits until every queue is delivered, then close() has nothing to drop', async () => {
    const notifier = newNotifier();
    const receiver = track(await startReceiver((_r, res) => receiver.later(20, () => ok(res))));
    const slowOk = { ...FAST, attemptTimeoutMs: 10_000 };
    const a = notifier.addHttp({ id: 'a', interfaceName: 'ici', url: receiver.url, policy: slowOk });
    const b = notifier.addHttp({ id: 'b', interfaceName: 'ici', url: receiver.url, policy: slowOk });
    a.enqueue(event(1));
    b.enqueue(event(2));
    b.enqueue(event(3));
    expect(await notifier.drain(10_000)).toBe(true);
    await notifier.close();
    expect(notifier.totals()).toMatchObject({ delivered: 3, dropped: 0 });
  });

  it('drain() is bounded: a receiver that never answers does not hold shutdown', async () => {
    const notifier = newNotifier();
    const hung = track(await startReceiver(() => undefined));
    notifier.addHttp({ id: 'a', interfaceName: 'ici', url: hung.url, policy: { ...FAST, attemptTimeoutMs: 60_000 } }).enqueue(event(1));
    expect(await notifier.drain(50)).toBe(false);
    await notifier.close();
    expect(notifier.totals()).toMatchObject({ delivered: 0, dropped: 1 });
  });
});

describe('high-water mark and byte limit', () => {
  it('is congested at the high-water mark, before the limit that would cancel it', async () => {
    const notifier = newNotifier();
    const hung = track(await startReceiver(() => undefined));
    const sub = notifier.addHttp({ id: 'q', interfaceName: 'qmi', url: hung.url, policy: { ...FAST, queueLimit: 10, attemptTimeoutMs: 60_000 } });
    for (let i = 1; i <= 4; i++) sub.enqueue(event(i));
    expect(sub.congested).toBe(false);
    sub.enqueue(event(5)); // half of queueLimit by default
    expect(sub.congested).toBe(true);
    expect(sub.health()).toMatchObject({ queued: 5, congested: true, state: 'active' });
  });

  it('counts bytes: a few large events overflow the byte limit and cancel the subscriber, naming it', async () => {
    const notifier = newNotifier();
    const hung = track(await startReceiver(() => undefined));
    const sub = notifier.addHttp({ id: 'q', interfaceName: 'qmi', url: hung.url, policy: { ...FAST, queueLimitBytes: 1000, attemptTimeoutMs: 60_000 } });
    const big = { body: 'x'.repeat(300) };
    expect(sub.enqueue(big)).toBe(true);
    expect(sub.enqueue(big)).toBe(true);
    expect(sub.congested).toBe(true); // 600 bytes >= 500, the default high-water mark
    expect(sub.enqueue(big)).toBe(true);
    expect(sub.health().queuedBytes).toBe(900);
    expect(sub.enqueue(big)).toBe(false);
    expect(sub.health()).toMatchObject({ state: 'cancelled', dropped: 4, lastError: 'queue overflow (3 events, 900 bytes)' });
  });

  it('derives a subscriber\'s high-water mark from its own queue limit', async () => {
    const notifier = newNotifier({ queueLimit: 1000 });
    const hung = track(await startReceiver(() => undefined));
    const sub = notifier.addHttp({ id: 'q', interfaceName: 'qmi', url: hung.url, policy: { ...FAST, queueLimit: 4, attemptTimeoutMs: 60_000 } });
    sub.enqueue(event(1));
    expect(sub.congested).toBe(false);
    sub.enqueue(event(2));
    expect(sub.congested).toBe(true);
  });
});

describe('whenDrained', () => {
  it('resolves at once on an idle subscriber and after cancellation', async () => {
    const notifier = newNotifier();
    const receiver = track(await startReceiver((_r, res) => res.writeHead(500).end()));
    const sub = notifier.addHttp({ id: 'c', interfaceName: 'ici', url: receiver.url, policy: { ...FAST, cancelAfterFailures: 2 } });
    await sub.whenDrained();
    sub.enqueue(event(1));
    await sub.whenDrained();
    expect(sub.health().state).toBe('cancelled');
    await waitFor(() => receiver.requests.length === 2, 'two attempts');
  });
});
