/**
 * Generated traffic: external customers call the phone queues at a steady rate, talk for handleSeconds once
 * answered, and give up after patienceSeconds in queue. Runs on the core's clock.
 */
import type { ContactCenter, DomainEvent, TimerHandle } from '../core/index.js';

export interface TrafficSettings {
  callsPerMinute: number;
  handleSeconds: number;
  queues?: string[];
  patienceSeconds?: number;
}

export class TrafficGenerator {
  private timer: TimerHandle | undefined;
  private settings: TrafficSettings | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly hangups = new Map<string, TimerHandle>();
  private serial = 0;
  generated = 0;

  constructor(private readonly cc: ContactCenter) {}

  get running(): TrafficSettings | undefined {
    return this.settings;
  }

  start(settings: TrafficSettings): void {
    const queues = settings.queues ?? [...this.cc.queues.values()].filter((q) => q.channel === 'phone').map((q) => q.address);
    for (const q of queues) this.cc.queue(q);
    this.stop();
    this.settings = { ...settings, queues };
    this.unsubscribe = this.cc.bus.subscribe((e) => this.onEvent(e));
    this.schedule();
  }

  stop(): void {
    this.cc.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.settings = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const t of this.hangups.values()) this.cc.clock.clearTimeout(t);
    this.hangups.clear();
  }

  private schedule(): void {
    const s = this.settings;
    if (!s) return;
    this.timer = this.cc.clock.setTimeout(() => {
      this.placeCall();
      this.schedule();
    }, 60_000 / s.callsPerMinute);
  }

  private placeCall(): void {
    const s = this.settings;
    const queues = s?.queues ?? [];
    if (!s || queues.length === 0) return;
    const to = queues[this.serial % queues.length] ?? '';
    const from = `+3584${String(10_000_000 + (this.serial++ % 89_999_999))}`;
    try {
      const call = this.cc.telephony.inbound(from, to, { attached: { generated: 'traffic' } });
      this.generated += 1;
      if (s.patienceSeconds !== undefined) this.arm(call.id, s.patienceSeconds);
    } catch {
      // A faulted PBX link refuses calls: generated traffic simply fails, like real callers would.
    }
  }

  private arm(callId: string, seconds: number): void {
    this.cc.clock.clearTimeout(this.hangups.get(callId));
    this.hangups.set(
      callId,
      this.cc.clock.setTimeout(() => {
        this.hangups.delete(callId);
        const call = this.cc.telephony.findCall(callId);
        if (call) this.cc.telephony.hangup(callId);
      }, seconds * 1000),
    );
  }

  private onEvent(e: DomainEvent): void {
    if (e.type !== 'call' || e.call.attached['generated'] !== 'traffic') return;
    if (e.change === 'answered' && this.settings) this.arm(e.call.id, this.settings.handleSeconds);
    if (e.change === 'ended') {
      this.cc.clock.clearTimeout(this.hangups.get(e.call.id));
      this.hangups.delete(e.call.id);
    }
  }
}
