/**
 * The hardened XML reader every interface uses (SOAP endpoints through src/soap/, TelServices directly): UTF-8 and
 * UTF-16 input (a declared encoding other than those is refused, never misread), a byte cap before anything is read,
 * no DTDs or processing instructions (SOAP 1.1 §3, SOAP 1.2 Part 1 §5), well-formedness, the five predefined entities
 * and character references only, the reserved namespace prefixes and qualified names checked (Namespaces in XML §3-§6),
 * depth, element and attribute caps checked as the parse goes, names that could reach an object prototype refused, and
 * a namespace-resolved element tree as the result.
 *
 * The parser is saxes, a conforming XML 1.0 parser, in one streaming pass: it checks well-formedness (mismatched tags,
 * repeated attributes, undefined entities, characters outside XML 1.0 §2.2) while this module builds the tree from its
 * events and refuses a DOCTYPE or a processing instruction as it meets one, so the same characters inside a comment
 * or CDATA section are only text. It replaced fast-xml-parser, whose parser accepts `<r><a></r>` and so needed its
 * validator as a second full pass: the two passes and the conversion of its output cost about six times the CPU of
 * this one on a typical SOAP request (75-80 µs against 12 µs for Open Media's AddRequest). Namespaces are resolved
 * here rather than by saxes's xmlns mode, to keep one tolerance it does not offer: an undeclared prefix reads as no
 * namespace (clients in the field send `xsi:type` without declaring xsi).
 */
import { SaxesParser, type SaxesTagPlain, type XMLDecl } from 'saxes';
import { decodeXmlBytes, READABLE_ENCODING, unsupportedEncoding } from './encoding.js';
import { checkName } from './guards.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ELEMENTS,
  XmlInputError,
  type XmlAttribute,
  type XmlElement,
  type XmlLimits,
  type XmlReadOptions,
} from './types.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Namespace scope as a chain, one link per declaring element: no copying, and lookups walk at most maxDepth links. */
interface Scope {
  readonly decls: ReadonlyMap<string, string>;
  readonly parent: Scope | undefined;
}

const LEADING_SPACE_BEFORE_DECLARATION = /^\s+<\?xml[\s?]/;
const ROOT_SCOPE: Scope = { decls: new Map([['xml', XML_NS], ['xmlns', XMLNS_NS]]), parent: undefined };

