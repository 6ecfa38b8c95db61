import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { FAST, captureLogger, cleanupAfterEach, event, ok, seqOf, startReceiver, waitFor } from './helpers.js';

const { track } = cleanupAfterEach();
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** OII's SOAP_WAIT_MS (seed 002 §4.2): the next message waits for the answer to the one before only so long. */
describe('HTTP delivery with sendNextAfterMs', () => {
  it('sends the next message when the answer to the one before is late, on another connection, in order', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    // The first message is not answered until three more have arrived: only sending without its answer gets there.
    const held: ServerResponse[] = [];
    const receiver = track(
      await startReceiver((r, res) => {
        if (seqOf(r.body) === 1) held.push(res);
        else ok(res);
        if (receiver.requests.length >= 4) for (const h of held.splice(0)) ok(h);
      }),
    );
    const sub = notifier.addHttp({ id: 'w', interfaceName: 'ici', url: receiver.url, policy: { ...FAST, attemptTimeoutMs: 5_000, sendNextAfterMs: 50 } });
    for (const i of range(6)) sub.enqueue(event(i));
    await waitFor(() => sub.health().delivered === 6, 'six deliveries');
    expect(receiver.requests.map((r) => seqOf(r.body))).toEqual(range(6));
    expect(sub.health()).toMatchObject({ delivered: 6, failed: 0, dropped: 0 });
  });

  it('keeps at most maxInFlight messages unanswered', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const held: ServerResponse[] = [];
    let most = 0;
    let release = false;
    const receiver = track(
      await startReceiver((_r, res) => {
        if (release) return ok(res);
        held.push(res);
        most = Math.max(most, held.length);
      }),
    );
    const sub = notifier.addHttp({ id: 'm', interfaceName: 'ici', url: receiver.url, policy: { ...FAST, attemptTimeoutMs: 5_000, sendNextAfterMs: 20, maxInFlight: 3 } });
    for (const i of range(10)) sub.enqueue(event(i));
    await waitFor(() => held.length === 3, 'three unanswered');
    // Ten waits of sendNextAfterMs: without the limit, every message would be on the wire by now.
    await new Promise((r) => setTimeout(r, 200));
    expect(most).toBe(3);
    expect(receiver.requests).toHaveLength(3);
    release = true;
    for (const h of held.splice(0)) ok(h);
    await waitFor(() => sub.health().delivered === 10, 'ten deliveries');
    expect(receiver.requests.map((r) => seqOf(r.body))).toEqual(range(10));
  });

  it('is off by default: the next message waits for the answer however late it is', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    let outstanding = 0;
    let most = 0;
    const receiver = track(
      await startReceiver((_r, res) => {
        outstanding += 1;
        most = Math.max(most, outstanding);
        // Late enough that sendNextAfterMs, were it on by default, would have sent the next one meanwhile.
        setTimeout(() => {
          outstanding -= 1;
          ok(res);
        }, 60);
      }),
    );
    const sub = notifier.addHttp({ id: 'd', interfaceName: 'qmi', url: receiver.url, policy: { ...FAST, attemptTimeoutMs: 5_000 } });
    for (const i of range(4)) sub.enqueue(event(i));
    await waitFor(() => sub.health().delivered === 4, 'four deliveries');
    expect(most).toBe(1);
    expect(receiver.requests.map((r) => seqOf(r.body))).toEqual(range(4));
  });
});
