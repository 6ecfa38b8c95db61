/**
 * Content codings a SOAP client may apply to its request (RFC 9110 §8.4): gzip and deflate (WCF and .NET clients
 * with compression on, Java stacks behind proxies) are decoded; anything else is refused with 415 and an
 * Accept-Encoding naming what is understood (RFC 9110 §12.5.3, §15.5.16).
 *
 * The byte cap applies to the inflated size: zlib's `maxOutputLength` stops inflating as soon as the output passes it,
 * so a zip bomb costs at most the cap (plus one zlib chunk) in memory and the time to inflate that much. Inflating
 * synchronously is fine here: the input is already capped at the same size and inflation runs at hundreds of MB/s.
 */
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { contentCodings } from '../net/content-coding.js';
import { SoapFault } from './fault.js';
import type { SoapVersion } from './version.js';

export const ACCEPTED_CONTENT_CODINGS = 'gzip, deflate';

function fault(reason: string, version: SoapVersion, reasonCode: string, extra: { httpStatus?: number; responseHeaders?: Record<string, string> } = {}): SoapFault {
  return new SoapFault({ code: 'Client', reason, version, kind: 'request', reasonCode, ...extra });
}

function isTooLarge(err: unknown): boolean {
  return err instanceof RangeError || (err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function inflateOne(coding: string, input: Buffer, maxBytes: number, version: SoapVersion): Buffer {
  const limits = { maxOutputLength: maxBytes };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(input, limits);
    try {
      return inflateSync(input, limits);
    } catch (err) {
      if (isTooLarge(err)) throw err;
      // RFC 9110 §8.4.1.2: "deflate" is the zlib format, but some clients send a raw DEFLATE stream (RFC 1951).
      return inflateRawSync(input, limits);
    }
  } catch (err) {
    if (isTooLarge(err)) throw fault(`Request exceeds ${maxBytes} bytes`, version, 'tooLarge');
    throw fault(`Request body is not valid ${coding} data`, version, 'contentCoding');
  }
}

/**
 * The request body with its content codings removed, in the reverse of the order they were applied. `identity` (or
 * no header) returns `body` itself. Throws a Client SoapFault of kind `request`: 415 with `accept-encoding` for an
 * unsupported coding, `tooLarge` when the decoded body passes `maxBytes`, `contentCoding` for corrupt data.
 */
export function decodeContentCoding(body: Buffer, header: string | string[] | undefined, maxBytes: number, version: SoapVersion): Buffer {
  const codings = contentCodings(header);
  let out = body;
  for (const coding of codings.reverse()) {
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate') {
      throw fault(`Content-Encoding ${coding.slice(0, 40)} is not supported (use ${ACCEPTED_CONTENT_CODINGS} or none)`, version, 'unsupportedCoding', {
        httpStatus: 415,
        responseHeaders: { 'accept-encoding': ACCEPTED_CONTENT_CODINGS },
      });
    }
    out = inflateOne(coding, out, maxBytes, version);
  }
  return out;
}
