/** One element of a parsed document, namespace-resolved. */
export interface XmlElement {
  /** Local name, prefix stripped. */
  name: string;
  /** Prefix as written, '' when none. */
  prefix: string;
  /** Namespace URI resolved from the in-scope xmlns declarations, '' when none. */
  ns: string;
  /** Attribute values keyed by local name; a null-prototype object, so no key can reach Object.prototype. */
  attributes: Record<string, string>;
  /** Element children in document order. */
  children: XmlElement[];
  /** Direct character data (text and CDATA) concatenated in order, entity-decoded, untrimmed. */
  text: string;
}

export type XmlInputReason =
  | 'tooLarge'
  | 'doctype'
  | 'processingInstruction'
  | 'malformed'
  | 'tooDeep'
  | 'encoding'
  | 'forbiddenName'
  | 'empty';

export interface XmlLimits {
  /** Largest accepted input in bytes (default 256 KiB). */
  maxBytes?: number;
  /** Deepest accepted element nesting, the root counting as 1 (default 64). */
  maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 256 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

/** Input refused before or while parsing; `message` is safe to show a client (no internals). */
export class XmlInputError extends Error {
  readonly reason: XmlInputReason;

  constructor(reason: XmlInputReason, message: string) {
    super(message);
    this.name = 'XmlInputError';
    this.reason = reason;
  }
}
