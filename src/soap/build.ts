import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { printable } from '../xml/index.js';
import { faultCodeFor, type QName, type SoapFault } from './fault.js';
import { envelopeNamespace, type SoapVersion } from './version.js';

export type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
export { printable } from '../xml/index.js';

/** Prefix of the Envelope, Header, Body and Fault elements ccgate writes, in both versions. */
export const ENVELOPE_PREFIX = 'soap';

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface EnvelopeOptions {
  body: (body: XMLBuilder) => void;
  header?: (header: XMLBuilder) => void;
  /** prefix → namespace URI, all declared on the Envelope so the elements built in them reuse these prefixes. */
  namespaces?: Readonly<Record<string, string>>;
}

/**
 * Builds a complete envelope. Everything goes through xmlbuilder2 in well-formed mode: text and attribute values
 * are escaped, and names, comments, CDATA or characters that XML 1.0 cannot carry make it throw instead of
 * producing markup, so no caller-supplied string can inject elements.
 */
export function buildEnvelope(version: SoapVersion, opts: EnvelopeOptions): string {
  const ns = envelopeNamespace(version);
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const envelope = doc.ele(ns, `${ENVELOPE_PREFIX}:Envelope`);
  for (const [prefix, uri] of Object.entries(opts.namespaces ?? {})) {
    if (prefix === ENVELOPE_PREFIX && uri === ns) continue;
    if (!NCNAME.test(prefix) || prefix === ENVELOPE_PREFIX || prefix.toLowerCase().startsWith('xml')) {
      throw new Error(`buildEnvelope: prefix "${prefix}" cannot be declared`);
    }
    envelope.att(XMLNS_NS, `xmlns:${prefix}`, uri);
  }
  if (opts.header !== undefined) opts.header(envelope.ele(ns, `${ENVELOPE_PREFIX}:Header`));
  opts.body(envelope.ele(ns, `${ENVELOPE_PREFIX}:Body`));
  escapeAmpersands(doc.node as unknown as DomNode);
  return doc.end({ wellFormed: true, prettyPrint: false });
}

/** The part of xmlbuilder2's DOM that escapeAmpersands touches. */
interface DomNode {
  nodeType: number;
  data?: string;
  attributes?: { length: number; item(i: number): { value: string } | null };
  childNodes: { length: number; item(i: number): DomNode | null };
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

/**
 * xmlbuilder2 leaves `&name;` and `&#n;` in values unescaped (it assumes they are already entities), so
 * "R&D;" would come out as an undefined entity and "&lt;" as "<". Escaping every `&` first makes every value
 * round-trip exactly; xmlbuilder2 then escapes `<` and `>` itself. CDATA is literal and left alone.
 */
function escapeAmpersands(root: DomNode): void {
  const stack: DomNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.nodeType === TEXT_NODE && node.data !== undefined) node.data = node.data.replace(/&/g, '&amp;');
    if (node.nodeType === ELEMENT_NODE && node.attributes !== undefined) {
      for (let i = 0; i < node.attributes.length; i++) {
        const attr = node.attributes.item(i);
        if (attr !== null) attr.value = attr.value.replace(/&/g, '&amp;');
      }
    }
    for (let i = 0; i < node.childNodes.length; i++) {
      const next = node.childNodes.item(i);
      if (next !== null) stack.push(next);
    }
  }
}

const MAX_REASON = 2048;

function declare(el: XMLBuilder, name: QName): string {
  const prefix = name.prefix === ENVELOPE_PREFIX || !NCNAME.test(name.prefix) || name.prefix.toLowerCase().startsWith('xml') ? 'q0' : name.prefix;
  el.att(XMLNS_NS, `xmlns:${prefix}`, name.ns);
  return `${prefix}:${name.local}`;
}

/**
 * A fault envelope in `version`: SOAP 1.1 §4.4 (`faultcode` as `soap:Client`, or the fault's subcode QName with its
 * prefix declared on the element; `faultstring`; `detail`, all unqualified) or SOAP 1.2 Part 1 §5.4 (`Code/Value`,
 * `Code/Subcode/Value`, `Reason/Text xml:lang`, `Detail`), with the fault's own header blocks and body entries.
 * Every prefix written is declared: the envelope's, the fault's `namespaces` on the Envelope, a subcode's on its element.
 */
export function buildFault(version: SoapVersion, fault: SoapFault): string {
  const ns = envelopeNamespace(version);
  const P = ENVELOPE_PREFIX;
  // Reasons quote client input (actions, element names, namespaces): bounded, so a fault never echoes a whole request.
  const reason = printable(fault.reason.slice(0, MAX_REASON));
  return buildEnvelope(version, {
    ...(fault.namespaces === undefined ? {} : { namespaces: fault.namespaces }),
    ...(fault.header === undefined ? {} : { header: fault.header }),
    body: (body) => {
      fault.bodyEntries?.(body);
      const el = body.ele(ns, `${P}:Fault`);
      if (version === '1.1') {
        const code = el.ele('faultcode');
        code.txt(fault.subcode === undefined ? `${P}:${faultCodeFor(version, fault.code)}` : declare(code, fault.subcode));
        const text = el.ele('faultstring');
        if (fault.lang !== undefined) text.att(XML_NS, 'xml:lang', fault.lang);
        text.txt(reason);
        if (fault.detail !== undefined) fault.detail(el.ele('detail'));
        return;
      }
      const code = el.ele(ns, `${P}:Code`);
      code.ele(ns, `${P}:Value`).txt(`${P}:${faultCodeFor(version, fault.code)}`);
      if (fault.subcode !== undefined) {
        const value = code.ele(ns, `${P}:Subcode`).ele(ns, `${P}:Value`);
        value.txt(declare(value, fault.subcode));
      }
      el.ele(ns, `${P}:Reason`)
        .ele(ns, `${P}:Text`)
        .att(XML_NS, 'xml:lang', fault.lang ?? 'en')
        .txt(reason);
      if (fault.detail !== undefined) fault.detail(el.ele(ns, `${P}:Detail`));
    },
  });
}
