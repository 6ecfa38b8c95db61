/**
 * Prometheus metrics (prom-client), named as Prometheus names them (https://prometheus.io/docs/practices/naming/):
 * counters end in `_total`, units are base units (`_seconds`), and the default process metrics keep their standard
 * names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes` …) so stock dashboards find them.
 *
 * - `ccgate_requests_total{interface,operation,outcome}`, `ccgate_request_duration_seconds{interface,operation}`
 * - `ccgate_deliveries_total{interface,outcome}` (outcome `delivered` or `dropped`: messages),
 *   `ccgate_delivery_failures_total{interface}` (failed attempts, each retry counts),
 *   `ccgate_subscribers_cancelled_total{interface}`, `ccgate_subscriber_queue_depth{interface,subscriber}`
 * - `ccgate_queue_calls_offered_total{queue}`, `…_answered_total`, `…_abandoned_total`, counted from core events
 * - `ccgate_active_calls`, `ccgate_agents{state}`, `ccgate_queue_waiting{queue,channel}`
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallEvent, ContactCenter, DomainEvent } from './core/index.js';
import { AGENT_STATES } from './core/index.js';
import type { Notifier, NotifierTotals } from './notify/index.js';

let processRegistry: Registry | undefined;

/**
 * The process's default metrics, collected once per process. prom-client cannot stop them: its GC observer and
 * event-loop monitor live as long as the process and keep their registry, so a registry of a gateway's own would keep
 * every closed gateway (its core, through the gauges below) alive, 12 MiB a gateway in a benchmark's rounds.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // prom-client's totals of active handles, requests and resources are gauges named `_total`, which Prometheus
    // reserves for counters (https://prometheus.io/docs/practices/naming/): dropped; `nodejs_active_handles{type}`,
    // `nodejs_active_requests{type}` and `nodejs_active_resources{type}` carry the same values by type.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

export class Metrics {
  /** The process's default metrics and this gateway's own; what `GET /metrics` serves. */
  readonly registry: Registry;
  private readonly requests: Counter<'interface' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'interface' | 'operation'>;

  constructor() {
    this.registry = Registry.merge([processMetrics(), new Registry()]);
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

  /** Metrics read from the core and the notifier: gauges and delivery counters at scrape time, queue counters live. */
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
    // The notifier keeps the totals (they only grow, removed subscribers included); a scrape copies them.
    const fromTotals = (name: string, help: string, labelNames: string[], rows: (iface: string, t: NotifierTotals) => [Record<string, string>, number][]) =>
      new Counter({
        name,
        help,
        labelNames,
        registers: reg,
        collect() {
          this.reset();
          for (const [iface, t] of notifier.totalsByInterface()) for (const [labels, v] of rows(iface, t)) this.inc(labels, v);
        },
      });
    fromTotals('ccgate_deliveries_total', 'Event messages delivered to subscribers, or dropped (cancellation, overflow, removal), by interface', ['interface', 'outcome'], (iface, t) => [
      [{ interface: iface, outcome: 'delivered' }, t.delivered],
      [{ interface: iface, outcome: 'dropped' }, t.dropped],
    ]);
    fromTotals('ccgate_delivery_failures_total', 'Failed delivery attempts (each retry counts), by interface', ['interface'], (iface, t) => [[{ interface: iface }, t.failed]]);
    fromTotals('ccgate_subscribers_cancelled_total', 'Subscribers cancelled by their protocol rule (unreachable, overflow), by interface', ['interface'], (iface, t) => [[{ interface: iface }, t.cancelled]]);
    this.countQueueCalls(center);
  }

  /**
   * Calls offered to, answered from and abandoned in each phone queue, counted from core events: offered when a
   * call first enters the queue (`queued`), answered when an agent answers it, abandoned when the caller hangs up
   * first (cause `abandoned`). A call requeued after a ring-no-answer is still the same offer.
   */
  private countQueueCalls(center: ContactCenter): void {
    const counter = (what: string, help: string) =>
      new Counter({ name: `ccgate_queue_calls_${what}_total`, help, labelNames: ['queue'], registers: [this.registry] });
    const offered = counter('offered', 'Calls offered to a phone queue');
    const answered = counter('answered', 'Calls of a phone queue answered by an agent');
    const abandoned = counter('abandoned', 'Calls of a phone queue whose caller hung up before an agent answered');
    for (const q of center.queues.values()) {
      if (q.channel !== 'phone') continue;
      for (const c of [offered, answered, abandoned]) c.inc({ queue: q.id }, 0);
    }
    /** Calls offered and not yet answered or abandoned → their queue. */
    const waiting = new Map<string, string>();
    const onCall = (e: CallEvent): void => {
      const id = e.call.id;
      if (e.change === 'queued' && e.call.queueId !== undefined) {
        waiting.set(id, e.call.queueId);
        offered.inc({ queue: e.call.queueId });
        return;
      }
      const queue = waiting.get(id);
      if (queue === undefined) return;
      if (e.change === 'answered' || e.change === 'transferred') {
        if (!e.call.parties.some((p) => e.legs.includes(p.legId) && p.internal)) return;
        waiting.delete(id);
        answered.inc({ queue });
      } else if (e.change === 'ended') {
        waiting.delete(id);
        if (e.cause === 'abandoned') abandoned.inc({ queue });
      }
    };
    // The subscription lives as long as the center (one gateway), so it is never removed.
    center.bus.subscribe((e: DomainEvent) => {
      if (e.type === 'call') onCall(e);
    });
  }
}
