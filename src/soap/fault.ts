import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { SoapVersion } from './version.js';

/** A fault code in SOAP 1.1 terms (`Client`, `Server`, `Client.Auth`...) or 1.2 terms (`Sender`, `Receiver`...). */
export type SoapFaultCode =
  | 'Client'
  | 'Server'
  | 'Sender'
  | 'Receiver'
  | 'VersionMismatch'
  | 'MustUnderstand'
  | 'DataEncodingUnknown'
  | (string & {});

/**
 * Where a fault comes from, so an interface's fault hook can word each kind its own way:
 * - `request`: the request could not be read (transport, content coding, encoding, XML, size, element count,
 *   not an Envelope, no Body) — QMI answers these "Parsing error";
 * - `dispatch`: SOAPAction/`action` or the Body element names no operation, or they disagree;
 * - `mustUnderstand`: a header block marked mustUnderstand that the endpoint does not understand;
 * - `internal`: an unexpected exception, shown only as a correlation id;
 * - `application`: raised or mapped by the interface itself.
 */
export type SoapFaultKind = 'request' | 'dispatch' | 'mustUnderstand' | 'internal' | 'application';

/** A qualified name with the prefix to write it with; the prefix is declared where it is used. */
export interface QName {
  ns: string;
  local: string;
  prefix: string;
}

export interface SoapFaultInit {
  code: SoapFaultCode;
  /**
   * SOAP 1.2 Part 1 §5.4.6.1 `Subcode/Value`. In SOAP 1.1, which has no subcodes, it is written as the `faultcode`
   * itself, as WCF does (`a:ActionNotSupported`, `a:DeserializationFailed`); its prefix is declared on that element.
   */
  subcode?: QName;
  /** Human-readable, shown to the client: never an internal message or stack. */
  reason: string;
  /** `xml:lang` of the reason: SOAP 1.2 `Text` always carries one (default `en`); in 1.1 it is written only if set. */
  lang?: string;
  /** Fills the fault's detail element (1.1 `detail`, 1.2 `Detail`); without it none is written. */
  detail?: (parent: XMLBuilder) => void;
  /** Header blocks of the fault message (SOAP 1.2 Part 1 §5.4.8 `NotUnderstood`). */
  header?: (header: XMLBuilder) => void;
  /** Body entries written before the Fault (SOAP 1.1 §4.4 allows them; QMI 1.2 pairs `Response/Success 0` with it). */
  bodyEntries?: (body: XMLBuilder) => void;
  /** prefix → namespace URI declared on the Envelope, for elements that `detail`, `header` or `bodyEntries` write. */
  namespaces?: Readonly<Record<string, string>>;
  /**
   * HTTP status for a SOAP 1.1 answer (default 500, SOAP 1.1 §6.2; ICI answers its SoapException with 200). SOAP 1.2
   * statuses are fixed by Part 2 §7.5.2.2 (Sender 400, any other 500) and this is ignored, except a transport
   * refusal the toolkit itself raises (415, unsupported content coding).
   */
  httpStatus?: number;
  /** HTTP response headers to add (e.g. `accept-encoding` with a 415). */
  responseHeaders?: Readonly<Record<string, string>>;
  /** The version of the request, when the fault was raised before the request's version was known to the caller. */
  version?: SoapVersion;
  /** Default `application`. */
  kind?: SoapFaultKind;
  /** A stable machine-readable reason within the kind (`tooLarge`, `unknownAction`, `mismatch`…), for hooks and logs. */
  reasonCode?: string;
}

/** A fault to answer with; rendered in the request's SOAP version by buildFault. Immutable: change it with `with`. */
export class SoapFault extends Error {
  readonly code: SoapFaultCode;
  readonly subcode: QName | undefined;
  readonly reason: string;
  readonly lang: string | undefined;
  readonly detail: ((parent: XMLBuilder) => void) | undefined;
  readonly header: ((header: XMLBuilder) => void) | undefined;
  readonly bodyEntries: ((body: XMLBuilder) => void) | undefined;
  readonly namespaces: Readonly<Record<string, string>> | undefined;
  readonly httpStatus: number | undefined;
  readonly responseHeaders: Readonly<Record<string, string>> | undefined;
  readonly version: SoapVersion | undefined;
  readonly kind: SoapFaultKind;
  readonly reasonCode: string | undefined;

