/**
 * The hardened XML reader every interface uses (SOAP endpoints through src/soap/, TelServices directly): UTF-8 and
 * UTF-16 input, size, depth and element-count caps checked before any parsing, no DTDs, entities or processing
 * instructions, mismatched tags caught by fast-xml-parser's validator, names that could reach an object prototype
 * refused, and a namespace-resolved element tree as the result.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXmlBytes } from './encoding.js';
import { checkName, decodeEntities, refuseForbiddenMarkup, refuseOversizedStructure } from './guards.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ELEMENTS,
  XmlInputError,
  type XmlElement,
  type XmlLimits,
  type XmlReadOptions,
} from './types.js';

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
/** Larger maxDepth values are clamped to this, so the parser's own backstop can never fire first. */
const MAX_SUPPORTED_DEPTH = 1024;

// fast-xml-parser with entity processing off: it only tokenises. Entities are decoded by decodeEntities (five
// predefined + character references, nothing else), and every name passes checkName before it becomes a key.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: TEXT,
  cdataPropName: CDATA,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  removeNSPrefix: false,
  // Depth is refused by refuseOversizedStructure before parsing; this is only a backstop.
  maxNestedTags: MAX_SUPPORTED_DEPTH + 2,
  // Tag paths are not used; building them costs time proportional to depth for every tag.
  jPath: false,
  transformTagName: (name: string) => {
    checkName(name);
    return name;
  },
  transformAttributeName: (name: string) => {
    checkName(name);
    return name;
  },
});

type RawNode = Record<string, unknown>;
/** Namespace scope as a chain, one link per declaring element: no copying, and lookups walk at most maxDepth links. */
interface Scope {
  readonly decls: ReadonlyMap<string, string>;
  readonly parent: Scope | undefined;
}

