/**
 * Issue 10's ticketing client: generated from ccgate's `?wsdl` (npm `soap`), it adds 50 requests across priorities,
 * queue-start times and preferred agents while no agent is ready, modifies, diverts and cancels some, lets agents
 * handle the rest through the control API, and checks every queue position, status history and final state against
 * the seed's rules, polling GetOpenMediaRequestsByTime with the TimeStamp of its previous answer: every event exactly
 * once. The core runs on a ManualClock, so no offer times out while the test works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { isoOf, npmClient } from './clients/npm-all.js';
import { api, endpoint, startGateway, twoGroupCenter } from './helpers.js';
import { openmediaInterface } from '../../src/interfaces/openmedia/index.js';

type Obj = Record<string, unknown>;
interface Status {
  ID: number;
  Status: string;
  TimeStamp: string;
  AgentID: number;
  ServiceGroupID: number;
  QueuePosition: number;
  LogonID: string | null;
}
interface Ticket {
  n: number;
  id: number;
  priority: number;
  since: number;
  kind: 'plain' | 'modified' | 'diverted' | 'cancelled';
}

const AGENTS: Record<string, number> = { HARRI: 1101, PEKKA: 1103, ANNA: 1104 };
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : v ? [v as Obj] : []);

let gw: Gateway;
const clock = new ManualClock();
beforeAll(async () => {
  gw = await startGateway({}, clock, [openmediaInterface], twoGroupCenter());
});
afterAll(async () => {
  await gw.close();
});

describe('a ticketing system generated from ccgate ?wsdl', () => {
  it('adds, modifies, diverts and cancels 50 tickets, lets agents work them, and sees every status event once', async () => {
    const c = (await npmClient(`${endpoint(gw)}?wsdl`, endpoint(gw))) as unknown as Record<string, (a: unknown) => Promise<[Obj]>>;
    const call = async (op: string, args: unknown): Promise<Obj> => ((await c[`${op}Async`]?.(args)) as [Obj])[0][`${op}Result`] as Obj;
    for (const a of Object.keys(AGENTS)) expect((await api(gw, 'PUT', `/api/v1/agents/${a}/state`, { state: 'notReady' })).status).toBe(200);

    // The waiting list as the seed orders it: priority (1 first; a QueueStartTime ticket keeps the default 50),
    // then queue time, then arrival.
    const waiting: Ticket[] = [];
    const order = (a: Ticket, b: Ticket) => a.priority - b.priority || a.since - b.since || a.n - b.n;
    const tickets: Ticket[] = [];
    const preferred = ['HARRI', 'PEKKA', 'ANNA'];
    for (let n = 0; n < 50; n++) {
      clock.advance(1000);
      const withStart = n % 4 === 3;
      const since = withStart ? clock.now() - 3_600_000 + n * 1000 : clock.now();
      const priority = withStart ? 50 : 1 + ((n * 7) % 5);
      const request: Obj = { IVRInfo: { IVRInformation: [{ Data: `T-${n}`, Label: 'Ticket' }, { Data: 'ACME', Label: 'Customer' }] }, PrivateData: `ticket ${n}`, ServiceGroupID: 10 };
      if (withStart) request['QueueStartTime'] = new Date(since).toISOString();
      else request['SessionPriority'] = priority;
      if (n % 6 === 1) request['PreferredAgentLogonID'] = preferred[n % 3];
      const r = await call('AddRequest', { request });
      const kind = n % 10 === 3 ? 'modified' : n % 10 === 5 ? 'diverted' : n % 10 === 7 ? 'cancelled' : 'plain';
      const t: Ticket = { n, id: r['OpenMediaID'] as number, priority, since, kind };
      tickets.push(t);
      waiting.push(t);
      waiting.sort(order);
      const position = waiting.indexOf(t) + 1;
      expect([r['RequestStatus'], r['QueuePosition']], `ticket ${n}`).toEqual(['Success', position]);
      // EWT with nobody ready: (position) × the default handling time 180 s ÷ one serving agent (core figures).
      expect(r['EWT']).toBe(position * 180);
    }

    // Current queue positions (GetAllOpenMediaRequestStatus) are the waiting list's.
    const current = (await call('GetAllOpenMediaRequestStatus', {}))['OpenMediaRequests'] as Obj;
    const all = list(current['OpenMediaRequest']);
    expect(all.map((s) => [s['ID'], s['QueuePosition']])).toEqual(tickets.map((t) => [t.id, waiting.indexOf(t) + 1]));

    let stamp = '1970-01-01T00:00:00Z';
    const seen: Status[] = [];
    const poll = async (): Promise<void> => {
      const r = await call('GetOpenMediaRequestsByTime', { retrieveLaterThan: stamp });
      for (const s of list((r['OpenMediaRequests'] as Obj | undefined)?.['OpenMediaRequest'])) seen.push({ ...(s as unknown as Status), TimeStamp: isoOf(s['TimeStamp']) });
      stamp = isoOf(r['TimeStamp']);
    };
    await poll();

    for (const t of tickets) {
      if (t.kind === 'modified') {
        const ok = await call('ModifyRequest', { request: { IVRInfo: { IVRInformation: [{ Data: 'T-urgent', Label: 'Ticket' }, { Data: 'gold', Label: 'Tier' }] }, OpenMediaID: t.id } });
        expect(ok).toBe(true);
      } else if (t.kind === 'diverted') {
        expect((await call('DivertRequest', { request: { OpenMediaID: t.id, ServiceGroupName: 'Escalations', TenantID: 1 } }))['RequestStatus']).toBe('Success');
      } else if (t.kind === 'cancelled') {
        expect(await call('CancelRequest', { request: { CancelIfAllocated: false, DoNotReport: true, OpenMediaID: t.id } })).toBe(true);
      } else continue;
      waiting.splice(waiting.indexOf(t), 1);
      await poll();
    }
    // The five cancelled tickets left the system; modified ones carry their new IVR data.
    const open = (await api(gw, 'GET', '/api/v1/state')).json['items'] as Obj[];
    expect(open.length).toBe(45);

    // Agents work: whoever is ready takes the head of their group's queue; each allocated ticket is accepted and
    // completed in OpenMediaID order, polling after every step.
    const allocations: Record<string, number[]> = { '10': [], '11': [] };
    for (const a of Object.keys(AGENTS)) {
      await api(gw, 'PUT', `/api/v1/agents/${a}/state`, { state: 'ready' });
      await poll();
    }
    for (let guard = 0; guard < 200; guard++) {
      const items = ((await api(gw, 'GET', '/api/v1/state')).json['items'] as Obj[]).filter((i) => i['state'] === 'allocated');
      if (items.length === 0) break;
      for (const i of items) {
        const acc = await api(gw, 'POST', `/api/v1/items/${String(i['itemId'])}/actions`, { action: 'accept', userId: i['userId'] });
        expect(acc.status, JSON.stringify(acc.json)).toBe(200);
        // Handled in a second: well within the 20 s an allocated item waits for its agent's answer.
        clock.advance(1000);
        await poll();
        expect((await api(gw, 'POST', `/api/v1/items/${String(i['itemId'])}/actions`, { action: 'complete' })).status).toBe(200);
        await poll();
      }
    }
    expect((await api(gw, 'GET', '/api/v1/state')).json['items']).toEqual([]);

    // Every event once: what polling saw is every request's whole history, in TimeStamp order, without repeats.
    const keys = seen.map((s) => `${s.ID}/${s.Status}/${s.TimeStamp}`);
    expect(new Set(keys).size).toBe(keys.length);
    const histories: Status[] = [];
    for (const t of tickets) {
      const h = await call('GetOpenMediaRequestHistoryByID', { openMediaID: t.id, retrieveLaterThan: '1970-01-01T00:00:00Z' });
      const events = list((h['OpenMediaRequests'] as Obj)['OpenMediaRequest']).map((s) => ({ ...(s as unknown as Status), TimeStamp: isoOf(s['TimeStamp']) }));
      histories.push(...events);
      const statuses = events.map((e) => e.Status);
      const expected =
        t.kind === 'cancelled' ? ['Queued', 'Cancelled'] : t.kind === 'diverted' ? ['Queued', 'Queued', 'AllocatedToAgent', 'AgentProcessing', 'Complete'] : ['Queued', 'AllocatedToAgent', 'AgentProcessing', 'Complete'];
      expect(statuses, `ticket ${t.n}`).toEqual(expected);
      // Seed: AgentID, TenantID and LogonID only while allocated, processing or completed; ServiceGroupID the group.
      for (const e of events) {
        const agent = ['AllocatedToAgent', 'AgentProcessing', 'Complete'].includes(e.Status);
        expect(agent ? Object.values(AGENTS).includes(e.AgentID) : e.AgentID === 0, `ticket ${t.n} ${e.Status}`).toBe(true);
        expect(e.ServiceGroupID).toBe(t.kind === 'diverted' && e !== events[0] ? 11 : 10);
      }
      if (t.kind === 'diverted') expect(events.slice(2).every((e) => e.AgentID === AGENTS['ANNA'])).toBe(true);
      const first = events.find((e) => e.Status === 'AllocatedToAgent');
      if (first) (allocations[String(first.ServiceGroupID)] as number[]).push(t.id);
    }
    const sortKey = (s: Status) => `${s.TimeStamp}/${s.ID}/${s.Status}`;
    expect(keys).toEqual(histories.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)).map((s) => `${s.ID}/${s.Status}/${s.TimeStamp}`));

    // Allocation followed the waiting list: the order tickets of group 10 were allocated in is the seed's order.
    const allocatedAt = new Map(seen.filter((s) => s.Status === 'AllocatedToAgent').map((s) => [s.ID, s.TimeStamp]));
    const byTime = tickets.filter((t) => t.kind === 'plain' || t.kind === 'modified').sort((a, b) => ((allocatedAt.get(a.id) ?? '') < (allocatedAt.get(b.id) ?? '') ? -1 : 1));
    expect(byTime.map((t) => t.id)).toEqual([...tickets.filter((t) => t.kind === 'plain' || t.kind === 'modified')].sort(order).map((t) => t.id));

    // Every answer's TimeStamp is later than every event it reported: a last poll finds nothing new.
    const before = seen.length;
    await poll();
    expect(seen.length).toBe(before);
  }, 120_000);
});
