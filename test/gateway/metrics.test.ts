/**
 * GET /metrics over HTTP, read as Prometheus reads it (text exposition format 0.0.4): names as Prometheus and
 * prom-client name them (counters end in `_total`, default process metrics unprefixed), deliveries labelled by
 * interface, and per-queue counters of calls offered, answered and abandoned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { api, EXTERNAL, Receiver, startGateway, subscribed, agentAction } from '../qmi/helpers.js';
import { allDelivered } from '../support/index.js';

interface Family {
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** The exposition format: `# TYPE name type` lines, then `name{label="value",…} number` samples. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      current = { type: type[2] ?? '', samples: [] };
      families.set(type[1] ?? '', current);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    current?.samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return families;
}

let gw: Gateway;
let tool: Receiver;
let families: Map<string, Family>;
beforeAll(async () => {
  gw = await startGateway();
  tool = await subscribed(gw, 'metrics');
  // Sales: one call answered, one abandoned while queued; Support: one abandoned while ringing.
  const { callId: answered } = (await api(gw, 'POST', '/api/v1/calls', { from: EXTERNAL, to: '2001' })) as { callId: string };
  await agentAction(gw, 'HARRI', 'answer');
  for (const id of ['MAIJA', 'ANNA']) await api(gw, 'PUT', `/api/v1/agents/${id}/state`, { state: 'notReady' });
  const { callId: queued } = (await api(gw, 'POST', '/api/v1/calls', { from: '+4930123456', to: '2001' })) as { callId: string };
  await api(gw, 'POST', `/api/v1/calls/${queued}/hangup`, {});
  const { callId: ringing } = (await api(gw, 'POST', '/api/v1/calls', { from: '+33130127764', to: '2002' })) as { callId: string };
  await api(gw, 'POST', `/api/v1/calls/${ringing}/hangup`, {});
  await api(gw, 'POST', `/api/v1/calls/${answered}/hangup`, {});
  await tool.waitFor((e) => /CallendedEvent$/.test(e.name));
  // The tool has the last event; the gateway counts it once the tool's answer is read.
  await allDelivered(gw);
  const res = await fetch(`${gw.baseUrl}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  families = parseExposition(await res.text());
});
afterAll(async () => {
  await gw.close();
  await tool.stop();
});

const value = (name: string, labels: Record<string, string>): number | undefined =>
  families.get(name)?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('metric names', () => {
  it('has the default process metrics under their standard names, not prefixed', () => {
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(families.has(name), name).toBe(true);
    }
    expect([...families.keys()].filter((n) => n.includes('process_process') || n.startsWith('ccgate_process_'))).toEqual([]);
  });

  it("ends every counter in _total, and none of ccgate's other metrics, and uses only valid names", () => {
    expect(families.size).toBeGreaterThan(20);
    for (const [name, f] of families) {
      expect(name, name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (f.type === 'counter') expect(name, `${name} is a counter`).toMatch(/_total$/);
      // Only counters end in _total, prom-client's default metrics included (its nodejs_active_*_total gauges are dropped).
      else expect(name, `${name} is a ${f.type}`).not.toMatch(/_total$/);
    }
    expect(families.get('nodejs_active_handles')?.type).toBe('gauge');
    expect(families.get('ccgate_deliveries')).toBeUndefined();
  });
});

describe('deliveries', () => {
  it('are counted per interface and outcome, with failures and cancellations beside them', () => {
    expect(families.get('ccgate_deliveries_total')?.type).toBe('counter');
    // Every event the tool received, and the answer to its subscription (which the helper cleared).
    expect(value('ccgate_deliveries_total', { interface: 'qmi', outcome: 'delivered' })).toBe(tool.events.length + 1);
    expect(value('ccgate_deliveries_total', { interface: 'qmi', outcome: 'dropped' })).toBe(0);
    expect(value('ccgate_delivery_failures_total', { interface: 'qmi' })).toBe(0);
    expect(value('ccgate_subscribers_cancelled_total', { interface: 'qmi' })).toBe(0);
  });
});

describe('queue calls', () => {
  it('counts calls offered, answered and abandoned per queue, from the core', () => {
    expect(value('ccgate_queue_calls_offered_total', { queue: '2001' })).toBe(2);
    expect(value('ccgate_queue_calls_answered_total', { queue: '2001' })).toBe(1);
    expect(value('ccgate_queue_calls_abandoned_total', { queue: '2001' })).toBe(1);
    expect(value('ccgate_queue_calls_offered_total', { queue: '2002' })).toBe(1);
    expect(value('ccgate_queue_calls_answered_total', { queue: '2002' })).toBe(0);
    expect(value('ccgate_queue_calls_abandoned_total', { queue: '2002' })).toBe(1);
    // Every phone queue is there from the start, at 0; other channels are not phone queues.
    expect(value('ccgate_queue_calls_offered_total', { queue: '2003' })).toBe(0);
    expect(value('ccgate_queue_calls_offered_total', { queue: 'support@example.com' })).toBeUndefined();
  });

  it('agrees with the core statistics of the control API', async () => {
    const stats = (await api(gw, 'GET', '/api/v1/statistics')) as { queues: Record<string, { offered: number; answered: number }> };
    for (const q of ['2001', '2002', '2003']) {
      expect(value('ccgate_queue_calls_offered_total', { queue: q }), q).toBe(stats.queues[q]?.offered);
      expect(value('ccgate_queue_calls_answered_total', { queue: q }), q).toBe(stats.queues[q]?.answered);
    }
  });
});
