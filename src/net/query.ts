/**
 * A URL's query string decoded strictly: RFC 3986 percent-encoding of UTF-8, `+` a space (the
 * application/x-www-form-urlencoded rule, WHATWG URL §5.1). Fastify's own query parser keeps an escape that is not
 * UTF-8 (`%FF`, an encoded surrogate `%ED%A0%80`) as literal text; a value read that way would be stored as
 * something the client never meant, so callers refuse it instead, each in its protocol.
 */

/** A query parameter (its key, or its name when the key itself is the problem) that is not percent-encoded UTF-8. */
export class QueryEncodingError extends Error {
  constructor(readonly parameter: string) {
    super(`query parameter ${parameter}: not valid percent-encoded UTF-8`);
    this.name = 'QueryEncodingError';
  }
}

/**
 * The parameters of `url`'s query (the part after the first `?`), each decoded strictly; a repeated parameter gives a
 * list in order. The result has no prototype: `__proto__=1` is a parameter named "__proto__".
 * @throws QueryEncodingError naming the first parameter whose key or value does not decode.
 */
export function decodeQuery(url: string): Record<string, string | string[]> {
  const q = url.indexOf('?');
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  if (q < 0) return out;
  for (const pair of url.slice(q + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [rawKey, rawValue] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const key = decodeComponent(rawKey, JSON.stringify(rawKey));
    const value = decodeComponent(rawValue, key);
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function decodeComponent(s: string, what: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new QueryEncodingError(what);
  }
}
