/**
 * Issue 10 points 4, 5 and 8 over the wire: preferred and forced agents (a forced request its agent does not take in
 * the service group's time fails, never reaching another agent), SetOptions through the core's type options,
 * tenants and service groups through the control API, the service's restart, and an allocated request in the agent's
 * state on TelServices, the control API and the dashboard's data. Virtual time (ManualClock) where the seed's times
 * matter.
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { openmediaInterface } from '../../src/interfaces/openmedia/index.js';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import { ts } from '../telservices/helpers.js';
import { addRequestXml, api, endpoint, field, ivr, result, soap, startGateway, statusItems } from './helpers.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const TICKET = ivr('Ticket', 'T-1');
async function add(g: Gateway, members: string): Promise<{ id: string; position: string; status: string }> {
  const a = await soap(endpoint(g), 'AddRequest', addRequestXml(`${TICKET}${members}`));
  const r = result(a);
  return { id: field(r, 'OpenMediaID') ?? '', position: field(r, 'QueuePosition') ?? '', status: field(r, 'RequestStatus') ?? '' };
}
async function statusOf(g: Gateway, id: string): Promise<Record<string, string>[]> {
  const a = await soap(endpoint(g), 'GetOpenMediaRequestHistoryByID', `<GetOpenMediaRequestHistoryByID xmlns="http://tempuri.org/"><openMediaID>${id}</openMediaID></GetOpenMediaRequestHistoryByID>`);
  return statusItems(a);
}
const setOptions = (g: Gateway, members: string) =>
  soap(endpoint(g), 'SetOptions', `<SetOptions xmlns="http://tempuri.org/"><request xmlns:a="http://schemas.datacontract.org/2004/07/Solidus.OpenMedia.Contracts.DataContracts">${members}</request></SetOptions>`);
const group = '<a:ServiceGroupID>10</a:ServiceGroupID>';
const agentsState = async (g: Gateway) => ((await api(g, 'GET', '/api/v1/state')).json['agents'] as { userId: string; workItems: number }[]);

describe('preferred and forced agents', () => {
  it('a preferred agent (by ID, over a logon ID) gets the request when free; a forced one is waited for, then the request fails', async () => {
    const clock = new ManualClock();
    gw = await startGateway({}, clock);
    // PreferredAgentID wins over PreferredAgentLogonID (seed).
    expect(await add(gw, `<a:PreferredAgentID>1104</a:PreferredAgentID><a:PreferredAgentLogonID>PEKKA</a:PreferredAgentLogonID>${group}`)).toEqual({ id: '1', position: '0', status: 'Success' });
    expect((await statusOf(gw, '1')).at(-1)?.['LogonID']).toBe('ANNA');
    // ANNA accepts it (an allocated request not accepted within the ring timeout goes back to the queue).
    const first = ((await api(gw, 'GET', '/api/v1/state')).json['items'] as { itemId: string }[])[0];
    expect((await api(gw, 'POST', `/api/v1/items/${first?.itemId ?? ''}/actions`, { action: 'accept', userId: 'ANNA' })).status).toBe(200);
    expect(await add(gw, `<a:PreferredAgentLogonID>pekka</a:PreferredAgentLogonID>${group}`)).toMatchObject({ position: '0' });
    expect((await statusOf(gw, '2')).at(-1)?.['LogonID']).toBe('PEKKA');
    // ANNA is busy with her one request: a request forced to her waits (position 1) while HARRI is free.
    expect(await add(gw, `<a:ForceToPreferredAgent>true</a:ForceToPreferredAgent><a:PreferredAgentLogonID>ANNA</a:PreferredAgentLogonID>${group}`)).toEqual({ id: '3', position: '1', status: 'Success' });
    clock.advance(59_000);
    expect((await statusOf(gw, '3')).map((s) => s['Status'])).toEqual(['Queued']);
    // The service group's time (60 s in the default center) runs out: rejected, never given to HARRI.
    clock.advance(1000);
    expect((await statusOf(gw, '3')).map((s) => [s['Status'], s['AgentID']])).toEqual([['Queued', '0'], ['Failed', '0']]);
    expect((await agentsState(gw)).find((a) => a.userId === 'HARRI')?.workItems).toBe(0);
  });

  it('a request forced to a logged-off agent answers AgentLoggedOff; to an unknown one Error; nothing is queued', async () => {
    gw = await startGateway();
    await api(gw, 'PUT', '/api/v1/agents/PEKKA/state', { state: 'loggedOff' });
    expect(await add(gw, `<a:ForceToPreferredAgent>true</a:ForceToPreferredAgent><a:PreferredAgentID>1103</a:PreferredAgentID>${group}`)).toEqual({ id: '0', position: '0', status: 'AgentLoggedOff' });
    expect(await add(gw, `<a:ForceToPreferredAgent>true</a:ForceToPreferredAgent><a:PreferredAgentID>4242</a:PreferredAgentID>${group}`)).toEqual({ id: '0', position: '0', status: 'Error' });
    expect((await api(gw, 'GET', '/api/v1/state')).json['items']).toEqual([]);
  });
});

describe('SetOptions governs allocation through the core', () => {
  it('MaxNumberOfSessions per type, AllowDifferentTypes for the incoming type, ResetAllOptions back to one at a time', async () => {
    gw = await startGateway();
    for (const a of ['PEKKA', 'ANNA']) await api(gw, 'PUT', `/api/v1/agents/${a}/state`, { state: 'notReady' });
    expect(field(result(await setOptions(gw, '<a:MaxNumberOfSessions>3</a:MaxNumberOfSessions><a:TypeOfSession>1</a:TypeOfSession>')), 'x')).toBeUndefined();
    const type = (t: number) => `<a:TypeOfSession>${t}</a:TypeOfSession>${group}`;
    // HARRI takes three of type 1.
    for (const n of [1, 2, 3]) expect((await add(gw, type(1))).position).toBe('0');
    expect((await add(gw, type(1))).position).toBe('1');
    // Type 2 (no options of its own) counts against the channel limit (1) without the type-1 items: HARRI takes it.
    expect((await add(gw, type(2))).position).toBe('0');
    // Type 3 does not allow different types: HARRI holds others, so it waits.
    await setOptions(gw, '<a:AllowDifferentTypes>1</a:AllowDifferentTypes><a:TypeOfSession>3</a:TypeOfSession>');
    expect((await add(gw, type(3))).position).toBe('2');
    expect((await agentsState(gw)).find((a) => a.userId === 'HARRI')?.workItems).toBe(4);
    // The desktop-only options are validated, stored and reported.
    await setOptions(gw, '<a:AgentActionOptions>4</a:AgentActionOptions><a:CloseTabOptions>3</a:CloseTabOptions><a:SessionLinkOptions>2</a:SessionLinkOptions><a:TypeOfSession>1</a:TypeOfSession>');
    const om = ((await api(gw, 'GET', '/api/v1/state')).json['interfaces'] as Record<string, { options: unknown }>)['openmedia'];
    expect(om?.options).toEqual({ desktop: { '1': { AgentActionOptions: 4, CloseTabOptions: 3, SessionLinkOptions: 2 } } });
    await setOptions(gw, '<a:ResetAllOptions>true</a:ResetAllOptions><a:TypeOfSession>1</a:TypeOfSession>');
    const after = ((await api(gw, 'GET', '/api/v1/state')).json['interfaces'] as Record<string, { options: unknown }>)['openmedia'];
    expect(after?.options).toEqual({ desktop: {} });
  });
});

describe('tenants and service groups through the control API', () => {
  it('a closed group answers GroupClosed and reports Open false; a disabled tenant answers TenantDisabled; nothing is queued', async () => {
    gw = await startGateway();
    expect((await api(gw, 'PUT', '/api/v1/queues/10', { open: false })).json).toMatchObject({ id: '10', open: false });
    expect(await add(gw, group)).toEqual({ id: '0', position: '0', status: 'GroupClosed' });
    const g = result(await soap(endpoint(gw), 'GetServiceGroupStatus', '<GetServiceGroupStatus xmlns="http://tempuri.org/"><serviceGroupID>10</serviceGroupID></GetServiceGroupStatus>'));
    expect([field(g, 'Open'), field(g, 'ServiceGroupID')]).toEqual(['false', '10']);
    await api(gw, 'PUT', '/api/v1/queues/10', { open: true });
    expect((await api(gw, 'PUT', '/api/v1/openmedia/tenants/1', { enabled: false })).json).toEqual({ id: 1, enabled: false });
    expect(await add(gw, '<a:ServiceGroupName>tickets</a:ServiceGroupName><a:TenantID>1</a:TenantID>')).toEqual({ id: '0', position: '0', status: 'TenantDisabled' });
    expect((await api(gw, 'PUT', '/api/v1/openmedia/tenants/9', { enabled: false })).status).toBe(404);
    expect((await api(gw, 'GET', '/api/v1/state')).json['items']).toEqual([]);
    // By tenant and name once enabled again; an unknown name is InvalidGroup.
    await api(gw, 'PUT', '/api/v1/openmedia/tenants/1', { enabled: true });
    expect((await add(gw, '<a:ServiceGroupName>Tickets</a:ServiceGroupName><a:TenantID>1</a:TenantID>')).status).toBe('Success');
    expect((await add(gw, '<a:ServiceGroupName>Nope</a:ServiceGroupName><a:TenantID>1</a:TenantID>')).status).toBe('InvalidGroup');
  });

  it("a restart of the service clears its history and removes its requests from the system, even those being handled", async () => {
    gw = await startGateway();
    const { id } = await add(gw, group);
    const item = ((await api(gw, 'GET', '/api/v1/state')).json['items'] as { itemId: string }[])[0];
    await api(gw, 'POST', `/api/v1/items/${item?.itemId ?? ''}/actions`, { action: 'accept', userId: 'HARRI' });
    expect((await api(gw, 'POST', '/api/v1/openmedia/restart', {})).json).toEqual({ removed: 1 });
    expect((await api(gw, 'GET', '/api/v1/state')).json['items']).toEqual([]);
    const a = await soap(endpoint(gw), 'GetOpenMediaRequestStatusByID', `<GetOpenMediaRequestStatusByID xmlns="http://tempuri.org/"><openMediaID>${id}</openMediaID></GetOpenMediaRequestStatusByID>`);
    expect(a.fault?.detail).toBe('InvalidOpenMediaIDFault');
  });
});

describe('an allocated request in the agent state every interface reports', () => {
  it('TelServices reports the agent busy while the request is allocated and worked, ready once it is completed', async () => {
    gw = await startGateway({}, undefined, [openmediaInterface, telservicesInterface]);
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const events: string[] = [];
    let wake: (() => void) | undefined;
    udp.on('message', (m) => {
      const s = /<agent>[\s\S]*?<state><(\w+)\/><\/state>/.exec(m.toString())?.[1];
      if (s) events.push(s);
      wake?.();
    });
    const waitFor = (n: number) => new Promise<void>((r) => {
      const check = () => (events.length >= n ? r() : (wake = check));
      check();
    });
    const open = await ts(gw.ctx.ports.telservices, `<TelServiceRequest><openSession><deviceNumber>1101</deviceNumber><eventUDPPort>${udp.address().port}</eventUDPPort></openSession></TelServiceRequest>`);
    expect(open).toContain('<standard/>');
    const { id } = await add(gw, `<a:PreferredAgentLogonID>HARRI</a:PreferredAgentLogonID>${group}`);
    await waitFor(1);
    expect((await agentsState(gw)).find((a) => a.userId === 'HARRI')?.workItems).toBe(1);
    const item = ((await api(gw, 'GET', '/api/v1/state')).json['items'] as { itemId: string }[])[0];
    await api(gw, 'POST', `/api/v1/items/${item?.itemId ?? ''}/actions`, { action: 'complete' });
    await waitFor(2);
    expect(events).toEqual(['busy', 'ready']);
    expect((await statusOf(gw, id)).map((s) => s['Status'])).toEqual(['Queued', 'AllocatedToAgent', 'AgentProcessing', 'Complete']);
    udp.close();
  });
});
