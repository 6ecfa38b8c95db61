/**
 * The content codings a request's body carries (RFC 9110 §8.4: `Content-Encoding` lists them in the order they were
 * applied), `identity` and empty entries left out, lower-cased. Every endpoint that reads a body decides from this what
 * it can decode: the SOAP toolkit inflates gzip and deflate, TelServices and the Open Media REST twin read bodies only
 * as sent. Takes the header as Node gives it (a string, or a list when repeated); returns [] when there is none.
 */
export function contentCodings(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined) return [];
  return value
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}
