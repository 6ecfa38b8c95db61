/**
 * QMI ErrorCode table. QMI 5.4 gives ErrorCode/ErrorPhrase in QMIRequestResponse but no table; its only example is
 * 1005 "Internal server error" (QMI 4.2.8.2), so ccgate's codes live in the 1000 range around it. Every core error
 * code has exactly one row (test/qmi/errors.test.ts fails otherwise); the table is documented in README.md (QMI, ErrorCode table).
 */
import { isCoreError, type CoreErrorCode } from '../../core/index.js';
import { MediaLimitError } from '../../media/index.js';

export interface QmiError {
  code: number;
  phrase: string;
}

export const CORE_TO_QMI: Readonly<Record<CoreErrorCode, QmiError>> = {
  invalidArgument: { code: 1000, phrase: 'Invalid request parameter' },
  unknownCall: { code: 1001, phrase: 'Call does not exist' },
  callGone: { code: 1002, phrase: 'Call has already ended' },
  invalidState: { code: 1003, phrase: 'Request not allowed in the current state' },
  noCall: { code: 1003, phrase: 'Request not allowed in the current state' },
  limitExceeded: { code: 1006, phrase: 'Resource limit reached' },
  unknownAgent: { code: 1010, phrase: 'Unknown agent' },
  unknownDevice: { code: 1011, phrase: 'Unknown device' },
  unknownQueue: { code: 1012, phrase: 'Unknown queue' },
  unknownItem: { code: 1013, phrase: 'Unknown work item' },
  itemTerminated: { code: 1014, phrase: 'Work item has already ended' },
  unknownRecording: { code: 1015, phrase: 'Unknown recording' },
  queueClosed: { code: 1016, phrase: 'Queue is closed' },
  destinationBusy: { code: 1017, phrase: 'Destination is busy' },
  destinationUnknown: { code: 1018, phrase: 'Destination cannot be reached' },
  agentLoggedOff: { code: 1019, phrase: 'Agent is logged off' },
  pbxLinkDown: { code: 1020, phrase: 'PBX link is out of service' },
  routerDown: { code: 1021, phrase: 'Router is not available' },
  agentServerDown: { code: 1022, phrase: 'Agent server is not available' },
  callDispatcherDown: { code: 1023, phrase: 'Call Dispatcher is not available' },
  duplicateId: { code: 1024, phrase: 'Identifier already in use' },
};

/** Failures that come from QMI itself, not from the core. */
export const QMI_ERRORS = {
  /** A monitoring target outside qmi.rtpAllow (safety, not a core rule). */
  destinationNotAllowed: { code: 1004, phrase: 'RTP destination address is not allowed' },
  /** QMI 4.2.8.2: the seed's own example code. Anything unexpected; the details go to the log only. */
  internal: { code: 1005, phrase: 'Internal server error' },
} as const satisfies Record<string, QmiError>;

/** The wire form of any failure a request handler caught; never the exception's own text. */
export function toQmiError(err: unknown): QmiError {
  if (isCoreError(err)) return CORE_TO_QMI[err.code];
  if (err instanceof MediaLimitError) return CORE_TO_QMI[err.code];
  return QMI_ERRORS.internal;
}
