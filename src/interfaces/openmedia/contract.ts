/**
 * Reading data contracts as WCF's DataContractSerializer reads them, from a parsed request element. Members are
 * matched by local name within their namespace: a contract's members in the data-contract namespace (DATA_NS), an
 * operation's bare parameters and its `request` in `http://tempuri.org/`. An element in another namespace is not the
 * member, so it is skipped as WCF skips unknown elements and the member stays absent. Two orders:
 * - `any` (default): a member is found wherever it is among its siblings;
 * - `wcf`: as the real service reads them. DataContractSerializer reads the members of a contract in order (the
 *   WSDL's `xs:sequence`, alphabetical): after reading member n it looks only at members after n, so an element for
 *   an earlier member, arriving out of order, is skipped without an error and the member keeps its default. A
 *   client that writes members in another order loses that data against a real server, and with this setting here.
 * A value that is not of the member's type is refused as WCF refuses it (ContractError → `a:DeserializationFailed`).
 */
import { isNil, type XmlElement } from '../../xml/index.js';
import { parseXsdDateTime } from './dates.js';
import { CONTRACTS, DATA_NS, TEMPURI, type ContractName, type Members, type MemberType } from './protocol.js';

export type MemberOrder = 'any' | 'wcf';

export interface IvrInformation {
  Label: string | null;
  Data: string | null;
}

/** A member's value: absent (undefined), nil (null), or of its type; dateTime as epoch ms. */
export type MemberValue = number | boolean | string | IvrInformation[] | null | undefined;
export type Values = Record<string, MemberValue>;

/** A value WCF could not deserialize; the message names the parameter, the contract and the value as WCF does. */
export class ContractError extends Error {
  constructor(
    readonly parameter: string,
    readonly contract: string | undefined,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ContractError';
  }
}

const INT = /^\s*[+-]?\d+\s*$/;
const CLR_TYPE: Readonly<Record<MemberType, string>> = { int: 'Int32', boolean: 'Boolean', dateTime: 'DateTime', string: 'String', ivr: 'ArrayOfIVRInformation' };


function badValue(text: string, type: MemberType, where: { parameter: string; contract?: string }): ContractError {
  return new ContractError(where.parameter, where.contract, `The value '${text.trim().slice(0, 64)}' cannot be parsed as the type '${CLR_TYPE[type]}'.`);
}

function scalar(el: XmlElement, type: MemberType, where: { parameter: string; contract?: string }): MemberValue {
  const text = el.text;
  // badValue is a function, not a closure made per call: this runs for every member of every request.
  switch (type) {
    case 'string':
      return text;
    case 'int': {
      if (!INT.test(text)) throw badValue(text, type, where);
      const n = Number(text.trim());
      if (n < -2147483648 || n > 2147483647) throw badValue(text, type, where);
      return n;
    }
    case 'boolean': {
      const t = text.trim();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      throw badValue(text, type, where);
    }
    case 'dateTime': {
      const ms = parseXsdDateTime(text);
      if (ms === undefined) throw badValue(text, type, where);
      return ms;
    }
    default:
      throw badValue(text, type, where);
  }
}

/** Children matched to members in the given order rule: member name → its element (the first one for `any`). */
function match(el: XmlElement, members: Members, order: MemberOrder, ns: string): Map<string, XmlElement> {
  const found = new Map<string, XmlElement>();
  const own = el.children.filter((c) => c.ns === ns);
  if (order === 'wcf') {
    let index = -1;
    for (const c of own) {
      let j = index + 1;
      while (j < members.length && members[j]?.[0] !== c.name) j++;
      // WCF: a member name not found after the current one is skipped (an earlier member, or unknown).
      if (j >= members.length) continue;
      found.set(c.name, c);
      index = j;
    }
    return found;
  }
  // The first child of the member's name, else the first without regard to case. Each child's name is folded once
  // (not once per member: AddRequest has fourteen members), and nothing is built for a member that is absent.
  let folded: string[] | undefined;
  for (const [name] of members) {
    let hit = own.find((c) => c.name === name);
    if (hit === undefined) {
      folded ??= own.map((c) => c.name.toLowerCase());
      const i = folded.indexOf(name.toLowerCase());
      if (i >= 0) hit = own[i];
    }
    if (hit) found.set(name, hit);
  }
  return found;
}

function ivrArray(el: XmlElement, order: MemberOrder, where: { parameter: string; contract?: string }): IvrInformation[] {
  return el.children
    .filter((c) => c.ns === DATA_NS && c.name.toLowerCase() === 'ivrinformation')
    .map((c) => {
      if (isNil(c)) return { Label: null, Data: null };
      const v = readMembers(c, CONTRACTS.IVRInformation, order, where);
      return { Label: (v['Label'] as string | null | undefined) ?? null, Data: (v['Data'] as string | null | undefined) ?? null };
    });
}

/** The members of one element (a contract's object, or an operation wrapper's bare parameters). */
export function readMembers(el: XmlElement, members: Members, order: MemberOrder, where: { parameter?: string; contract?: string }): Values {
  const out: Values = {};
  // A contract's members (where.contract) are data-contract members; an operation's bare parameters are tempuri's.
  const found = match(el, members, order, where.contract === undefined ? TEMPURI : DATA_NS);
  const named = where.contract !== undefined && where.parameter !== undefined;
  for (const [name, type] of members) {
    const m = found.get(name);
    if (m === undefined) continue;
    const at = named ? (where as { parameter: string; contract: string }) : { parameter: `${TEMPURI}:${name}` };
    if (isNil(m)) out[name] = null;
    else if (type === 'ivr') out[name] = ivrArray(m, order, at);
    else out[name] = scalar(m, type, at);
  }
  return out;
}

/**
 * The `request` object of an operation wrapper: null when absent or nil (WCF passes null), else its members. Its
 * qualified name for WCF's message is `http://tempuri.org/:request`.
 */
export function readRequest(wrapper: XmlElement, contract: ContractName, order: MemberOrder): Values | null {
  const found = match(wrapper, [['request', 'string']], order, TEMPURI).get('request');
  if (!found || isNil(found)) return null;
  return readMembers(found, CONTRACTS[contract], order, { parameter: `${TEMPURI}:request`, contract: `${DATA_NS.replace(/^.*\/2004\/07\//, '')}.${contract}` });
}
