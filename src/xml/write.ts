/**
 * Writing XML text. ccgate writes its hot-path messages (QMI events, ICI answers and events, Open Media answers, Cisco
 * QM search pages) as strings around constant element names rather than through a DOM builder, which costs a tenth
 * of a millisecond or more per element tree; the values are the only caller-supplied part, and they all go through
 * this one module. No library fits: xmlbuilder2 (used for the rarer fault envelopes) builds a DOM per document.
 *
 * XML 1.0 §2.2 (Char): the C0 controls other than tab, line feed and carriage return, U+FFFE, U+FFFF and unpaired
 * surrogates cannot be carried even as character references, so they are replaced by U+FFFD. §2.4 and §3.3.3: `&` and
 * `<` must be escaped in text, `>` is escaped too (for `]]>`), and attribute values also escape `"` and `'`.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'g');
const TEXT_SPECIAL = /[&<>]/;
const ATTRIBUTE_SPECIAL = /[&<>"']/;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const entity = (c: string): string => ENTITIES[c] ?? c;

/** Whether `text` holds a character XML 1.0 cannot carry. */
export function hasNonXmlChar(text: string): boolean {
  return NOT_XML_CHAR.test(text);
}

/** `text` with every character XML 1.0 cannot carry replaced by U+FFFD (the Unicode replacement character). */
export function printable(text: string): string {
  return NOT_XML_CHAR.test(text) ? text.replace(NOT_XML_CHARS, '\uFFFD') : text;
}

/** `text` as element content: printable, with `&`, `<` and `>` as entity references. Returns `text` itself when nothing changes. */
export function escapeText(text: string): string {
  const p = printable(text);
  return TEXT_SPECIAL.test(p) ? p.replace(/[&<>]/g, entity) : p;
}

/** `text` as an attribute value (in either quote): printable, with `&`, `<`, `>`, `"` and `'` as entity references. */
export function escapeAttribute(text: string): string {
  const p = printable(text);
  return ATTRIBUTE_SPECIAL.test(p) ? p.replace(/[&<>"']/g, entity) : p;
}
