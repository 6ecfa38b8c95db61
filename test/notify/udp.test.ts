import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { Notifier } from '../../src/notify/index.js';
import { WARN, captureLogger, cleanupAfterEach, waitFor } from './helpers.js';

const { defer } = cleanupAfterEach();

async function listener(type: 'udp4' | 'udp6', host: string): Promise<{ port: number; received: string[] }> {
  const socket: Socket = createSocket(type);
  const received: string[] = [];
  socket.on('message', (m) => received.push(m.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  defer(() => new Promise<void>((r) => socket.close(() => r())));
  return { port: socket.address().port, received };
}

function notifier(): { n: Notifier; lines: ReturnType<typeof captureLogger>['lines'] } {
  const { logger, lines } = captureLogger();
  const n = new Notifier({ logger });
  defer(() => n.close());
  return { n, lines };
}

describe('UDP subscribers', () => {
  it('sends datagrams in order and counts them delivered', async () => {
    const rx = await listener('udp4', '127.0.0.1');
    const { n } = notifier();
    const sub = n.addUdp({ id: 'ts-1', interfaceName: 'telservices', host: '127.0.0.1', port: rx.port });
    const N = 200;
    for (let i = 1; i <= N; i++) expect(sub.enqueue(Buffer.from(`seq:${i}`))).toBe(true);
    await waitFor(() => rx.received.length === N, 'all datagrams');
    expect(rx.received).toEqual(Array.from({ length: N }, (_, i) => `seq:${i + 1}`));
    expect(sub.health()).toMatchObject({ delivered: N, failed: 0, dropped: 0, queued: 0, state: 'active', target: `udp://127.0.0.1:${rx.port}` });
  });

  it('counts a send error as failed and carries on', async () => {
    const rx = await listener('udp4', '127.0.0.1');
    const { n, lines } = notifier();
    const sub = n.addUdp({ id: 'qm', interfaceName: 'ciscoqm', host: '127.0.0.1', port: rx.port });
    sub.enqueue(Buffer.alloc(70_000)); // larger than any UDP datagram: EMSGSIZE
    sub.enqueue(Buffer.from('after'));
    await waitFor(() => rx.received.length === 1, 'the next datagram');
    expect(rx.received).toEqual(['after']);
    expect(sub.health()).toMatchObject({ delivered: 1, failed: 1, lastError: 'send error: EMSGSIZE' });
    expect(lines.filter((l) => l.level === WARN && l.msg === 'datagram send failed')).toHaveLength(1);
  });

  it('never blocks: a full queue drops (counted, logged once) instead of waiting', async () => {
    const rx = await listener('udp4', '127.0.0.1');
    const { n, lines } = notifier();
    const sub = n.addUdp({ id: 'q', interfaceName: 'telservices', host: '127.0.0.1', port: rx.port, queueLimit: 2 });
    const accepted = [1, 2, 3, 4, 5].map((i) => sub.enqueue(Buffer.from(`d${i}`)));
    expect(accepted).toEqual([true, true, false, false, false]);
    expect(sub.health().dropped).toBe(3);
    expect(lines.filter((l) => l.msg === 'datagram dropped: queue full')).toHaveLength(1);
    await waitFor(() => rx.received.length === 2, 'accepted datagrams');
    expect(rx.received).toEqual(['d1', 'd2']);
  });

  it('uses a udp6 socket for IPv6 targets', async (ctx) => {
    let rx: { port: number; received: string[] };
    try {
      rx = await listener('udp6', '::1');
    } catch {
      ctx.skip();
      return;
    }
    const { n } = notifier();
    const sub = n.addUdp({ id: 'v6', interfaceName: 'telservices', host: '::1', port: rx.port });
    sub.enqueue(Buffer.from('hello'));
    await waitFor(() => rx.received.length === 1, 'datagram');
    expect(sub.health().target).toBe(`udp://[::1]:${rx.port}`);
  });

  it('rejects an invalid port and refuses datagrams after remove', async () => {
    const { n } = notifier();
    expect(() => n.addUdp({ id: 'bad', interfaceName: 'telservices', host: '127.0.0.1', port: 0 })).toThrow(RangeError);
    const sub = n.addUdp({ id: 'ok', interfaceName: 'telservices', host: '127.0.0.1', port: 9 });
    await n.remove('ok');
    expect(sub.enqueue(Buffer.from('x'))).toBe(false);
  });
});
