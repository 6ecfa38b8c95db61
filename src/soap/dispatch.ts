/**
 * Table-driven dispatch in the fixed order of DESIGN rule 4: the action (SOAPAction in 1.1, the content type's
 * `action` parameter in 1.2), then the first Body child. The table is compiled once into maps, so a request costs a
 * few lookups whatever the table's size, and nothing of the body is re-read or re-serialised.
 */
import type { XmlElement } from '../xml/index.js';
import type { SoapRequest } from './envelope.js';
import { SoapFault } from './fault.js';
import { actionKey, type RequestAction } from './version.js';
import { ASMX_WORDING, PLAIN_WORDING, WCF_WORDING, type DispatchFailure, type PlatformWording, type SoapOperation } from './wording.js';

/**
 * `action`: the action decides when one is sent, the Body element confirms it (a mismatch is refused); without one the
 * Body element decides. `actionRequired`: the same, but a request without an action is refused as naming none (WCF's
 * BasicHttpBinding dispatches on SOAPAction alone: an empty or missing one is ActionNotSupported). `body`: the Body
 * element alone, the SOAPAction header and the `action=` parameter are ignored (Cisco QM's SOAP 1.2 Server API).
 */
export type DispatchBy = 'action' | 'actionRequired' | 'body';

export interface DispatcherOptions {
  by?: DispatchBy;
  /** `'asmx'`, `'wcf'`, `'plain'` (default) or a wording of the interface's own. */
  wording?: 'asmx' | 'wcf' | 'plain' | PlatformWording;
}

export interface Dispatched<Op extends string = string> {
  operation: SoapOperation<Op>;
  /** The Body's first child: the request element. */
  element: XmlElement;
  /** The action the request named, if any was considered. */
  action?: RequestAction;
}

const WORDINGS: Readonly<Record<'asmx' | 'wcf' | 'plain', PlatformWording>> = {
  asmx: ASMX_WORDING,
  wcf: WCF_WORDING,
  plain: PLAIN_WORDING,
};

/** Exact key first, then a case-insensitive one (the seeds spell names with varying case). */
class NameMap<V> {
  private readonly exact = new Map<string, V>();
  private readonly loose = new Map<string, V>();

  set(key: string, value: V): void {
    this.exact.set(key, value);
    if (!this.loose.has(key.toLowerCase())) this.loose.set(key.toLowerCase(), value);
  }

  get(key: string): V | undefined {
    return this.exact.get(key) ?? this.loose.get(key.toLowerCase());
  }
}

/** Names mapped to every operation claiming them: exactly, else case-insensitively. */
class ClaimMap<Op extends string> {
  private readonly exact = new Map<string, SoapOperation<Op>[]>();
  private readonly loose = new Map<string, SoapOperation<Op>[]>();

  add(key: string, op: SoapOperation<Op>): void {
    for (const [map, k] of [[this.exact, key], [this.loose, key.toLowerCase()]] as const) {
      const list = map.get(k);
      if (list === undefined) map.set(k, [op]);
      else if (!list.includes(op)) list.push(op);
    }
  }

  get(key: string): readonly SoapOperation<Op>[] | undefined {
    return this.exact.get(key) ?? this.loose.get(key.toLowerCase());
  }
}

/**
 * An endpoint's operations table, compiled into maps: by request element (local name, exact then case-insensitive)
 * and by action (`actionKey` form, exact then case-insensitive), so `dispatch` costs the same whatever the table's size.
 *
 * Several operations may claim one element when their actions tell them apart (one endpoint serving several services
 * by SOAPAction, as ICI's OII.asmx does with `subscribe` of IciUser and of IciContainer): with an action, the action
 * decides among them; without one, the element's namespace (each operation's `ns`) must single one out.
 */
export class SoapDispatcher<Op extends string = string> {
  readonly wording: PlatformWording;
  private readonly by: DispatchBy;
  private readonly byElement = new ClaimMap<Op>();
  private readonly byAction = new NameMap<ReadonlySet<SoapOperation<Op>>>();
  private readonly byName = new Map<Op, SoapOperation<Op>>();

