export type SoapVersion = '1.1' | '1.2';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** Namespace URI of the Envelope of a version. */
export function envelopeNamespace(version: SoapVersion): string {
  return version === '1.2' ? SOAP12_NS : SOAP11_NS;
}

/** SOAP 1.1 §6.1 uses text/xml; SOAP 1.2 Part 2 §7.1.4 uses application/soap+xml. */
export function contentTypeFor(version: SoapVersion): string {
  return version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
}

/** The version a Content-Type implies, `undefined` when it implies none (application/xml, missing...). */
export function soapVersionFromContentType(contentType: string | undefined): SoapVersion | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  let media = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  // Once per request or more: the usual spellings are matched before anything is allocated for the others.
  if (media !== 'text/xml' && media !== 'application/soap+xml') media = media.trim().toLowerCase();
  if (media === 'application/soap+xml') return '1.2';
  if (media === 'text/xml') return '1.1';
  return undefined;
}

/** The version whose Envelope namespace appears in raw bytes: a best guess for input too broken to parse. */
export function sniffSoapVersion(input: Buffer | string): SoapVersion | undefined {
  const has11 = input.includes(SOAP11_NS);
  const has12 = input.includes(SOAP12_NS);
  if (has12 && !has11) return '1.2';
  if (has11 && !has12) return '1.1';
  return undefined;
}

/** The action a request names, as the platforms see it before matching. */
export interface RequestAction {
  /**
   * The value as received: the SOAPAction header with one pair of surrounding double quotes removed (SOAP 1.1 §6.1.1
   * quotes it; ASP.NET strips exactly that and quotes the rest back in its fault), or the content type's `action`
   * parameter unquoted (SOAP 1.2 Part 2 §7.1.4, RFC 3902).
   */
  raw: string;
  /** For matching: `raw` trimmed, one pair of surrounding single quotes removed, percent-escapes decoded. */
  key: string;
  source: 'SOAPAction' | 'action';
}

function stripDoubleQuotes(value: string): string {
  const v = value.trim();
  if (v.length < 2 || !v.startsWith('"') || !v.endsWith('"')) return v;
  const inner = v.slice(1, -1);
  return inner.includes('\\') ? inner.replace(/\\(.)/g, '$1') : inner;
}

/**
 * The form an action is matched in, whatever the client's quoting: `"a"`, `'a'` and `a` are the same action (a
 * single-quoted action naming another operation must not slip past the check as something unknown and harmless), and
 * ASP.NET URL-decodes the value before looking it up.
 */
export function actionKey(value: string): string {
  let v = stripDoubleQuotes(value);
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).trim();
  if (v.includes('%')) {
    try {
      v = decodeURIComponent(v);
    } catch {
      // Not valid percent-encoding: matched as written.
    }
  }
  return v;
}

const ACTION_PARAM = /;\s*action\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/i;

/**
 * The action a request names: the SOAPAction header (SOAP 1.1 §6.1.1; `""` means "the Request-URI", i.e. none),
 * else the `action` parameter of the content type (SOAP 1.2 Part 2 §7.1.4; a SOAP 1.2 client, e.g. one generated from
 * an .asmx WSDL's SOAP 1.2 port, sends no SOAPAction header). `undefined` when neither names one.
 */
export function requestAction(headers: { soapaction?: string | string[]; 'content-type'?: string }): RequestAction | undefined {
  const header = Array.isArray(headers.soapaction) ? headers.soapaction[0] : headers.soapaction;
  if (header !== undefined) {
    const raw = stripDoubleQuotes(header);
    const key = actionKey(raw);
    if (key !== '') return { raw, key, source: 'SOAPAction' };
  }
  const match = ACTION_PARAM.exec(headers['content-type'] ?? '');
  if (match === null) return undefined;
  const raw = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '');
  const key = actionKey(raw);
  return key === '' ? undefined : { raw, key, source: 'action' };
}

/** `requestAction(headers)?.raw`: the action as the client sent it, unquoted. */
export function soapActionOf(headers: { soapaction?: string | string[]; 'content-type'?: string }): string | undefined {
  return requestAction(headers)?.raw;
}

/** The `charset` parameter of a Content-Type, unquoted; undefined when absent. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1];
}
