/**
 * Seed 004's faults, each provoked and recognised by name from a client the npm `soap` package generates from
 * ccgate's `?wsdl` (the detail element names the fault, so a .NET proxy raises FaultException<T>); a rejected request
 * changes nothing. Issue 10 point 7.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway.js';
import { faultName, npmClient } from './clients/npm-all.js';
import { addRequestXml, api, endpoint, field, ivr, result, soap, startGateway } from './helpers.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

type Client = Awaited<ReturnType<typeof npmClient>>;
const ticket = (extra: Record<string, unknown> = {}) => ({ request: { IVRInfo: { IVRInformation: [{ Data: 'T-1', Label: 'Ticket' }] }, ServiceGroupID: 10, ...extra } });

async function faultOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return faultName(err);
  }
  return 'no fault';
}

async function client(g: Gateway): Promise<Client> {
  return npmClient(`${endpoint(g)}?wsdl`, endpoint(g));
}

/** What a refused request must leave alone: the core's items and the service's cache. */
async function world(g: Gateway): Promise<string> {
  const s = (await api(g, 'GET', '/api/v1/state')).json as { items: unknown; interfaces: { openmedia: unknown } };
  return JSON.stringify([s.items, s.interfaces.openmedia]);
}

describe('faults', () => {
  it('InvalidUserFault: authentication on and no (or wrong) LogonID/Password headers; a host administrator gets through', async () => {
    gw = await startGateway({ openmedia: { authentication: true, administrators: [{ logonId: 'hostadmin', password: 's3cret' }] } });
    const c = await client(gw);
    const before = await world(gw);
    expect(await faultOf(c.AddRequestAsync(ticket()))).toBe('InvalidUserFault');
    expect(await faultOf(c.GetAllOpenMediaRequestStatusAsync({}))).toBe('InvalidUserFault');
    c.addSoapHeader('<LogonID xmlns="OpenMediaService">hostadmin</LogonID>');
    c.addSoapHeader('<Password xmlns="OpenMediaService">wrong</Password>');
    expect(await faultOf(c.AddRequestAsync(ticket()))).toBe('InvalidUserFault');
    expect(await world(gw)).toBe(before);
    c.clearSoapHeaders();
    c.addSoapHeader('<LogonID xmlns="OpenMediaService">HostAdmin</LogonID>');
    c.addSoapHeader('<Password xmlns="OpenMediaService">s3cret</Password>');
    const [ok] = await c.AddRequestAsync(ticket());
    expect((ok['AddRequestResult'] as Record<string, unknown>)['RequestStatus']).toBe('Success');
  });

  it('NoLicenseFault: one request more than the licensed concurrent requests; a license frees when a request ends', async () => {
    gw = await startGateway({ openmedia: { licenses: 2 } });
    const c = await client(gw);
    await c.AddRequestAsync(ticket());
    const [second] = await c.AddRequestAsync(ticket());
    const before = await world(gw);
    expect(await faultOf(c.AddRequestAsync(ticket()))).toBe('NoLicenseFault');
    expect(await world(gw)).toBe(before);
    const id = (second['AddRequestResult'] as Record<string, number>)['OpenMediaID'];
    await c.CancelRequestAsync({ request: { CancelIfAllocated: true, OpenMediaID: id } });
    const [third] = await c.AddRequestAsync(ticket());
    expect((third['AddRequestResult'] as Record<string, unknown>)['RequestStatus']).toBe('Success');
  });

  it('RouterDisconnectedFault while the router fault is injected: incomplete requests become Failed and leave the system', async () => {
    gw = await startGateway();
    const c = await client(gw);
    const [a] = await c.AddRequestAsync(ticket());
    const id = (a['AddRequestResult'] as Record<string, number>)['OpenMediaID'];
    expect((await api(gw, 'POST', '/api/v1/faults', { component: 'router', state: 'down' })).status).toBe(200);
    expect(await faultOf(c.AddRequestAsync(ticket()))).toBe('RouterDisconnectedFault');
    expect(await faultOf(c.GetServiceGroupStatusAsync({ serviceGroupID: 10 }))).toBe('RouterDisconnectedFault');
    expect(await faultOf(c.SetOptionsAsync({ request: { MaxNumberOfSessions: 2 } }))).toBe('RouterDisconnectedFault');
    // Seed "Error handling": the history answers (status queries declare no router fault), showing Failed.
    const [st] = await c.GetOpenMediaRequestStatusByIDAsync({ openMediaID: id });
    expect(JSON.stringify(st)).toContain('"Status":"Failed"');
    expect((await api(gw, 'GET', '/api/v1/state')).json['items']).toEqual([]);
    await api(gw, 'POST', '/api/v1/faults', { component: 'router', state: 'up' });
    const [again] = await c.AddRequestAsync(ticket());
    expect((again['AddRequestResult'] as Record<string, unknown>)['RequestStatus']).toBe('Success');
  });

  it('InvalidOpenMediaIDFault for an unknown ID, and for a terminated request once the cache expired it (30 minutes)', async () => {
    const clock = new ManualClock();
    gw = await startGateway({}, clock);
    const c = await client(gw);
    expect(await faultOf(c.GetOpenMediaRequestStatusByIDAsync({ openMediaID: 12345 }))).toBe('InvalidOpenMediaIDFault');
    expect(await faultOf(c.CancelRequestAsync({ request: { OpenMediaID: 12345 } }))).toBe('InvalidOpenMediaIDFault');
    expect(await faultOf(c.ModifyRequestAsync({ request: { OpenMediaID: 12345 } }))).toBe('InvalidOpenMediaIDFault');
    const [a] = await c.AddRequestAsync(ticket());
    const id = (a['AddRequestResult'] as Record<string, number>)['OpenMediaID'];
    await c.CancelRequestAsync({ request: { CancelIfAllocated: true, OpenMediaID: id } });
    clock.advance(30 * 60_000 - 1);
    const [st] = await c.GetOpenMediaRequestStatusByIDAsync({ openMediaID: id });
    expect(JSON.stringify(st)).toContain('"Status":"Cancelled"');
    clock.advance(1);
    expect(await faultOf(c.GetOpenMediaRequestStatusByIDAsync({ openMediaID: id }))).toBe('InvalidOpenMediaIDFault');
    expect(await faultOf(c.GetOpenMediaRequestHistoryByIDAsync({ openMediaID: id, retrieveLaterThan: '2000-01-01T00:00:00Z' }))).toBe('InvalidOpenMediaIDFault');
  });

  it('OpenMediaRequestTerminatedFault when cancelling a request that has terminated or been cancelled', async () => {
    gw = await startGateway();
    const c = await client(gw);
    const [a] = await c.AddRequestAsync(ticket());
    const id = (a['AddRequestResult'] as Record<string, number>)['OpenMediaID'];
    await c.CancelRequestAsync({ request: { CancelIfAllocated: true, OpenMediaID: id } });
    const before = await world(gw);
    expect(await faultOf(c.CancelRequestAsync({ request: { CancelIfAllocated: true, OpenMediaID: id } }))).toBe('OpenMediaRequestTerminatedFault');
    expect(await world(gw)).toBe(before);
  });

  it('InvalidDataException for data over the seed limits, changing nothing', async () => {
    gw = await startGateway();
    const c = await client(gw);
    const before = await world(gw);
    const four = { IVRInfo: { IVRInformation: [1, 2, 3, 4].map((n) => ({ Data: `d${n}`, Label: `l${n}` })) } };
    for (const bad of [
      four,
      { IVRInfo: { IVRInformation: [{ Data: 'x', Label: 'L'.repeat(101) }] } },
      { IVRInfo: { IVRInformation: [{ Data: 'D'.repeat(101), Label: 'x' }] } },
      { PrivateData: 'p'.repeat(256) },
      { ServiceGroupID: 0, TenantID: 1, ServiceGroupName: 'N'.repeat(21) },
      { SessionPriority: 101 },
      { TypeOfSession: -1 },
      { IVRInfo: null },
    ]) {
      expect(await faultOf(c.AddRequestAsync(ticket(bad))), JSON.stringify(bad).slice(0, 80)).toBe('InvalidDataException');
    }
    expect(await faultOf(c.DivertRequestAsync({ request: { OpenMediaID: 1 } }))).toBe('InvalidDataException');
    expect(await faultOf(c.GetServiceGroupStatusAsync({ serviceGroupID: 99 }))).toBe('InvalidDataException');
    expect(await faultOf(c.GetOMAgentsByGroupAsync({ serviceGroupID: 99 }))).toBe('InvalidDataException');
    expect(await faultOf(c.GetAllOpenMediaServiceGroupStatusAsync({ tenantID: 5 }))).toBe('InvalidDataException');
    expect(await faultOf(c.SetOptionsAsync({ request: { AgentActionOptions: 2 } }))).toBe('InvalidDataException');
    expect(await world(gw)).toBe(before);
  });

  it("SetOptions answers the vendor document's InvalidDataFault when openmedia.setOptionsFault says so", async () => {
    gw = await startGateway({ openmedia: { setOptionsFault: 'InvalidDataFault' } });
    const c = await client(gw);
    expect(await faultOf(c.SetOptionsAsync({ request: { CloseTabOptions: 9 } }))).toBe('InvalidDataFault');
    expect(await faultOf(c.SetOptionsAsync({ request: { AllowDifferentTypes: 3, TypeOfSession: 1 } }))).toBe('InvalidDataFault');
  });

  it("WCF's own faults: a:ActionNotSupported for a wrong or missing action, a:DeserializationFailed for an unreadable value", async () => {
    gw = await startGateway();
    const url = endpoint(gw);
    for (const action of ['"http://tempuri.org/IOpenMediaService/Nope"', '""']) {
      const a = await soap(url, 'AddRequest', addRequestXml(ivr('Ticket', 'T')), { action });
      expect(a.status).toBe(500);
      expect(a.fault?.code).toBe('a:ActionNotSupported');
      expect(a.text).toContain('xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none"');
    }
    const bad = await soap(url, 'AddRequest', addRequestXml(`${ivr('Ticket', 'T')}<a:ServiceGroupID>ten</a:ServiceGroupID>`));
    expect(bad.fault?.code).toBe('a:DeserializationFailed');
    expect(bad.fault?.reason).toContain("The value 'ten' cannot be parsed as the type 'Int32'.");
    // The request changed nothing: the next one is OpenMediaID 1.
    const ok = await soap(url, 'AddRequest', addRequestXml(`${ivr('Ticket', 'T')}<a:ServiceGroupID>10</a:ServiceGroupID>`));
    expect(field(result(ok), 'OpenMediaID')).toBe('1');
  });
});