function lookupNamespace(scope: Scope | undefined, prefix: string): string | undefined {
  for (let s = scope; s !== undefined; s = s.parent) {
    const uri = s.decls.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/**
 * Parses a document (bytes in UTF-8 or UTF-16, see decodeXmlBytes, or an already decoded string) into a
 * namespace-resolved element tree and returns its root. Throws XmlInputError, whose message is safe to show a client,
 * for anything an endpoint must refuse.
 */
export function parseXml(input: Buffer | string, options: XmlReadOptions = {}): XmlElement {
  return parseXmlText(decodeXmlBytes(input, options.maxBytes ?? DEFAULT_MAX_BYTES, options.charset), options);
}

/** parseXml for text already decoded by decodeXmlBytes (the byte cap was checked there). */
export function parseXmlText(text: string, limits: XmlLimits = {}): XmlElement {
  refuseForbiddenMarkup(text);
  const maxDepth = Math.min(limits.maxDepth ?? DEFAULT_MAX_DEPTH, MAX_SUPPORTED_DEPTH);
  // Before the validator: it and the parser cost time per element, the scan does not.
  refuseOversizedStructure(text, maxDepth, limits.maxElements ?? DEFAULT_MAX_ELEMENTS);
  // The parser alone accepts `<r><a></r>`; the validator is what enforces well-formedness.
  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (verdict !== true) throw new XmlInputError('malformed', `Malformed XML: ${validatorMessage(verdict.err.msg)}`);
  let raw: unknown;
  try {
    raw = parser.parse(text);
  } catch (err) {
    if (err instanceof XmlInputError) throw err;
    throw new XmlInputError('malformed', 'Malformed XML');
  }
  return toTree(rootOf(raw), maxDepth);
}

/**
 * The validator's message in words a client can act on. For several unclosed elements fast-xml-parser writes the
 * JSON of its internal tag stack (`Invalid '[    "soap:Envelope",    "soap:Body"]' found.`); that becomes
 * `unclosed elements soap:Envelope, soap:Body.` Every message is cut to 200 characters (it may quote the input).
 */
function validatorMessage(msg: string): string {
  const stack = /^Invalid '(\[.*\])' found\.$/s.exec(msg);
  if (stack !== null) {
    let names: unknown;
    try {
      names = JSON.parse(stack[1] ?? '');
    } catch {
      names = undefined;
    }
    if (Array.isArray(names)) msg = `unclosed elements ${names.map(String).join(', ')}.`;
    else msg = 'unclosed elements.';
  }
  return msg.length <= 200 ? msg : `${msg.slice(0, 200)}…`;
}

function tagOf(node: RawNode): string | undefined {
  for (const key of Object.keys(node)) {
    if (key !== ATTRS && key !== TEXT && key !== CDATA) return key;
  }
  return undefined;
}

function rootOf(raw: unknown): RawNode {
  const nodes = Array.isArray(raw) ? (raw as RawNode[]) : [];
  let root: RawNode | undefined;
  for (const node of nodes) {
    if (tagOf(node) !== undefined) {
      // XML 1.0 §2.1: exactly one root element.
      if (root !== undefined) throw new XmlInputError('malformed', 'Malformed XML: more than one root element');
      root = node;
    } else if (typeof node[TEXT] === 'string' && node[TEXT].trim() !== '') {
      throw new XmlInputError('malformed', 'Malformed XML: text outside the root element');
    }
  }
  if (root === undefined) throw new XmlInputError('malformed', 'Malformed XML: no root element');
  return root;
}

const ROOT_SCOPE: Scope = { decls: new Map([['xml', XML_NS], ['xmlns', XMLNS_NS]]), parent: undefined };

function splitName(qualified: string): { prefix: string; local: string } {
  const colon = qualified.indexOf(':');
  return colon === -1
    ? { prefix: '', local: qualified }
    : { prefix: qualified.slice(0, colon), local: qualified.slice(colon + 1) };
}

function rawAttributes(node: RawNode): [string, string][] {
  const attrs = node[ATTRS];
  if (attrs === null || typeof attrs !== 'object') return [];
  return Object.entries(attrs as Record<string, unknown>).map(([k, v]) => [k, decodeEntities(String(v))]);
}

/** Builds one element; its namespace scope is the parent's plus its own xmlns declarations (Namespaces in XML §6). */
function makeElement(node: RawNode, qualified: string, parentScope: Scope): { el: XmlElement; scope: Scope } {
  const { prefix, local } = splitName(qualified);
  checkName(local);
  const attrs = rawAttributes(node);
  let decls: Map<string, string> | undefined;
  const attributes = Object.create(null) as Record<string, string>;
  for (const [qname, value] of attrs) {
    const a = splitName(qname);
    checkName(a.local);
    if (qname === 'xmlns' || a.prefix === 'xmlns') {
      decls ??= new Map();
      decls.set(qname === 'xmlns' ? '' : a.local, value);
      continue;
    }
    // First spelling wins when two prefixes share a local name: keys are local names by contract.
    if (!(a.local in attributes)) attributes[a.local] = value;
  }
  const scope: Scope = decls === undefined ? parentScope : { decls, parent: parentScope };
  // Namespaces in XML §6.2: an undeclared prefix is an error; tolerated here as "no namespace".
  const ns = lookupNamespace(scope, prefix) ?? '';
  return { el: { name: local, prefix, ns, attributes, children: [], text: '' }, scope };
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  return (value as RawNode[]).map((n) => (typeof n[TEXT] === 'string' ? n[TEXT] : '')).join('');
}

/** Iterative conversion that counts nesting again on the tree itself (the pre-scan is the cheap gate). */
function toTree(rootNode: RawNode, maxDepth: number): XmlElement {
  const rootTag = tagOf(rootNode) ?? '';
  const root = makeElement(rootNode, rootTag, ROOT_SCOPE);
  const stack: { el: XmlElement; items: unknown; scope: Scope; depth: number }[] = [
    { el: root.el, items: rootNode[rootTag], scope: root.scope, depth: 1 },
  ];
  if (maxDepth < 1) throw new XmlInputError('tooDeep', `XML nesting exceeds ${maxDepth} levels`);
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const items = Array.isArray(frame.items) ? (frame.items as RawNode[]) : [];
    for (const item of items) {
      const tag = tagOf(item);
      if (tag === undefined) {
        if (typeof item[TEXT] === 'string') frame.el.text += decodeEntities(item[TEXT]);
        // CDATA is literal (XML 1.0 §2.7): no entity decoding.
        else if (CDATA in item) frame.el.text += cdataText(item[CDATA]);
        continue;
      }
      if (frame.depth + 1 > maxDepth) throw new XmlInputError('tooDeep', `XML nesting exceeds ${maxDepth} levels`);
      const next = makeElement(item, tag, frame.scope);
      frame.el.children.push(next.el);
      stack.push({ el: next.el, items: item[tag], scope: next.scope, depth: frame.depth + 1 });
    }
  }
  return root.el;
}
