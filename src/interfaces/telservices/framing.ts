/**
 * TelServices request framing on a TCP connection, as a pure in-memory state machine (no sockets, no timers).
 *
 * Seed "Transport protocol": one request per temporary TCP connection and, by default, no delimiter between protocol
 * data units, so the request ends where its root element ends. An optional end-of-PDU sequence
 * (telserver.TelServices.endOfPDU.sequence) may follow it; when it can never occur inside XML (it holds a
 * non-whitespace character, e.g. "\0") it also ends a request that is not complete XML, so a broken client gets its
 * `reject` at once instead of waiting for the idle timeout. A whitespace-only sequence cannot be told apart from the
 * line breaks the seed allows inside a request, so it only ever follows the root element.
 *
 * The same port serves HTTP: a connection whose first bytes are an HTTP method is handed to the HTTP server.
 *
 * A UTF-8 byte-order mark before the request is dropped, as the HTTP body reader does: .NET's StreamWriter (with
 * Encoding.UTF8) writes one at the start of every stream.
 */

export type FrameResult =
  | { kind: 'more' }
  | { kind: 'request'; body: Buffer }
  | { kind: 'http' }
  | { kind: 'invalid'; reason: 'tooLarge' | 'notXml' };

export interface FramerOptions {
  maxBytes: number;
  /** Decoded end-of-PDU sequence; empty = none. */
  endOfPDU?: Buffer;
}

const HTTP_METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH '].map((m) => Buffer.from(m, 'latin1'));
const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;
const COMMENT = '<!--';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CDATA = '<![CDATA[';

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Decodes the configured sequence: the escapes \r \n \t \0 and \\ (config files cannot hold raw control bytes). */
export function decodeEndOfPdu(setting: string): Buffer {
  const text = setting.replace(/\\([rnt0\\])/g, (_m, c: string) => ({ r: '\r', n: '\n', t: '\t', '0': '\0', '\\': '\\' })[c] ?? c);
  return Buffer.from(text, 'utf8');
}

/** A return or event as sent: the XML, then the end-of-PDU sequence when one is configured. */
export function withEndOfPdu(xml: string, endOfPDU: Buffer): Buffer {
  const body = Buffer.from(xml, 'utf8');
  return endOfPDU.length > 0 ? Buffer.concat([body, endOfPDU]) : body;
}

type Mode = 'prolog' | 'content' | 'done';

/**
 * Feed it the bytes of one connection; it answers as soon as the request is complete, the connection turns out to
 * be HTTP, or the input can never become a request. Scanning resumes where it stopped, so a request split into
 * many small segments costs one pass.
 */
export class RequestFramer {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private depth = 0;
  private mode: Mode = 'prolog';
  private eopSearchFrom = 0;
  /** Bytes received, the byte-order mark included (a client that sent anything gets an answer). */
  private received = 0;
  private bomChecked = false;
  private readonly eop: Buffer;
  private readonly eopEndsAnything: boolean;

  constructor(private readonly opts: FramerOptions) {
    this.eop = opts.endOfPDU ?? Buffer.alloc(0);
    this.eopEndsAnything = this.eop.length > 0 && [...this.eop].some((b) => !isSpace(b));
  }

  /** Bytes received so far (handed to the HTTP server on a protocol switch). */
  get buffered(): Buffer {
    return this.buf;
  }

  get hasData(): boolean {
    return this.received > 0;
  }

