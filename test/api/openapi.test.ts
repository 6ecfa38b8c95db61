/**
 * The control API's OpenAPI document (/api/docs/json) over HTTP: every route documents its 2xx body and the error
 * shape `{"error","message"}`, so a generated client is typed; and every real answer, success or error, is valid
 * against the schema the document gives for it (validated with Ajv, as a generated client's runtime would).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { RESPONSES } from '../../src/api/responses.js';
import { EXTERNAL, startGateway } from '../qmi/helpers.js';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

let gw: Gateway;
let doc: Doc;
beforeAll(async () => {
  gw = await startGateway({ center: { seed: 9, externalAnswerMs: -1 } });
  const res = await fetch(`${gw.baseUrl}/api/docs/json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(async () => {
  await gw.close();
});

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];
/** Every documented operation of the control API, as `METHOD /path` with Fastify's `:param` syntax. */
function operations(): string[] {
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, ops]) => Object.keys(ops).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
}

function schemaOf(op: string, status: number): Record<string, unknown> | undefined {
  const [method = '', path = ''] = op.split(' ');
  const responses = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]?.responses ?? {};
  const entry = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses[`${String(status)[0]}xx`];
  return entry?.content?.['application/json']?.schema;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3 and documents the control API', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(operations().length).toBeGreaterThanOrEqual(Object.keys(RESPONSES).length);
  });

  it('gives every route a typed 2xx body and the error shape for 4xx and 5xx', () => {
    const missing: string[] = [];
    for (const op of operations()) {
      const [method = '', path = ''] = op.split(' ');
      const responses = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]?.responses ?? {};
      const ok = Object.keys(responses).find((s) => /^2\d\d$/.test(s));
      const body = ok === undefined ? undefined : schemaOf(op, Number(ok));
      // A bare object (no properties) types nothing for a generated client.
      if (!body || Object.keys((body['properties'] as object | undefined) ?? {}).length === 0) missing.push(`${op}: no 2xx body schema`);
      for (const status of [400, 500]) {
        const err = schemaOf(op, status);
        if (!err || JSON.stringify(err['required']) !== JSON.stringify(['error', 'message'])) missing.push(`${op}: no ${status} error schema`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('real answers against the document', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = new Map<string, ValidateFunction>();
  const checked = new Set<string>();

  /** Sends the request over HTTP and validates the answer against the schema documented for its status. */
  async function call(op: string, path: string, body?: unknown, wantStatus?: number): Promise<Record<string, unknown>> {
    const [method = ''] = op.split(' ');
    const res = await fetch(`${gw.baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (wantStatus !== undefined) expect(res.status, `${op} ${JSON.stringify(json)}`).toBe(wantStatus);
    else expect(res.status, `${op} ${JSON.stringify(json)}`).toBeLessThan(300);
    const schema = schemaOf(op, res.status);
    expect(schema, `${op} ${res.status} documented`).toBeDefined();
    const key = `${op} ${res.status}`;
    const validate = validators.get(key) ?? ajv.compile(schema ?? {});
    validators.set(key, validate);
    expect(validate(json) ? [] : validate.errors, `${op} → ${JSON.stringify(json).slice(0, 300)}`).toEqual([]);
    if (res.status < 300) checked.add(op);
    return json;
  }

  it('validates a whole session touching every route, and the errors of bad requests', async () => {
    await call('GET /api/v1/state', '/api/v1/state');
    const { callId } = (await call('POST /api/v1/calls', '/api/v1/calls', { from: EXTERNAL, to: '1101' })) as { callId: string };
    await call('GET /api/v1/calls/:callId', `/api/v1/calls/${callId}`);
    await call('POST /api/v1/agents/:userId/actions', '/api/v1/agents/HARRI/actions', { action: 'answer' });
    const { id: recordingId } = (await call('POST /api/v1/calls/:callId/recording', `/api/v1/calls/${callId}/recording`, { action: 'start' })) as { id: number };
    await call('POST /api/v1/calls/:callId/prompt', `/api/v1/calls/${callId}/prompt`, { name: 'welcome' });
    await call('POST /api/v1/calls/:callId/supervise', `/api/v1/calls/${callId}/supervise`, { number: '1104' });
    await call('GET /api/v1/state', '/api/v1/state');
    const { callId: out } = (await call('POST /api/v1/agents/:userId/actions', '/api/v1/agents/PEKKA/actions', { action: 'dial', number: '+35891234567' })) as { callId: string };
    await call('POST /api/v1/calls/:callId/answer', `/api/v1/calls/${out}/answer`, {});
    await call('POST /api/v1/calls/:callId/hangup', `/api/v1/calls/${out}/hangup`, {});
    await call('POST /api/v1/calls/:callId/hangup', `/api/v1/calls/${callId}/hangup`, {});
    await call('PUT /api/v1/agents/:userId/state', '/api/v1/agents/MAIJA/state', { state: 'notReady', reason: 'lunch' });
    await call('PUT /api/v1/agents/:userId/driver', '/api/v1/agents/MAIJA/driver', { answerAfterSec: 1, talkSec: 5, wrapUpSec: 2 });
    await call('DELETE /api/v1/agents/:userId/driver', '/api/v1/agents/MAIJA/driver');
    await call('GET /api/v1/devices/:number', '/api/v1/devices/1101');
    await call('PUT /api/v1/devices/:number', '/api/v1/devices/1102', { dnd: true });
    const { itemId } = (await call('POST /api/v1/emails', '/api/v1/emails', { from: 'a@example.org', to: 'support@example.com', subject: 'Hi', body: 'Hello' })) as { itemId: string };
    await call('POST /api/v1/items/:itemId/actions', `/api/v1/items/${itemId}/actions`, { action: 'accept', userId: 'HARRI' });
    const { chatId } = (await call('POST /api/v1/chats', '/api/v1/chats', { from: 'web', to: 'chat@example.com', text: 'hello' })) as { chatId: string };
    await call('POST /api/v1/chats/:chatId/messages', `/api/v1/chats/${chatId}/messages`, { text: 'anyone?' });
    await call('POST /api/v1/faults', '/api/v1/faults', { component: 'router', state: 'down' });
    await call('POST /api/v1/faults', '/api/v1/faults', { component: 'router', state: 'up' });
    const { scenarioId } = (await call('POST /api/v1/scenarios', '/api/v1/scenarios', { name: 'one', steps: [{ at: 0, do: 'agentState', args: { userId: 'ANNA', state: 'ready' } }] })) as { scenarioId: string };
    await call('GET /api/v1/scenarios/:scenarioId', `/api/v1/scenarios/${scenarioId}`);
    await call('POST /api/v1/traffic', '/api/v1/traffic', { callsPerMinute: 1, handleSeconds: 5, queues: ['2003'] });
    await call('GET /api/v1/state', '/api/v1/state');
    await call('DELETE /api/v1/traffic', '/api/v1/traffic');
    await call('GET /api/v1/history', '/api/v1/history?limit=50');
    await call('GET /api/v1/recordings', '/api/v1/recordings');
    await call('GET /api/v1/recordings/:recordingId', `/api/v1/recordings/${recordingId}`);
    await call('GET /api/v1/recordings', '/api/v1/recordings?source=api&limit=1&order=desc');
    await call('GET /api/v1/statistics', '/api/v1/statistics');
    await call('PUT /api/v1/queues/:queueId', '/api/v1/queues/2003', { open: false });
    await call('PUT /api/v1/queues/:queueId', '/api/v1/queues/2003', { open: true });
    await call('POST /api/v1/reset', '/api/v1/reset', {});

    // Errors: bad input, unknown things, a state that forbids the action, a route that does not exist.
    await call('POST /api/v1/calls', '/api/v1/calls', { from: 'not a number', to: '2001' }, 400);
    await call('GET /api/v1/calls/:callId', '/api/v1/calls/no-such-call', undefined, 404);
    await call('POST /api/v1/agents/:userId/actions', '/api/v1/agents/NOBODY/actions', { action: 'answer' }, 404);
    await call('POST /api/v1/traffic', '/api/v1/traffic', { callsPerMinute: 0 }, 400);
    await call('GET /api/v1/recordings', '/api/v1/recordings?limit=0', undefined, 400);
    await call('POST /api/v1/calls/:callId/recording', `/api/v1/calls/${callId}/recording`, { action: 'pause' }, 404);

    const documented = operations();
    expect([...checked].sort()).toEqual([...documented].sort());
  });
});
