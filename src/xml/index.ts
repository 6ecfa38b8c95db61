/**
 * The generic hardened XML reader (not SOAP-specific: TelServices reads its element-only XML through it too) and the
 * tolerant lookups every interface uses on its result.
 */
export { decodeXmlBytes, detectEncoding, type XmlEncoding } from './encoding.js';
export { attributeIn, child, children, isNil, path, textOf, XSI_NAMESPACES } from './lookup.js';
export { parseXml, parseXmlText } from './parse.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ELEMENTS,
  XmlInputError,
  type XmlAttribute,
  type XmlElement,
  type XmlInputReason,
  type XmlLimits,
  type XmlReadOptions,
} from './types.js';
export { escapeAttribute, escapeText, hasNonXmlChar, printable } from './write.js';
