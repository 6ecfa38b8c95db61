/**
 * The QM Recording API's datagram (seed 001, "Overview" and "API Commands"): one command per UDP message, plain
 * `command=<name>` followed, for a network recording user, by `&sender_id=<QM user id>` and then any `&key=value`
 * pairs (metadata). Keys and command names are case-insensitive; no headers; no reply. A pure function of the bytes
 * and the port, so every rule is testable without a socket.
 *
 * Written by hand: the format is a flat `&`/`=` list, and a general query-string parser would decode `%xx` and `+`
 * (which the seed does not), build objects keyed by client input and accept repeated keys silently.
 */

export const QM_COMMANDS = ['delete', 'metadata', 'pause', 'restart', 'resume', 'tag'] as const;
export type QmCommand = (typeof QM_COMMANDS)[number];

/** Desktop (endpoint) recording port, or network recording port. */
export type RecordingPort = 'desktop' | 'network';

/** Longest datagram read; anything longer is refused before it is decoded (a CAD IPC action sends a few hundred). */
export const MAX_DATAGRAM_BYTES = 2048;
/** Most pairs in one datagram: the command, sender_id and 10 metadata items, with room for unknown keys. */
export const MAX_PAIRS = 64;

/** Why a datagram is refused; each is counted in the metrics under its own name. */
export type DatagramRejection =
  | 'oversized'
  | 'notText'
  | 'empty'
  | 'malformed'
  | 'tooManyPairs'
  | 'reservedKey'
  | 'duplicateKey'
  | 'noCommand'
  | 'unknownCommand'
  | 'missingSenderId'
  | 'senderIdNotAfterCommand'
  | 'senderIdOnDesktop'
  | 'badSenderId'
  | 'noMetadata';

export interface DatagramPair {
  /** As sent (metadata keys are matched to the configured ones without regard to case). */
  key: string;
  value: string;
}

export type Datagram =
  | { ok: true; command: QmCommand; senderId?: string; pairs: DatagramPair[] }
  | { ok: false; reason: DatagramRejection; command?: string };

const COMMANDS: ReadonlySet<string> = new Set(QM_COMMANDS);
/** Keys that name Object.prototype members: refused, whatever a later consumer does with them. */
const RESERVED: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const CONTROL = /[\u0000-\u001f\u007f]/;
const SENDER_ID = /^[^\s&=]{1,64}$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one datagram received on `port`. Trailing line ends, white space and NULs are dropped (`echo … | nc -u` adds
 * a newline); anything else that is not UTF-8 text is refused. `sender_id` must come right after the command on the
 * network port and must be absent on the desktop port (seed 001, "API Commands and Network Recording").
 */
export function parseDatagram(bytes: Uint8Array, port: RecordingPort): Datagram {
  if (bytes.length > MAX_DATAGRAM_BYTES) return { ok: false, reason: 'oversized' };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, reason: 'notText' };
  }
  text = text.replace(/[\s\u0000]+$/, '');
  if (text === '') return { ok: false, reason: 'empty' };
  if (CONTROL.test(text)) return { ok: false, reason: 'notText' };
  const parts = text.split('&').filter((p) => p !== '');
  if (parts.length > MAX_PAIRS) return { ok: false, reason: 'tooManyPairs' };
  const pairs: DatagramPair[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const lower = key.toLowerCase();
    if (key === '') return { ok: false, reason: 'malformed' };
    if (RESERVED.has(lower)) return { ok: false, reason: 'reservedKey' };
    if (seen.has(lower)) return { ok: false, reason: 'duplicateKey' };
    seen.add(lower);
    pairs.push({ key, value: part.slice(eq + 1) });
  }
  const [first, second] = pairs;
  if (first?.key.toLowerCase() !== 'command') return { ok: false, reason: 'noCommand' };
  const command = first.value.trim().toLowerCase();
  if (!COMMANDS.has(command)) return { ok: false, reason: 'unknownCommand', command: first.value.slice(0, 32) };
  const qm = command as QmCommand;
  const senderAt = pairs.findIndex((p) => p.key.toLowerCase() === 'sender_id');
  let senderId: string | undefined;
  if (port === 'desktop') {
    if (senderAt !== -1) return { ok: false, reason: 'senderIdOnDesktop', command: qm };
  } else {
    if (senderAt === -1) return { ok: false, reason: 'missingSenderId', command: qm };
    if (senderAt !== 1) return { ok: false, reason: 'senderIdNotAfterCommand', command: qm };
    senderId = second?.value.trim() ?? '';
    if (!SENDER_ID.test(senderId)) return { ok: false, reason: 'badSenderId', command: qm };
  }
  const rest = pairs.slice(senderAt === -1 ? 1 : 2);
  if (qm === 'metadata' && rest.length === 0) return { ok: false, reason: 'noMetadata', command: qm };
  return senderId === undefined ? { ok: true, command: qm, pairs: rest } : { ok: true, command: qm, senderId, pairs: rest };
}
