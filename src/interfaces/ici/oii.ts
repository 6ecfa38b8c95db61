/**
 * The OII module's state ("OII memory", seed 002 §3.4.1 EnumItems/EnumUsers): items, subscriptions, the URLs events
 * go to, and what the core does not know about ICI (wrap-up held for CRM, CAD CRM holds back, queues a call went
 * through). The operations every bean and the projection share live here: resolving lines, publishing an item's
 * change, ending an item's wrap-up, ending subscriptions with or without subscriptionEnded.
 */
import { createHash } from 'node:crypto';
import type { Agent, CallView, ContactCenter, Queue } from '../../core/index.js';
import type { Config } from '../../config/schema.js';
import type { HttpMessage, Notifier } from '../../notify/index.js';
import { redactUrl } from '../../notify/index.js';
import { compileCidrs } from '../../net/cidr.js';
import { parseUrlMap, type AppUrlSettings } from './app-url.js';
import { attachedData, CAD_KEY, generatedCad, optionalCadKeys, type CadSettings } from './cad.js';
import { Targets } from './delivery.js';
import { phoneCallChanged, subscriptionEnded, userChanged, type IciEventMessage, type SubscriptionEndedReason } from './events.js';
import { IciError, ICI_ERRORS } from './faults.js';
import { Items, type LineItem } from './items.js';
import type { IciLog } from './log.js';
import { toCore, type NumberPlan } from './numbers.js';
import { phoneCallView, phoneCallXml } from './phonecall.js';
import { addRecipient, Subscriptions, type Recipients, type Subscription } from './subscriptions.js';
import { userXml } from './users.js';

export type IciSettings = Config['ici'];
/** GetState / the status page's Application state. */
export type OiiState = 'running' | 'stopped';

export interface OiiDeps {
  center: ContactCenter;
  settings: IciSettings;
  notifier: Notifier;
  log: IciLog;
  dataDir: string;
}

export class Oii {
  readonly center: ContactCenter;
  readonly cfg: IciSettings;
  readonly plan: NumberPlan;
  readonly log: IciLog;
  readonly items = new Items();
  readonly subs: Subscriptions;
  readonly targets: Targets;
  readonly cad: CadSettings;
  /** How appUrls become targets (OII.MapSubscribeUrl, OII.ReverseDnsSubscribeUrl, ici.appUrlAllow). */
  readonly appUrls: AppUrlSettings;
  /** §9.2.1 cmsHostId: "the OII module GUID", stable for an installation (its data directory). */
  readonly cmsHostId: string;
  state: OiiState = 'running';
  /** Queues each call went through (CAD FirstB…, OrigQueue, BNumberName). */
  readonly trails = new Map<string, Queue[]>();
  /** OII.SetExtraData 0: the CAD CRM set, held back from the core until the call is transferred. */
  readonly heldCad = new Map<string, string>();
  /** OII.CallRecordingCad: the recording file of each call. */
  readonly recordingFiles = new Map<string, string>();
  /** Users ICI keeps in wrap-up while CRM's item is (OII.PhoneMultiSession 0). */
  readonly heldAgents = new Set<string>();
  /** The CAD last generated for each call (see `generated`), forgotten with the call's trail. */
  readonly cadByCall = new Map<string, { trail: number; recording: string | undefined; xml: string }>();
  /** Users cached by getAttributes or a subscription (EnumUsers), with the User last sent to them. */
  readonly users = new Map<string, string>();

  constructor(deps: OiiDeps) {
    this.center = deps.center;
    this.cfg = deps.settings;
    this.log = deps.log;
    this.plan = { idd: this.cfg.idd, country: this.cfg.country, removePlusPrefix: this.cfg.removePlusPrefix };
    this.cad = { applicationId: this.cfg.cadApplicationId, optional: optionalCadKeys(this.cfg.extraDataWhenAllocated), plan: this.plan };
    this.appUrls = {
      map: parseUrlMap(this.cfg.mapSubscribeUrl),
      reverseDns: this.cfg.reverseDnsSubscribeUrl,
      allow: { allowed: compileCidrs(this.cfg.appUrlAllow, 'ici.appUrlAllow'), key: 'ici.appUrlAllow' },
    };
    this.cmsHostId = (this.cfg.cmsHostId ?? createHash('sha256').update(`ccgate-oii:${deps.dataDir}`).digest('hex').slice(0, 32)).toUpperCase();
    this.subs = new Subscriptions({
      clock: this.center.clock,
      timeoutMs: this.cfg.subscriptionTimeoutSec * 1000,
      onTimeout: (gone) => {
        for (const s of gone) this.log.info({ appUrl: redactUrl(s.appUrl), appId: s.appId, line: s.line }, 'ICI subscription timed out');
        this.ended(gone, 3);
      },
    });
    this.targets = new Targets({
      notifier: deps.notifier,
      log: deps.log.pino,
      soapTimeoutMs: this.cfg.soapTimeoutMs,
      soapWaitMs: this.cfg.soapWaitMs,
      onCancelled: (target, reason) => this.cancelled(target, reason),
    });
  }

