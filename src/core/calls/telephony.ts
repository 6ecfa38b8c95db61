/**
 * Calls: the public face of the call model. A Call is one connection with parties (legs); a device acts on its own
 * party (hold puts its party in `hold` and the others in `held`). Every change emits one CallEvent with a snapshot, in
 * the order a PBX would report it. The work is done by the files beside this one:
 *
 * | file | concern |
 * | --- | --- |
 * | registry.ts | calls by id and by device, ended ids, creation, timers, emitting events |
 * | delivery.ts | calling in and dialling out, delivery to queue / device / outside, ringing, answering |
 * | acd.ts | calls as contacts of the routing module (routing/): queueing, offering, ring-no-answer |
 * | control.ts | answer, hold, retrieve, drop, divert, add/drop party, supervisor, prompt, attached data |
 * | consult.ts | consultation, transfer, conference, alternate, reconnect |
 * | ending.ts | a party leaving, statistics and history, agent state after a call, ending a call |
 * | monitoring.ts | the monitoring sessions calls carry |
 * | ../recording/ | the recordings calls carry, on the recordings archive, and the recording policy |
 */
import type { ContactCenter } from '../center.js';
import type { RecordingRecord, RecordingSource } from '../../store/index.js';
import type { Call, MonitorSession, Party } from '../model.js';
import type { StartRecording } from '../recording/entry.js';
import { Recordings } from '../recording/recordings.js';
import { CallAcd } from './acd.js';
import { CallConsult, type TwoCalls } from './consult.js';
import { CallControl } from './control.js';
import { CallDelivery } from './delivery.js';
import { CallEnding } from './ending.js';
import { Monitors } from './monitoring.js';
import type { CallOptions } from './options.js';
import type { CallParts } from './parts.js';
import { CallRegistry } from './registry.js';

export class Telephony {
  private readonly p: CallParts;
  private readonly consults: CallConsult;

  constructor(cc: ContactCenter) {
    const p = {} as CallParts;
    p.reg = new CallRegistry(cc);
    p.delivery = new CallDelivery(cc, p);
    p.acd = new CallAcd(cc, p);
    p.ending = new CallEnding(cc, p);
    p.control = new CallControl(cc, p);
    p.recordings = new Recordings(cc, p, cc.options.archive);
    p.monitors = new Monitors(cc, p);
    this.p = p;
    this.consults = new CallConsult(cc, p);
  }

  // ------------------------------------------------------------ lookups

  /** An active call; `unknownCall` otherwise. */
  call(callId: string): Call {
    return this.p.reg.get(callId);
  }

  findCall(callId: string): Call | undefined {
    return this.p.reg.find(callId);
  }

  /**
   * An active call; one that has ended is refused with a typed "call gone" error, an unknown id with "unknown call"
   * (never an exception about undefined). Public so interfaces can check a call before acting on it.
   */
  liveCall(callId: string): Call {
    return this.p.reg.live(callId);
  }

  activeCalls(): Call[] {
    return this.p.reg.all();
  }

  /** Active calls in which the device has a party that has not left. */
  callsOf(number: string): Call[] {
    return this.p.reg.callsOf(number);
  }

  partyOf(call: Call, number: string): Party | undefined {
    return this.p.reg.partyOf(call, number);
  }

  activeParties(call: Call): Party[] {
    return this.p.reg.activeParties(call);
  }

  deviceBusy(number: string): boolean {
    return this.p.reg.deviceBusy(number);
  }

  // ------------------------------------------------------------ calls

  /** An external party calls a queue number or an extension (the simulated world's side). */
  inbound(from: string, to: string, opts: CallOptions = {}): Call {
    return this.p.delivery.inbound(from, to, opts);
  }

  /** A device dials a number (TelServices makeCall, ICI dial, the agent's phone). */
  makeCall(from: string, to: string, opts: CallOptions = {}): Call {
    return this.p.delivery.makeCall(from, to, opts);
  }

  /** The device answers its alerting call (the first, or `callId`); `noCall` without one, `pbxLinkDown`. */
  answer(number: string, callId?: string): Call {
    return this.p.control.answer(number, callId);
  }

  /** The called external party (or the one numbered) answers (simulated world); `noCall` when none rings. */
  externalAnswer(callId: string, number?: string): Call {
    return this.p.control.externalAnswer(callId, number);
  }

  /** The device holds its connected call (or `callId`); the others are `held`. */
  hold(number: string, callId?: string): Call {
    return this.p.control.hold(number, callId);
  }

  /** The device retrieves its held call (or `callId`); `invalidState` while it has an active call and names none. */
  retrieve(number: string, callId?: string): Call {
    return this.p.control.retrieve(number, callId);
  }

  /** The device hangs up: its connected call first, else ringing, held or dialling (or `callId`); declining an ACD offer requeues it. */
  drop(number: string, callId?: string): Call {
    return this.p.control.drop(number, callId);
  }

  /** The external (or numbered) party hangs up (simulated world); `invalidArgument` when no such party is in the call. */
  hangup(callId: string, number?: string): Call {
    return this.p.control.hangup(callId, number);
  }