  /**
   * Throws (a programming error, at start-up) when one name is listed twice, or two operations claim one element and
   * an action (or the absence of one) does not tell them apart.
   */
  constructor(operations: readonly SoapOperation<Op>[], opts: DispatcherOptions = {}) {
    this.by = opts.by ?? 'action';
    this.wording = typeof opts.wording === 'object' ? opts.wording : WORDINGS[opts.wording ?? 'plain'];
    const actions = new Map<string, Set<SoapOperation<Op>>>();
    for (const op of operations) {
      if (this.byName.has(op.name)) throw new Error(`SoapDispatcher: operation ${op.name} is listed twice`);
      this.byName.set(op.name, op);
      if (op.elements.length === 0) throw new Error(`SoapDispatcher: operation ${op.name} has no request element`);
      for (const el of op.elements) {
        for (const other of this.byElement.get(el) ?? []) {
          if (other !== op && !distinctActions(other, op)) throw new Error(`SoapDispatcher: element ${el} is claimed by ${other.name} and ${op.name}`);
        }
        this.byElement.add(el, op);
      }
      for (const action of op.actions ?? []) {
        const key = actionKey(action);
        let set = actions.get(key);
        if (set === undefined) actions.set(key, (set = new Set()));
        set.add(op);
      }
    }
    for (const [action, set] of actions) this.byAction.set(action, set);
  }

  /** The operation named `name`, if the table has it. */
  operation(name: string): SoapOperation<Op> | undefined {
    return this.byName.get(name as Op);
  }

  /** The operation a request element means, if exactly one claims it. */
  operationOfElement(localName: string): SoapOperation<Op> | undefined {
    const ops = this.byElement.get(localName);
    return ops?.length === 1 ? ops[0] : undefined;
  }

  /**
   * Routes a parsed request. Throws a SoapFault of kind `dispatch` (a Client/Sender fault, worded by the platform
   * wording, `reasonCode` = the DispatchFailure cause) when the action or the Body names no operation or they disagree.
   */
  dispatch(soap: SoapRequest, action: RequestAction | undefined): Dispatched<Op> {
    const element = soap.operation;
    const candidates = element === undefined ? undefined : this.byElement.get(element.name);
    const considered = this.by === 'body' ? undefined : action;
    if (considered === undefined) {
      if (this.by === 'actionRequired') throw this.fail({ cause: 'unknownAction', soap });
      const fromBody = candidates === undefined || element === undefined ? undefined : single(candidates, element.ns);
      if (fromBody === undefined || element === undefined) throw this.fail({ cause: 'unknownElement', soap });
      return { operation: fromBody, element };
    }
    const named = this.byAction.get(considered.key);
    if (named === undefined) throw this.fail({ cause: 'unknownAction', soap, action: considered });
    const fromBody = candidates?.find((op) => named.has(op));
    if (fromBody !== undefined && element !== undefined) return { operation: fromBody, element, action: considered };
    if (named.size === 1) {
      const [expected] = named;
      throw this.fail({ cause: 'mismatch', soap, action: considered, ...(expected === undefined ? {} : { expected }) });
    }
    throw this.fail({ cause: candidates === undefined ? 'unknownElement' : 'mismatch', soap, action: considered });
  }

  private fail(f: { cause: DispatchFailure['cause']; soap: SoapRequest; action?: RequestAction; expected?: SoapOperation<Op> }): SoapFault {
    const failure: DispatchFailure = {
      cause: f.cause,
      version: f.soap.version,
      ...(f.action === undefined ? {} : { action: f.action }),
      ...(f.soap.operation === undefined ? {} : { element: f.soap.operation }),
      ...(f.expected === undefined ? {} : { expected: f.expected }),
    };
    return new SoapFault({ ...this.wording.dispatch(failure), version: f.soap.version, kind: 'dispatch', reasonCode: f.cause });
  }
}

/** Two operations claiming one element can be told apart: each names actions, and none they share. */
function distinctActions(a: SoapOperation, b: SoapOperation): boolean {
  const keys = new Set((a.actions ?? []).map(actionKey));
  const other = (b.actions ?? []).map(actionKey);
  return keys.size > 0 && other.length > 0 && !other.some((k) => keys.has(k));
}

/** The one operation among those claiming an element, without an action: the only one, else the one in its namespace. */
function single<Op extends string>(ops: readonly SoapOperation<Op>[], ns: string): SoapOperation<Op> | undefined {
  if (ops.length === 1) return ops[0];
  const inNs = ops.filter((op) => op.ns === ns);
  return inNs.length === 1 ? inNs[0] : undefined;
}
