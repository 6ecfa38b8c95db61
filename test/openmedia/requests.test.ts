/**
 * Seed 004 request operations in detail, over the wire (issue 10 points 1 and 4): an unquoted SOAPAction, ModifyRequest
 * replacing IVR data by label and appending new labels, DivertRequest reported as overflow out and in, CancelRequest's
 * DoNotReport. Every agent is set not ready first, so requests wait in their groups.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { addRequestXml, api, DC, endpoint, field, ivr, result, soap, startGateway, statusItems, TEMPURI, twoGroupCenter } from './helpers.js';
import { openmediaInterface } from '../../src/interfaces/openmedia/index.js';

let gw: Gateway | undefined;
/** A gateway whose agents are all not ready (requests stay queued). */
async function quiet(fixture?: unknown): Promise<Gateway> {
  const g = await startGateway({}, undefined, [openmediaInterface], fixture);
  for (const a of ['HARRI', 'PEKKA', 'ANNA']) expect((await api(g, 'PUT', `/api/v1/agents/${a}/state`, { state: 'notReady' })).status).toBe(200);
  return g;
}
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const wrap = (op: string, members: string) => `<${op} xmlns="${TEMPURI}"><request xmlns:a="${DC}">${members}</request></${op}>`;
async function add(g: Gateway): Promise<string> {
  const a = await soap(endpoint(g), 'AddRequest', addRequestXml(`${ivr('Ticket', 'T-1')}<a:ServiceGroupID>10</a:ServiceGroupID>`));
  expect(field(result(a), 'RequestStatus')).toBe('Success');
  return field(result(a), 'OpenMediaID') ?? '';
}
type QueueCounters = { overflowIn: number; overflowOut: number; abandonedInQueue: number; abandonedImmediately: number; offered: number; cancelled: number };
const counters = async (g: Gateway, queue: string) =>
  ((await api(g, 'GET', '/api/v1/statistics')).json['queues'] as Record<string, QueueCounters>)[queue] as QueueCounters;
/** The core work item behind an OpenMediaID (the control API's snapshot does not list IVR data). */
const itemData = (g: Gateway, id: string) => g.center.items.find(`openmedia-${id}`);

describe('request operations', () => {
  it('takes the SOAPAction unquoted as well as quoted', async () => {
    gw = await startGateway();
    const a = await soap(endpoint(gw), 'AddRequest', addRequestXml(`${ivr('Ticket', 'T')}<a:ServiceGroupID>10</a:ServiceGroupID>`), { action: 'http://tempuri.org/IOpenMediaService/AddRequest' });
    expect(a.status).toBe(200);
    expect(field(result(a), 'RequestStatus')).toBe('Success');
  });

  it('ModifyRequest replaces IVR data by label, appends new labels and replaces PrivateData while the request is queued', async () => {
    gw = await quiet();
    const two = '<a:IVRInfo><a:IVRInformation><a:Data>ACME</a:Data><a:Label>Customer</a:Label></a:IVRInformation><a:IVRInformation><a:Data>T-1</a:Data><a:Label>Ticket</a:Label></a:IVRInformation></a:IVRInfo>';
    const id = field(result(await soap(endpoint(gw), 'AddRequest', addRequestXml(`${two}<a:PrivateData>first</a:PrivateData><a:ServiceGroupID>10</a:ServiceGroupID>`))), 'OpenMediaID') ?? '';
    const ivrs = '<a:IVRInfo><a:IVRInformation><a:Data>T-2</a:Data><a:Label>Ticket</a:Label></a:IVRInformation><a:IVRInformation><a:Data>gold</a:Data><a:Label>Tier</a:Label></a:IVRInformation></a:IVRInfo>';
    const m = await soap(endpoint(gw), 'ModifyRequest', wrap('ModifyRequest', `${ivrs}<a:OpenMediaID>${id}</a:OpenMediaID><a:PrivateData>second</a:PrivateData>`));
    expect(field(m.body, 'ModifyRequestResult')).toBe('true');
    const item = itemData(gw, id);
    expect(item?.data).toEqual({ Customer: 'ACME', Ticket: 'T-2', Tier: 'gold' });
    expect(item?.attached).toMatchObject({ PrivateData: 'second' });
  });

  it('DivertRequest moves a request to another group, reported as overflowed out of the old one and in to the new', async () => {
    gw = await quiet(twoGroupCenter());
    const id = await add(gw);
    const [before10, before11] = [await counters(gw, '10'), await counters(gw, '11')];
    const d = await soap(endpoint(gw), 'DivertRequest', wrap('DivertRequest', `<a:OpenMediaID>${id}</a:OpenMediaID><a:ServiceGroupID>11</a:ServiceGroupID>`));
    expect(field(result(d), 'RequestStatus')).toBe('Success');
    expect(await counters(gw, '10')).toMatchObject({ overflowOut: before10.overflowOut + 1, overflowIn: before10.overflowIn });
    expect(await counters(gw, '11')).toMatchObject({ overflowIn: before11.overflowIn + 1, overflowOut: before11.overflowOut });
    const history = statusItems(await soap(endpoint(gw), 'GetOpenMediaRequestHistoryByID', `<GetOpenMediaRequestHistoryByID xmlns="${TEMPURI}"><openMediaID>${id}</openMediaID></GetOpenMediaRequestHistoryByID>`));
    expect(history.map((h) => [h['Status'], h['ServiceGroupID']])).toEqual([
      ['Queued', '10'],
      ['Queued', '11'],
    ]);
  });

  it('CancelRequest counts an abandoned request in its group (immediately, as a caller hanging up at once), unless DoNotReport', async () => {
    gw = await quiet();
    const [reported, unreported] = [await add(gw), await add(gw)];
    const before = await counters(gw, '10');
    const cancel = (id: string, doNotReport: boolean) =>
      soap(endpoint(gw as Gateway), 'CancelRequest', wrap('CancelRequest', `<a:DoNotReport>${doNotReport}</a:DoNotReport><a:OpenMediaID>${id}</a:OpenMediaID>`));
    expect(field((await cancel(unreported, true)).body, 'CancelRequestResult')).toBe('true');
    expect(await counters(gw, '10')).toEqual({ ...before, offered: before.offered - 1 });
    expect(field((await cancel(reported, false)).body, 'CancelRequestResult')).toBe('true');
    expect(await counters(gw, '10')).toMatchObject({ abandonedInQueue: before.abandonedInQueue, abandonedImmediately: before.abandonedImmediately + 1, cancelled: before.cancelled + 1 });
  });
});
