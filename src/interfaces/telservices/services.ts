/**
 * One handler per TelServices request (seed "Session", "User services", "Supervisor services"), each mapping to core
 * commands. Rules applied before any handler, in this order:
 * 1. the fifteen services that "require an opened session" answer noOpenSession without one (and make sure the PBX
 *    monitors the device);
 * 2. services that reach the PBX answer pbxlinkOutOfService while the link is down, pbxTimeout while the PBX's
 *    call processing does not answer (the callDispatcher fault); queries are answered from TelServer's own state, as
 *    a real TelServer's cache would;
 * 3. any request from one of its clients naming a device with a session resets that session's timeout;
 * 4. a call service without a call in the state it needs answers noCall.
 */
import type { Agent, ContactCenter, DirectoryEntry, PartyState, TwoCalls } from '../../core/index.js';
import { el, txt, type XNode } from './codec.js';
import type { DeviceViews } from './device-view.js';
import { TsError } from './errors.js';
import { AGENT_STATE_FROM_WIRE } from './projection.js';
import { SESSION_SERVICES, type TsOperation, type TsRequest } from './requests.js';
import { agentNode, callNode, directoryPartyNode, forwardsNode, onOffNode, type AgentInfo, type PartyLookup } from './results.js';
import type { RoutingPoints } from './routing-points.js';
import type { Peer, Sessions } from './sessions.js';
import { historyNode, userStatisticsNode } from './services-queries.js';

export interface ServiceSettings {
  qualifyCallAnswers: boolean;
  timeZone: string;
  snapshotMaxWaitSec: number;
  callReference: boolean;
  /** Configured directories updateDirectory can synchronise, with their source entries. */
  directories: Map<string, Omit<DirectoryEntry, 'directory' | 'owner'>[]>;
}

export interface ServiceContext {
  cc: ContactCenter;
  sessions: Sessions;
  views: DeviceViews;
  rps: RoutingPoints;
  settings: ServiceSettings;
  lookupFor(device: string): PartyLookup;
  agentInfo(agent: Agent | undefined, timeoutSec?: number): AgentInfo;
}

export type ServiceResult = XNode | 'standard';

/** Services that go to the PBX (seed "pbxlinkOutOfService": TelServer cannot fulfil them while the link is down). */
const PBX_SERVICES: ReadonlySet<TsOperation> = new Set<TsOperation>([
  'addPartyToCall',
  'agentState',
  'alternateCall',
  'answerCall',
  'conferenceCall',
  'consultationCall',
  'divertCall',
  'doNotDisturb',
  'dropCall',
  'forward',
  'holdCall',
  'makeCall',
  'qualifyCall',
  'reconnectCall',
  'retrieveCall',
  'transferCall',
]);

/**
 * Seed "No call": "A request is rejected because there is no call in the expected state". The states each call
 * service needs the device's call in (INVENTORY 4.7 rule 5; a held call for retrieveCall, an active and a held call
 * for the two-call services); without one the answer is noCall, before the PBX is asked. A refusal by the PBX for
 * another reason (retrieving while another call is active) stays pbxReject.
 */
const EXPECTED_CALLS: Partial<Record<TsOperation, readonly (readonly PartyState[])[]>> = {
  addPartyToCall: [['connected', 'hold']],
  answerCall: [['alerting']],
  consultationCall: [['connected']],
  divertCall: [['alerting', 'connected']],
  dropCall: [['connected', 'initiated', 'alerting', 'hold', 'held', 'queued']],
  holdCall: [['connected']],
  retrieveCall: [['hold']],
  qualifyCall: [['alerting']],
  alternateCall: [['hold'], ['connected']],
  conferenceCall: [['hold'], ['connected']],
  reconnectCall: [['hold'], ['connected', 'initiated', 'alerting', 'held', 'queued']],
  transferCall: [['hold'], ['connected', 'initiated', 'alerting', 'held', 'queued']],
};

function requireCalls(sc: ServiceContext, device: string, needs: readonly (readonly PartyState[])[]): void {
  const t = sc.cc.telephony;
  const states = t.callsOf(device).map((c) => t.partyOf(c, device)?.state);
  for (const need of needs) if (!states.some((s) => s !== undefined && need.includes(s))) throw new TsError('noCall', `no ${need.join('/')} call`);
}

