/**
 * Core domain events → TelServiceEvent datagrams for the sessions of the devices concerned (seed "Events": agent,
 * call, forward, doNotDisturb, msgWaiting, session). Every call event updates the device views, whether or not a
 * session watches the device, so a session opened mid-call sees the right call ids and states.
 *
 * Each device's event is rendered and handed over on its own: a failure for one device is logged (one warning per
 * domain event, naming the devices) and the other devices, and the call's later events, still go out.
 */
import type { Logger } from 'pino';
import type { Agent, ContactCenter, DomainEvent } from '../../core/index.js';
import { eventXml, type XNode } from './codec.js';
import type { DeviceCallUpdate, DeviceViews } from './device-view.js';
import { agentNode, callNode, forwardNode, onOffNode, type AgentInfo, type PartyLookup } from './results.js';
import type { Sessions } from './sessions.js';

export interface EventRouterDeps {
  cc: ContactCenter;
  log: Logger;
  views: DeviceViews;
  sessions: Sessions;
  callReference: boolean;
  lookupFor(device: string): PartyLookup;
  agentInfo(agent: Agent | undefined, timeoutSec?: number): AgentInfo;
  /** Campaigns and other listeners that need every event after the views. */
  also?(e: DomainEvent): void;
}

interface HeldBack {
  update: DeviceCallUpdate;
  xml: string;
}

export class EventRouter {
  private heldBack: HeldBack | undefined;
  private flushScheduled = false;
  /** Devices whose event for the domain event being handled could not be sent, with the first error. */
  private failed: { devices: string[]; err: unknown } | undefined;

  constructor(private readonly deps: EventRouterDeps) {}

  handle(e: DomainEvent): void {
    this.guard('-', () => this.resolveHeldBack(e));
    switch (e.type) {
      case 'call':
        for (const u of this.guard('-', () => this.deps.views.apply(e)) ?? []) this.guard(u.device, () => this.callUpdate(u));
        break;
      case 'agent':
        this.guard(e.extension, () => this.send(e.extension, () => agentNode(this.deps.agentInfo(this.deps.cc.findAgent(e.userId), e.timeoutSec))));
        break;
      case 'device':
        this.guard(e.number, () => {
          const forward = e.forward;
          if (e.change === 'forward' && forward) this.send(e.number, () => forwardNode(forward));
          else if (e.change === 'dnd') this.send(e.number, () => onOffNode('doNotDisturb', e.dnd));
          else if (e.change === 'msgWaiting') this.send(e.number, () => onOffNode('msgWaiting', e.msgWaiting));
        });
        break;
      case 'fault':
        if (e.component === 'pbxLink') this.guard('*', () => this.deps.sessions.broadcast(e.down ? 'pbxlinkOutOfService' : 'pbxlinkInService'));
        break;
      default:
        break;
    }
    if (this.deps.also) this.guard('routingPoints', () => this.deps.also?.(e));
    this.reportFailures(e);
  }

  private reportFailures(e: DomainEvent): void {
    const f = this.failed;
    this.failed = undefined;
    if (f) this.deps.log.warn({ err: f.err, seq: e.seq, event: e.type, devices: f.devices }, 'telservices event not sent to some devices');
  }

  /** Runs one device's part of an event; a failure is remembered for the event's one warning, never thrown. */
  private guard<T>(device: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (err) {
      if (this.failed) this.failed.devices.push(device);
      else this.failed = { devices: [device], err };
      return undefined;
    }
  }

  private callUpdate(u: DeviceCallUpdate): void {
    if (!this.deps.sessions.get(u.device)) return;
    const xml = eventXml(u.device, callNode(u.report, { lookup: this.deps.lookupFor(u.device), callReference: this.deps.callReference }));
    if (u.holdBeforeConsult) {
      this.flush();
      this.heldBack = { update: u, xml };
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(() => {
          this.flushScheduled = false;
          try {
            this.flush();
          } catch (err) {
            this.deps.log.warn({ err, devices: [u.device] }, 'telservices event not sent to some devices');
          }
        });
      }
      return;
    }
    this.deps.sessions.deliver(u.device, xml, u.changedState === 'alerting' ? 'alerting' : 'other');
  }

  /**
   * A hold followed at once by the device's consultation call is reported only with that call (seed example 3:
   * primCall hold + secCall initiated, no hold-only event before it). Anything else releases the held-back event.
   */
  private resolveHeldBack(e: DomainEvent): void {
    const h = this.heldBack;
    if (!h) return;
    const hold = h.update.holdBeforeConsult;
    const consult =
      e.type === 'call' &&
      e.change === 'created' &&
      hold !== undefined &&
      e.call.consultFor === hold.callId &&
      e.call.parties.some((p) => p.role === 'caller' && p.number === h.update.device);
    if (consult) this.heldBack = undefined;
    else this.flush();
  }

  private flush(): void {
    const h = this.heldBack;
    if (!h) return;
    this.heldBack = undefined;
    this.deps.sessions.deliver(h.update.device, h.xml, 'other');
  }

  /**
   * An agent or feature event (withheld from restricted clients). `node` is built only when a session watches the
   * device: most agent changes happen on devices nobody monitors over TelServices, and an agent's info reads its
   * routing points' services.
   */
  private send(device: string, node: () => XNode): void {
    if (!this.deps.sessions.get(device)) return;
    this.deps.sessions.deliver(device, eventXml(device, node()), 'other');
  }
}
