/**
 * A new user's probe of Open Media, over the wire (om-probe findings): a restart frees the item ids, the automatic
 * driver and logging off move requests on, ModifyRequest's input rules and typed faults, DoNotReport, a diverted
 * forced request's time, the REST twin's dates and required parameters, the SOAP path in any case, and what the
 * control API's state shows of a request. Virtual time (ManualClock) where times matter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { OPERATION_FAULTS } from '../../src/interfaces/openmedia/faults.js';
import { openmediaInterface } from '../../src/interfaces/openmedia/index.js';
import { OPERATION_NAMES } from '../../src/interfaces/openmedia/protocol.js';
import { child, children, parseXml } from '../../src/xml/index.js';
import { addRequestXml, api, DC, endpoint, field, ivr, result, soap, startGateway, statusItems, TEMPURI, twoGroupCenter } from './helpers.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const GROUP_10 = '<a:ServiceGroupID>10</a:ServiceGroupID>';
const wrap = (op: string, members: string) => `<${op} xmlns="${TEMPURI}"><request xmlns:a="${DC}">${members}</request></${op}>`;
async function add(g: Gateway, members = GROUP_10): Promise<string> {
  const a = await soap(endpoint(g), 'AddRequest', addRequestXml(`${ivr('Ticket', 'T-1')}${members}`));
  expect(field(result(a), 'RequestStatus')).toBe('Success');
  return field(result(a), 'OpenMediaID') ?? '';
}
async function history(g: Gateway, id: string): Promise<string[]> {
  const a = await soap(endpoint(g), 'GetOpenMediaRequestHistoryByID', `<GetOpenMediaRequestHistoryByID xmlns="${TEMPURI}"><openMediaID>${id}</openMediaID></GetOpenMediaRequestHistoryByID>`);
  return statusItems(a).map((s) => `${s['Status'] ?? ''}${s['LogonID'] ? `:${s['LogonID']}` : ''}`);
}
async function state(g: Gateway, agents: string[], to: string): Promise<void> {
  for (const a of agents) expect((await api(g, 'PUT', `/api/v1/agents/${a}/state`, { state: to })).status).toBe(200);
}
type Counters = Record<string, number>;
const queueStats = async (g: Gateway, q: string) => ((await api(g, 'GET', '/api/v1/statistics')).json['queues'] as Record<string, Counters>)[q] as Counters;

describe('a restart of the service', () => {
  it('frees the item ids: OpenMediaID 1 is item openmedia-1 again, and the control API works it', async () => {
    gw = await startGateway();
    expect(await add(gw)).toBe('1');
    expect((await api(gw, 'POST', '/api/v1/items/openmedia-1/actions', { action: 'complete' })).status).toBe(200);
    expect((await api(gw, 'POST', '/api/v1/openmedia/restart')).status).toBe(200);
    expect(await add(gw)).toBe('1');
    expect(((await api(gw, 'GET', '/api/v1/state')).json['items'] as { itemId: string }[]).map((i) => i.itemId)).toEqual(['openmedia-1']);
    const accept = await api(gw, 'POST', '/api/v1/items/openmedia-1/actions', { action: 'accept', userId: 'HARRI' });
    expect(accept.status, JSON.stringify(accept.json)).toBe(200);
    expect(await history(gw, '1')).toEqual(['Queued', 'AllocatedToAgent:HARRI', 'AgentProcessing:HARRI']);
  });
});

describe('agents move requests on', () => {
  it('an agent with an automatic driver accepts after answerAfterSec and completes after talkSec', async () => {
    const clock = new ManualClock();
    gw = await startGateway({}, clock);
    await state(gw, ['PEKKA', 'ANNA'], 'notReady');
    expect((await api(gw, 'PUT', '/api/v1/agents/HARRI/driver', { answerAfterSec: 2, talkSec: 3, wrapUpSec: 0 })).status).toBe(200);
    const id = await add(gw);
    clock.advance(1999);
    expect(await history(gw, id)).toEqual(['Queued', 'AllocatedToAgent:HARRI']);
    clock.advance(1);
    clock.advance(3000);
    expect(await history(gw, id)).toEqual(['Queued', 'AllocatedToAgent:HARRI', 'AgentProcessing:HARRI', 'Complete:HARRI']);
  });

  it('an agent who logs off gives back a request offered and not accepted at once: queued again', async () => {
    const clock = new ManualClock();
    gw = await startGateway({}, clock);
    await state(gw, ['HARRI', 'ANNA'], 'notReady');
    const id = await add(gw);
    expect(await history(gw, id)).toEqual(['Queued', 'AllocatedToAgent:PEKKA']);
    await state(gw, ['PEKKA'], 'loggedOff');
    expect(await history(gw, id)).toEqual(['Queued', 'AllocatedToAgent:PEKKA', 'Queued']);
    await state(gw, ['HARRI'], 'ready');
    expect((await history(gw, id)).at(-1)).toBe('AllocatedToAgent:HARRI');
  });
});

describe('ModifyRequest', () => {
  it("refuses what AddRequest refuses (no IVRInfo Label or Data, too many, too long) with InvalidDataException, changing nothing", async () => {
    gw = await startGateway();
    await state(gw, ['HARRI', 'PEKKA', 'ANNA'], 'notReady');
    const id = await add(gw, `<a:PrivateData>first</a:PrivateData>${GROUP_10}`);
    const cases = [
      `<a:OpenMediaID>${id}</a:OpenMediaID>`,
      `<a:IVRInfo/><a:OpenMediaID>${id}</a:OpenMediaID>`,
      `<a:IVRInfo><a:IVRInformation><a:Data></a:Data><a:Label></a:Label></a:IVRInformation></a:IVRInfo><a:OpenMediaID>${id}</a:OpenMediaID>`,
      `<a:OpenMediaID>${id}</a:OpenMediaID><a:PrivateData>second</a:PrivateData>`,
      `${ivr('L', 'x'.repeat(101))}<a:OpenMediaID>${id}</a:OpenMediaID>`,
      `${ivr('Ticket', 'T-2')}<a:OpenMediaID>${id}</a:OpenMediaID><a:PrivateData>${'p'.repeat(256)}</a:PrivateData>`,
    ];
    for (const members of cases) {
      const m = await soap(endpoint(gw), 'ModifyRequest', wrap('ModifyRequest', members));
      expect(m.fault?.detail, members).toBe('InvalidDataException');
    }
    expect(gw.center.items.find(`openmedia-${id}`)).toMatchObject({ data: { Ticket: 'T-1' }, attached: { PrivateData: 'first' } });
  });

  it("ccgate's WSDL declares on every operation each fault it can answer; the state shows what ModifyRequest changed", async () => {
    gw = await startGateway();
    const wsdl = parseXml(await (await fetch(`${endpoint(gw)}?wsdl`)).text());
    const portType = child(wsdl, 'portType');
    const declared = (op: string) => children(children(portType, 'operation').find((o) => o.attributes['name'] === op), 'fault').map((f) => f.attributes['name']);
    for (const op of OPERATION_NAMES) expect(declared(op).sort(), op).toEqual(OPERATION_FAULTS[op].map((f) => `${f}Fault`).sort());
    expect(declared('ModifyRequest')).toContain('InvalidDataExceptionFault');
    await state(gw, ['HARRI', 'PEKKA', 'ANNA'], 'notReady');
    const id = await add(gw, `<a:PrivateData>first</a:PrivateData>${GROUP_10}<a:TypeOfSession>4</a:TypeOfSession>`);
    await soap(endpoint(gw), 'ModifyRequest', wrap('ModifyRequest', `${ivr('Tier', 'gold')}<a:OpenMediaID>${id}</a:OpenMediaID><a:PrivateData>second</a:PrivateData>`));
    const om = ((await api(gw, 'GET', '/api/v1/state')).json['interfaces'] as Record<string, { requests: unknown[] }>)['openmedia'];
    expect(om?.requests).toEqual([
      { openMediaId: 1, itemId: 'openmedia-1', status: 'Queued', ivrInfo: [{ label: 'Ticket', data: 'T-1' }, { label: 'Tier', data: 'gold' }], privateData: 'second', typeOfSession: 4 },
    ]);
  });
});

describe('statistics', () => {
  it('a request cancelled with DoNotReport leaves no service-group statistics; an accepted and completed one is answered', async () => {
    gw = await startGateway();
    await state(gw, ['HARRI', 'PEKKA', 'ANNA'], 'notReady');
    const before = await queueStats(gw, '10');
    const id = await add(gw);
    const c = await soap(endpoint(gw), 'CancelRequest', wrap('CancelRequest', `<a:DoNotReport>true</a:DoNotReport><a:OpenMediaID>${id}</a:OpenMediaID>`));
    expect(field(c.body, 'CancelRequestResult')).toBe('true');
    expect(await queueStats(gw, '10')).toEqual(before);
    await state(gw, ['HARRI'], 'ready');
    await add(gw);
    expect((await api(gw, 'POST', '/api/v1/items/openmedia-2/actions', { action: 'accept', userId: 'HARRI' })).status).toBe(200);
    expect((await api(gw, 'POST', '/api/v1/items/openmedia-2/actions', { action: 'complete' })).status).toBe(200);
    expect(await queueStats(gw, '10')).toMatchObject({ offered: (before['offered'] ?? 0) + 1, answered: 1, completed: 1, cancelled: 0 });
  });
});

describe('DivertRequest of a forced request', () => {
  /** Group 11 (ANNA's only) waits 5 s for a forced agent. */
  function center(): unknown {
    const f = twoGroupCenter() as { openmedia: { serviceGroups: unknown[] } };
    f.openmedia.serviceGroups.push({ queue: '11', forcedAgentTimeoutSec: 5, preferredAgent: true });
    return f;
  }
  const forcedTo = (agent: string) => `<a:ForceToPreferredAgent>true</a:ForceToPreferredAgent><a:PreferredAgentLogonID>${agent}</a:PreferredAgentLogonID>${GROUP_10}`;
  const divert = (g: Gateway, id: string) => soap(endpoint(g), 'DivertRequest', wrap('DivertRequest', `<a:OpenMediaID>${id}</a:OpenMediaID><a:ServiceGroupID>11</a:ServiceGroupID>`));

  it("waits the new group's forcedAgentTimeoutSec from the divert; into a group its agent is not in, InvalidGroup, nothing changed", async () => {
    const clock = new ManualClock();
    gw = await startGateway({}, clock, [openmediaInterface], center());
    await state(gw, ['HARRI', 'PEKKA', 'ANNA'], 'notReady');
    const anna = await add(gw, forcedTo('ANNA'));
    const pekka = await add(gw, forcedTo('PEKKA'));
    clock.advance(50_000);
    expect(field(result(await divert(gw, pekka)), 'RequestStatus')).toBe('InvalidGroup');
    expect(await history(gw, pekka)).toEqual(['Queued']);
    expect(field(result(await divert(gw, anna)), 'RequestStatus')).toBe('Success');
    clock.advance(4999);
    expect((await history(gw, anna)).at(-1)).toBe('Queued');
    clock.advance(1);
    expect((await history(gw, anna)).at(-1)).toBe('Failed');
  });
});

