import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { FAST, captureLogger, cleanupAfterEach, event, waitFor } from './helpers.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const ca = fixture('ca.crt');

const { defer } = cleanupAfterEach();

/** ICI 4.4.3: the receiver demands a client certificate signed by its CA. */
async function mutualTlsReceiver(): Promise<{ url: string; peers: string[] }> {
  const peers: string[] = [];
  const server: Server = createServer(
    { key: fixture('server.key'), cert: fixture('server.crt'), ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
      req.resume();
      req.on('end', () => res.writeHead(200).end('<ok/>'));
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  defer(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, peers };
}

describe('client TLS for outbound callbacks', () => {
  it('presents the configured client certificate to an https subscriber', async () => {
    const rx = await mutualTlsReceiver();
    const { logger } = captureLogger();
    const n = new Notifier({ logger, tls: { cert: fixture('client.crt'), key: fixture('client.key'), ca } });
    defer(() => n.close());
    const sub = n.addHttp({ id: 'tls', interfaceName: 'ici', url: rx.url, policy: FAST });
    sub.enqueue(event(1));
    await waitFor(() => sub.health().delivered === 1, 'delivery over mutual TLS');
    // A loaded machine may time an attempt out after the receiver saw it and retry: every connection presents it.
    expect(rx.peers.length).toBeGreaterThanOrEqual(1);
    expect(new Set(rx.peers)).toEqual(new Set(['ccgate-notifier']));
  });

  it('without a client certificate the receiver refuses and the attempt counts as failed', async () => {
    const rx = await mutualTlsReceiver();
    const { logger } = captureLogger();
    const n = new Notifier({ logger, tls: { ca } });
    defer(() => n.close());
    const sub = n.addHttp({ id: 'tls', interfaceName: 'ici', url: rx.url, policy: FAST });
    sub.enqueue(event(1));
    await waitFor(() => sub.health().failed >= 1, 'a failed attempt');
    expect(sub.health().delivered).toBe(0);
    expect(rx.peers).toEqual([]);
  });
});
