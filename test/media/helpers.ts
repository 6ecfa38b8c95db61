import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Goertzel power of one frequency: enough to tell which party a payload came from. */
export function tonePower(samples: ArrayLike<number>, freq: number, rate = 8000): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = (samples[i] ?? 0) + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - k * s1 * s2;
}

export interface Received {
  msg: Buffer;
  at: number;
}

/** A real UDP listener on 127.0.0.1, port 0, recording each datagram with its arrival time. */
export async function listen(): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const received: Received[] = [];
  socket.on('message', (msg) => received.push({ msg, at: performance.now() }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function activeCount(kind: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === kind).length;
}
