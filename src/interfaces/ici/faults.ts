/**
 * ICI's faults (seed 002 §1.2): "a standard SOAP 1.1 fault message is returned. The detail element contains an ICI
 * SoapException", written as the seed's example writes it: `detail/ns1:IciErrorCodes` (ns1 = urn:IciEventInterface)
 * with areaCode, errorCode, errorText and errorRetry, answered with HTTP 200. The seed gives one code (area 5, error 2,
 * "Other characters than +1234567890 in phone number") and no table; ccgate's table is below, one row per core error
 * code (a test fails when a code has none) plus ICI's own failures, documented in README "ICI error codes".
 * ICI builds no envelope: it supplies its table and the detail through the toolkit's fault hooks.
 */
import { CORE_ERRORS, isCoreError, type CoreErrorCode } from '../../core/index.js';
import { printable, SoapFault, type SoapFaultHooks, type XMLBuilder } from '../../soap/index.js';
import { EVENT_NS } from './protocol.js';

export interface IciErrorCodes {
  areaCode: number;
  errorCode: number;
  errorText: string;
  /** Whether the same request may succeed later (a component down, a limit, a busy destination). */
  errorRetry: boolean;
}

/** Areas: 1 request, 2 user, 3 item, 4 contact center (components, limits, OII state), 5 telephony. */
const code = (areaCode: number, errorCode: number, errorText: string, errorRetry = false): IciErrorCodes => ({ areaCode, errorCode, errorText, errorRetry });

/** Every core failure in ICI terms. */
export const CORE_TO_ICI: Readonly<Record<CoreErrorCode, IciErrorCodes>> = {
  invalidArgument: code(1, 1, 'A parameter is missing or invalid'),
  unknownAgent: code(2, 1, 'Unknown user'),
  agentLoggedOff: code(2, 2, 'The user is logged off'),
  unknownItem: code(3, 1, 'Unknown item'),
  itemTerminated: code(3, 3, 'The item has ended'),
  pbxLinkDown: code(4, 1, 'The PBX link is out of service', true),
  routerDown: code(4, 2, 'The router is not available', true),
  agentServerDown: code(4, 3, 'The agent server is not available (contact center paused)', true),
  callDispatcherDown: code(4, 4, 'The call dispatcher is not available', true),
  limitExceeded: code(4, 5, 'A configured limit was reached', true),
  destinationUnknown: code(5, 1, 'The number cannot be reached'),
  unknownCall: code(5, 3, 'Unknown call'),
  callGone: code(5, 4, 'The call has ended'),
  noCall: code(5, 5, 'No call in the state the operation needs'),
  invalidState: code(5, 6, 'The operation is not allowed in the current state'),
  destinationBusy: code(5, 7, 'The destination is busy', true),
  unknownDevice: code(5, 8, 'Unknown phone line'),
  unknownQueue: code(5, 9, 'Unknown queue'),
  queueClosed: code(5, 10, 'The queue is closed', true),
  duplicateId: code(5, 11, 'The id is already in use'),
  unknownRecording: code(5, 12, 'Unknown recording'),
};

/** ICI's own failures (not the core's). */
export const ICI_ERRORS = {
  /** A parameter missing, malformed or out of range; the text says which. */
  badRequest: code(1, 1, 'A parameter is missing or invalid'),
  /** The request could not be dispatched: unknown SOAPAction, or a body that is no operation of the bean. */
  unknownOperation: code(1, 2, 'Unknown operation'),
  /** ICI part 2 operations (e-mail, chat, action items, callbacks, recordings). */
  notAvailable: code(1, 3, 'Not available in this version'),
  /** What OII itself does not implement (IciMonitor, listen, join…). */
  notImplemented: code(1, 4, 'Not implemented'),
  /** The request could not be read (not XML, not SOAP, too large) or a header it must understand is unknown. */
  unreadable: code(1, 5, 'The request could not be read'),
  internal: code(1, 9, 'Internal error', true),
  /** The appUrl is not an http(s) URL or its address is not allowed (ici.appUrlAllow). */
  appUrlRefused: code(2, 3, 'The appUrl is not allowed'),
  /** wrapUpEnded/wrapUpRequired on an item whose state does not allow it. */
  itemState: code(3, 2, 'The item is not in a state that allows this'),
  /**
   * IciItem.create beyond MAX_CREATED_PER_LINE: a limit, but waiting does not lift it (created items stay until
   * dialled, dropped or `ici.createdItemTimeoutSec`), so no retry.
   */
  createdItemsLimit: code(4, 5, 'A configured limit was reached'),
  /** OII stopped from its admin page (Stop): nothing is served until Start. */
  stopped: code(4, 6, 'OII is stopped', true),
  /** §1.2's example: a dial number with anything but digits and a leading plus. */
  phoneNumberCharacters: code(5, 2, 'Other characters than +1234567890 in phone number'),
} as const satisfies Record<string, IciErrorCodes>;

