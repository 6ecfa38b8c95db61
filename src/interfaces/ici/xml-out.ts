/**
 * Writing ICI messages. Answers and events are written as strings, as the seed's examples lay them out (§9): the
 * element names are this module's callers' constants, and every value goes through `esc` (made printable, XML 1.0
 * §2.2, and escaped), so no client- or core-supplied text can add markup. Strings rather than a DOM: a phone call
 * event is written once per change and line and sent to every subscriber, and getAttributes is answered at load.
 */
import { envelopeNamespace, type SoapVersion } from '../../soap/index.js';
import { escapeText } from '../../xml/index.js';
import { XSD_NS, XSI_NS } from './protocol.js';

/** Text content: printable and escaped. */
export const esc = escapeText;

/** A leaf element; `null` is `xsi:nil` (the prefix is declared on every envelope ccgate writes), `''` an empty element. */
export function leaf(name: string, value: string | number | boolean | null): string {
  if (value === null) return `<${name} xsi:nil="true" />`;
  const text = typeof value === 'string' ? esc(value) : String(value);
  return text === '' ? `<${name} />` : `<${name}>${text}</${name}>`;
}

/** ici.TextElement (§10.1) with its id and description. */
export function textElement(name: string, id: string | number, description: string): string {
  return `<${name}><id>${esc(String(id))}</id><description>${esc(description)}</description></${name}>`;
}

/** An array (`ArrayOfString`, `array_ici.TextElement` …): one `item` per entry, already written or strings to escape. */
export function array(name: string, entries: readonly string[], written = false): string {
  if (entries.length === 0) return `<${name} />`;
  let out = `<${name}>`;
  for (const e of entries) out += written ? `<item>${e}</item>` : `<item>${esc(e)}</item>`;
  return `${out}</${name}>`;
}

const HEADS: Record<SoapVersion, string> = {
  '1.1': head('1.1'),
  '1.2': head('1.2'),
};
const TAIL = '</soap:Body></soap:Envelope>';

function head(version: SoapVersion): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${envelopeNamespace(version)}" ` +
    `xmlns:xsi="${XSI_NS}" xmlns:xsd="${XSD_NS}"><soap:Body>`
  );
}

/** A whole envelope around `body`, in the request's SOAP version. */
export function envelope(version: SoapVersion, body: string): string {
  return HEADS[version] + body + TAIL;
}

/** A nil `response` (getAttributes with cmsPing: "Response will be empty … except for the new value cmsHostId"). */
export const NIL = Symbol('nil');

/**
 * §9: `<opResponse xmlns="urn:…"><response>…</response></opResponse>`, children qualified in the bean's namespace
 * (a real installation's WSDL is elementFormDefault="qualified"); `inner` null is the void answer `<response />`.
 * `after` follows `response` (getAttributes' cmsHostId, §9.2.1.3).
 */
export function response(version: SoapVersion, ns: string, operation: string, inner: string | null | typeof NIL, after = ''): string {
  const r = inner === null ? '<response />' : inner === NIL ? '<response xsi:nil="true" />' : `<response>${inner}</response>`;
  return envelope(version, `<${operation}Response xmlns="${ns}">${r}${after}</${operation}Response>`);
}