export async function execute(req: TsRequest, sc: ServiceContext, peer: Peer, signal?: AbortSignal): Promise<ServiceResult> {
  const device = 'deviceNumber' in req ? req.deviceNumber : undefined;
  if (SESSION_SERVICES.has(req.op)) {
    const session = device !== undefined ? sc.sessions.get(device) : undefined;
    if (!session) throw new TsError('noOpenSession');
    sc.sessions.monitor(session, 'sync');
  }
  if (PBX_SERVICES.has(req.op)) {
    if (sc.cc.isDown('pbxLink')) throw new TsError('pbxlinkOutOfService');
    // The simulated PBX's call processing not answering (the callDispatcher fault) is what a link timeout looks like.
    if (sc.cc.isDown('callDispatcher')) throw new TsError('pbxTimeout');
    if (req.op === 'agentState' && sc.cc.isDown('agentServer')) throw new TsError('pbxReject', 'the agent server is down');
  }
  if (device !== undefined && req.op !== 'closeSession') sc.sessions.touch(device, peer);
  const needs = EXPECTED_CALLS[req.op];
  if (needs !== undefined && device !== undefined) requireCalls(sc, device, needs);
  if (req.op === 'snapshot') return snapshot(req, sc, peer, signal);
  return handle(req, sc, peer);
}

