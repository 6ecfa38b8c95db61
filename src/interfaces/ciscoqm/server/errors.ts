/**
 * The core's errors as Server API faults, one row per code (a code without a row is a compile error). Operations
 * check what they can first; these rows cover what the core refuses while an operation runs (a recording removed or
 * deleted in between). Sender: the request cannot be served as sent (HTTP 400); Receiver: ccgate could not (500).
 */
import { isCoreError, type CoreErrorCode } from '../../../core/index.js';
import { ENVELOPE_PREFIX, SOAP12_NS, SoapFault, type SoapFaultHooks } from '../../../soap/index.js';

const FAULT_CODE: Readonly<Record<CoreErrorCode, 'Sender' | 'Receiver'>> = {
  invalidArgument: 'Sender',
  unknownAgent: 'Sender',
  unknownDevice: 'Sender',
  unknownQueue: 'Sender',
  unknownCall: 'Sender',
  callGone: 'Sender',
  noCall: 'Sender',
  invalidState: 'Sender',
  unknownItem: 'Sender',
  itemTerminated: 'Sender',
  unknownRecording: 'Sender',
  queueClosed: 'Sender',
  destinationBusy: 'Sender',
  destinationUnknown: 'Sender',
  agentLoggedOff: 'Sender',
  duplicateId: 'Sender',
  limitExceeded: 'Receiver',
  pbxLinkDown: 'Receiver',
  routerDown: 'Receiver',
  agentServerDown: 'Receiver',
  callDispatcherDown: 'Receiver',
};

export const SERVER_API_FAULTS: SoapFaultHooks = {
  mapError(err) {
    if (!isCoreError(err)) return undefined;
    return new SoapFault({ code: FAULT_CODE[err.code], reason: err.message, reasonCode: err.code });
  },
  fault(fault) {
    // A body over the cap is refused as the HTTP server refuses any (README "Control API": 413), in a Sender fault.
    if (fault.reasonCode === 'tooLarge') return fault.with({ httpStatus: 413 });
    if (fault.code !== 'VersionMismatch') return fault;
    // SOAP 1.2 Part 1 §5.4.7: a VersionMismatch fault names the envelope versions spoken in an Upgrade header block.
    return fault.with({
      header: (h) => h.ele(SOAP12_NS, `${ENVELOPE_PREFIX}:Upgrade`).ele(SOAP12_NS, `${ENVELOPE_PREFIX}:SupportedEnvelope`).att('qname', 'up:Envelope').att('xmlns:up', SOAP12_NS),
    });
  },
};