function lookupNamespace(scope: Scope, prefix: string): string | undefined {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
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

/**
 * parseXml for text already decoded by decodeXmlBytes (the byte cap was checked there). Nesting deeper than
 * `maxDepth` (the root counting as 1) or more than `maxElements` elements stop the parse at the element that crosses
 * the limit, so an oversized body costs no more than the elements before it.
 */
export function parseXmlText(text: string, limits: XmlLimits = {}): XmlElement {
  // One parser serves every parse, its handlers set once; after a refusal, or while a handler parses a nested
  // document, a parser of its own is made.
  let reader = idleReader;
  idleReader = undefined;
  reader ??= new Reader();
  const root = reader.read(text, limits.maxDepth ?? DEFAULT_MAX_DEPTH, limits.maxElements ?? DEFAULT_MAX_ELEMENTS);
  idleReader = reader;
  return root;
}

/** A parser that is not parsing, ready for the next document; undefined while it parses or after it refused one. */
let idleReader: Reader | undefined;

/** A saxes parser with this module's handlers, building one document's tree at a time. */
class Reader {
  private readonly parser = new SaxesParser({ xmlns: false });
  private open: { el: XmlElement; scope: Scope }[] = [];
  private root: XmlElement | undefined;
  private elements = 0;
  private attributes = 0;
  private maxDepth = DEFAULT_MAX_DEPTH;
  private maxElements = DEFAULT_MAX_ELEMENTS;

  constructor() {
    const parser = this.parser;
    // At most seven handlers: saxes stores each as a property added after construction, and with an eighth V8 turns
    // the parser into a dictionary-mode object whose every field read is slow (measured: 60-80 µs instead of 15-20 for
    // Open Media's AddRequest). So the declared encoding is read from `xmlDecl` instead of an `xmldecl` handler, and
    // saxes's own errors are caught as it throws them without an `error` handler (see read).
    // SOAP 1.1 §3 and SOAP 1.2 Part 1 §5: no DTD (so no entity but the predefined ones: no billion laughs, no XXE) and
    // no processing instruction. Refused where saxes meets them: before a DOCTYPE's content is used for anything.
    parser.on('doctype', () => {
      throw new XmlInputError('doctype', 'DTDs and entity declarations are not allowed in a SOAP message');
    });
    parser.on('processinginstruction', () => {
      throw new XmlInputError('processingInstruction', 'Processing instructions are not allowed in a SOAP message');
    });
    // Counted as saxes reads them, before their element is complete: 26,000 attributes in one tag (they fit the byte
    // cap) would otherwise cost 40-135 ms of parsing before any check saw them.
    parser.on('attribute', () => {
      this.attributes += 1;
      if (this.attributes > this.maxElements) throw new XmlInputError('tooManyElements', `Request has more than ${this.maxElements} XML attributes`);
    });
    parser.on('opentag', (tag) => {
      const open = this.open;
      this.elements += 1;
      if (this.elements > this.maxElements) throw new XmlInputError('tooManyElements', `Request has more than ${this.maxElements} XML elements`);
      if (open.length + 1 > this.maxDepth) throw new XmlInputError('tooDeep', `XML nesting exceeds ${this.maxDepth} levels`);
      const parent = open[open.length - 1];
      const made = makeElement(tag, parent?.scope ?? ROOT_SCOPE);
      if (parent === undefined) this.root = made.el;
      else parent.el.children.push(made.el);
      open.push(made);
    });
    parser.on('closetag', () => {
      this.open.pop();
    });
    // Text and CDATA (literal, XML 1.0 §2.7) both arrive decoded; outside the root only white space reaches here.
    const addText = (text: string): void => {
      const current = this.open[this.open.length - 1];
      if (current !== undefined) current.el.text += text;
    };
    parser.on('text', addText);
    parser.on('cdata', addText);
  }

  /** The document's root; throws XmlInputError (the parser is then left mid-document: the caller drops it). */
  read(text: string, maxDepth: number, maxElements: number): XmlElement {
    this.open = [];
    this.root = undefined;
    this.elements = 0;
    this.attributes = 0;
    this.maxDepth = maxDepth;
    this.maxElements = maxElements;
    try {
      // XML 1.0 §2.8 puts the declaration first; white space before it is tolerated (clients write a newline first).
      this.parser.write(LEADING_SPACE_BEFORE_DECLARATION.test(text) ? text.trimStart() : text);
      checkDeclaredEncoding(this.parser.xmlDecl);
      // Ends the document and makes the parser ready for the next one (saxes resets itself at the end).
      this.parser.close();
    } catch (err) {
      if (err instanceof XmlInputError || !(err instanceof Error)) throw err;
      // saxes's own error (no `error` handler: it throws). It reports unclosed elements at the end, innermost first:
      // the whole chain is more use to a client.
      if (err.message.includes('unclosed tag') && this.open.length > 0) throw bareAmpersand(text) ?? unclosed(this.open);
      throw new XmlInputError('malformed', `Malformed XML: ${clientMessage(err.message)}`);
    }
    const root = this.root;
    this.root = undefined;
    this.open = [];
    if (root === undefined) throw new XmlInputError('malformed', 'Malformed XML: no root element');
    return root;
  }
}

/**
 * saxes reads a `&` that starts no reference as the start of one and takes everything up to the end as its name, so
 * `<a>x & y</a>` ends as "unclosed tag: a". When the document has such an ampersand outside CDATA sections and
 * comments (XML 1.0 §2.4: `&` in character data only as the start of a reference), that is the error to name.
 */
function bareAmpersand(text: string): XmlInputError | undefined {
  const blanked = text.replace(/<!\[CDATA\[[^]*?\]\]>|<!--[^]*?-->/g, (m) => ' '.repeat(m.length));
  const at = BARE_AMPERSAND.exec(blanked);
  if (at === null) return undefined;
  const before = text.slice(0, at.index);
  const line = before.split('\n').length;
  const column = at.index - before.lastIndexOf('\n');
  return new XmlInputError('malformed', `Malformed XML: '&' that starts no entity or character reference; write it as &amp; (line ${line}, column ${column})`);
}
const BARE_AMPERSAND = /&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_:][-A-Za-z0-9._:]*);)/;

function unclosed(open: readonly { el: XmlElement }[]): XmlInputError {
  const names = open.map(({ el }) => (el.prefix === '' ? el.name : `${el.prefix}:${el.name}`));
  return new XmlInputError('malformed', `Malformed XML: unclosed elements ${clientMessage(names.join(', '))}.`);
}

/**
 * XML 1.0 §4.3.3: a document in an encoding other than the one it declares is in error. The bytes were decoded as
 * UTF-8 or UTF-16 (decodeXmlBytes); a document declaring another encoding (ISO-8859-1 from a misconfigured client) is
 * refused with reason `encoding` instead of being read with its non-ASCII characters wrong.
 */
