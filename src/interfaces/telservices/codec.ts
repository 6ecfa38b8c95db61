/**
 * The TelServices wire format (seed "Protocol"): element-only XML, no prolog, namespaces or attributes. Enumerations
 * and booleans are empty child elements (`<state><on/></state>`, `<isOutgoing><true/></isOutgoing>`).
 *
 * Input goes through the shared hardened parser (src/xml/: size, depth and element caps, DTD/entity/PI refusal,
 * well-formedness checked by a conforming parser); output is built as a small element tree and serialised by xmlbuilder2 in
 * well-formed mode, so no client-supplied text can inject markup.
 */
import { create } from 'xmlbuilder2';
import { parseXml, XmlInputError, type XmlElement } from '../../xml/index.js';
import { readRequest, RequestError, type TsRequest } from './requests.js';
import { printable } from '../../xml/index.js';

/** An element to write: text or children (an element with neither is written empty, `<number/>`). */
export interface XNode {
  name: string;
  text?: string;
  children?: XNode[];
}

type Child = XNode | undefined | false;

export function el(name: string, ...children: Child[]): XNode {
  return { name, children: children.filter((c): c is XNode => c !== undefined && c !== false) };
}

export function txt(name: string, value: string | number): XNode {
  return { name, text: String(value) };
}

/** An enumeration: `<name><value/></name>`. */
export function enumEl(name: string, value: string): XNode {
  return { name, children: [{ name: value }] };
}

export function boolEl(name: string, value: boolean): XNode {
  return enumEl(name, value ? 'true' : 'false');
}

export function optTxt(name: string, value: string | number | undefined): XNode | undefined {
  return value === undefined ? undefined : txt(name, value);
}

interface Builder {
  ele(name: string): Builder;
  txt(text: string): Builder;
}

function write(parent: Builder, node: XNode): void {
  const e = parent.ele(node.name);
  // xmlbuilder2 leaves `&name;` as written (it takes it for an entity): escaping `&` first keeps text literal.
  if (node.text !== undefined && node.text !== '') e.txt(printable(node.text).replace(/&/g, '&amp;'));
  for (const c of node.children ?? []) write(e, c);
}

const RENDERED_MAX = 4096;
/** Recently rendered documents by content: polling clients and event fan-out repeat the same messages. */
const rendered = new Map<string, string>();

/** Serialises without an XML declaration (seed: "no prolog"). */
export function render(root: XNode): string {
  const key = JSON.stringify(root);
  const hit = rendered.get(key);
  if (hit !== undefined) {
    rendered.delete(key);
    rendered.set(key, hit);
    return hit;
  }
  const doc = create();
  write(doc as unknown as Builder, root);
  const xml = doc.end({ headless: true, wellFormed: true, prettyPrint: false });
  if (rendered.size >= RENDERED_MAX) {
    const oldest = rendered.keys().next().value;
    if (oldest !== undefined) rendered.delete(oldest);
  }
  rendered.set(key, xml);
  return xml;
}

// ------------------------------------------------------------------ requests

export interface DecodedRequest {
  request: TsRequest;
  root: XmlElement;
}

export type DecodeFailure = { error: 'reject'; detail: string; root?: XmlElement };

/** Bytes → typed request, or the reason it is rejected. Never throws. */
export function decodeRequest(body: Buffer | string, maxBytes: number): DecodedRequest | DecodeFailure {
  let root: XmlElement;
  try {
    root = parseXml(body, { maxBytes, maxDepth: 16 });
  } catch (err) {
    if (err instanceof XmlInputError) return { error: 'reject', detail: err.reason };
    return { error: 'reject', detail: 'unreadable' };
  }
  try {
    return { request: readRequest(root), root };
  } catch (err) {
    if (err instanceof RequestError) return { error: 'reject', detail: err.message, root };
    throw err;
  }
}

// ------------------------------------------------------------------ returns and events

export const TS_ERRORS = [
  'pbxlinkOutOfService',
  'pbxReject',
  'pbxTimeout',
  'noCall',
  'noOpenSession',
  'sessionLimitExceeded',
  'reject',
  'invalidCredentials',
  'resourceError',
] as const;
export type TsErrorCode = (typeof TS_ERRORS)[number];

/** Seed "Standard result" and "Specific result". */
export function resultXml(result: XNode | 'standard'): string {
  return render(el('TelServiceReturn', el('result', result === 'standard' ? { name: 'standard' } : result)));
}

/** Seed "Error": one error element. */
export function errorXml(code: TsErrorCode): string {
  return render(el('TelServiceReturn', el('error', { name: code })));
}

const ERROR_CACHE = new Map<TsErrorCode, string>();

/** Error replies never vary: rendered once. */
export function cachedErrorXml(code: TsErrorCode): string {
  let xml = ERROR_CACHE.get(code);
  if (xml === undefined) {
    xml = errorXml(code);
    ERROR_CACHE.set(code, xml);
  }
  return xml;
}

/**
 * Seed "Events". The call event examples carry `<deviceNumber>`, the others do not (INVENTORY 4.9 #13); ccgate
 * always writes it, so a client with several sessions on one UDP port knows which device an event is about.
 */
export function eventXml(deviceNumber: string, event: XNode): string {
  return render(el('TelServiceEvent', txt('deviceNumber', deviceNumber), el('event', event)));
}
