import { XmlInputError } from './types.js';

/**
 * Bytes → text for an XML document. XML 1.0 §4.3.3: "All XML processors MUST be able to read entities in both the
 * UTF-8 and UTF-16 encodings", and Appendix F tells them apart from the first bytes. So, in order:
 *   1. a byte-order mark (EF BB BF, FF FE, FE FF) decides and is dropped;
 *   2. otherwise the first character, which in a document is `<` or white space: `3C 00`/`20 00`… is UTF-16LE,
 *      `00 3C`/`00 20`… UTF-16BE (a NUL can never start UTF-8 XML), anything else UTF-8;
 *   3. the Content-Type charset (RFC 7303 §3.2) is consulted only when the first bytes say nothing (e.g. text
 *      before the root); `utf-16` without a BOM is then big-endian (RFC 2781 §4.3).
 * The encoding declaration inside the document is not needed: after these steps it can only confirm.
 * Every decoder is fatal: malformed bytes are refused, never replaced.
 */
export type XmlEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// The first character of a well-formed document: `<` or XML 1.0 §2.3 S (space, tab, CR, LF).
function isStartChar(byte: number | undefined): boolean {
  return byte === 0x3c || byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}

function fromCharset(charset: string | undefined): XmlEncoding | undefined {
  const c = charset?.trim().replace(/^"|"$/g, '').toLowerCase();
  if (c === 'utf-16le') return 'utf-16le';
  if (c === 'utf-16be' || c === 'utf-16' || c === 'ucs-2') return 'utf-16be';
  return undefined;
}

/** The encoding of `bytes` and the length of its byte-order mark, per the order above. */
export function detectEncoding(bytes: Uint8Array, charset?: string): { encoding: XmlEncoding; bom: number } {
  const [b0, b1, b2] = [bytes[0], bytes[1], bytes[2]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (isStartChar(b0) && b1 === 0x00) return { encoding: 'utf-16le', bom: 0 };
  if (b0 === 0x00 && isStartChar(b1)) return { encoding: 'utf-16be', bom: 0 };
  if (isStartChar(b0)) return { encoding: 'utf-8', bom: 0 };
  return { encoding: fromCharset(charset) ?? 'utf-8', bom: 0 };
}

function decodeUtf16(bytes: Uint8Array, bigEndian: boolean): string {
  if (bytes.byteLength % 2 !== 0) throw new XmlInputError('encoding', 'Request is not valid UTF-16');
  let source = bytes;
  if (bigEndian) {
    // Node's TextDecoder reads UTF-16LE everywhere (utf-16be needs full ICU): swap a copy instead.
    const copy = Buffer.from(bytes);
    copy.swap16();
    source = copy;
  }
  try {
    return utf16le.decode(source);
  } catch {
    throw new XmlInputError('encoding', 'Request is not valid UTF-16');
  }
}

/** The encodings this reader decodes, by the names documents and Content-Types give them; US-ASCII is UTF-8's first 128. */
export const READABLE_ENCODING = /^(?:utf-?8|utf-?16(?:le|be)?|ucs-2|us-ascii|ascii)$/i;

/**
 * The refusal of a document in an encoding this reader does not decode (XML 1.0 §4.3.3 requires only UTF-8 and
 * UTF-16): the client is told the encoding it used is not supported, not that its bytes are not UTF-8.
 */
export function unsupportedEncoding(declared: string): XmlInputError {
  return new XmlInputError('encoding', `encoding not supported: ${declared.slice(0, 40).toUpperCase()} (send UTF-8 or UTF-16)`);
}

const DECLARED = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']/;

/** Bytes that did not decode: named by the encoding the document or its Content-Type declares, if another one. */
function undecodable(bytes: Uint8Array, charset: string | undefined, message: string): XmlInputError {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(200, bytes.byteLength)).toString('latin1');
  const declared = DECLARED.exec(head)?.[1] ?? charset?.trim().replace(/^"|"$/g, '');
  return declared !== undefined && declared !== '' && !READABLE_ENCODING.test(declared) ? unsupportedEncoding(declared) : new XmlInputError('encoding', message);
}

/**
 * Decodes a request body, refusing oversized (checked on the bytes received, before any work), malformed and empty
 * input. A string is taken as already decoded (one leading BOM dropped, lone surrogates refused).
 */
export function decodeXmlBytes(input: Buffer | string, maxBytes: number, charset?: string): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) throw new XmlInputError('tooLarge', `Request exceeds ${maxBytes} bytes`);
  let text: string;
  if (typeof input === 'string') {
    if (LONE_SURROGATE.test(input)) throw new XmlInputError('encoding', 'Request is not valid UTF-8');
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    const { encoding, bom } = detectEncoding(input, charset);
    const bytes = bom === 0 ? input : input.subarray(bom);
    if (encoding === 'utf-8') {
      try {
        text = utf8.decode(bytes);
      } catch {
        throw undecodable(bytes, charset, 'Request is not valid UTF-8');
      }
    } else {
      try {
        text = decodeUtf16(bytes, encoding === 'utf-16be');
      } catch (err) {
        throw err instanceof XmlInputError ? undecodable(bytes, charset, err.message) : err;
      }
    }
  }
  if (text.trim() === '') throw new XmlInputError('empty', 'Request body is empty');
  return text;
}
