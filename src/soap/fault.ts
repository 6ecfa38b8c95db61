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

export interface SoapFaultInit {
  code: SoapFaultCode;
  /** Human-readable, shown to the client: never an internal message or stack. */
  reason: string;
  /** Fills the fault's detail element (1.1 `detail`, 1.2 `Detail`). */
  detail?: (parent: XMLBuilder) => void;
  /** HTTP status of the fault response; default 500, or 400 for a SOAP 1.2 Sender fault (SOAP 1.2 Part 2 §7.5.2.2). */
  httpStatus?: number;
  /** The version of the request, when the fault was raised before the request's version was known to the caller. */
  version?: SoapVersion;
}

/** A fault to answer with; rendered in the request's SOAP version by buildFault. */
export class SoapFault extends Error {
  readonly code: SoapFaultCode;
  readonly reason: string;
  readonly detail: ((parent: XMLBuilder) => void) | undefined;
  readonly httpStatus: number | undefined;
  readonly version: SoapVersion | undefined;

  constructor(init: SoapFaultInit) {
    super(init.reason);
    this.name = 'SoapFault';
    this.code = init.code;
    this.reason = init.reason;
    this.detail = init.detail;
    this.httpStatus = init.httpStatus;
    this.version = init.version;
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
