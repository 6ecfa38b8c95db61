/**
 * The QMI requests after a session is known (QMI 4.3, 4.4). Each handler reads its parameters, and either refuses the
 * request as malformed (RequestFault: a SOAP fault, nothing happens) or accepts it (Response/Success 1) and returns
 * the events that report its final outcome to the requesting session (QMIRequestResponse, QMICallInfo). A core
 * command that fails changes nothing (the core validates before it acts), and its error code becomes the ErrorCode.
 */
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { ContactCenter } from '../../core/index.js';
import { MediaLimitError, type RtpSender } from '../../media/index.js';
import { child, textOf, type XmlElement } from '../../xml/index.js';
import type { AddressCheck } from '../../net/cidr.js';
import { callInfo, type CallInfoContext } from './callinfo.js';
import type { CallIds } from './call-ids.js';
import { QMI_ERRORS, toQmiError, type QmiError } from './errors.js';
import type { QmiEvent } from './messages.js';
import type { Operation } from './protocol.js';

/** A request that cannot be understood: answered with a SOAP fault, never executed. */
export class RequestFault extends Error {}

export interface RequestDeps {
  center: ContactCenter;
  ids: CallIds;
  rtp: RtpSender;
  maxRtpStreams: number;
  rtpAllowed: AddressCheck;
  logger: Logger;
  callInfo: CallInfoContext;
}

type CallRequest = Exclude<Operation, 'QMISubscribeSession'>;

const MAX_ID = 128;

function required(el: XmlElement | undefined, ...names: string[]): string {
  const v = textOf(el, ...names);
  if (v === undefined || v === '') throw new RequestFault(`Missing ${names[0]}`);
  if (v.length > MAX_ID) throw new RequestFault(`${names[0]} is too long`);
  return v;
}

function port(el: XmlElement | undefined, ...names: string[]): number {
  const v = required(el, ...names);
  const n = /^[0-9]{1,5}$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new RequestFault(`${names[0]} must be a port number 1-65535`);
  return n;
}

function ip(el: XmlElement | undefined, ...names: string[]): string {
  const v = required(el, ...names);
  if (isIP(v) === 0) throw new RequestFault(`${names[0]} must be an IPv4 or IPv6 address`);
  return v;
}

class Refusal extends Error {
  constructor(readonly qmi: QmiError) {
    super(qmi.phrase);
  }
}

interface Parsed {
  callId: string;
  run: (sessionId: string) => QmiEvent[];
}

