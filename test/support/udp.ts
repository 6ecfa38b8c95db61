/** UDP on the test's side: a listener recording datagrams (TelServices events, RTP) and a one-datagram sender. */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { Barrier, WAIT_MS } from './barrier.js';

export interface Datagram {
  data: Buffer;
  /** performance.now() at arrival: for rates compared with elapsed time, never for speed assertions. */
  at: number;
  from: { address: string; port: number };
}

export interface UdpListener {
  port: number;
  /** Every datagram as UTF-8 text, in arrival order. */
  messages: string[];
  datagrams: Datagram[];
  /** Resolves with the first `count` messages passing `filter`, once they have arrived. */
  waitFor(count: number, filter?: (m: string) => boolean, timeoutMs?: number): Promise<string[]>;
  readonly barrier: Barrier;
  close(): Promise<void>;
}

/** A UDP socket bound to 127.0.0.1 on a free port. */
export async function udpListener(): Promise<UdpListener> {
  const socket: Socket = createSocket('udp4');
  const messages: string[] = [];
  const datagrams: Datagram[] = [];
  const barrier = new Barrier();
  socket.on('message', (data, rinfo) => {
    datagrams.push({ data, at: performance.now(), from: { address: rinfo.address, port: rinfo.port } });
    messages.push(data.toString('utf8'));
    barrier.notify();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: (socket.address() as AddressInfo).port,
    messages,
    datagrams,
    barrier,
    waitFor(count, filter = () => true, timeoutMs = WAIT_MS) {
      return barrier.until(
        () => {
          const hits = messages.filter(filter);
          return hits.length >= count ? hits : undefined;
        },
        `${count} datagram(s)`,
        timeoutMs,
        () => `${messages.length}:\n${messages.join('\n')}`,
      );
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * Sends one datagram to 127.0.0.1:`port` from a fresh socket and, with `reply`, resolves with the first datagram
 * that comes back (else with undefined once sent). Rejects when no reply comes within `timeoutMs`.
 */
export async function sendDatagram(port: number, data: string | Buffer, opts: { reply?: boolean; timeoutMs?: number } = {}): Promise<string | undefined> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const answer = opts.reply
      ? new Promise<string>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`no UDP reply from port ${port} within ${opts.timeoutMs ?? WAIT_MS} ms`)), opts.timeoutMs ?? WAIT_MS);
          socket.once('message', (m) => {
            clearTimeout(t);
            resolve(m.toString('utf8'));
          });
        })
      : undefined;
    await new Promise<void>((resolve, reject) => socket.send(data, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    return await answer;
  } finally {
    socket.close();
  }
}
