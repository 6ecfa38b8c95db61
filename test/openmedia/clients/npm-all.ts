/**
 * All twelve Open Media operations through a client the npm `soap` package generates from a WSDL, against an
 * endpoint: the same summary the zeep and PHP scripts print (test/openmedia/clients.test.ts compares them).
 */
import soap from 'soap';

type Client = soap.Client & Record<string, (args: unknown) => Promise<[Record<string, unknown>]>>;
type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : v === undefined || v === null ? [] : [v as Obj]);
const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((x, k) => (x as Obj | undefined)?.[k], o);

/** A TimeStamp the package read (a Date) as the xs:dateTime to send back. */
export const isoOf = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** The detail element's name of a fault the client raised, else its faultcode. */
export function faultName(err: unknown): string | undefined {
  const fault = at(err, 'root', 'Envelope', 'Body', 'Fault') as Obj | undefined;
  const detail = fault?.['detail'] as Obj | undefined;
  return detail ? Object.keys(detail)[0] : (fault?.['faultcode'] as string | undefined);
}

export async function npmClient(wsdl: string, endpoint: string): Promise<Client> {
  return (await soap.createClientAsync(wsdl, { endpoint })) as Client;
}

export async function callAll(wsdl: string, endpoint: string): Promise<Obj> {
  const c = await npmClient(wsdl, endpoint);
  const out: Obj = {};
  const [groups] = await c.GetAllOpenMediaServiceGroupStatusAsync({ tenantID: 1 });
  out['groups'] = list(at(groups, 'GetAllOpenMediaServiceGroupStatusResult', 'Status', 'ServiceGroupStatus')).map((g) => [g['ServiceGroupID'], g['Open']]);
  const [g] = await c.GetServiceGroupStatusAsync({ serviceGroupID: 10 });
  out['group'] = [at(g, 'GetServiceGroupStatusResult', 'ServiceGroupID'), at(g, 'GetServiceGroupStatusResult', 'Open')];
  const [agents] = await c.GetOMAgentsByGroupAsync({ serviceGroupID: 10 });
  out['agents'] = at(agents, 'GetOMAgentsByGroupResult', 'AgentList', 'int');
  const [opts] = await c.SetOptionsAsync({ request: { AgentActionOptions: 3, CloseTabOptions: 2, SessionLinkOptions: 1, TypeOfSession: 7 } });
  out['options'] = opts['SetOptionsResult'];
  const ids: number[] = [];
  const add: unknown[] = [];
  for (let n = 0; n < 4; n++) {
    const [r] = await c.AddRequestAsync({ request: { IVRInfo: { IVRInformation: [{ Data: `T-${n}`, Label: 'Ticket' }] }, PrivateData: 'npm', ServiceGroupID: 10 } });
    const res = r['AddRequestResult'] as Obj;
    ids.push(res['OpenMediaID'] as number);
    add.push([res['RequestStatus'], res['QueuePosition']]);
  }
  out['add'] = add;
  const [mod] = await c.ModifyRequestAsync({ request: { IVRInfo: { IVRInformation: [{ Data: 'urgent', Label: 'Priority' }] }, OpenMediaID: ids[3] } });
  out['modify'] = mod['ModifyRequestResult'];
  const [div] = await c.DivertRequestAsync({ request: { OpenMediaID: ids[3], ServiceGroupName: 'Tickets', TenantID: 1 } });
  out['divert'] = at(div, 'DivertRequestResult', 'RequestStatus');
  const [can] = await c.CancelRequestAsync({ request: { CancelIfAllocated: false, DoNotReport: true, OpenMediaID: ids[3] } });
  out['cancel'] = can['CancelRequestResult'];
  const [st] = await c.GetOpenMediaRequestStatusByIDAsync({ openMediaID: ids[0] });
  out['status'] = list(at(st, 'GetOpenMediaRequestStatusByIDResult', 'OpenMediaRequests', 'OpenMediaRequest')).map((r) => r['Status']);
  const [h] = await c.GetOpenMediaRequestHistoryByIDAsync({ openMediaID: ids[3], retrieveLaterThan: '1970-01-01T00:00:00Z' });
  out['history'] = list(at(h, 'GetOpenMediaRequestHistoryByIDResult', 'OpenMediaRequests', 'OpenMediaRequest')).map((r) => r['Status']);
  // The package reads xs:dateTime into a Date (millisecond precision, as ccgate writes it) and writes strings back.
  const [t] = await c.GetOpenMediaRequestsByTimeAsync({ retrieveLaterThan: isoOf(at(h, 'GetOpenMediaRequestHistoryByIDResult', 'TimeStamp')) });
  out['byTimeAfter'] = list(at(t, 'GetOpenMediaRequestsByTimeResult', 'OpenMediaRequests', 'OpenMediaRequest')).length;
  const [a] = await c.GetAllOpenMediaRequestStatusAsync({});
  out['all'] = list(at(a, 'GetAllOpenMediaRequestStatusResult', 'OpenMediaRequests', 'OpenMediaRequest')).map((r) => r['Status']);
  try {
    await c.GetOpenMediaRequestStatusByIDAsync({ openMediaID: 2000000000 });
    out['fault'] = null;
  } catch (err) {
    out['fault'] = faultName(err);
  }
  return out;
}
