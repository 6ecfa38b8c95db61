/** Normalisation of what interfaces enqueue into what a subscriber stores. */
import type { HttpMessage } from './types.js';

export interface PendingHttp {
  body: string | Buffer;
  /** Lower-cased names, so a caller's 'Content-Type' replaces the default instead of duplicating it. */
  headers: Record<string, string>;
  label: string | undefined;
  enqueuedAt: number;
  /** Attempts made for this message so far. */
  attempts: number;
}

export function toPendingHttp(msg: HttpMessage | Buffer, enqueuedAt: number): PendingHttp {
  if (Buffer.isBuffer(msg)) return { body: msg, headers: {}, label: undefined, enqueuedAt, attempts: 0 };
  return { body: msg.body, headers: lowerCaseKeys(msg.headers), label: msg.label, enqueuedAt, attempts: 0 };
}

export function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** UDP carries bytes; an HttpMessage given to a UDP subscriber is sent as its UTF-8 body. */
export function toDatagram(msg: HttpMessage | Buffer): Buffer {
  return Buffer.isBuffer(msg) ? msg : Buffer.from(msg.body, 'utf8');
}
