/** Prometheus metrics (prom-client): requests per interface and operation, deliveries, queues, calls, agents. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ContactCenter } from './core/index.js';
import { AGENT_STATES } from './core/index.js';
import type { Notifier } from './notify/index.js';

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'interface' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'interface' | 'operation'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ccgate_process_' });
    this.requests = new Counter({
      name: 'ccgate_requests_total',
      help: 'Requests handled, by interface, operation and outcome (ok, fault, error)',
      labelNames: ['interface', 'operation', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'ccgate_request_duration_seconds',
      help: 'Request handling time by interface and operation',
      labelNames: ['interface', 'operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
  }

  /** One request of any interface. `operation` must come from a closed set (never raw client input). */
  observe(iface: string, operation: string, outcome: 'ok' | 'fault' | 'error', ms: number): void {
    this.requests.inc({ interface: iface, operation, outcome });
    this.duration.observe({ interface: iface, operation }, ms / 1000);
  }

  /** Gauges read from the core and the notifier at scrape time. */
  watch(center: ContactCenter, notifier: Notifier): void {
    const reg = [this.registry];
    new Gauge({
      name: 'ccgate_active_calls',
      help: 'Calls in progress',
      registers: reg,
      collect() {
        this.set(center.telephony.activeCalls().length);
      },
    });
    new Gauge({
      name: 'ccgate_agents',
      help: 'Agents per state',
      labelNames: ['state'],
      registers: reg,
      collect() {
        const n: Record<string, number> = {};
        for (const s of AGENT_STATES) n[s] = 0;
        for (const a of center.agents.values()) n[a.state] = (n[a.state] ?? 0) + 1;
        for (const [state, v] of Object.entries(n)) this.set({ state }, v);
      },
    });
    new Gauge({
      name: 'ccgate_queue_waiting',
      help: 'Contacts waiting per queue',
      labelNames: ['queue', 'channel'],
      registers: reg,
      collect() {
        for (const q of center.queues.values()) this.set({ queue: q.id, channel: q.channel }, q.waiting.length);
      },
    });
    new Gauge({
      name: 'ccgate_subscriber_queue_depth',
      help: 'Events waiting for delivery per subscriber',
      labelNames: ['interface', 'subscriber'],
      registers: reg,
      collect() {
        this.reset();
        for (const h of notifier.health()) this.set({ interface: h.interface, subscriber: h.id }, h.queued);
      },
    });
    new Gauge({
      name: 'ccgate_deliveries',
      help: 'Event deliveries since start, by outcome (delivered, failed attempts, dropped, cancelled subscribers)',
      labelNames: ['outcome'],
      registers: reg,
      collect() {
        const t = notifier.totals();
        this.set({ outcome: 'delivered' }, t.delivered);
        this.set({ outcome: 'failed' }, t.failed);
        this.set({ outcome: 'dropped' }, t.dropped);
        this.set({ outcome: 'cancelled' }, t.cancelled);
      },
    });
  }
}
