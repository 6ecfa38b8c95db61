/** Parsing of a subscriber's callback URL: what is sent on the wire versus what may appear in logs and health. */

export interface HttpTarget {
  /** scheme://host:port, without userinfo: what the undici agent dials. */
  origin: string;
  /** path + query. */
  path: string;
  /** Basic credentials from the URL's userinfo, if any (browsers and SAP accept http://user:pw@host callbacks). */
  authorization: string | null;
  /** The URL with userinfo removed: the only form that is logged or reported. */
  display: string;
}

export function parseHttpTarget(url: string): HttpTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The message would echo the URL, credentials included; say only what is wrong.
    throw new TypeError('subscriber url is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`subscriber url must be http or https, got ${parsed.protocol}`);
  }
  const authorization =
    parsed.username || parsed.password
      ? 'Basic ' +
        Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')
      : null;
  return {
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    authorization,
    display: redactUrl(url),
  };
}

/** Removes userinfo from any URL-looking string; unparseable input is replaced, never echoed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Display form of a UDP destination; IPv6 literals get brackets as in URLs. */
export function udpTarget(host: string, port: number): string {
  return host.includes(':') ? `udp://[${host}]:${port}` : `udp://${host}:${port}`;
}
