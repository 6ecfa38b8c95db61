import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import {
  FAST,
  WARN,
  captureLogger,
  cleanupAfterEach,
  closedPort,
  event,
  ok,
  seqOf,
  soapFaultCheck,
  startReceiver,
  waitFor,
  type Receiver,
} from './helpers.js';

const { track } = cleanupAfterEach();

describe('HTTP delivery: ordered, exactly once, retried until it arrives', () => {
  it('survives down, slow, 500 and SOAP fault phases and delivers [1..N] in order exactly once', async () => {
    const { logger, lines } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const port = await closedPort();
    const N = 5;
    const sub = notifier.addHttp({
      id: 'ici-1',
      interfaceName: 'ici',
      url: `http://127.0.0.1:${port}/callback`,
      policy: FAST,
      check: soapFaultCheck,
    });
    for (let i = 1; i <= N; i++) expect(sub.enqueue(event(i))).toBe(true);

    // Phase 1: nothing listens.
    await waitFor(() => sub.health().failed >= 2, 'two refused connections');
    expect(sub.health().state).toBe('retrying');

    // Phases 2-4 by request index: slow (answers after the attempt timeout), 500, SOAP fault; then healthy.
    const delivered: number[] = [];
    let receiver: Receiver | undefined = undefined;
    receiver = track(
      await startReceiver((req, res, index) => {
        if (index === 0) receiver!.later(FAST.attemptTimeoutMs! * 3, () => ok(res));
        else if (index === 1) res.writeHead(500).end('boom');
        else if (index === 2) {
          res
            .writeHead(200, { 'content-type': 'text/xml' })
            .end('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault/></s:Body></s:Envelope>');
        } else {
          delivered.push(seqOf(req.body));
          ok(res);
        }
      }, port),
    );

    await waitFor(() => sub.health().delivered === N, 'all events delivered');
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    // Later messages waited: every failed attempt carried event 1.
    expect(receiver.requests.map((r) => seqOf(r.body))).toEqual([1, 1, 1, 1, 2, 3, 4, 5]);

    const reasons = lines.filter((l) => l.msg === 'delivery attempt failed').map((l) => l.reason as string);
    const refused = reasons.filter((r) => r === 'connection error: ECONNREFUSED').length;
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(reasons.slice(refused)).toEqual(['timeout after 300 ms', 'HTTP 500', 'SOAP fault']);

    const h = sub.health();
    expect(h).toMatchObject({ state: 'active', queued: 0, delivered: N, failed: refused + 3, dropped: 0 });
    expect(h.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(lines.filter((l) => l.msg === 'delivered' && l.level === 20)).toHaveLength(N);
  });

  it('logs one warn per failed attempt with id, interface, target, attempt and reason, never the body', async () => {
    const { logger, lines, raw } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const receiver = track(await startReceiver((_req, res, i) => (i < 2 ? res.writeHead(503).end() : ok(res))));
    const sub = notifier.addHttp({ id: 's1', interfaceName: 'qmi', url: receiver.url, policy: FAST });
    sub.enqueue({ body: '<secret-body-marker/>', label: 'newCall' });
    await waitFor(() => sub.health().delivered === 1, 'delivery');
    const warns = lines.filter((l) => l.level === WARN);
    expect(warns.map((l) => [l.subscriber, l.interface, l.target, l.attempt, l.reason, l.event])).toEqual([
      ['s1', 'qmi', receiver.url, 1, 'HTTP 503', 'newCall'],
      ['s1', 'qmi', receiver.url, 2, 'HTTP 503', 'newCall'],
    ]);
    expect(raw.join('')).not.toContain('secret-body-marker');
  });

  it('a success resets the failure streak', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    // fail, fail, ok, fail, fail, ok: never three in a row.
    const receiver = track(await startReceiver((_r, res, i) => (i % 3 === 2 ? ok(res) : res.writeHead(500).end())));
    const sub = notifier.addHttp({ id: 's', interfaceName: 'qmi', url: receiver.url, policy: { ...FAST, cancelAfterFailures: 3 } });
    sub.enqueue(event(1));
    sub.enqueue(event(2));
    await waitFor(() => sub.health().delivered === 2, 'both delivered');
    expect(sub.health()).toMatchObject({ state: 'active', failed: 4, dropped: 0 });
  });

  it('backs off exponentially between retries of the same message', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const receiver = track(await startReceiver((_r, res, i) => (i < 5 ? res.writeHead(500).end() : ok(res))));
    const sub = notifier.addHttp({ id: 's', interfaceName: 'qmi', url: receiver.url, policy: { ...FAST, retryBaseMs: 40, retryMaxMs: 160 } });
    sub.enqueue(event(1));
    await waitFor(() => sub.health().delivered === 1, 'delivery');
    const at = receiver.requests.map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // Nominal 40, 80, 160, 160 (capped), each -20 % at worst. Timers never fire early, so lower bounds hold on any
    // machine; the cap itself is checked without a clock in policy.test.ts.
    [40, 80, 160, 160].forEach((nominal, i) => expect(gaps[i]).toBeGreaterThanOrEqual(nominal * 0.8 - 2));
  });

  it('treats a redirect as a failure and never follows it', async () => {
    const { logger, lines } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const elsewhere = track(await startReceiver((_r, res) => ok(res)));
    const redirecting = track(
      await startReceiver((_r, res) => res.writeHead(302, { location: elsewhere.url }).end()),
    );
    const sub = notifier.addHttp({ id: 'r', interfaceName: 'ici', url: redirecting.url, policy: { ...FAST, cancelAfterFailures: 2 } });
    sub.enqueue(event(1));
    await waitFor(() => sub.health().state === 'cancelled', 'cancellation');
    expect(redirecting.requests).toHaveLength(2);
    expect(elsewhere.requests).toHaveLength(0);
    expect(lines.filter((l) => l.msg === 'delivery attempt failed').map((l) => l.reason)).toEqual([
      'redirect (HTTP 302), not followed',
      'redirect (HTTP 302), not followed',
    ]);
    expect(sub.health()).toMatchObject({ delivered: 0, failed: 2, dropped: 1 });
  });

  it('bounds the whole attempt: an answer that keeps dripping fails at attemptTimeoutMs', async () => {
    const { logger, lines } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    let receiver: Receiver | undefined = undefined;
    // A byte every 50 ms: never idle long enough for a per-chunk body timeout, never finished.
    const drip = (res: ServerResponse): void => {
      if (res.destroyed) return;
      res.write('.');
      receiver!.later(50, () => drip(res));
    };
    receiver = track(await startReceiver((_r, res) => drip(res.writeHead(200, { 'content-type': 'text/xml' }))));
    const sub = notifier.addHttp({ id: 'drip', interfaceName: 'ici', url: receiver.url, policy: { ...FAST, retryBaseMs: 10_000 } });
    sub.enqueue(event(1));
    await waitFor(() => sub.health().failed === 1, 'the attempt to time out');
    const elapsed = Date.now() - receiver.requests[0]!.at;
    expect(lines.find((l) => l.msg === 'delivery attempt failed')?.reason).toBe('timeout after 300 ms');
    // The attempt started just before the receiver saw it; timers never fire early (no upper bound: a loaded
    // machine fires late, and the reason above already names the attempt timeout).
    expect(elapsed).toBeGreaterThanOrEqual(300 - 50);
  });

  it('caps an oversized (10 MB) answer and keeps delivering', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    const receiver = track(await startReceiver((_r, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(big)));
    const seen: number[] = [];
    const sub = notifier.addHttp({
      id: 'big',
      interfaceName: 'openmedia',
      url: receiver.url,
      policy: FAST,
      check: (a) => {
        seen.push(a.body.length);
        return true;
      },
    });
    for (let i = 1; i <= 3; i++) sub.enqueue(event(i));
    await waitFor(() => sub.health().delivered === 3, 'three deliveries');
    expect(seen).toEqual([65_536, 65_536, 65_536]);
    expect(receiver.requests.map((r) => seqOf(r.body))).toEqual([1, 2, 3]);
    expect(sub.health().failed).toBe(0);
  });

  it('POSTs the message headers with the default content type, and Basic auth from URL userinfo', async () => {
    const { logger, raw } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const receiver = track(await startReceiver((_r, res, i) => (i === 0 ? res.writeHead(500).end() : ok(res))));
    const url = receiver.url.replace('http://', 'http://alice:s3cret@');
    const sub = notifier.addHttp({ id: 'h', interfaceName: 'ici', url, policy: FAST });
    sub.enqueue(event(1));
    sub.enqueue({ body: '{}', headers: { 'Content-Type': 'application/json' } });
    await waitFor(() => sub.health().delivered === 2, 'delivery');
    const [first, , second] = receiver.requests;
    expect(first!.method).toBe('POST');
    expect(first!.url).toBe('/callback');
    expect(first!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(first!.headers.soapaction).toBe('"urn:test#event"');
    expect(first!.headers.authorization).toBe('Basic ' + Buffer.from('alice:s3cret').toString('base64'));
    expect(second!.headers['content-type']).toBe('application/json');
    expect(sub.health().target).toBe(receiver.url);
    expect(raw.join('')).not.toMatch(/s3cret|alice/);
  });
});