function handle(req: Exclude<TsRequest, { op: 'snapshot' }>, sc: ServiceContext, peer: Peer): ServiceResult {
  const { cc } = sc;
  const t = cc.telephony;
  switch (req.op) {
    case 'openSession':
      sc.sessions.open(req, peer);
      return 'standard';
    case 'closeSession':
      sc.sessions.close(req, peer);
      return 'standard';
    case 'addPartyToCall':
      t.addParty(req.deviceNumber, req.addedDeviceNumber, callWithExtraData(sc, req, ['connected', 'hold']));
      return 'standard';
    case 'agentState': {
      const agent = cc.agentAt(req.deviceNumber);
      if (!agent) throw new TsError('pbxReject', 'no agent at this device');
      const target = AGENT_STATE_FROM_WIRE[req.state];
      // Seed: "The null state is however not possible, while the busy state ... cannot be requested".
      if (!target) throw new TsError('reject', `${req.state} cannot be requested`);
      const readyOnLogOn = req.state === 'loggedOn' && sc.rps.logOnRules(agent.userId).readyOnLoggedOn;
      if (readyOnLogOn) cc.setAgentState(agent.userId, 'ready');
      else cc.setAgentState(agent.userId, target.state, target.reason);
      return 'standard';
    }
    case 'alternateCall':
      t.alternate(req.deviceNumber, namedCalls(sc, req));
      return 'standard';
    case 'conferenceCall':
      t.conference(req.deviceNumber, namedCalls(sc, req));
      return 'standard';
    case 'reconnectCall':
      t.reconnect(req.deviceNumber, namedCalls(sc, req));
      return 'standard';
    case 'transferCall':
      t.transfer(req.deviceNumber, namedCalls(sc, req));
      return 'standard';
    case 'answerCall':
      // Seed: "If no calling number is given, the first alerting call is answered automatically".
      t.answer(req.deviceNumber, callWith(sc, req.deviceNumber, req.callingNumber, ['alerting']));
      return 'standard';
    case 'consultationCall': {
      const consultFor = callWith(sc, req.deviceNumber, req.otherNumber, ['connected']);
      t.consult(req.deviceNumber, req.consultedDeviceNumber, {
        ...(consultFor !== undefined ? { consultFor } : {}),
        ...(req.extraData !== undefined ? { attached: { extraData: req.extraData } } : {}),
      });
      return 'standard';
    }
    case 'divertCall':
      t.divert(req.deviceNumber, req.divertedDeviceNumber, callWithExtraData(sc, req, ['alerting', 'connected']));
      return 'standard';
    case 'doNotDisturb':
      cc.setDnd(req.deviceNumber, req.on);
      return 'standard';
    case 'dropCall':
      t.drop(req.deviceNumber, callWith(sc, req.deviceNumber, req.otherNumber));
      return 'standard';
    case 'holdCall':
      t.hold(req.deviceNumber, callWith(sc, req.deviceNumber, req.otherNumber, ['connected']));
      return 'standard';
    case 'retrieveCall':
      t.retrieve(req.deviceNumber, callWith(sc, req.deviceNumber, req.otherNumber, ['hold']));
      return 'standard';
    case 'forward':
      cc.setForward(req.deviceNumber, req.type, req.number, req.on);
      return 'standard';
    case 'makeCall':
      t.makeCall(req.deviceNumber, req.calledDeviceNumber, req.extraData !== undefined ? { attached: { extraData: req.extraData } } : {});
      return 'standard';
    case 'qualifyCall':
      return qualifyCall(req, sc);
    case 'queryAgentState':
      return agentNode(sc.agentInfo(cc.agentAt(req.deviceNumber)));
    case 'queryDoNotDisturb':
      return onOffNode('doNotDisturb', cc.device(req.deviceNumber).dnd);
    case 'queryForward':
      return forwardsNode(cc.device(req.deviceNumber).forwards);
    case 'queryMsgWaiting':
      return onOffNode('msgWaiting', cc.device(req.deviceNumber).msgWaiting);
    case 'queryHistory':
      return historyNode(req, sc);
    case 'queryUserStatistics':
      return userStatisticsNode(req, sc);
    case 'searchName':
      return searchResult(cc.directory.searchName(req.name, req.userID ?? req.deviceNumber, req.limit));
    case 'searchNumber':
      return searchResult(cc.directory.searchNumber(req.number, req.userID ?? req.deviceNumber));
    case 'updateUserDirectory': {
      const owner = req.userID ?? req.deviceNumber;
      if (owner === undefined) throw new TsError('reject', 'userID or deviceNumber is required');
      // Seed: "The existing directory entries are deleted and the new entries are added".
      cc.directory.replacePrivate(
        owner,
        req.directoryName,
        req.parties.map((p) => ({ number: p.number, name: p.name ?? p.number, ...(p.company ? { company: p.company } : {}), ...(p.numberType ? { numberType: p.numberType } : {}) })),
      );
      return 'standard';
    }
    case 'updateDirectory': {
      const entries = sc.settings.directories.get(req.directoryName);
      if (!entries) throw new TsError('reject', `no directory ${req.directoryName} in the configuration`);
      cc.directory.replaceShared(req.directoryName, entries);
      return 'standard';
    }
    case 'queryRoutingPointState':
      return sc.rps.stateNode(req.service);
    case 'queryRoutingPointStatistics':
      return sc.rps.statistics(req.service, req.type);
    case 'startRoutingPoint':
      sc.rps.start(req.service, req.template, req.config);
      return 'standard';
    case 'stopRoutingPoint':
      sc.rps.stop(req.service);
      return 'standard';
    case 'suspendRoutingPoint':
      sc.rps.suspend(req.service);
      return 'standard';
    case 'resumeRoutingPoint':
      sc.rps.resume(req.service);
      return 'standard';
    case 'updateRoutingPoint':
      sc.rps.update(req.service, req.config);
      return 'standard';
  }
}

/** The device's call whose other party is `otherNumber` (seed "otherNumber: the other party of the call"). */
function callWith(sc: ServiceContext, device: string, otherNumber: string | undefined, states?: string[]): string | undefined {
  if (otherNumber === undefined) return undefined;
  const t = sc.cc.telephony;
  for (const call of t.callsOf(device)) {
    const mine = t.partyOf(call, device);
    if (!mine || (states && !states.includes(mine.state))) continue;
    if (t.activeParties(call).some((p) => p !== mine && p.number === otherNumber)) return call.id;
  }
  throw new TsError('noCall', `no call with ${otherNumber}`);
}

/**
 * The two calls a two-call service names: primOtherNumber is the other party of the primary call (seed "the first
 * existing call"), secOtherNumber that of the secondary (consulted) one. Which is held and which active is the
 * device's state of each (after an alternate the primary call is the active one); a number left out names nothing.
 */
