import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { FAST, captureLogger, cleanupAfterEach, event, ok, seqOf, startReceiver, waitFor } from './helpers.js';

const { track } = cleanupAfterEach();
const PIPELINED = { ...FAST, pipelining: 8, attemptTimeoutMs: 5_000 };
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Each sequence number once, in the order it was first seen. */
const firstArrivals = (seqs: number[]): number[] => [...new Set(seqs)];

describe('HTTP delivery with pipelining (notify.pipelining > 1)', () => {
  it('has several events on the one connection at once, and delivers a burst in order, each once', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    // Holds every answer until four requests are outstanding: one at a time would never get there.
    const held: ServerResponse[] = [];
    let mostOutstanding = 0;
    const receiver = track(
      await startReceiver((_r, res) => {
        held.push(res);
        mostOutstanding = Math.max(mostOutstanding, held.length);
        if (held.length >= 4 || mostOutstanding >= 4) for (const r of held.splice(0)) ok(r);
      }),
    );
    const sub = notifier.addHttp({ id: 'p', interfaceName: 'qmi', url: receiver.url, policy: PIPELINED });
    for (const i of range(40)) sub.enqueue(event(i));
    await waitFor(() => sub.health().delivered === 40, 'forty deliveries');
    expect(mostOutstanding).toBeGreaterThanOrEqual(4);
    expect(receiver.requests.map((r) => seqOf(r.body))).toEqual(range(40));
    expect(sub.health()).toMatchObject({ delivered: 40, failed: 0, dropped: 0 });
  });

  it('keeps the verdicts of events answered behind a failed one: the failed one is retried, nothing is sent twice', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    let failedOnce = false;
    const receiver = track(
      await startReceiver((r, res) => {
        if (seqOf(r.body) === 3 && !failedOnce) {
          failedOnce = true;
          res.writeHead(500).end();
        } else ok(res);
      }),
    );
    const sub = notifier.addHttp({ id: 'e', interfaceName: 'qmi', url: receiver.url, policy: PIPELINED });
    for (const i of range(20)) sub.enqueue(event(i));
    await waitFor(() => sub.health().delivered === 20, 'twenty deliveries');
    const seqs = receiver.requests.map((r) => seqOf(r.body));
    // 3 twice (the failure and its retry), every other event exactly once.
    expect([...seqs].sort((a, b) => a - b)).toEqual([...range(20), 3].sort((a, b) => a - b));
    expect(firstArrivals(seqs)).toEqual(range(20));
    expect(sub.health()).toMatchObject({ delivered: 20, failed: 1, dropped: 0 });
  });

  it('sends again, in order, what was on a connection that broke: every event arrives, first arrivals in order', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    let broken = false;
    const receiver = track(
      await startReceiver((r, res) => {
        if (seqOf(r.body) === 5 && !broken) {
          broken = true;
          res.socket?.destroy();
        } else ok(res);
      }),
    );
    const sub = notifier.addHttp({ id: 'b', interfaceName: 'qmi', url: receiver.url, policy: PIPELINED });
    for (const i of range(30)) sub.enqueue(event(i));
    await waitFor(() => sub.health().delivered === 30, 'thirty deliveries');
    const seqs = receiver.requests.map((r) => seqOf(r.body));
    expect(firstArrivals(seqs)).toEqual(range(30));
    expect(seqs.slice(0, 5)).toEqual(range(5));
    expect(sub.health()).toMatchObject({ delivered: 30, dropped: 0, state: 'active' });
  });

  it('is off by default: one event at a time', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    let outstanding = 0;
    let mostOutstanding = 0;
    const receiver = track(
      await startReceiver((_r, res) => {
        outstanding += 1;
        mostOutstanding = Math.max(mostOutstanding, outstanding);
        receiver.later(2, () => {
          outstanding -= 1;
          ok(res);
        });
      }),
    );
    const sub = notifier.addHttp({ id: 'd', interfaceName: 'qmi', url: receiver.url, policy: FAST });
    for (const i of range(10)) sub.enqueue(event(i));
    await waitFor(() => sub.health().delivered === 10, 'ten deliveries');
    expect(mostOutstanding).toBe(1);
  });
});
