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
  const media = contentType?.split(';', 1)[0]?.trim().toLowerCase();
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

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

const ACTION_PARAM = /;\s*action\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/i;

/**
 * The action a request names: the SOAPAction header (SOAP 1.1 §6.1.1, quotes stripped; `""` names none),
 * else the `action` parameter of application/soap+xml (SOAP 1.2 Part 2 §7.1.4, RFC 3902).
 */
export function soapActionOf(headers: {
  soapaction?: string | string[];
  'content-type'?: string;
}): string | undefined {
  const raw = Array.isArray(headers.soapaction) ? headers.soapaction[0] : headers.soapaction;
  if (raw !== undefined) {
    const action = unquote(raw);
    if (action !== '') return action;
  }
  const match = ACTION_PARAM.exec(headers['content-type'] ?? '');
  if (match === null) return undefined;
  const action = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '');
  return action === '' ? undefined : action;
}