/** An ICI failure a handler throws; `detail` (safe client text) follows the table's text. */
export class IciError extends Error {
  constructor(
    readonly codes: IciErrorCodes,
    readonly detail?: string,
  ) {
    super(detail === undefined ? codes.errorText : `${codes.errorText}: ${detail}`);
    this.name = 'IciError';
  }
}

/** Shorthand for a bad parameter. */
export function badRequest(detail: string): IciError {
  return new IciError(ICI_ERRORS.badRequest, detail);
}

/** §1.2: the faultstring of the seed's example (the document prints it "com.sap.bcb.common.S SoapException"). */
export const FAULT_STRING = 'com.sap.bcb.common.SoapException';
const MAX_TEXT = 500;

/** `detail/ns1:IciErrorCodes`, as §1.2's example writes it (no `message`: it is optional and nil there). */
function errorCodesDetail(codes: IciErrorCodes, text: string): (detail: XMLBuilder) => void {
  const errorText = printable(text).slice(0, MAX_TEXT);
  return (detail) => {
    const el = detail.ele(EVENT_NS, 'ns1:IciErrorCodes');
    el.ele('areaCode').txt(String(codes.areaCode));
    el.ele('errorCode').txt(String(codes.errorCode));
    el.ele('errorText').txt(errorText);
    el.ele('errorRetry').txt(String(codes.errorRetry));
  };
}

/** The fault for an ICI failure: faultcode Client (Server when a retry may succeed), the SoapException detail. */
export function iciFault(codes: IciErrorCodes, text = codes.errorText): SoapFault {
  return new SoapFault({ code: codes.errorRetry ? 'Server' : 'Client', reason: FAULT_STRING, detail: errorCodesDetail(codes, text), httpStatus: 200 });
}

/** The table row of a core error, with the core's detail (ids, numbers: never internals) after the row's text. */
export function coreCodes(code: CoreErrorCode): IciErrorCodes {
  return CORE_TO_ICI[code];
}

/** A core call id (a dashed GUID) as CRM knows the call: its callHandle (items.ts handleOf; imported here it would be a cycle). */
const CORE_CALL_ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

function coreText(err: { code: CoreErrorCode; message: string }): string {
  const generic = CORE_ERRORS[err.code].message;
  const raw = err.message.startsWith(`${generic}: `) ? err.message.slice(generic.length + 2) : '';
  // The core names calls by id; CRM sent (and knows) callHandles.
  const detail = raw.replace(CORE_CALL_ID, (id) => id.replace(/-/g, '').toUpperCase());
  return detail === '' ? CORE_TO_ICI[err.code].errorText : `${CORE_TO_ICI[err.code].errorText}: ${detail}`;
}

/**
 * The toolkit's own faults in ICI terms: by `reasonCode` first (a request element outside its bean's namespace names
 * no operation of it), then by kind.
 */
const REASON_CODES: Readonly<Record<string, IciErrorCodes>> = { namespace: ICI_ERRORS.unknownOperation };
const KIND_CODES: Readonly<Record<string, IciErrorCodes>> = {
  request: ICI_ERRORS.unreadable,
  mustUnderstand: ICI_ERRORS.unreadable,
  dispatch: ICI_ERRORS.unknownOperation,
  internal: ICI_ERRORS.internal,
};

export const ICI_FAULT_HOOKS: SoapFaultHooks = {
  mapError(err) {
    if (err instanceof IciError) return iciFault(err.codes, err.message);
    if (isCoreError(err)) return iciFault(CORE_TO_ICI[err.code], coreText(err));
    return undefined;
  },
  // README "ICI faults": every fault, the toolkit's included, has one format: faultstring
  // com.sap.bcb.common.SoapException, the SoapException detail whose errorText is the table's text then what went
  // wrong, HTTP 200 (§1.2's example). The toolkit's faultcode stays: Client, or MustUnderstand / VersionMismatch,
  // which SOAP 1.1 §4.4.1 requires for those two.
  fault(fault) {
    if (fault.detail !== undefined) return fault.httpStatus === undefined ? fault.with({ httpStatus: 200 }) : fault;
    const codes = (fault.reasonCode === undefined ? undefined : REASON_CODES[fault.reasonCode]) ?? KIND_CODES[fault.kind] ?? ICI_ERRORS.internal;
    return fault.with({ reason: FAULT_STRING, subcode: undefined, detail: errorCodesDetail(codes, `${codes.errorText}: ${fault.reason}`), httpStatus: 200 });
  },
};