  // ------------------------------------------------------------ lines and users

  /** A number CRM sent, as the core writes it (see numbers.ts). */
  toCore(number: string): string {
    return toCore(number, this.plan, (n) => this.center.devices.has(n) || this.center.queueAt(n)?.channel === 'phone');
  }

  /** The device of a lineNumber / containerId; `unknownDevice` when there is none. */
  lineOf(lineNumber: string): string {
    const line = this.toCore(lineNumber);
    this.center.device(line);
    return line;
  }

  /** The agent whose extension the line is. */
  agentOfLine(line: string): Agent | undefined {
    return this.center.agentByExtension(line);
  }

  userXml(agent: Agent): string {
    return userXml(this.center, agent, { plan: this.plan, requestedWrapUp: this.cfg.requestedWrapUp });
  }

  /** userChanged to the user's subscribers when their User differs from what they last got. */
  notifyUser(userId: string, force = false): void {
    const agent = this.center.findAgent(userId);
    if (agent === undefined) return;
    const to = this.subs.forUser(agent.userId);
    if (to.size === 0) return;
    const xml = this.userXml(agent);
    if (!force && this.users.get(agent.userId) === xml) return;
    this.users.set(agent.userId, xml);
    this.send(to, userChanged(xml));
  }

  // ------------------------------------------------------------ items

  /** The item's ICI attached data as its CRM sees it (see cad.ts). */
  attachedOf(item: LineItem): string {
    return this.attachedOfCall(item.callId, item.call);
  }

  /** A call's ICI attached data: held back (OII.SetExtraData 0, or not dialled yet), else the core's, else generated. */
  attachedOfCall(callId: string, call: CallView | undefined): string {
    const held = this.heldCad.get(callId);
    if (held !== undefined) return held;
    if (call === undefined) return '';
    return attachedData(call, () => this.generated(call));
  }

  /**
   * The CAD OII generates for a call, written again only when what it is made of changed: the queues the call went
   * through (a trail only grows) and its recording file. Everything else in it (ids, the caller) is fixed for a call.
   */
  private generated(call: CallView): string {
    const trail = this.trails.get(call.id) ?? [];
    const recording = this.cfg.callRecordingCad ? this.recordingFiles.get(call.id) : undefined;
    const last = this.cadByCall.get(call.id);
    if (last !== undefined && last.trail === trail.length && last.recording === recording) return last.xml;
    const xml = generatedCad(call, trail, this.cad, recording);
    this.cadByCall.set(call.id, { trail: trail.length, recording, xml });
    return xml;
  }

  /**
   * A created item (IciItem.create) that is not dialled within `ici.createdItemTimeoutSec` goes, as dropCalls would
   * drop it: an abandoned handle must not hold one of the line's MAX_CREATED_PER_LINE places for good.
   */
  expireCreated(item: LineItem): void {
    if (this.cfg.createdItemTimeoutSec <= 0) return;
    item.timer = this.center.clock.setTimeout(() => {
      delete item.timer;
      if (item.state === 'created') this.dropCreated(item);
    }, this.cfg.createdItemTimeoutSec * 1000);
  }

  /** A created item that was never dialled goes (drop, dropCalls, a login, Unload, its timeout), with the CAD held for it. */
  dropCreated(item: LineItem): void {
    this.keepCreated(item);
    if (this.items.remove(item)) this.heldCad.delete(item.callId);
  }

  /** The created item's expiry no longer applies (it was dialled, or it goes now). */
  keepCreated(item: LineItem): void {
    this.center.clock.clearTimeout(item.timer);
    delete item.timer;
  }

  /** The item's PhoneCall as its CRM gets it. */
  phoneCall(item: LineItem): string {
    return phoneCallXml(item, phoneCallView(item, this.plan, this.attachedOf(item)), this.plan);
  }

  /** phoneCallChanged to the line's subscribers when the item's PhoneCall changed since it was last sent. */
  publish(item: LineItem): void {
    if (!item.visible) return;
    const xml = this.phoneCall(item);
    if (xml === item.signature) return;
    item.signature = xml;
    const to = this.subs.forLine(item.line);
    if (to.size > 0) this.send(to, phoneCallChanged(xml));
  }

  /**
   * An item left for good (Ended, not in process): sent, then forgotten; with it what ICI keeps about its call, once
   * the call itself has ended too. A call that goes on without this line (forwarded, rerouted) keeps its queue trail
   * and held CAD for the line it rings next (§7.2.1: FirstB… stays the first queue).
   */
  retire(item: LineItem): void {
    this.center.clock.clearTimeout(item.timer);
    if (item.processing === 'wrapUp') item.processing = 'notInProcess';
    this.publish(item);
    if (this.items.remove(item) && (item.call === undefined || item.call.state === 'ended')) this.forgetCall(item.callId);
    this.releaseAgent(item.line);
  }

