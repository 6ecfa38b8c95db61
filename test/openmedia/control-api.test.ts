/**
 * Open Media's control routes (tenants, the service's restart) are documented in the control API's OpenAPI document
 * like every other route: a typed 2xx body and the error shape; real answers validate against it.
 */
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { api, startGateway } from './helpers.js';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }>> };
let gw: Gateway;
let doc: Doc;
beforeAll(async () => {
  gw = await startGateway();
  doc = (await (await fetch(`${gw.baseUrl}/api/docs/json`)).json()) as Doc;
});
afterAll(async () => {
  await gw.close();
});

const schema = (path: string, method: string, status: string) => doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;

describe("Open Media's control routes", () => {
  it('are documented and answer what they document', async () => {
    const ajv = new Ajv({ strict: false });
    const cases: [string, string, string, unknown, number][] = [
      ['/api/v1/openmedia/tenants/{tenantId}', 'put', '/api/v1/openmedia/tenants/1', { enabled: false }, 200],
      ['/api/v1/openmedia/tenants/{tenantId}', 'put', '/api/v1/openmedia/tenants/7', { enabled: true }, 404],
      ['/api/v1/openmedia/tenants/{tenantId}', 'put', '/api/v1/openmedia/tenants/1', { enabled: 'yes' }, 400],
      // om-findings 12: a tenantId that is no tenant ID at all is a bad argument, not an unknown tenant.
      ['/api/v1/openmedia/tenants/{tenantId}', 'put', '/api/v1/openmedia/tenants/abc', { enabled: true }, 400],
      ['/api/v1/openmedia/tenants/{tenantId}', 'put', '/api/v1/openmedia/tenants/-1', { enabled: true }, 400],
      ['/api/v1/openmedia/tenants/{tenantId}', 'put', '/api/v1/openmedia/tenants/1.5', { enabled: true }, 400],
      ['/api/v1/openmedia/restart', 'post', '/api/v1/openmedia/restart', {}, 200],
      ['/api/v1/queues/{queueId}', 'put', '/api/v1/queues/10', { open: false }, 200],
    ];
    for (const [path, method, url, body, status] of cases) {
      const s = schema(path, method, status < 300 ? '200' : '4XX') ?? schema(path, method, '4xx');
      expect(s, `${method} ${path} ${status}`).toBeDefined();
      if (status < 300) expect(Object.keys((s?.['properties'] as object | undefined) ?? {}).length).toBeGreaterThan(0);
      const r = await api(gw, method.toUpperCase(), url, body);
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      const validate = ajv.compile(s ?? {});
      expect(validate(r.json) ? [] : validate.errors).toEqual([]);
      if (url.endsWith('/abc')) expect(r.json['error']).toBe('invalidArgument');
    }
  });
});
