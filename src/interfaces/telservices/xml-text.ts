/**
 * Text an XML 1.0 document can carry (XML 1.0 §2.2 Char): every character except the C0 controls other than tab,
 * line feed and carriage return, U+FFFE, U+FFFF and unpaired surrogates. None of these can be written even as a
 * character reference, so a value holding one is refused where it comes in and replaced where it goes out.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'g');

/** Whether `text` holds a character XML 1.0 cannot carry. */
export function hasNonXmlChar(text: string): boolean {
  return NOT_XML_CHAR.test(text);
}

/** `text` with every character XML 1.0 cannot carry replaced by U+FFFD (the Unicode replacement character). */
export function xmlSafe(text: string): string {
  return NOT_XML_CHAR.test(text) ? text.replace(NOT_XML_CHARS, '\uFFFD') : text;
}