function checkDeclaredEncoding(decl: XMLDecl): void {
  const declared = decl.encoding;
  if (declared === undefined || READABLE_ENCODING.test(declared)) return;
  throw unsupportedEncoding(declared);
}

/**
 * A message that may quote the input, cut to 200 characters for a client; saxes's `line:column: ` prefix becomes a
 * trailing `(line 1, column 23)`.
 */
function clientMessage(msg: string): string {
  const at = /^(\d+):(\d+): ([^]*)$/.exec(msg);
  if (at !== null) msg = `${(at[3] ?? '').replace(/\.$/, '')} (line ${at[1]}, column ${at[2]})`;
  return msg.length <= 200 ? msg : `${msg.slice(0, 200)}…`;
}

function splitName(qualified: string): { prefix: string; local: string } {
  const colon = qualified.indexOf(':');
  if (colon === -1) return { prefix: '', local: qualified };
  // Namespaces in XML §4: a QName is NCName or NCName ':' NCName (one colon, neither part empty).
  if (colon === 0 || colon === qualified.length - 1 || qualified.indexOf(':', colon + 1) !== -1) {
    throw new XmlInputError('malformed', `Malformed XML: ${clientMessage(qualified)} is not a qualified name (Namespaces in XML §4)`);
  }
  return { prefix: qualified.slice(0, colon), local: qualified.slice(colon + 1) };
}

/** Namespaces in XML §3: the reserved prefixes and names keep their namespaces; a prefix cannot be undeclared. */
function checkDeclaration(prefix: string, uri: string): void {
  const bad =
    (prefix === 'xml') !== (uri === XML_NS) ||
    prefix === 'xmlns' ||
    uri === XMLNS_NS ||
    (prefix !== '' && uri === '');
  if (bad) throw new XmlInputError('malformed', `Malformed XML: xmlns${prefix === '' ? '' : `:${clientMessage(prefix)}`} may not be "${clientMessage(uri)}" (Namespaces in XML §3)`);
}

/** Builds one element; its namespace scope is the parent's plus its own xmlns declarations (Namespaces in XML §6). */
function makeElement(tag: SaxesTagPlain, parentScope: Scope): { el: XmlElement; scope: Scope } {
  const { prefix, local } = splitName(tag.name);
  checkName(local);
  if (prefix === 'xmlns') throw new XmlInputError('malformed', `Malformed XML: element ${clientMessage(tag.name)} uses the reserved prefix xmlns`);
  let decls: Map<string, string> | undefined;
  let raw: { prefix: string; local: string; value: string }[] | undefined;
  for (const qname in tag.attributes) {
    const value = tag.attributes[qname] as string;
    const a = splitName(qname);
    checkName(a.local);
    if (qname === 'xmlns' || a.prefix === 'xmlns') {
      const declared = qname === 'xmlns' ? '' : a.local;
      checkDeclaration(declared, value);
      decls ??= new Map();
      decls.set(declared, value);
      continue;
    }
    (raw ??= []).push({ prefix: a.prefix, local: a.local, value });
  }
  const scope: Scope = decls === undefined ? parentScope : { decls, parent: parentScope };
  // Namespaces in XML §6.2: an undeclared prefix is an error; tolerated here as "no namespace".
  const ns = lookupNamespace(scope, prefix) ?? '';
  const attributes = Object.create(null) as Record<string, string>;
  const qualifiedAttributes: XmlAttribute[] = [];
  if (raw !== undefined) {
    for (const a of raw) {
      // §6.3: an unprefixed attribute is in no namespace, whatever the default namespace.
      const attrNs = a.prefix === '' ? '' : (lookupNamespace(scope, a.prefix) ?? '');
      // §6.3: no two attributes with the same expanded name (two prefixes bound to one namespace).
      if (attrNs !== '' && qualifiedAttributes.some((q) => q.ns === attrNs && q.name === a.local)) {
        throw new XmlInputError('malformed', `Malformed XML: attribute {${clientMessage(attrNs)}}${clientMessage(a.local)} given twice`);
      }
      qualifiedAttributes.push({ name: a.local, prefix: a.prefix, ns: attrNs, value: a.value });
      // First spelling wins when two prefixes share a local name: keys are local names by contract.
      if (!(a.local in attributes)) attributes[a.local] = a.value;
    }
  }
  return { el: { name: local, prefix, ns, attributes, qualifiedAttributes, children: [], text: '' }, scope };
}
