/**
 * ICI's protocol state about calls: the items of each phone line (seed 002 §9.4, §9.7: itemId = callHandle,
 * containerId = lineNumber). An item is one core call as one line sees it: created by IciItem.create before it is
 * dialled, live while the line takes part, ended while its wrap-up lasts. Everything about the call itself (parties,
 * states, attached data) is read from the core's snapshots; only what the core does not know is kept here: whether
 * the line sees the call at all (OII's visibility rules), its processing status and wrap-up, and what was last sent.
 */
import type { CallView, TimerHandle } from '../../core/index.js';
import { badRequest } from './faults.js';
import type { ProcessingStatus } from './call-status.js';

export interface LineItem {
  /** §10.12.1: 32 hex digits, upper case, the call's GUID without dashes. */
  readonly handle: string;
  /** The core's call id (GUID, lower case, dashes). */
  readonly callId: string;
  /** The line (device number, as the core writes it). */
  readonly line: string;
  state: 'created' | 'live' | 'ended';
  /** Whether the line's CRM sees this call (OII's rules, see projection.ts); decided once, except a knocking call. */
  visible: boolean;
  /** A knocking call (§7.4): hidden until the line answers it. */
  knocking: boolean;
  /** Made through ICI (IciItem.create, then dial or consult). */
  readonly createdByIci: boolean;
  /** A consultation call (never wrapped up: its customer is the held call's). */
  consultation: boolean;
  processing: ProcessingStatus;
  /** IciItem.wrapUpRequired was called (requested wrap-up mode). */
  wrapUpRequested: boolean;
  /** The line's party was connected at some time. */
  connected: boolean;
  /** The line dialled the call. */
  outbound: boolean;
  /** The line merged the consultation into this call (ConfereceOwner). */
  conferenceOwner: boolean;
  /** How the line left the call, when it handed it on (OII.ForwardAndEnd, OII.TransferAndEnd). */
  handedOn?: 'forward' | 'transfer';
  /** Why the call failed for the line (busy: OII.ShowBusyStatus). */
  failedBusy: boolean;
  /** The last snapshot of the call this line saw. */
  call?: CallView;
  /** The other parties' numbers when the line last saw the call live. */
  remote: string[];
  /** Whether those parties were all internal (the PhoneCall's `internal` once none is left). */
  remoteInternal?: boolean;
  /** What was last sent about it (a change with the same signature is not sent again). */
  signature: string;
  /** Parts of its PhoneCall already written (phonecall.ts): the constant head, the last attached data escaped. */
  written?: { head?: string; cad?: { raw: string; xml: string } };
  /** consult's nextStep (§9.7.3), kept for getCalls/EnumItems. */
  nextStep?: number;
  timer?: TimerHandle;
}

const HANDLE = /^[0-9A-Fa-f]{32}$/;

/** The call handle of a core call id. */
export function handleOf(callId: string): string {
  return callId.replace(/-/g, '').toUpperCase();
}

/** The core call id of a call handle (any case, with or without dashes); a malformed handle is a bad request. */
export function callIdOf(handle: string): string {
  const h = handle.trim().replace(/[{}]/g, '').replace(/-/g, '');
  if (!HANDLE.test(h)) throw badRequest('a call handle (itemId) is 32 hexadecimal digits');
  const l = h.toLowerCase();
  return `${l.slice(0, 8)}-${l.slice(8, 12)}-${l.slice(12, 16)}-${l.slice(16, 20)}-${l.slice(20)}`;
}

/**
 * The items, by line and by call (two nested maps rather than one map keyed by `line|callId`: a key made by
 * concatenation is hashed anew on every lookup, and the projection looks an item up for every line of every event).
 */
export class Items {
  private readonly byLine = new Map<string, Map<string, LineItem>>();
  private readonly byCall = new Map<string, Map<string, LineItem>>();
  /** Every item, in the order they came (EnumItems). */
  private readonly ordered = new Set<LineItem>();

  get(line: string, callId: string): LineItem | undefined {
    return this.byLine.get(line)?.get(callId);
  }

  /** Every item of a line, oldest first. */
  ofLine(line: string): LineItem[] {
    const m = this.byLine.get(line);
    return m === undefined ? [] : [...m.values()];
  }

  /** Every line's item of a call (IciItem requests name the item without its line). */
  ofCall(callId: string): LineItem[] {
    const m = this.byCall.get(callId);
    return m === undefined ? [] : [...m.values()];
  }

  hasCall(callId: string): boolean {
    return this.byCall.has(callId);
  }

  all(): IterableIterator<LineItem> {
    return this.ordered.values();
  }

  get size(): number {
    return this.ordered.size;
  }

  add(init: Pick<LineItem, 'callId' | 'line' | 'state' | 'visible' | 'createdByIci' | 'processing'> & Partial<LineItem>): LineItem {
    const item: LineItem = {
      handle: handleOf(init.callId),
      knocking: false,
      consultation: false,
      wrapUpRequested: false,
      connected: false,
      outbound: false,
      conferenceOwner: false,
      failedBusy: false,
      remote: [],
      signature: '',
      ...init,
    };
    const replaced = this.get(item.line, item.callId);
    if (replaced !== undefined) this.ordered.delete(replaced);
    put(this.byLine, item.line, item.callId, item);
    put(this.byCall, item.callId, item.line, item);
    this.ordered.add(item);
    return item;
  }

  /** Removes an item; returns whether it was the call's last one. */
  remove(item: LineItem): boolean {
    if (this.get(item.line, item.callId) !== item) return false;
    this.ordered.delete(item);
    take(this.byLine, item.line, item.callId);
    return take(this.byCall, item.callId, item.line);
  }

  clear(): LineItem[] {
    const all = [...this.ordered];
    this.byLine.clear();
    this.byCall.clear();
    this.ordered.clear();
    return all;
  }
}

function put(m: Map<string, Map<string, LineItem>>, outer: string, inner: string, item: LineItem): void {
  let sub = m.get(outer);
  if (!sub) m.set(outer, (sub = new Map()));
  sub.set(inner, item);
}

/** Deletes an entry; true when its outer map is left empty. */
function take(m: Map<string, Map<string, LineItem>>, outer: string, inner: string): boolean {
  const sub = m.get(outer);
  sub?.delete(inner);
  if (sub?.size !== 0) return false;
  m.delete(outer);
  return true;
}
