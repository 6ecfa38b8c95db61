/**
 * The REST twin (/OpenMediaServiceRest, issue 10 point 2): the same operations with JSON bodies of the same member
 * names, enums as numbers, query-string dates as ISO 8601, RFC 1123 or the US locale form; faults as JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { startGateway } from './helpers.js';

let gw: Gateway;
const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
beforeAll(async () => {
  gw = await startGateway({}, clock);
});
afterAll(async () => {
  await gw.close();
});

async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`http://127.0.0.1:${gw.ctx.ports.openMedia}/OpenMediaServiceRest${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: r.status, json: await r.json() };
}

describe('the REST twin', () => {
  it('adds, reads, diverts, modifies, cancels and reports with enums as numbers', async () => {
    const add = await rest('POST', '/requests/add', { ServiceGroupID: 10, IVRInfo: [{ Label: 'Ticket', Data: 'R-1' }], SessionPriority: 3 });
    expect(add).toEqual({ status: 200, json: { EWT: 0, OpenMediaID: 1, QueuePosition: 0, RequestStatus: 0 } });
    for (const a of ['HARRI', 'PEKKA', 'ANNA']) await fetch(`${gw.baseUrl}/api/v1/agents/${a}/state`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: 'notReady' }) });
    clock.advance(1000);
    const queued = await rest('POST', '/requests/add', { serviceGroupId: 10, ivrInfo: [{ label: 'Ticket', data: 'R-2' }], QueueStartTime: '/Date(1767603000000)/' });
    expect(queued.json).toMatchObject({ OpenMediaID: 2, QueuePosition: 1, RequestStatus: 0 });
    expect((await rest('PUT', '/requests', { OpenMediaID: 2, IVRInfo: [{ Label: 'Tier', Data: 'gold' }] })).json).toBe(true);
    expect(gw.center.items.list({ channel: 'openmedia' }).find((i) => i.id === 'openmedia-2')?.data).toEqual({ Ticket: 'R-2', Tier: 'gold' });
    expect((await rest('POST', '/requests', { OpenMediaID: 2, TenantID: 1, ServiceGroupName: 'Tickets' })).json).toEqual({ OpenMediaID: 2, RequestStatus: 0 });
    expect((await rest('POST', '/requests', { OpenMediaID: 99, ServiceGroupID: 10 })).json).toEqual({ OpenMediaID: 99, RequestStatus: 5 });
    const one = (await rest('GET', '/requests?id=2')).json as { OpenMediaRequests: Record<string, unknown>[]; TimeStamp: string };
    expect(one.OpenMediaRequests).toEqual([{ AgentID: 0, ID: 2, LogonID: '', QueuePosition: 1, ServiceGroupID: 10, Status: 1, TenantID: 0, TimeStamp: expect.any(String) }]);
    expect((await rest('DELETE', '/requests/cancel', { OpenMediaID: 2, CancelIfAllocated: false, DoNotReport: true })).json).toBe(true);
    expect((await rest('DELETE', '/requests/cancel', { OpenMediaID: 2 })).json).toMatchObject({ error: 'OpenMediaRequestTerminatedFault' });
    const all = (await rest('GET', '/requests')).json as { OpenMediaRequests: { ID: number; Status: number }[] };
    expect(all.OpenMediaRequests.map((r) => [r.ID, r.Status])).toEqual([[1, 2], [2, 6]]);
    expect((await rest('PUT', '/options', { TypeOfSession: 2, MaxNumberOfSessions: 2, SessionLinkOptions: 2 })).json).toBe(true);
    expect((await rest('GET', '/serviceGroups?id=10')).json).toEqual({ Open: true, ServiceGroupID: 10 });
    expect((await rest('GET', '/serviceGroups/tenant?id=1')).json).toEqual({ Status: [{ Open: true, ServiceGroupID: 10 }] });
  });

  it('takes query-string dates as ISO 8601, RFC 1123 and the US locale form, all meaning the same instant', async () => {
    const forms = ['1970-01-01T00:00:00Z', 'Thu, 01 Jan 1970 00:00:00 GMT', '1/1/1970, 12:00:00 AM'];
    const answers = await Promise.all(forms.map(async (f) => ((await rest('GET', `/requests/history?ID=2&RetrieveLaterThan=${encodeURIComponent(f)}`)).json as { OpenMediaRequests: unknown[] }).OpenMediaRequests));
    expect(answers[0]?.length).toBe(3);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    const later = (await rest('GET', `/requests/time?laterThan=${encodeURIComponent('Wed, 31 Dec 2025 23:58:20 GMT')}`)).json as { OpenMediaRequests: unknown[]; TimeStamp: string };
    expect(later.OpenMediaRequests.length).toBeGreaterThan(0);
    const none = (await rest('GET', `/requests/time?laterThan=${encodeURIComponent(later.TimeStamp)}`)).json as { OpenMediaRequests: unknown[] };
    expect(none.OpenMediaRequests).toEqual([]);
  });

  it('answers faults and bad input as JSON with an HTTP status, changing nothing', async () => {
    expect(await rest('GET', '/requests?id=4242')).toEqual({ status: 404, json: { error: 'InvalidOpenMediaIDFault', message: expect.any(String) } });
    expect((await rest('GET', '/requests/time?laterThan=yesterday')).status).toBe(400);
    expect(await rest('POST', '/requests/add', { ServiceGroupID: 'ten' })).toEqual({ status: 400, json: { error: 'InvalidDataException', message: expect.any(String) } });
    expect((await rest('POST', '/requests/add', { ServiceGroupID: 10, IVRInfo: [1, 2, 3, 4].map((n) => ({ Label: `l${n}` })) })).status).toBe(400);
    expect((await rest('GET', '/serviceGroups?id=99')).status).toBe(400);
    expect(gw.center.items.list({ channel: 'openmedia' }).length).toBe(1);
  });
});
