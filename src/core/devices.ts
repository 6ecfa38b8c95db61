/**
 * Devices (extensions and other PBX devices such as routing points) and their features: do-not-disturb, message
 * waiting and the nine TelServices forward types. Each change emits one device event.
 */
import type { ContactCenter } from './center.js';
import { CoreError } from './errors.js';
import type { Device, Forward, ForwardType } from './model.js';
import { DIALLABLE } from './numbering.js';

export class Devices {
  readonly byNumber = new Map<string, Device>();
  private phoneHost = 10;

  constructor(private readonly cc: ContactCenter) {}

  /** The device with this number, created (without an agent, features off) when there is none. */
  ensure(number: string): Device {
    let d = this.byNumber.get(number);
    if (!d) {
      const host = this.phoneHost++;
      const o = this.cc.options;
      d = { number, dnd: false, msgWaiting: false, forwards: [], ip: `${o.phoneNet}${host % 250}`, port: 20000 + (host % 1000) * 2, noAnswerSec: o.noAnswerSec };
      this.byNumber.set(number, d);
    }
    return d;
  }

  get(number: string): Device {
    const d = this.byNumber.get(number);
    if (!d) throw new CoreError('unknownDevice', number);
    return d;
  }

  setDnd(number: string, on: boolean): void {
    const d = this.get(number);
    this.cc.assertUp('pbxLink');
    if (d.dnd === on) return;
    d.dnd = on;
    this.emit(d, 'dnd');
    // Its agent may take calls again.
    const agent = this.cc.agentAt(number);
    if (!on && agent?.state === 'ready') this.cc.routing.dispatchAgent(agent);
  }

  setMsgWaiting(number: string, on: boolean): void {
    const d = this.get(number);
    if (d.msgWaiting === on) return;
    d.msgWaiting = on;
    this.emit(d, 'msgWaiting');
  }

  /** Activates (on) or deactivates (off) one forward type. Turning a type on replaces its previous destination. */
  setForward(number: string, type: ForwardType, destination: string, on: boolean): void {
    const d = this.get(number);
    this.cc.assertUp('pbxLink');
    if (on && !DIALLABLE.test(destination)) throw new CoreError('invalidArgument', 'forward destination');
    if (on && destination === number) throw new CoreError('invalidArgument', 'a device cannot forward to itself');
    const existing = d.forwards.find((f) => f.type === type);
    const forward: Forward = { type, number: on ? destination : existing?.number ?? destination, on };
    d.forwards = d.forwards.filter((f) => f.type !== type);
    if (on) d.forwards.push(forward);
    this.emit(d, 'forward', forward);
  }

  /** Reset: every device's DND, message waiting and forwards off, each change reported. */
  reset(): void {
    for (const d of this.byNumber.values()) {
      d.noAnswerSec = this.cc.options.noAnswerSec;
      if (d.dnd) {
        d.dnd = false;
        this.emit(d, 'dnd');
      }
      if (d.msgWaiting) {
        d.msgWaiting = false;
        this.emit(d, 'msgWaiting');
      }
      const active = d.forwards.filter((f) => f.on);
      d.forwards = [];
      for (const f of active) this.emit(d, 'forward', { ...f, on: false });
    }
  }

  private emit(d: Device, change: 'dnd' | 'forward' | 'msgWaiting', forward?: Forward): void {
    this.cc.bus.emit(this.cc.now(), () => ({
      type: 'device',
      number: d.number,
      change,
      dnd: d.dnd,
      msgWaiting: d.msgWaiting,
      ...(forward ? { forward: { ...forward } } : {}),
    }));
  }
}
