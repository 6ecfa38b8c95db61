/**
 * Core events → ICI items and IciEvents. Each call event updates the item of every line in the call (a line is an
 * internal party's number) and sends phoneCallChanged where the line's PhoneCall changed; agent events send
 * userChanged; faults send subscriptionEnded 2 (agentServer, "contact center paused") and containerChanged (pbxLink).
 *
 * Which calls a line's CRM sees (seed 002 §2.1, §4.3.1, §7.4, rule order as written):
 *
 * | the line's party | the call | seen |
 * | --- | --- | --- |
 * | a supervisor listening | | no |
 * | moved in by a transfer or conference from a consultation | | yes |
 * | any | a consultation (consultFor) | yes ("except consultation calls") |
 * | the caller | made through ICI (IciItem.create, dial) | yes |
 * | the caller | made elsewhere (phone, TelServices, control API) | only if not `ici.ignoreCdtOutbound` |
 * | called | came through a queue (also when forwarded since) | yes |
 * | called | direct (agent to agent, or dialled to the extension) | only if not `ici.ignoreOperDirect` |
 * | alerting while the line has another call it sees | | not until answered (a knocking call, §7.4) |
 *
 * Processing status: Created and Alerting are not in process, every other live status active; at the end a call the
 * line talked on goes to wrap up (automatic mode), or only after wrapUpRequired (`ici.requestedWrapUp`); never a
 * consultation, a call the line forwarded or transferred with `ici.forwardAndEnd` / `ici.transferAndEnd`, an
 * outbound call that never connected (unless `ici.wrapUpOutbound`), or a line no CRM subscribes to.
 */
import type { CallEvent, CallView, DomainEvent, PartyView } from '../../core/index.js';
import { partyOfLine, type ProcessingStatus } from './call-status.js';
import { containerChanged, subscriptionEnded } from './events.js';
import type { LineItem } from './items.js';
import type { Oii } from './oii.js';
import { canonical } from './numbers.js';
import { remoteParties } from './phonecall.js';
import { addRecipient } from './subscriptions.js';

export class Projection {
  constructor(private readonly oii: Oii) {}

  onEvent(e: DomainEvent): void {
    const { oii } = this;
    switch (e.type) {
      case 'call':
        return this.onCall(e);
      case 'agent':
        if (e.state === 'ready' && oii.cfg.wrapUpEndedFromCdt) this.endWrapUps(e.extension);
        return oii.notifyUser(e.userId);
      case 'agentConfig':
        return oii.notifyUser(e.userId);
      case 'fault':
        return this.onFault(e.component, e.down);
      case 'recording':
        return this.onRecording(e.change, e.recordingId, e.callId);
      case 'reset':
        // Every call has ended by now (one ended event each). What CRM still holds in wrap-up ends too, reported as
        // usual (processing Not in process), so CRM is not left with an item it can no longer close.
        for (const item of oii.items.clear()) {
          oii.center.clock.clearTimeout(item.timer);
          if (item.processing !== 'wrapUp') continue;
          item.processing = 'notInProcess';
          oii.publish(item);
        }
        oii.trails.clear();
        oii.cadByCall.clear();
        oii.heldCad.clear();
        oii.recordingFiles.clear();
        oii.heldAgents.clear();
        return;
      default:
        return;
    }
  }

  private onCall(e: CallEvent): void {
    const { oii } = this;
    const call = e.call;
    if (e.change === 'queued' && e.queueId !== undefined) this.trail(call.id, e.queueId);
    if (e.change === 'transferred' && !oii.cfg.setExtraData) this.releaseHeldCad(call.id);
    const lines = new Set<string>();
    for (const p of call.parties) if (p.internal) lines.add(p.number);
    for (const item of oii.items.ofCall(call.id)) lines.add(item.line);
    for (const line of lines) this.update(e, call, line);
    if (call.state === 'ended' && !oii.items.hasCall(call.id)) oii.forgetCall(call.id);
  }

