import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { FAST, captureLogger, cleanupAfterEach, event, seqOf, waitFor } from './helpers.js';

const { track } = cleanupAfterEach();

/**
 * A receiver that closes the connection after each answer without saying so: no `Connection: close`, the socket is
 * simply ended once the answer is written (a common pattern in small HTTP servers). The next request the notifier
 * writes on that kept-alive socket races the close.
 */
async function silentCloser(): Promise<{ url: string; seqs: number[]; connections: () => number; close(): Promise<void> }> {
  const seqs: number[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seqs.push(seqOf(Buffer.concat(chunks).toString('utf8')));
      res.on('finish', () => req.socket.destroy());
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<ok/>');
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    seqs,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a receiver that silently closes its connection after each answer', { timeout: 90_000 }, () => {
  it('gets a burst of events in order, each once, with zero failed attempts', async () => {
    const { logger, lines } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    const rx = track(await silentCloser());
    // A long backoff: a failure counted and retried would show as failed > 0 and stall the burst past the test timeout.
    // attemptTimeoutMs generous so a loaded machine does not turn a slow answer into a failure.
    const sub = notifier.addHttp({ id: 'closer', interfaceName: 'qmi', url: rx.url, policy: { ...FAST, attemptTimeoutMs: 10_000, retryBaseMs: 60_000, retryMaxMs: 60_000 } });
    const N = 200;
    for (let i = 1; i <= N; i++) expect(sub.enqueue(event(i))).toBe(true);
    await waitFor(() => sub.health().delivered === N || sub.health().failed > 0, 'every event delivered', 60_000);

    expect(rx.seqs).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(sub.health()).toMatchObject({ delivered: N, failed: 0, dropped: 0, lastError: null, state: 'active' });
    expect(lines.filter((l) => l.msg === 'delivery attempt failed')).toEqual([]);
    // One connection per event: the receiver really closed every one.
    expect(rx.connections()).toBeGreaterThanOrEqual(N);
  });

  it('still counts a connection reset on a fresh connection as a failure (only a reused one is resent for free)', async () => {
    const { logger } = captureLogger();
    const notifier = track(new Notifier({ logger }));
    // Accepts and resets every connection before answering anything.
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    track({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
    const sub = notifier.addHttp({ id: 'resetter', interfaceName: 'qmi', url, policy: { ...FAST, cancelAfterFailures: 3 } });
    sub.enqueue(event(1));
    await waitFor(() => sub.health().state === 'cancelled', 'cancellation after three counted failures');
    expect(sub.health().failed).toBe(3);
    expect(sub.health().lastError).toMatch(/socket closed|ECONNRESET/);
  });
});
