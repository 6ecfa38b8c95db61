/**
 * Every core error code → the TelServices error element a real TelServer answers (seed "Error"). A test fails when
 * a code of src/core/errors.ts has no row here.
 */
import { isCoreError, type CoreErrorCode } from '../../core/index.js';
import type { TsErrorCode } from './codec.js';

export const CORE_TO_TS_ERROR: Record<CoreErrorCode, TsErrorCode> = {
  // The PBX refuses what it cannot do: a bad or unreachable number, a device or agent it does not know.
  invalidArgument: 'pbxReject',
  unknownAgent: 'pbxReject',
  unknownDevice: 'pbxReject',
  unknownQueue: 'pbxReject',
  invalidState: 'pbxReject',
  queueClosed: 'pbxReject',
  destinationBusy: 'pbxReject',
  destinationUnknown: 'pbxReject',
  agentLoggedOff: 'pbxReject',
  // "No call in the expected state": includes calls that have just ended.
  unknownCall: 'noCall',
  callGone: 'noCall',
  noCall: 'noCall',
  // Not TelServices objects: TelServer itself refuses.
  unknownItem: 'reject',
  itemTerminated: 'reject',
  unknownRecording: 'reject',
  pbxLinkDown: 'pbxlinkOutOfService',
  // The agent server refuses agent features; the router is not on TelServices' path.
  agentServerDown: 'pbxReject',
  routerDown: 'resourceError',
  // A call dispatcher that does not answer is a PBX link timeout seen from TelServer.
  callDispatcherDown: 'pbxTimeout',
  limitExceeded: 'resourceError',
  // A caller-chosen call id that exists already: TelServer refuses the request itself.
  duplicateId: 'reject',
};

/** A TelServices-level refusal raised by the interface itself (session rules, authentication, routing points). */
export class TsError extends Error {
  constructor(
    readonly code: TsErrorCode,
    detail?: string,
  ) {
    super(detail ?? code);
    this.name = 'TsError';
  }
}

/** Any thrown value → the error element; `unexpected` marks a bug worth logging (answered resourceError). */
export function wireError(err: unknown): { code: TsErrorCode; unexpected: boolean } {
  if (err instanceof TsError) return { code: err.code, unexpected: false };
  if (isCoreError(err)) return { code: CORE_TO_TS_ERROR[err.code], unexpected: false };
  return { code: 'resourceError', unexpected: true };
}
