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
 * | recording.ts, monitoring.ts | the recording and monitoring state calls carry |
 */
import type { ContactCenter } from '../center.js';
import type { Call, MonitorSession, Party, Recording } from '../model.js';
import { CallAcd } from './acd.js';
import { CallConsult, type TwoCalls } from './consult.js';
import { CallControl } from './control.js';
import { CallDelivery } from './delivery.js';
import { CallEnding } from './ending.js';
import { Monitors } from './monitoring.js';
import type { CallOptions } from './options.js';
import type { CallParts } from './parts.js';
import { Recordings, type RecordingFilter } from './recording.js';
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
    p.recordings = new Recordings(cc, p);
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

  answer(number: string, callId?: string): Call {
    return this.p.control.answer(number, callId);
  }

  externalAnswer(callId: string, number?: string): Call {
    return this.p.control.externalAnswer(callId, number);
  }

  hold(number: string, callId?: string): Call {
    return this.p.control.hold(number, callId);
  }

  retrieve(number: string, callId?: string): Call {
    return this.p.control.retrieve(number, callId);
  }

  drop(number: string, callId?: string): Call {
    return this.p.control.drop(number, callId);
  }

  hangup(callId: string, number?: string): Call {
    return this.p.control.hangup(callId, number);
  }

  consult(number: string, target: string, opts: CallOptions = {}): Call {
    return this.consults.consult(number, target, opts);
  }

  /** Consultative transfer; `calls` may name the held and the active call (see TwoCalls). */
  transfer(number: string, calls: TwoCalls = {}): Call {
    return this.consults.transfer(number, calls);
  }

  conference(number: string, calls: TwoCalls = {}): Call {
    return this.consults.conference(number, calls);
  }

  alternate(number: string, calls: TwoCalls = {}): Call {
    return this.consults.alternate(number, calls);
  }

  reconnect(number: string, calls: TwoCalls = {}): Call {
    return this.consults.reconnect(number, calls);
  }

  divert(number: string, target: string, callId?: string): Call {
    return this.p.control.divert(number, target, callId);
  }

  addParty(number: string, added: string, callId?: string): Call {
    return this.p.control.addParty(number, added, callId);
  }

  dropParty(number: string, remote: string, callId?: string): Call {
    return this.p.control.dropParty(number, remote, callId);
  }

  supervise(supervisor: string, callId: string): Call {
    return this.p.control.supervise(supervisor, callId);
  }

  playPrompt(callId: string, prompt: string): Call {
    return this.p.control.playPrompt(callId, prompt);
  }

  setAttached(callId: string, data: Record<string, string>, replace = false): Call {
    return this.p.control.setAttached(callId, data, replace);
  }

  deleteAttached(callId: string, keys: string[]): Call {
    return this.p.control.deleteAttached(callId, keys);
  }

  // ------------------------------------------------------------ recording and monitoring

  get recordings(): ReadonlyMap<string, Recording> {
    return this.p.recordings.byId;
  }

  startRecording(callId: string, source: string): Recording {
    return this.p.recordings.start(callId, source);
  }

  pauseRecording(callId: string): Recording {
    return this.p.recordings.pause(callId);
  }

  resumeRecording(callId: string): Recording {
    return this.p.recordings.resume(callId);
  }

  stopRecording(callId: string): Recording {
    return this.p.recordings.stop(callId);
  }

  /** The media layer wrote the recording's file. */
  recordingFileReady(recordingId: string, file: string, bytes: number): void {
    this.p.recordings.fileReady(recordingId, file, bytes);
  }

  recording(recordingId: string): Recording {
    return this.p.recordings.get(recordingId);
  }

  listRecordings(f: RecordingFilter = {}): Recording[] {
    return this.p.recordings.list(f);
  }

  deleteRecording(recordingId: string): boolean {
    return this.p.recordings.delete(recordingId);
  }

  setRecordingMetadata(recordingId: string, metadata: Record<string, string | null>, tagged?: boolean): Recording {
    return this.p.recordings.setMetadata(recordingId, metadata, tagged);
  }

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
  }
}
