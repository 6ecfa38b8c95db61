import { randomFillSync, randomUUID } from 'node:crypto';
import { CoreError } from './errors.js';

/** A GUID as the vendors write it (8-4-4-4-12 hex digits, any version). */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An item id a caller may choose: printable, no spaces or '/', so it travels in URLs and XML as it is. */
const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9._:{}-]{0,127}$/;

/**
 * A caller-chosen call id: a GUID, kept in lower case; `invalidArgument` when it is not one, `duplicateId` when
 * `inUse` says an active or remembered call has it.
 */
export function chosenCallId(id: string, inUse: (id: string) => boolean): string {
  if (!GUID.test(id)) throw new CoreError('invalidArgument', `call id ${id.slice(0, 64)} is not a GUID`);
  const lower = id.toLowerCase();
  if (inUse(lower)) throw new CoreError('duplicateId', lower);
  return lower;
}

/** A caller-chosen item id (1–128 characters of letters, digits and . _ : { } -); `duplicateId` when in use. */
export function chosenItemId(id: string, inUse: (id: string) => boolean): string {
  if (!ITEM_ID.test(id)) throw new CoreError('invalidArgument', `item id ${id.slice(0, 64)}`);
  if (inUse(id)) throw new CoreError('duplicateId', id);
  return id;
}

/**
 * Identifier source. Seeded (tests, reproducible scenarios) it is a small deterministic PRNG (mulberry32);
 * unseeded it uses crypto randomness. Identifiers are not secrets: they only have to be unique and, for
 * GUIDs, look like the GUIDs the vendors' systems emit.
 */
export class IdSource {
  /**
   * Unseeded randomness is read from a pool refilled 4 KiB at a time: `randomBytes(4)` per number cost about 13 µs
   * (a Buffer, a transferable object and a call into OpenSSL each time), four of them per GUID.
   */
  private static readonly pool = new Uint32Array(1024);
  private static poolAt = IdSource.pool.length;
  private state: number;
  private readonly seeded: boolean;
  private counter = 0;

  constructor(seed?: number) {
    this.seeded = seed !== undefined;
    this.state = (seed ?? 0) >>> 0;
  }

  /** 32 random bits. */
  next32(): number {
    if (!this.seeded) {
      if (IdSource.poolAt === IdSource.pool.length) {
        randomFillSync(IdSource.pool);
        IdSource.poolAt = 0;
      }
      return IdSource.pool[IdSource.poolAt++] as number;
    }
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** RFC 4122 version-4 layout, lower case with dashes. */
  guid(): string {
    // The same layout, from Node's own pooled entropy.
    if (!this.seeded) return randomUUID();
    const b = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) b.writeUInt32BE(this.next32(), i);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Monotonic counter, for human-sized references (history, TelServices call references). */
  sequence(): number {
    return ++this.counter;
  }
}