  private update(e: CallEvent, call: CallView, line: string): void {
    const { oii } = this;
    const party = partyOfLine(call, line);
    let item = oii.items.get(line, call.id);
    if (item === undefined) {
      if (party === undefined || party.state === 'ended') return;
      const visible = this.visible(e, call, party);
      const knocking = visible && party.state === 'alerting' && this.busyElsewhere(line, call);
      item = oii.items.add({
        callId: call.id,
        line,
        state: 'live',
        visible: visible && !knocking,
        knocking,
        createdByIci: false,
        processing: 'notInProcess',
        consultation: call.consultFor !== undefined,
        outbound: party.role === 'caller',
      });
    } else if (item.state === 'ended') {
      return;
    }
    if (item.state === 'created') {
      // Dialled: its expiry (ici.createdItemTimeoutSec) no longer applies.
      oii.keepCreated(item);
      item.state = 'live';
      item.outbound = true;
      item.consultation = call.consultFor !== undefined;
    }
    item.call = call;
    const live = party !== undefined && party.state !== 'ended' && call.state !== 'ended';
    if (live) this.live(item, party, call, this.handingOn(e, line));
    this.marks(e, item, line);
    if (!live) return this.end(item);
    oii.publish(item);
  }

  /** What only the event says: who merged a conference, who handed the call on, whether it failed busy. */
  private marks(e: CallEvent, item: LineItem, line: string): void {
    if (e.change === 'conferenced' && e.actor === line) item.conferenceOwner = true;
    if (e.change === 'transferring' && e.actor === line) item.handedOn = 'forward';
    if (e.change === 'transferred' && e.actor === line && e.related !== undefined) item.handedOn = 'transfer';
    if (e.change === 'failed' && e.cause === 'busy' && item.outbound && this.oii.cfg.showBusyStatus) item.failedBusy = true;
  }

  /**
   * The line is handing the call on (forward, transfer): whoever joins now joins for the party it goes to, not for
   * this line, whose call was with the parties it had (§10.12.1 remoteNumbers: "all other parties", more than one only
   * in a conference).
   */
  private handingOn(e: CallEvent, line: string): boolean {
    return (e.change === 'transferring' || e.change === 'transferred' || e.change === 'diverted') && e.actor === line;
  }

  private live(item: LineItem, party: PartyView, call: CallView, handingOn: boolean): void {
    if (party.state === 'connected') {
      item.connected = true;
      // §7.4: a knocking call shows once the user picked it in CDT.
      if (item.knocking) {
        item.knocking = false;
        item.visible = true;
      }
    }
    const others = remoteParties(call, item.line);
    if (others.length > 0 && !handingOn) {
      item.remote = others.map((p) => p.number);
      item.remoteInternal = others.every((p) => p.internal);
    }
    item.processing = party.state === 'alerting' ? 'notInProcess' : 'active';
  }

  /** See the table in the file comment. */
  private visible(e: CallEvent, call: CallView, party: PartyView): boolean {
    const { cfg } = this.oii;
    if (party.role === 'supervisor') return false;
    if ((e.change === 'transferred' || e.change === 'conferenced') && e.related !== undefined && e.legs.includes(party.legId)) return true;
    if (call.consultFor !== undefined) return true;
    if (party.role === 'caller') return !cfg.ignoreCdtOutbound;
    if (call.acd) return true;
    return !cfg.ignoreOperDirect;
  }

  /** §7.4: the line is already handling another call it sees. */
  private busyElsewhere(line: string, call: CallView): boolean {
    return this.oii.items.ofLine(line).some((i) => i.callId !== call.id && i.callId !== call.consultFor && i.visible && i.state === 'live');
  }

