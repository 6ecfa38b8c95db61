/**
 * The core's error catalogue. Every failure a command can report has a stable code here; each interface maps every
 * code to its wire form in one table, and a test fails when a code has no mapping in an interface.
 */
export const CORE_ERRORS = {
  invalidArgument: { status: 400, message: 'A parameter is missing or invalid' },
  unknownAgent: { status: 404, message: 'No such agent' },
  unknownDevice: { status: 404, message: 'No such device (extension)' },
  unknownQueue: { status: 404, message: 'No such queue' },
  unknownCall: { status: 404, message: 'No such call' },
  callGone: { status: 409, message: 'The call has ended' },
  noCall: { status: 409, message: 'No call in the state the operation needs' },
  invalidState: { status: 409, message: 'The operation is not allowed in the current state' },
  unknownItem: { status: 404, message: 'No such work item' },
  itemTerminated: { status: 409, message: 'The work item has already ended' },
  unknownRecording: { status: 404, message: 'No such recording' },
  queueClosed: { status: 409, message: 'The queue is closed' },
  destinationBusy: { status: 409, message: 'The destination is busy' },
  destinationUnknown: { status: 404, message: 'The number cannot be reached' },
  agentLoggedOff: { status: 409, message: 'The agent is logged off' },
  pbxLinkDown: { status: 503, message: 'The PBX link is out of service' },
  routerDown: { status: 503, message: 'The router is disconnected' },
  agentServerDown: { status: 503, message: 'The agent server is not available' },
  callDispatcherDown: { status: 503, message: 'The call dispatcher is not available' },
  limitExceeded: { status: 429, message: 'A configured limit was reached' },
  duplicateId: { status: 409, message: 'The id is already in use' },
} as const satisfies Record<string, { status: number; message: string }>;

export type CoreErrorCode = keyof typeof CORE_ERRORS;
export const CORE_ERROR_CODES = Object.keys(CORE_ERRORS) as CoreErrorCode[];

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  readonly status: number;

  constructor(code: CoreErrorCode, detail?: string) {
    super(detail ? `${CORE_ERRORS[code].message}: ${detail}` : CORE_ERRORS[code].message);
    this.name = 'CoreError';
    this.code = code;
    this.status = CORE_ERRORS[code].status;
  }
}

export function isCoreError(e: unknown): e is CoreError {
  return e instanceof CoreError;
}