  push(chunk: Buffer): FrameResult {
    if (this.mode === 'done') return { kind: 'more' };
    this.received += chunk.length;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (!this.bomChecked) {
      // The mark may arrive split over segments: wait for three bytes (or fewer that are not its start).
      const n = Math.min(BOM.length, this.buf.length);
      if (!this.buf.subarray(0, n).equals(BOM.subarray(0, n))) this.bomChecked = true;
      else if (n < BOM.length) return { kind: 'more' };
      else {
        this.bomChecked = true;
        this.buf = this.buf.subarray(BOM.length);
        if (this.buf.length === 0) return { kind: 'more' };
      }
    }
    if (this.pos === 0 && this.depth === 0 && this.mode === 'prolog') {
      const http = this.detectHttp();
      if (http !== 'no') return http === 'yes' ? this.finish({ kind: 'http' }) : { kind: 'more' };
    }
    if (this.eopEndsAnything) {
      const at = this.buf.indexOf(this.eop, Math.max(0, this.eopSearchFrom));
      this.eopSearchFrom = Math.max(0, this.buf.length - this.eop.length + 1);
      if (at >= 0) {
        // The root may have closed before the sequence: prefer that end so trailing bytes are not part of the XML.
        const scanned = this.scan(at);
        if (scanned.kind !== 'more') return scanned;
        return this.finish({ kind: 'request', body: this.buf.subarray(0, at) });
      }
    }
    const r = this.scan(this.buf.length);
    if (r.kind !== 'more') return r;
    if (this.buf.length > this.opts.maxBytes) return this.finish({ kind: 'invalid', reason: 'tooLarge' });
    return r;
  }

  private finish(r: FrameResult): FrameResult {
    this.mode = 'done';
    return r;
  }

  private detectHttp(): 'yes' | 'no' | 'maybe' {
    for (const m of HTTP_METHODS) {
      const n = Math.min(m.length, this.buf.length);
      if (this.buf.subarray(0, n).equals(m.subarray(0, n))) return n === m.length ? 'yes' : 'maybe';
    }
    return 'no';
  }

  /** Scans [pos, limit): tracks element depth until the root element closes. */
  private scan(limit: number): FrameResult {
    const b = this.buf;
    while (this.pos < limit) {
      const c = b[this.pos] as number;
      if (c !== LT) {
        // Only whitespace may precede the root (seed: no prolog); anything else can never become a request.
        if (this.mode === 'prolog' && !isSpace(c)) return this.finish({ kind: 'invalid', reason: 'notXml' });
        this.pos++;
        continue;
      }
      const end = this.markupEnd(this.pos, limit);
      if (end < 0) return { kind: 'more' };
      const next = b[this.pos + 1];
      const selfClosing = b[end - 1] === SLASH;
      this.pos = end + 1;
      // Declarations, comments, CDATA, PIs and DOCTYPEs do not change depth; the parser refuses what is not allowed.
      if (next === QUESTION || next === BANG) continue;
      if (next === SLASH) {
        this.depth--;
        if (this.depth <= 0) return this.complete(this.pos);
      } else if (selfClosing) {
        if (this.depth === 0) return this.complete(this.pos);
      } else {
        this.depth++;
        this.mode = 'content';
      }
    }
    return { kind: 'more' };
  }

  private complete(end: number): FrameResult {
    return this.finish({ kind: 'request', body: this.buf.subarray(0, end) });
  }

  /** Index of the `>` ending the markup that starts at `from`, or -1 when it is not all here yet. */
  private markupEnd(from: number, limit: number): number {
    const b = this.buf;
    if (from + 1 >= limit) return -1;
    const second = b[from + 1];
    if (second === BANG) {
      // Comments and CDATA may hold '>' and '<': find their own terminators. Wait until the opener is complete.
      if (from + 9 > limit && (COMMENT.startsWith(b.toString('latin1', from, limit)) || CDATA.startsWith(b.toString('latin1', from, limit)))) return -1;
      if (b.toString('latin1', from, from + 4) === COMMENT) return this.indexEnd('-->', from + 4, limit);
      if (b.toString('latin1', from, from + 9) === CDATA) return this.indexEnd(']]>', from + 9, limit);
    } else if (second === QUESTION) {
      return this.indexEnd('?>', from + 2, limit);
    }
    let quote = 0;
    for (let i = from + 1; i < limit; i++) {
      const c = b[i] as number;
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) {
        quote = c;
      } else if (c === GT) {
        return i;
      }
    }
    return -1;
  }

  private indexEnd(terminator: string, from: number, limit: number): number {
    const i = this.buf.subarray(0, limit).indexOf(terminator, from, 'latin1');
    return i < 0 ? -1 : i + terminator.length - 1;
  }
}