describe('the REST twin and the SOAP path', () => {
  const rest = async (g: Gateway, path: string) => {
    const r = await fetch(`http://127.0.0.1:${g.ctx.ports.openMedia}/OpenMediaServiceRest${path}`);
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  it('reads RFC 1123 dates with a numeric zone and US dates without a time; a missing required parameter is 400 on every route', async () => {
    gw = await startGateway();
    await add(gw);
    for (const date of ['Sat, 01 Jan 2000 00:00:00 +0000', 'Sat, 01 Jan 2000 01:00:00 +0100', '1/1/2000', 'Mon, 01 Jan 2100 00:00:00 -0500']) {
      const r = await rest(gw, `/requests/history?ID=1&RetrieveLaterThan=${encodeURIComponent(date)}`);
      expect(r.status, date).toBe(200);
      expect((r.json['OpenMediaRequests'] as unknown[]).length, date).toBe(date.includes('2100') ? 0 : 2);
    }
    for (const path of ['/requests/history', '/requests/history?RetrieveLaterThan=1%2F1%2F2000', '/serviceGroups', '/serviceGroups/tenant']) {
      const r = await rest(gw, path);
      expect([r.status, r.json['error']], path).toEqual([400, 'InvalidDataException']);
      expect(String(r.json['message']), path).toMatch(/required/);
    }
  });

  it('serves SOAP, its WSDL and the REST twin at their paths in any case, on both ports', async () => {
    gw = await startGateway();
    for (const base of [`http://127.0.0.1:${gw.ctx.ports.openMedia}`, gw.baseUrl]) {
      const a = await soap(`${base}/openmediaservice`, 'AddRequest', addRequestXml(`${ivr('Ticket', 'T')}${GROUP_10}`));
      expect([a.status, field(result(a), 'RequestStatus')], base).toEqual([200, 'Success']);
      const w = await fetch(`${base}/OPENMEDIASERVICE?wsdl`);
      expect(w.status, base).toBe(200);
      expect(await w.text()).toContain('wsdl:definitions');
      const r = await fetch(`${base}/openmediaservicerest/Requests?id=1`);
      expect(r.status, base).toBe(200);
      expect(((await r.json()) as { OpenMediaRequests: unknown[] }).OpenMediaRequests).toHaveLength(1);
    }
    const unknown = await fetch(`http://127.0.0.1:${gw.ctx.ports.openMedia}/OpenMediaServiceRest/nothing`);
    expect([unknown.status, ((await unknown.json()) as { error: string }).error]).toEqual([404, 'notFound']);
  });
});