  constructor(init: SoapFaultInit) {
    super(init.reason);
    this.name = 'SoapFault';
    this.code = init.code;
    this.subcode = init.subcode;
    this.reason = init.reason;
    this.lang = init.lang;
    this.detail = init.detail;
    this.header = init.header;
    this.bodyEntries = init.bodyEntries;
    this.namespaces = init.namespaces;
    this.httpStatus = init.httpStatus;
    this.responseHeaders = init.responseHeaders;
    this.version = init.version;
    this.kind = init.kind ?? 'application';
    this.reasonCode = init.reasonCode;
  }

  /** The init this fault was built from. */
  toInit(): SoapFaultInit {
    const init: SoapFaultInit = { code: this.code, reason: this.reason, kind: this.kind };
    for (const key of ['subcode', 'lang', 'detail', 'header', 'bodyEntries', 'namespaces', 'httpStatus', 'responseHeaders', 'version', 'reasonCode'] as const) {
      if (this[key] !== undefined) Object.assign(init, { [key]: this[key] });
    }
    return init;
  }

  /** A copy with `changes` applied (keys set to `undefined` are removed). */
  with(changes: Partial<SoapFaultInit>): SoapFault {
    return new SoapFault({ ...this.toInit(), ...changes });
  }
}

// SOAP 1.1 §4.4.1 defines four codes, extensible with dotted suffixes; SOAP 1.2 Part 1 §5.4.6 defines five and
// allows nothing else in Code/Value. Client and Sender (Server and Receiver) are the same fault in each version.
const SOAP11_CODES: ReadonlySet<string> = new Set(['VersionMismatch', 'MustUnderstand', 'Client', 'Server']);
const SOAP12_CODES: ReadonlySet<string> = new Set([
  'VersionMismatch',
  'MustUnderstand',
  'DataEncodingUnknown',
  'Sender',
  'Receiver',
]);
const TO_11: Readonly<Record<string, string>> = { Sender: 'Client', Receiver: 'Server', DataEncodingUnknown: 'Client' };
const TO_12: Readonly<Record<string, string>> = { Client: 'Sender', Server: 'Receiver' };
const SUFFIX = /^[A-Za-z0-9_.-]+$/;

/** Local part of the fault code for a version (to be prefixed with the envelope prefix). Unknown codes become Server/Receiver. */
export function faultCodeFor(version: SoapVersion, code: string): string {
  const dot = code.indexOf('.');
  const base = dot === -1 ? code : code.slice(0, dot);
  if (version === '1.2') {
    const mapped = TO_12[base] ?? base;
    // 1.2 has no dotted codes; the suffix cannot be expressed in Code/Value and is dropped.
    return SOAP12_CODES.has(mapped) ? mapped : 'Receiver';
  }
  const mapped = TO_11[base] ?? base;
  if (!SOAP11_CODES.has(mapped)) return 'Server';
  const suffix = dot === -1 ? '' : code.slice(dot + 1);
  return suffix !== '' && SUFFIX.test(suffix) ? `${mapped}.${suffix}` : mapped;
}

/** Statuses the toolkit raises for the transport itself, kept in both versions. */
const TRANSPORT_STATUSES: ReadonlySet<number> = new Set([413, 415]);

/**
 * The HTTP status of a fault answer. SOAP 1.1 §6.2: 500, unless the interface set another (ICI answers 200). SOAP 1.2
 * Part 2 §7.5.2.2: a Sender fault (the request was wrong) is 400, every other fault 500, whatever the interface set.
 */
export function faultHttpStatus(version: SoapVersion, fault: SoapFault): number {
  if (fault.httpStatus !== undefined && TRANSPORT_STATUSES.has(fault.httpStatus)) return fault.httpStatus;
  if (version === '1.2') return faultCodeFor('1.2', fault.code) === 'Sender' ? 400 : 500;
  return fault.httpStatus ?? 500;
}