  /** What ICI keeps about a call beyond its items; the projection calls it when a call without items ends. */
  forgetCall(callId: string): void {
    this.trails.delete(callId);
    this.cadByCall.delete(callId);
    this.heldCad.delete(callId);
    this.recordingFiles.delete(callId);
  }

  /** OII.PhoneMultiSession 0: the line's user stays in wrap-up while CRM wraps up the call (no new call meanwhile). */
  holdAgent(line: string): void {
    if (this.cfg.phoneMultiSession) return;
    const agent = this.agentOfLine(line);
    if (agent === undefined) return;
    if (agent.state === 'ready') this.center.setAgentState(agent.userId, 'workingAfterCall');
    if (this.center.holdWrapUp(agent.userId)) this.heldAgents.add(agent.userId);
  }

  /** The line has no call in wrap-up any more: a user held in wrap-up for it goes on (the state asked for, else ready). */
  private releaseAgent(line: string): void {
    const agent = this.agentOfLine(line);
    if (agent === undefined || !this.heldAgents.has(agent.userId)) return;
    if (this.items.ofLine(line).some((i) => i.processing === 'wrapUp')) return;
    this.heldAgents.delete(agent.userId);
    this.center.holdWrapUp(agent.userId, false);
  }

  /** Nobody hears the line any more: its wrap-ups end (there is no CRM to end them). */
  lineLeft(line: string): void {
    if (this.subs.integrated(line)) return;
    for (const item of this.items.ofLine(line)) if (item.state === 'ended') this.retire(item);
  }

  // ------------------------------------------------------------ subscriptions and delivery

  send(to: Recipients, msg: IciEventMessage): void {
    for (const [target, appIds] of to) this.targets.send(target, appIds, msg);
  }

  /**
   * Subscriptions that ended: subscriptionEnded with `reason` to each of their URLs (all their appIds in one message),
   * URLs nobody subscribes at any more released once that is delivered, lines nobody hears let go of their wrap-ups.
   */
  ended(gone: readonly Subscription[], reason?: SubscriptionEndedReason): void {
    const to = new Map<string, string[]>();
    for (const s of gone) addRecipient(to, s);
    if (reason !== undefined) this.send(to, subscriptionEnded(reason));
    for (const target of to.keys()) if (!this.subs.hasTarget(target)) this.targets.release(target);
    for (const line of new Set(gone.map((s) => s.line))) this.lineLeft(line);
  }

  /** The notifier gave the URL up (unreachable, overflow): its subscriptions end, a last subscriptionEnded 3 is tried. */
  private cancelled(target: string, reason: string): HttpMessage | undefined {
    const gone = this.subs.remove(this.subs.atTarget(target));
    if (gone.length === 0) return undefined;
    this.log.warn({ target: redactUrl(target), reason, appIds: gone.map((s) => s.appId) }, 'ICI subscriptions cancelled: appUrl unreachable');
    for (const line of new Set(gone.map((s) => s.line))) this.lineLeft(line);
    // Nobody subscribes there any more: the notifier forgets the URL once this last message was tried (not listed in
    // /api/v1/state as a cancelled subscriber for ever; subscribing again makes a new one).
    this.targets.release(target);
    return { body: subscriptionEnded(3).render([...new Set(gone.map((s) => s.appId))]), label: 'subscriptionEnded' };
  }

  /** §3.4.1 Start: serves again (subscriptions ended by Stop stay ended: CRM subscribes again). */
  resume(): void {
    this.state = 'running';
    this.log.info({}, 'OII started');
  }

  /** §3.11 "OII stop → subscriptionEnded reason 1 ("WicomOII Stop") → CRM must resubscribe"; requests refused until Start. */
  halt(): void {
    this.ended(this.subs.clear(), 1);
    this.state = 'stopped';
    this.log.info({}, 'OII stopped');
  }

  /** §3.4.1 Unload: OII leaves memory (subscriptions end, cached users and created items go) and starts again on use. */
  unload(): void {
    this.ended(this.subs.clear(), 1);
    this.users.clear();
    for (const item of [...this.items.all()]) if (item.state === 'created') this.dropCreated(item);
    this.state = 'running';
    this.log.info({}, 'OII unloaded');
  }

  /** Refuses requests while OII is stopped (§3.4.1 Stop: "You must use the Start function to restart it"). */
  assertRunning(): void {
    if (this.state !== 'running') throw new IciError(ICI_ERRORS.stopped);
  }

  /**
   * CRM set (or deleted, '') a call's attached data: into the core at once (OII.SetExtraData 1), or held back until the
   * call is transferred (0); an ended call's (CRM wraps up) is kept here for its items.
   */
  setAttached(callId: string, xml: string): void {
    if (this.cfg.setExtraData && this.center.telephony.findCall(callId) !== undefined) {
      this.heldCad.delete(callId);
      this.center.telephony.setAttached(callId, { [CAD_KEY]: xml });
      return;
    }
    this.heldCad.set(callId, xml);
    for (const item of this.items.ofCall(callId)) this.publish(item);
  }
}
