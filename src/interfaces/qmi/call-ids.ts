/**
 * QMI CallIDs. A core call is one QMI call, except an agent-to-agent call, which QMI reports as two (QMI 7.1 note:
 * "An agent-to-agent call is always treated as two different calls"): C_2, the local outbound call, keeps the core
 * call's id; C_3, the local inbound call, gets an id derived from it, so it is stable and needs no storage to
 * recompute. Requests on either id reach the same core call, as do requests on the ids of a consultation merged
 * into a conference (QMI 7.3: "C_1, C_2 and C_3 calls joined diagonally make a conference call").
 */
import { createHash } from 'node:crypto';

/** Which party a QMI call is told from: the core call as is, or the caller's side of an agent-to-agent call. */
export type Leg = 'primary' | 'callerSide';

/** A QMI call of a consultation merged into a conference (QMI 7.3: C_2 or C_3 of the A–B consultation). */
export interface MergedCall {
  id: string;
  /** The core id of the consultation it came from. */
  consultation: string;
  /** Leg ids of the consultation's two parties in the conference: when either leaves, this QMI call ends. */
  parties: string[];
}

export interface QmiCall {
  coreId: string;
  /** NewCall has been sent (QMI 3.2.2: no event about a call before it). */
  announced: boolean;
  /** C_3's id when the call is agent-to-agent. */
  callerSideId?: string;
  /** QMI calls of consultations merged into this call; they end with it, or when their parties leave it. */
  merged: MergedCall[];
  /** The queue the call is with (QMI 5.2.1: B "can be … a queue"), until a transfer or deflection takes it away. */
  queue?: string;
}

/** RFC 4122 §4.3 name-based layout (version 5, SHA-1) over the core id and the leg. */
export function derivedCallId(coreId: string, leg: string): string {
  const h = createHash('sha1').update(`${coreId}/${leg}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Ended ids remembered so a late request on C_3 is "call has ended", not "no such call" (the core does the same). */
const ENDED_LIMIT = 50_000;

export class CallIds {
  private readonly calls = new Map<string, QmiCall>();
  /** Ids other than the core id (C_3, merged aliases) → the core call they reach, with the leg they are told from. */
  private readonly aliases = new Map<string, { coreId: string; leg: Leg }>();
  private readonly ended = new Map<string, string>();

  get(coreId: string): QmiCall | undefined {
    return this.calls.get(coreId);
  }

  ensure(coreId: string): QmiCall {
    let c = this.calls.get(coreId);
    if (!c) {
      c = { coreId, announced: false, merged: [] };
      this.calls.set(coreId, c);
    }
    return c;
  }

  /** The QMI calls of a core call, C_2 before C_3 (QMI 7.1 events 3–6 come in that order). */
  legs(c: QmiCall): { id: string; leg: Leg }[] {
    const out: { id: string; leg: Leg }[] = [{ id: c.coreId, leg: 'primary' }];
    if (c.callerSideId !== undefined) out.push({ id: c.callerSideId, leg: 'callerSide' });
    return out;
  }

  split(c: QmiCall): string {
    c.callerSideId ??= derivedCallId(c.coreId, 'local-inbound');
    this.aliases.set(c.callerSideId, { coreId: c.coreId, leg: 'callerSide' });
    return c.callerSideId;
  }

  /** The consultation's QMI calls now reach the conference call `into`; `bind` names their parties next. */
  merge(from: QmiCall, into: QmiCall): void {
    const moved = [...this.legs(from).map(({ id }): MergedCall => ({ id, consultation: from.coreId, parties: [] })), ...from.merged];
    for (const m of moved) {
      into.merged.push(m);
      this.aliases.set(m.id, { coreId: into.coreId, leg: 'primary' });
    }
    this.calls.delete(from.coreId);
  }

  /** The conference's legs that carried consultation `consultation` (the conferencing agent and the consulted party). */
  bind(into: QmiCall, consultation: string, legIds: readonly string[]): void {
    for (const m of into.merged) if (m.consultation === consultation) m.parties = [...legIds];
  }

  /**
   * A party left the conference: the merged QMI calls it was a party of end (a two-party call cannot outlive one of
   * its parties). Returns their ids.
   */
  leave(c: QmiCall, legId: string): string[] {
    const gone = c.merged.filter((m) => m.parties.includes(legId));
    if (gone.length === 0) return [];
    c.merged = c.merged.filter((m) => !gone.includes(m));
    // A late request on one of them reaches the consultation, which the core knows has ended.
    for (const m of gone) this.forget([m.id], m.consultation);
    return gone.map((m) => m.id);
  }

  /** Forgets a call that ended; returns every QMI id it had (own legs, then merged ones) if it was announced. */
  end(coreId: string): string[] {
    const c = this.calls.get(coreId);
    this.calls.delete(coreId);
    if (!c) return [];
    const ids = [...this.legs(c).map((l) => l.id), ...c.merged.map((m) => m.id)];
    this.forget(ids, coreId);
    return c.announced ? ids : [];
  }

  /** The queue a core call is with (see QmiCall.queue). */
  queueOf(coreId: string): string | undefined {
    return this.calls.get(coreId)?.queue;
  }

  private forget(ids: readonly string[], coreId: string): void {
    for (const id of ids) {
      this.aliases.delete(id);
      this.ended.set(id, coreId);
    }
    while (this.ended.size > ENDED_LIMIT) {
      const oldest = this.ended.keys().next().value;
      if (oldest === undefined) break;
      this.ended.delete(oldest);
    }
  }

  /** The core call a QMI CallID names. Unknown ids are taken as core ids (a call not yet announced has its core id). */
  resolve(qmiId: string): { coreId: string; leg: Leg } {
    return this.aliases.get(qmiId) ?? { coreId: this.ended.get(qmiId) ?? qmiId, leg: 'primary' };
  }

  get size(): number {
    return this.calls.size;
  }
}
