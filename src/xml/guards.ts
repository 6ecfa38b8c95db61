import { XmlInputError } from './types.js';

// Checks that run on the decoded text before any parser sees it, plus the entity decoder the parser is not trusted with.

// XML 1.0 §2.2 Char: everything else below U+0020, and U+FFFE/U+FFFF, may not appear even escaped.
const INVALID_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const MARKUP_DECLARATION = /<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
// The one permitted `<?`: an XML declaration at the very start (after optional whitespace, which we tolerate).
const XML_DECLARATION = /^\s*<\?xml(?=[\s?])[^]*?\?>/;

/**
 * SOAP 1.1 §3 and SOAP 1.2 Part 1 §5: a SOAP message MUST NOT contain a DTD or processing instructions.
 * Refused on the raw text, anywhere (even inside comments or CDATA), so no parser ever reads a DTD and
 * no entity other than the predefined ones can exist (billion laughs, XXE).
 */
export function refuseForbiddenMarkup(text: string): void {
  if (MARKUP_DECLARATION.test(text)) {
    throw new XmlInputError('doctype', 'DTDs and entity declarations are not allowed in a SOAP message');
  }
  const declaration = XML_DECLARATION.exec(text);
  const after = declaration === null ? 0 : declaration[0].length;
  if (text.indexOf('<?', after) !== -1) {
    throw new XmlInputError('processingInstruction', 'Processing instructions are not allowed in a SOAP message');
  }
  if (INVALID_XML_CHAR.test(text)) {
    throw new XmlInputError('malformed', 'Malformed XML: character not allowed in XML 1.0');
  }
}

/**
 * Refuses nesting deeper than `maxDepth` and more than `maxElements` elements before any parser builds anything: the
 * validator and the parser work through every element at a cost of microseconds each, so a body of 26,000 empty
 * siblings under the byte cap would hold the event loop for hundreds of milliseconds. One linear pass over the text,
 * no recursion and no allocation; comments, CDATA, processing instructions and quoted attribute values are skipped so
 * a `<` inside them is not counted. On text that is not well-formed the counts may be off, but such text is refused
 * by the validator that runs next anyway.
 */
export function refuseOversizedStructure(text: string, maxDepth: number, maxElements: number): void {
  let depth = 0;
  let elements = 0;
  let i = text.indexOf('<');
  while (i !== -1) {
    if (text.startsWith('<!--', i)) {
      i = text.indexOf('-->', i + 4);
      if (i === -1) return;
    } else if (text.startsWith('<![CDATA[', i)) {
      i = text.indexOf(']]>', i + 9);
      if (i === -1) return;
    } else if (text.startsWith('<?', i)) {
      i = text.indexOf('?>', i + 2);
      if (i === -1) return;
    } else if (text[i + 1] === '/') {
      depth -= 1;
      i = text.indexOf('>', i);
      if (i === -1) return;
    } else {
      elements += 1;
      if (elements > maxElements) {
        throw new XmlInputError('tooManyElements', `Request has more than ${maxElements} XML elements`);
      }
      i = endOfStartTag(text, i + 1);
      if (i === -1) return;
      if (text[i - 1] !== '/') {
        depth += 1;
        if (depth > maxDepth) throw new XmlInputError('tooDeep', `XML nesting exceeds ${maxDepth} levels`);
      }
    }
    i = text.indexOf('<', i + 1);
  }
}

/** Index of the `>` closing a start tag, skipping quoted attribute values. */
function endOfStartTag(text: string, from: number): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return -1;
}

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses names that could reach an object's prototype if any consumer ever used them as keys. */
export function checkName(qualified: string): void {
  const colon = qualified.indexOf(':');
  const local = colon === -1 ? qualified : qualified.slice(colon + 1);
  if (FORBIDDEN_NAMES.has(local)) throw new XmlInputError('forbiddenName', `Forbidden XML name: ${local}`);
}

const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));|&/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * Decodes the five predefined entities (XML 1.0 §4.6) and character references (§4.1); any other `&`
 * is a well-formedness error since there is no DTD to declare entities (§4.1 WFC: Entity Declared).
 */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (match, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return PREDEFINED[name] ?? match;
    if (hex === undefined && dec === undefined) {
      throw new XmlInputError('malformed', 'Malformed XML: undefined entity reference');
    }
    const cp = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec ?? '', 10);
    if (!isXmlChar(cp)) throw new XmlInputError('malformed', 'Malformed XML: character reference to a non-XML character');
    return String.fromCodePoint(cp);
  });
}