function namedCalls(sc: ServiceContext, req: { deviceNumber: string; primOtherNumber?: string; secOtherNumber?: string }): TwoCalls {
  const t = sc.cc.telephony;
  const out: TwoCalls = {};
  for (const other of [req.primOtherNumber, req.secOtherNumber]) {
    const callId = callWith(sc, req.deviceNumber, other, ['hold', 'connected', 'initiated']);
    if (callId === undefined) continue;
    const mine = t.partyOf(t.call(callId), req.deviceNumber);
    if (mine?.state === 'hold') out.heldCallId ??= callId;
    else out.activeCallId ??= callId;
  }
  return out;
}

function firstCall(sc: ServiceContext, device: string, states: string[]): string {
  const t = sc.cc.telephony;
  for (const state of states) {
    for (const call of t.callsOf(device)) if (t.partyOf(call, device)?.state === state) return call.id;
  }
  throw new TsError('noCall');
}

/**
 * callWith for a service that carries extraData: the data is attached to the call (the named one, else the device's
 * first in `states`) before the service acts, so the other device's first event already carries it.
 */
function callWithExtraData(sc: ServiceContext, req: { deviceNumber: string; otherNumber?: string; extraData?: string }, states: string[]): string | undefined {
  const callId = callWith(sc, req.deviceNumber, req.otherNumber, states);
  if (req.extraData === undefined) return callId;
  const target = callId ?? firstCall(sc, req.deviceNumber, states);
  sc.cc.telephony.setAttached(target, { extraData: req.extraData });
  return target;
}

/** Seed "QualifyCall": the calling number (and name) of the alerting call, answering it unless told not to. */
function qualifyCall(req: Extract<TsRequest, { op: 'qualifyCall' }>, sc: ServiceContext): XNode {
  const t = sc.cc.telephony;
  for (const call of t.callsOf(req.deviceNumber)) {
    const mine = t.partyOf(call, req.deviceNumber);
    if (mine?.state !== 'alerting') continue;
    const others = t.activeParties(call).filter((p) => p !== mine && p.role !== 'supervisor');
    const caller = others.find((p) => p.role === 'caller') ?? others[0];
    if (!caller) continue;
    const name = req.needName ? sc.lookupFor(req.deviceNumber)(caller.number)?.name : undefined;
    if ((req.answerCall ?? true) && sc.settings.qualifyCallAnswers) t.answer(req.deviceNumber, call.id);
    return el('qualifyCall', txt('number', caller.number), name !== undefined && txt('name', name));
  }
  throw new TsError('noCall', 'no alerting call');
}

function searchResult(entries: DirectoryEntry[]): XNode {
  return el('searchDirectory', ...entries.map(directoryPartyNode));
}

/**
 * Seed "Snapshot". With resultOnEvent over HTTP the answer waits for the device's next change or the timeout
 * (a long poll); over raw TCP resultOnEvent is ignored (the seed: "possible only if the client is a HTTP").
 */
async function snapshot(req: Extract<TsRequest, { op: 'snapshot' }>, sc: ServiceContext, peer: Peer, signal?: AbortSignal): Promise<XNode> {
  const http = peer.transport === 'http';
  const roe = req.resultOnEvent;
  if (http && roe && roe.timeout > 0 && roe.snapshotSeq !== undefined) {
    const waitMs = Math.min(roe.timeout, sc.settings.snapshotMaxWaitSec) * 1000;
    await sc.sessions.waitForChange(req.deviceNumber, roe.snapshotSeq, waitMs, signal);
  }
  const { cc } = sc;
  const dev = cc.device(req.deviceNumber);
  const agent = cc.agentAt(req.deviceNumber);
  const session = sc.sessions.get(req.deviceNumber);
  const opts = { lookup: sc.lookupFor(req.deviceNumber), callReference: sc.settings.callReference };
  return el(
    'snapshot',
    http && txt('snapshotSeq', session?.seq ?? 0),
    el('calls', ...sc.views.reports(req.deviceNumber).map((r) => callNode(r, opts))),
    forwardsNode(dev.forwards),
    onOffNode('msgWaiting', dev.msgWaiting),
    onOffNode('doNotDisturb', dev.dnd),
    agent !== undefined && agentNode(sc.agentInfo(agent)),
    cc.isDown('pbxLink') && el('session', { name: 'pbxlinkOutOfService' }),
  );
}