  /** Holds the device's connected call (or `opts.consultFor`) and dials `target`; returns the consultation call. */
  consult(number: string, target: string, opts: CallOptions = {}): Call {
    return this.consults.consult(number, target, opts);
  }

  /** Consultative transfer; `calls` may name the held and the active call (see TwoCalls). */
  transfer(number: string, calls: TwoCalls = {}): Call {
    return this.consults.transfer(number, calls);
  }

  /** Merges the active (consultation) call into the held one (QMI 7.3); `noCall` unless it is connected. */
  conference(number: string, calls: TwoCalls = {}): Call {
    return this.consults.conference(number, calls);
  }

  /** Swaps the device's held and active calls. */
  alternate(number: string, calls: TwoCalls = {}): Call {
    return this.consults.alternate(number, calls);
  }

  /** Ends the active call and retrieves the held one. */
  reconnect(number: string, calls: TwoCalls = {}): Call {
    return this.consults.reconnect(number, calls);
  }

  /**
   * Deflects an alerting call or blind-transfers a connected one to `target`; `destinationUnknown` for an unobtainable
   * number, `invalidArgument` for one already in the call, `invalidState` for an established or conference call.
   */
  divert(number: string, target: string, callId?: string): Call {
    return this.p.control.divert(number, target, callId);
  }

  /** Blind-transfers the device's connected call into a phone queue (see CallControl.transferToQueue). */
  transferToQueue(number: string, queueId: string, callId?: string): Call {
    return this.p.control.transferToQueue(number, queueId, callId);
  }

  /** Single-step conference: `added` is called into the device's call; `destinationBusy`, `destinationUnknown`. */
  addParty(number: string, added: string, callId?: string): Call {
    return this.p.control.addParty(number, added, callId);
  }

  /** Drops another party from the device's conference. */
  dropParty(number: string, remote: string, callId?: string): Call {
    return this.p.control.dropParty(number, remote, callId);
  }

  /** A supervisor joins the call silently (QMI CallState 3): a `partyAdded` event with a `supervisor` leg. */
  supervise(supervisor: string, callId: string): Call {
    return this.p.control.supervise(supervisor, callId);
  }

  /** The IVR plays a prompt to the call (QMI CallState 4): a `prompt` event naming it. */
  playPrompt(callId: string, prompt: string): Call {
    return this.p.control.playPrompt(callId, prompt);
  }

  /** Merges (or replaces) the call's attached data: a `dataChanged` event. */
  setAttached(callId: string, data: Record<string, string>, replace = false): Call {
    return this.p.control.setAttached(callId, data, replace);
  }

  /** Removes keys from the call's attached data (ICI deleteAttachedData): a `dataChanged` event. */
  deleteAttached(callId: string, keys: string[]): Call {
    return this.p.control.deleteAttached(callId, keys);
  }

  // ------------------------------------------------------------ recording and monitoring

  /** The recording commands and the archive (core/recording/). */
  get recordings(): Recordings {
    return this.p.recordings;
  }

  /**
   * Starts recording the call for `source` (e.g. 'qmi'); `invalidState` when that source records it already (for an
   * agent's own source: for that agent). See Recordings.start.
   */
  startRecording(callId: string, source: RecordingSource, opts: StartRecording = {}): RecordingRecord {
    return this.p.recordings.start(callId, source, opts);
  }

  /** Pauses the call's recording of `source`; `invalidState` unless it is running. */
  pauseRecording(callId: string, source: RecordingSource): RecordingRecord {
    return this.p.recordings.pauseCall(callId, source);
  }

  /** Resumes the call's recording of `source`; `invalidState` unless it is paused. */
  resumeRecording(callId: string, source: RecordingSource): RecordingRecord {
    return this.p.recordings.resumeCall(callId, source);
  }

  /** Stops the call's recording of `source`; `invalidState` when there is none. */
  stopRecording(callId: string, source: RecordingSource): RecordingRecord {
    return this.p.recordings.stopCall(callId, source);
  }

  /** A monitoring session of `owner` (replacing its previous one) sending RTP to `targets`; `invalidArgument` without one. */
  startMonitor(callId: string, owner: string, mode: 'mixed' | 'separate', targets: { host: string; port: number }[]): MonitorSession {
    return this.p.monitors.start(callId, owner, mode, targets);
  }

  setMonitorState(callId: string, owner: string, state: 'running' | 'paused'): MonitorSession {
    return this.p.monitors.setState(callId, owner, state);
  }

  stopMonitor(callId: string, owner: string): void {
    this.p.monitors.stop(callId, owner);
  }

  /** Ends every monitoring session of an owner (its QMI session went away). */
  stopMonitorsOf(owner: string): void {
    this.p.monitors.stopAllOf(owner);
  }

  /** Reset: every call ends for everyone (cause normal, one ended event each); ended ids are forgotten. */
  reset(): number {
    const calls = this.p.reg.all();
    for (const call of calls) this.p.ending.endCall(call, 'normal');
    this.p.reg.forgetEnded();
    return calls.length;
  }

  shutdown(): void {
    this.p.reg.shutdown();
    this.p.recordings.shutdown();
  }
}
