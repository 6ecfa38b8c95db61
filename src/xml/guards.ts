import { XmlInputError } from './types.js';

// Checks that run on the decoded text before the parser sees it, and the name check every element and attribute passes.

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

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses names that could reach an object's prototype if any consumer ever used them as keys. */
export function checkName(qualified: string): void {
  const colon = qualified.indexOf(':');
  const local = colon === -1 ? qualified : qualified.slice(colon + 1);
  if (FORBIDDEN_NAMES.has(local)) throw new XmlInputError('forbiddenName', `Forbidden XML name: ${local}`);
}
