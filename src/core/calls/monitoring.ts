/**
 * Live monitoring sessions of calls (QMI 3.2.3): each owner (an interface session) may follow a call with one
 * session, mixed or separate, running or paused; the media layer opens the RTP streams from the call's `monitors`.
 */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { Call, MonitorSession } from '../model.js';
import type { CallParts } from './parts.js';

export class Monitors {
  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {}

  start(callId: string, owner: string, mode: 'mixed' | 'separate', targets: { host: string; port: number }[]): MonitorSession {
    const call = this.p.reg.live(callId);
    if (targets.length === 0) throw new CoreError('invalidArgument', 'no monitoring target');
    const existing = call.monitors.find((m) => m.owner === owner);
    if (existing) call.monitors = call.monitors.filter((m) => m !== existing);
    const session: MonitorSession = { id: this.cc.ids.guid(), owner, mode, targets: targets.map((t) => ({ ...t })), state: 'running' };
    call.monitors.push(session);
    this.p.reg.emit('monitoring', call, [], { monitoring: { change: 'started', monitorId: session.id, owner } });
    return session;
  }

  private of(callId: string, owner: string): { call: Call; m: MonitorSession } {
    const call = this.p.reg.live(callId);
    const m = call.monitors.find((x) => x.owner === owner);
    if (!m) throw new CoreError('invalidState', 'the call is not being monitored by this session');
    return { call, m };
  }

  setState(callId: string, owner: string, state: 'running' | 'paused'): MonitorSession {
    const { call, m } = this.of(callId, owner);
    if (m.state === state) throw new CoreError('invalidState', `monitoring is already ${state}`);
    m.state = state;
    this.p.reg.emit('monitoring', call, [], { monitoring: { change: state === 'paused' ? 'paused' : 'resumed', monitorId: m.id, owner } });
    return m;
  }

  stop(callId: string, owner: string): void {
    const { call, m } = this.of(callId, owner);
    call.monitors = call.monitors.filter((x) => x !== m);
    this.p.reg.emit('monitoring', call, [], { monitoring: { change: 'stopped', monitorId: m.id, owner } });
  }

  /** Ends every monitoring session of an owner (its QMI session went away). */
  stopAllOf(owner: string): void {
    for (const call of this.p.reg.values()) {
      const m = call.monitors.find((x) => x.owner === owner);
      if (!m) continue;
      call.monitors = call.monitors.filter((x) => x !== m);
      this.p.reg.emit('monitoring', call, [], { monitoring: { change: 'stopped', monitorId: m.id, owner } });
    }
  }
}
