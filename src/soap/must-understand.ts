/**
 * SOAP 1.1 §4.2.3 and SOAP 1.2 Part 1 §5.2.3: a header block targeted at this node and marked mustUnderstand that the
 * node does not understand MUST make it answer a MustUnderstand fault and process nothing. Checked once per request
 * over the Header's children (no work for a request without a Header).
 */
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { attributeIn, type XmlElement } from '../xml/index.js';
import { ENVELOPE_PREFIX } from './build.js';
import { SoapFault } from './fault.js';
import { envelopeNamespace, type SoapVersion } from './version.js';
import type { PlatformWording } from './wording.js';

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
// SOAP 1.1 §4.2.2: a block without `actor`, or with the special "next" URI, is for this node (the ultimate receiver).
const SOAP11_NEXT = 'http://schemas.xmlsoap.org/soap/actor/next';
// SOAP 1.2 Part 1 §2.2: the ultimate receiver plays "next" and "ultimateReceiver" (also the default); "none" is
// never processed; any other role belongs to some other node.
const SOAP12_OURS: ReadonlySet<string> = new Set([
  'http://www.w3.org/2003/05/soap-envelope/role/next',
  'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver',
]);

/**
 * The header blocks an endpoint understands: entries in Clark notation `{namespace}local` match that name exactly;
 * bare `local` entries match a block of that local name in any namespace, case-insensitively (as the tolerant reader
 * finds it; QMI reads `QMISessID` that way).
 */
export class UnderstoodHeaders {
  private readonly qualified = new Set<string>();
  private readonly local = new Set<string>();

  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      const match = /^\{([^}]*)\}(.+)$/.exec(entry);
      if (match !== null) this.qualified.add(`{${match[1] ?? ''}}${match[2] ?? ''}`);
      else this.local.add(entry.toLowerCase());
    }
  }

  understands(block: XmlElement): boolean {
    return this.local.has(block.name.toLowerCase()) || this.qualified.has(`{${block.ns}}${block.name}`);
  }
}

/**
 * The block's SOAP attribute `local` (SOAP 1.1 §4.2, SOAP 1.2 Part 1 §5.2): in the envelope's namespace only, so a
 * foreign `x:mustUnderstand="0"` written before `soap:mustUnderstand="1"` neither hides it nor, alone, stands for it.
 */
function soapAttribute(block: XmlElement, version: SoapVersion, local: string): string | undefined {
  return attributeIn(block, [envelopeNamespace(version)], local)?.trim();
}

/**
 * The values mustUnderstand may take: SOAP 1.2 Part 1 §5.2.3 an xs:boolean; SOAP 1.1 §4.2.3 says "1" or "0", and its
 * clients write the xs:boolean words too (ASP.NET reads them), so both versions take all four.
 */
const MUST_UNDERSTAND_VALUES: readonly string[] = ['0', '1', 'true', 'false'];

/**
 * Whether the block must be understood. A value the version does not define (`yes`) is a Client/Sender fault: read
 * as false it would let a block its sender meant to be mandatory pass unchecked.
 */
function mandatory(block: XmlElement, version: SoapVersion): boolean {
  const value = soapAttribute(block, version, 'mustUnderstand');
  if (value === undefined) return false;
  if (!MUST_UNDERSTAND_VALUES.includes(value)) {
    throw new SoapFault({
      code: 'Client',
      reason: `mustUnderstand on header ${block.name.slice(0, 64)} is "${value.slice(0, 16)}", not ${MUST_UNDERSTAND_VALUES.join(', ')}`,
      version,
      kind: 'request',
      reasonCode: 'mustUnderstandValue',
    });
  }
  return value === '1' || value === 'true';
}

/**
 * Whether a header block is for this node, the ultimate receiver: SOAP 1.1 §4.2.2 no `actor` or actor "next"; SOAP 1.2
 * Part 1 §2.2 no `role`, role "next" or "ultimateReceiver" (role "none" and any other URI are some other node's).
 */
export function targetsThisNode(block: XmlElement, version: SoapVersion): boolean {
  if (version === '1.1') {
    const actor = soapAttribute(block, version, 'actor');
    return actor === undefined || actor === '' || actor === SOAP11_NEXT;
  }
  const role = soapAttribute(block, version, 'role');
  return role === undefined || role === '' || SOAP12_OURS.has(role);
}

/** The header blocks this node must understand and does not, in document order. */
export function notUnderstood(header: XmlElement | undefined, version: SoapVersion, understood: UnderstoodHeaders): XmlElement[] {
  if (header === undefined) return [];
  const out: XmlElement[] = [];
  for (const block of header.children) {
    if (mandatory(block, version) && targetsThisNode(block, version) && !understood.understands(block)) out.push(block);
  }
  return out;
}

/** SOAP 1.2 Part 1 §5.4.8: one `NotUnderstood qname="p:local"` per block, each prefix declared on its element. */
function notUnderstoodEntries(blocks: readonly XmlElement[], version: SoapVersion): (header: XMLBuilder) => void {
  const ns = envelopeNamespace(version);
  return (header) => {
    blocks.forEach((block, i) => {
      const entry = header.ele(ns, `${ENVELOPE_PREFIX}:NotUnderstood`);
      if (block.ns === '') {
        entry.att('qname', block.name);
      } else {
        entry.att(XMLNS_NS, `xmlns:nu${i}`, block.ns).att('qname', `nu${i}:${block.name}`);
      }
    });
  };
}

/**
 * Throws the MustUnderstand fault (kind `mustUnderstand`, worded by the platform for the first block; in SOAP 1.2
 * with NotUnderstood header blocks for all of them) when any block must be understood and is not.
 */
export function checkMustUnderstand(header: XmlElement | undefined, version: SoapVersion, understood: UnderstoodHeaders, wording: PlatformWording): void {
  const blocks = notUnderstood(header, version, understood);
  const first = blocks[0];
  if (first === undefined) return;
  throw new SoapFault({
    ...wording.mustUnderstand(first, version),
    code: 'MustUnderstand',
    version,
    kind: 'mustUnderstand',
    reasonCode: `{${first.ns}}${first.name}`,
    ...(version === '1.2' ? { header: notUnderstoodEntries(blocks, version) } : {}),
  });
}
