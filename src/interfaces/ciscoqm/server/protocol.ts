/**
 * The QM Server API's names (seed 001, "Data Model" and "API Operations"): SOAP 1.2 over HTTP POST at
 * `/serverapi/api`, every message body one element of the schema in `http://www.calabrio.com/qm/serverapi/schema`,
 * dispatched by that element (the SOAP action is not read), responses without a header; failures are SOAP faults.
 */
import { envelopeNamespace, SoapFault, type SoapOperation, type SoapVersion } from '../../../soap/index.js';
import { child, children, escapeText, type XmlElement } from '../../../xml/index.js';
import { isCalendarDate } from '../metadata.js';

export const QM_NS = 'http://www.calabrio.com/qm/serverapi/schema';
export const SERVER_API_PATH = '/serverapi/api';
/** Seed 001 "Downloading the Exported Recording": plain GET, `?id=<export id>`. */
export const RETRIEVE_PATH = '/serverapi/retrieve';

export const OPERATIONS = ['search', 'exportRecording', 'exportProgress', 'deleteRecording', 'editMetadata'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The request element of each operation (the "Export Progress" operation's is `exportProgressRequest`). */
export const QM_OPERATIONS: readonly SoapOperation<Operation>[] = [
  { name: 'search', elements: ['search'], ns: QM_NS },
  { name: 'exportRecording', elements: ['exportRecording'], ns: QM_NS },
  { name: 'exportProgress', elements: ['exportProgressRequest'], ns: QM_NS },
  { name: 'deleteRecording', elements: ['deleteRecording'], ns: QM_NS },
  { name: 'editMetadata', elements: ['editMetadata'], ns: QM_NS },
];

/** Longest client value quoted in a fault reason: a 100 KB id is named by its first characters only. */
const MAX_ECHO = 64;

/** `text` as quoted in a fault reason, cut to {@link MAX_ECHO} characters with an ellipsis. */
export function clip(text: string): string {
  return text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO)}…`;
}

/** A Sender fault: the request cannot be served as it is (Part 2 §7.5.2.2: HTTP 400). */
export function senderFault(reason: string): SoapFault {
  return new SoapFault({ code: 'Sender', reason });
}

/** What precedes the answer element: the envelope without a header (seed 001 "SOAP Header"), in each version. */
const HEAD: Readonly<Record<SoapVersion, string>> = {
  '1.1': head('1.1'),
  '1.2': head('1.2'),
};
const TAIL = '</soap:Body></soap:Envelope>';

function head(version: SoapVersion): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${envelopeNamespace(version)}"><soap:Body>`;
}

/**
 * The response envelope around one element `name` in the API namespace as default namespace, holding `content`
 * (written by {@link leaf}; '' writes the empty element `<name xmlns="…"/>`).
 *
 * Written as a string, not through xmlbuilder2: a search page is a hundred ccr elements of eleven leaves, and the DOM
 * builder cost 15-20 ms per page (issue 11 aims at a page under 20 ms). The bytes are those xmlbuilder2 wrote (the
 * `UTF-8` declaration, `soap` prefix, self-closed empty answer); element names are constants, values go through
 * {@link leaf}.
 */
export function response(version: SoapVersion, name: string, content: string): string {
  const element = content === '' ? `<${name} xmlns="${QM_NS}"/>` : `<${name} xmlns="${QM_NS}">${content}</${name}>`;
  return HEAD[version] + element + TAIL;
}

/**
 * `<name>text</name>` in the API namespace (inside an answer element, whose default namespace it is). Text is
 * escaped by the one XML text writer (src/xml escapeText: `&`, `<`, `>`; characters XML 1.0 cannot carry become
 * U+FFFD, so a stored value never makes the answer ill-formed).
 */
export function leaf(name: string, text: string | number | boolean): string {
  return `<${name}>${typeof text === 'string' ? escapeText(text) : String(text)}</${name}>`;
}

/**
 * The one child `name` of a request element, or a fault when it repeats (seed 001: "Only the metadata element can
 * appear more than once"); `required` faults when it is absent or empty.
 */
export function single(el: XmlElement, names: readonly string[], required: boolean): string | undefined {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const found = el.children.filter((c) => wanted.has(c.name.toLowerCase()));
  if (found.length > 1) throw senderFault(`${names[0]} appears more than once`);
  const text = found[0]?.text.trim();
  if (required && (text === undefined || text === '')) throw senderFault(`${names[0]} is required`);
  return text === '' ? undefined : text;
}

/** A ccr id: `ccrId`, or `ccrid` as the seed's examples spell it (a positive whole number). */
export function ccrIdOf(el: XmlElement): number {
  const text = single(el, ['ccrId', 'ccrid'], true) ?? '';
  return positiveId(text, 'ccrId');
}

export function positiveId(text: string, what: string): number {
  if (!/^[0-9]{1,15}$/.test(text) || Number(text) < 1) throw senderFault(`${what} must be a positive whole number`);
  return Number(text);
}

/** The `metadata` children (`key`, `data`), in order. */
export function metadataItems(el: XmlElement): { key: string; data: string }[] {
  return children(el, 'metadata').map((m) => ({ key: child(m, 'key')?.text.trim() ?? '', data: child(m, 'data')?.text ?? '' }));
}

/**
 * xs:dateTime (XML Schema Part 2 §3.2.7; with or without a zone: without one it is UTC, as the seed's examples always
 * give +00:00) → ms. Every field must be in range: 2026-02-30, hour 24 or a +15:00 zone is a Sender fault, never rolled
 * over into another instant as Date.parse would.
 */
export function dateTime(text: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))?$/.exec(text);
  const n = (i: number): number => Number(m?.[i] ?? 0);
  const valid = m !== null && isCalendarDate(n(1), n(2), n(3)) && n(4) <= 23 && n(5) <= 59 && n(6) <= 59 && n(9) * 60 + n(10) <= 14 * 60 && n(10) <= 59;
  const ms = valid ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}${m[8] ?? 'Z'}`) : NaN;
  if (Number.isNaN(ms)) throw senderFault(`${what} is not an xs:dateTime (yyyy-mm-ddThh:mm:ss, optionally a zone): ${clip(text)}`);
  return ms;
}

/** ms → xs:dateTime as the seed writes it: `2008-05-01T20:04:01+00:00`. */
export function writeDateTime(ms: number): string {
  // toISOString always ends in `.sssZ`.
  return `${new Date(ms).toISOString().slice(0, -5)}+00:00`;
}