/** Reads the request; throws RequestFault when it is malformed. The returned `run` executes it. */
export function parseCallRequest(op: CallRequest, body: XmlElement, deps: RequestDeps): Parsed {
  const t = deps.center.telephony;
  const coreOf = (callId: string) => deps.ids.resolve(callId).coreId;
  const simple = (fn: (coreId: string, sessionId: string) => void): Parsed => {
    const callId = required(body, 'CallID');
    return {
      callId,
      run: (sessionId) => {
        fn(coreOf(callId), sessionId);
        return [];
      },
    };
  };
  // QMI 3.2.3/3.2.4: QMS forwards monitoring and recording to the Call Dispatcher; while it is down they fail.
  const viaDispatcher = (fn: (coreId: string, sessionId: string) => void) =>
    simple((coreId, sessionId) => {
      deps.center.assertUp('callDispatcher');
      fn(coreId, sessionId);
    });
  switch (op) {
    case 'QMIQueryCallInfo': {
      const callId = required(body, 'CallID');
      return {
        callId,
        run: () => {
          const { coreId, leg } = deps.ids.resolve(callId);
          const call = t.liveCall(coreId);
          return [{ kind: 'CallInfo', info: callInfo(call, callId, leg, deps.center.now(), deps.callInfo, deps.ids.queueOf(coreId)) }];
        },
      };
    }
    case 'QMICallMonitoringStart': {
      const p = child(body, 'MonitoringParams') ?? body;
      const callId = required(p, 'CallID');
      const targets = [{ host: ip(p, 'IP'), port: port(p, 'Port') }];
      return { callId, run: (sessionId) => startMonitor(deps, coreOf(callId), sessionId, 'mixed', targets) };
    }
    case 'QMICallMonitoringStartEx': {
      const p = child(body, 'MonitoringParamsEx', 'MonitoringParams') ?? body;
      const callId = required(p, 'CallID');
      const sep = textOf(p, 'SeparateStreams');
      if (sep !== undefined && sep !== '' && sep !== '0' && sep !== '1') throw new RequestFault('SeparateStreams must be 0 or 1');
      const targets = [{ host: ip(p, 'IP'), port: port(p, 'Port') }];
      // QMI 4.3.2.1: without SeparateStreams, or with 0, BPartyIP/BPartyPort are ignored (INVENTORY 1.7.7: either case).
      const separate = sep === '1';
      if (separate) targets.push({ host: ip(p, 'BPartyIP', 'BpartyIP'), port: port(p, 'BPartyPort', 'BpartyPort') });
      return { callId, run: (sessionId) => startMonitor(deps, coreOf(callId), sessionId, separate ? 'separate' : 'mixed', targets) };
    }
    case 'QMICallMonitoringStop':
      return viaDispatcher((coreId, sessionId) => t.stopMonitor(coreId, sessionId));
    case 'QMICallMonitoringPause':
      return viaDispatcher((coreId, sessionId) => t.setMonitorState(coreId, sessionId, 'paused'));
    case 'QMICallMonitoringResume':
      return viaDispatcher((coreId, sessionId) => t.setMonitorState(coreId, sessionId, 'running'));
    case 'QMIBCMRecordingStart':
      return viaDispatcher((coreId) => t.startRecording(coreId, 'qmi', { reasons: ['requested'] }));
    case 'QMIBCMRecordingStop':
      return viaDispatcher((coreId) => t.stopRecording(coreId, 'qmi'));
    case 'QMIBCMRecordingPause':
      return viaDispatcher((coreId) => t.pauseRecording(coreId, 'qmi'));
    case 'QMIBCMRecordingResume':
      return viaDispatcher((coreId) => t.resumeRecording(coreId, 'qmi'));
  }
}

/**
 * Checks in the order a tool can act on: the call, the Call Dispatcher, the destinations, the stream cap; only then
 * the core starts the monitoring (and the media service the streams), so a refusal leaves everything as it was.
 */
function startMonitor(deps: RequestDeps, coreId: string, sessionId: string, mode: 'mixed' | 'separate', targets: { host: string; port: number }[]): QmiEvent[] {
  const call = deps.center.telephony.liveCall(coreId);
  deps.center.assertUp('callDispatcher');
  const refused = targets.find((x) => !deps.rtpAllowed(x.host));
  if (refused) {
    deps.logger.warn({ session: sessionId, target: refused.host }, 'QMI monitoring refused: RTP destination not in qmi.rtpAllow');
    throw new Refusal(QMI_ERRORS.destinationNotAllowed);
  }
  const replaced = call.monitors.find((m) => m.owner === sessionId)?.targets.length ?? 0;
  if (deps.rtp.active() - replaced + targets.length > deps.maxRtpStreams) {
    deps.logger.warn({ session: sessionId, active: deps.rtp.active(), max: deps.maxRtpStreams }, 'QMI monitoring refused: RTP stream cap reached');
    throw new MediaLimitError(deps.maxRtpStreams);
  }
  deps.center.telephony.startMonitor(coreId, sessionId, mode, targets);
  return [];
}

/** Runs an accepted request: its events, then QMIRequestResponse with the outcome (QMI 4.2.8). */
export function executeCallRequest(op: CallRequest, parsed: Parsed, sessionId: string, logger: Logger): QmiEvent[] {
  try {
    const events = parsed.run(sessionId);
    return [...events, { kind: 'RequestResponse', callId: parsed.callId, request: op }];
  } catch (err) {
    const error = err instanceof Refusal ? err.qmi : toQmiError(err);
    if (error === QMI_ERRORS.internal) logger.error({ err, operation: op }, 'QMI request failed');
    else logger.debug({ operation: op, callId: parsed.callId, code: error.code }, 'QMI request rejected');
    return [{ kind: 'RequestResponse', callId: parsed.callId, request: op, error }];
  }
}