  /** The line left the call, or the call ended. */
  private end(item: LineItem): void {
    const { oii } = this;
    item.state = 'ended';
    if (item.failedBusy) {
      // OII.ShowBusyStatus: Busy now, Ended after OII.BusyStatusDuration.
      item.processing = 'active';
      oii.publish(item);
      item.timer = oii.center.clock.setTimeout(() => {
        delete item.timer;
        item.failedBusy = false;
        this.settle(item);
      }, oii.cfg.busyStatusDurationMs);
      return;
    }
    this.settle(item);
  }

  private settle(item: LineItem): void {
    const { oii } = this;
    item.processing = this.endProcessing(item);
    if (item.processing !== 'wrapUp') return oii.retire(item);
    oii.publish(item);
    oii.holdAgent(item.line);
  }

  private endProcessing(item: LineItem): ProcessingStatus {
    const { cfg, subs } = this.oii;
    // A call CRM was never shown (hidden: agent-to-agent direct, knocking, ignoreCdtOutbound) cannot be wrapped up by
    // CRM, which never learned its handle: holding its line in wrap-up would keep the agent there for good.
    if (!subs.integrated(item.line) || item.consultation || !item.visible) return 'notInProcess';
    if ((item.handedOn === 'forward' && cfg.forwardAndEnd) || (item.handedOn === 'transfer' && cfg.transferAndEnd)) return 'notInProcess';
    const eligible = item.connected || (item.outbound && cfg.wrapUpOutbound);
    if (!eligible || (cfg.requestedWrapUp && !item.wrapUpRequested)) return 'notInProcess';
    return 'wrapUp';
  }

  /** OII.WrapUpEndedFromCdt: the user went ready on the desktop; the line's wrap-ups end. */
  private endWrapUps(line: string): void {
    for (const item of this.oii.items.ofLine(line)) if (item.processing === 'wrapUp') this.oii.retire(item);
  }

  private trail(callId: string, queueId: string): void {
    const q = this.oii.center.queues.get(queueId);
    if (q === undefined) return;
    const trail = this.oii.trails.get(callId);
    if (trail === undefined) this.oii.trails.set(callId, [q]);
    else if (trail[trail.length - 1] !== q) trail.push(q);
  }

  /** OII.SetExtraData 0: CRM's CAD reaches the contact center when the call is transferred. */
  private releaseHeldCad(callId: string): void {
    const xml = this.oii.heldCad.get(callId);
    if (xml === undefined) return;
    this.oii.heldCad.delete(callId);
    this.oii.center.telephony.setAttached(callId, { XML: xml });
  }

  private onFault(component: string, down: boolean): void {
    const { oii } = this;
    // §9.3.2 reason 2: "Contact center paused … Subscriptions will not be lost and a resubscription is not necessary."
    if (component === 'agentServer' && down) oii.send(oii.subs.everyone(), subscriptionEnded(2));
    if (component !== 'pbxLink') return;
    // §9.3.3: a phone line's status: 1 OK, 2 Failure; to each line's container subscriptions.
    const byLine = new Map<string, Map<string, string[]>>();
    for (const s of oii.subs.all()) {
      if (s.kind !== 'container') continue;
      let to = byLine.get(s.line);
      if (!to) byLine.set(s.line, (to = new Map()));
      addRecipient(to, s);
    }
    for (const [line, to] of byLine) oii.send(to, containerChanged(1, canonical(line, oii.plan), down ? 2 : 1));
  }

  /** OII.CallRecordingCad: a separate phoneCallChanged carries CallRecording once the recording's file exists. */
  private onRecording(change: string, recordingId: number, callId: string): void {
    const { oii } = this;
    if (change !== 'fileReady' || !oii.cfg.callRecordingCad) return;
    let file: string | undefined;
    try {
      file = oii.center.recordings.get(recordingId).audio?.file;
    } catch {
      return;
    }
    // Only items still open carry it; a call whose items are all gone has nobody to tell.
    if (file === undefined || !oii.items.hasCall(callId)) return;
    oii.recordingFiles.set(callId, file);
    for (const item of oii.items.ofCall(callId)) oii.publish(item);
  }
}
