/**
 * One scenario every standard client runs against a gateway with the golden fixture (HARRI on line +129, MAIJA on
 * +130): every operation of the issue 9 beans, in an order that makes each one meaningful (an agent logs in and out
 * of work modes, a queue call is accepted, held, consulted, alternated, conferenced, reduced again, reconnected,
 * transferred; calls are rerouted, forwarded, dialled and dropped). Control API steps put the simulated world where
 * the next request needs it. Results are checked through `find`, which reads a value by element name whether the
 * client gave JSON (zeep, PHP, npm soap) or XML (gSOAP).
 */
export type Params = Record<string, unknown>;
export type Result = { fault: string } | { ok: unknown };

export interface Ctx {
  appUrl: string;
  appId: string;
  /** Values captured from earlier answers (created item ids). */
  vars: Record<string, string>;
}

export type Step =
  | { bean: string; op: string; params: (c: Ctx) => Params; check?: (r: Result, c: Ctx) => void; capture?: string }
  | { api: string; path: string; body: unknown };

/** Every text found under element or key `name` in a result, in document order. */
export function find(result: unknown, name: string): string[] {
  if (typeof result === 'string') {
    return [...result.matchAll(new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)<`, 'g'))].map((m) => decodeEntities(m[1]!));
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === name && (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) out.push(String(x));
        walk(x);
      }
    }
  };
  walk(result);
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export class StepError extends Error {}
function must(cond: boolean, what: string): void {
  if (!cond) throw new StepError(what);
}
const has = (r: Result, name: string, value: string | RegExp): void => {
  const ok = 'ok' in r && find(r.ok, name).some((v) => (typeof value === 'string' ? v === value : value.test(v)));
  must(ok, `${name} ${String(value)} in ${JSON.stringify(r).slice(0, 600)}`);
};

/** A `response` of simple type: zeep unwraps it to the value itself, the other clients give the element. */
const scalar = (r: Result, value: string): void => {
  must('ok' in r && (r.ok === value || find(r.ok, 'response').includes(value)), `response ${value} in ${JSON.stringify(r).slice(0, 600)}`);
};

/** The seed's call ids for the scenario's three inbound calls; callHandle = the GUID without dashes, upper case. */
export const CALLS = {
  x: 'c0ffee00-0000-4000-8000-000000000001',
  y: 'c0ffee00-0000-4000-8000-000000000002',
  z: 'c0ffee00-0000-4000-8000-000000000003',
  w: 'c0ffee00-0000-4000-8000-000000000004',
};
export const handle = (guid: string): string => guid.replace(/-/g, '').toUpperCase();
const X = handle(CALLS.x);
const LINE = '+129';
const call = (id: string): Step => ({ api: 'POST', path: '/api/v1/calls', body: { from: '+35840111222', to: '2001', callId: id, preferredAgent: 'HARRI' } });
const maijaAnswers: Step = { api: 'POST', path: '/api/v1/agents/MAIJA/actions', body: { action: 'answer' } };
const create = (as: string): Step => ({ bean: 'Item', op: 'create', params: () => ({ channelType: '1', containerId: LINE }), capture: as, check: (r) => must('ok' in r && /^[0-9A-Fa-f]{32}$/.test(find(r.ok, 'itemId')[0] ?? ''), `itemId in ${JSON.stringify(r)}`) });
const two = (conn: string, held: string) => (c: Ctx): Params => ({ lineNumber: LINE, connCallHandle: c.vars[conn] ?? conn, heldCallHandle: c.vars[held] ?? held });
const consult = (item: string, nextStep: number): Step => ({ bean: 'PhoneCall', op: 'consult', params: (c) => ({ lineNumber: LINE, callHandle: c.vars[item], connCallHandle: X, dialNumber: '+130', nextStep }) });

export const SCENARIO: Step[] = [
  // IciSystem (9.1)
  { bean: 'System', op: 'exchangeProductInformation', params: () => ({ iciVersion: '3.00' }), check: (r) => has(r, 'iciVersion', '3.00') },
  { bean: 'System', op: 'getWorkcenterCapability', params: () => ({ userId: 'HARRI' }), check: (r) => has(r, 'types', '0') },
  { bean: 'System', op: 'getPresenceQueueInfo', params: () => ({ userId: 'HARRI', channelType: '1' }), check: (r) => has(r, 'id', /^\+?2001$/) },
  { bean: 'System', op: 'getUserPresence', params: () => ({ users: { Item: ['HARRI', 'MAIJA'] }, searchterm: null, maxhits: null }), check: (r) => (has(r, 'user', 'HARRI'), has(r, 'user', 'MAIJA')) },
  // IciUser (9.2), on ANNA: getAttributes drops her calls and subscriptions (9.2.1), and she has none.
  { bean: 'User', op: 'getAttributes', params: () => ({ userId: 'ANNA' }), check: (r) => (has(r, 'userId', 'ANNA'), must('ok' in r && find(r.ok, 'cmsHostId').length === 1, 'cmsHostId')) },
  { bean: 'User', op: 'setCurrentWorkmode', params: () => ({ userId: 'ANNA', workmode: '3' }) },
  { bean: 'User', op: 'setCurrentWorkmode', params: () => ({ userId: 'ANNA', workmode: '2' }) },
  { bean: 'User', op: 'setCurrentChannels', params: () => ({ userId: 'ANNA', channels: { item: ['1'] } }) },
  { bean: 'User', op: 'setCurrentQueues', params: () => ({ userId: 'ANNA', queues: { item: ['2001', '2002'] } }) },
  { bean: 'User', op: 'setAddresses', params: () => ({ userId: 'ANNA', addresses: { item: [{ address: '+1104', channel: '1' }] } }) },
  { bean: 'User', op: 'subscribe', params: (c) => ({ appUrl: c.appUrl, appId: c.appId, userId: 'ANNA' }) },
  { bean: 'User', op: 'unsubscribe', params: (c) => ({ appUrl: c.appUrl, appId: c.appId }) },
  // IciContainer (9.5), then telephony on HARRI's line
  { bean: 'Container', op: 'subscribe', params: (c) => ({ appUrl: c.appUrl, appId: `${c.appId}-line`, channelType: '1', containerId: LINE }) },
  call(CALLS.x),
  { bean: 'PhoneLine', op: 'getCalls', params: () => ({ lineNumber: LINE }), check: (r) => (has(r, 'callHandle', X), has(r, 'id', '3')) },
  { bean: 'Item', op: 'accept', params: () => ({ itemId: X, containerId: LINE }) },
  { bean: 'PhoneCall', op: 'getAttributes', params: () => ({ lineNumber: LINE, callHandle: X }), check: (r) => (has(r, 'callHandle', X), has(r, 'id', '101')) },
  { bean: 'Item', op: 'getAttachedData', params: () => ({ itemId: X }), check: (r) => must('ok' in r && JSON.stringify(r.ok).includes('ItemAttachedData'), `CAD in ${JSON.stringify(r)}`) },
  { bean: 'Item', op: 'setAttachedData', params: () => ({ itemId: X, attachedData: '<ItemAttachedData><Application id="CRM_IC/BUPA"><CURRENTCUSTOMER>0050569F</CURRENTCUSTOMER></Application></ItemAttachedData>' }) },
  { bean: 'Item', op: 'deleteAttachedData', params: () => ({ itemId: X }) },
  { bean: 'PhoneCall', op: 'hold', params: () => ({ lineNumber: LINE, callHandle: X }) },
  { bean: 'PhoneCall', op: 'unhold', params: () => ({ lineNumber: LINE, callHandle: X }) },
  create('c1'),
  consult('c1', 3),
  maijaAnswers,
  { bean: 'PhoneCall', op: 'alternate', params: two('c1', X) },
  { bean: 'PhoneCall', op: 'alternate', params: two(X, 'c1') },
  { bean: 'PhoneCall', op: 'conference', params: two('c1', X) },
  { bean: 'PhoneCall', op: 'dropParty', params: () => ({ lineNumber: LINE, remoteNumber: '+130', callHandle: X }) },
  create('c2'),
  consult('c2', 4),
  maijaAnswers,
  { bean: 'PhoneCall', op: 'reconnect', params: two('c2', X) },
  create('c3'),
  consult('c3', 2),
  maijaAnswers,
  { bean: 'PhoneCall', op: 'transfer', params: two('c3', X) },
  { bean: 'Item', op: 'wrapUpRequired', params: () => ({ itemId: X }) },
  { bean: 'Item', op: 'wrapUpEnded', params: () => ({ itemId: X }) },
  call(CALLS.y),
  { bean: 'Item', op: 'reroute', params: () => ({ itemId: handle(CALLS.y), containerId: LINE }) },
  // Declining may leave HARRI not ready (as a call that rang out does); the CRM makes HARRI ready again.
  { bean: 'User', op: 'setCurrentWorkmode', params: () => ({ userId: 'HARRI', workmode: '2' }) },
  call(CALLS.z),
  // To MAIJA's queue 2003 (she is busy with the transferred call, so it waits there): forwarding to a queue HARRI
  // serves would offer the call to him again (§9.4.6 excludes nobody), and the dial below needs his line free.
  { bean: 'Item', op: 'forward', params: () => ({ itemId: handle(CALLS.z), containerId: LINE, destType: '12', destination: '2003' }) },
  create('d'),
  { bean: 'PhoneCall', op: 'dial', params: (c) => ({ lineNumber: LINE, callHandle: c.vars['d'], dialNumber: '+35891234567' }), check: (r) => scalar(r, '+35891234567') },
  { bean: 'PhoneCall', op: 'drop', params: (c) => ({ lineNumber: LINE, callHandle: c.vars['d'] }) },
  call(CALLS.w),
  { bean: 'Item', op: 'accept', params: () => ({ itemId: handle(CALLS.w), containerId: LINE }) },
  { bean: 'PhoneLine', op: 'dropCalls', params: () => ({ lineNumber: LINE }) },
  { bean: 'Container', op: 'unsubscribe', params: (c) => ({ appUrl: c.appUrl, appId: `${c.appId}-line` }) },
];

/** The operations the scenario calls, as `Bean.op`. */
export const SCENARIO_OPS = [...new Set(SCENARIO.flatMap((s) => ('op' in s ? [`${s.bean}.${s.op}`] : [])))].sort();

/** Runs the scenario with one client; `api` performs control API steps. Throws StepError naming the failed step. */
export async function runScenario(client: (bean: string, op: string, params: Params) => Promise<Result>, api: (method: string, path: string, body: unknown) => Promise<void>, ctx: Ctx, steps: Step[] = SCENARIO): Promise<string[]> {
  const done: string[] = [];
  for (const [i, step] of steps.entries()) {
    if ('api' in step) {
      await api(step.api, step.path, step.body);
      continue;
    }
    const params = step.params(ctx);
    const r = await client(step.bean, step.op, params);
    const where = `step ${i} Ici${step.bean}.${step.op}(${JSON.stringify(params)})`;
    if ('fault' in r) throw new StepError(`${where}: fault ${r.fault}`);
    try {
      step.check?.(r, ctx);
    } catch (e) {
      throw new StepError(`${where}: ${(e as Error).message}`);
    }
    if (step.capture) ctx.vars[step.capture] = find(r.ok, 'itemId')[0] ?? '';
    done.push(`${step.bean}.${step.op}`);
  }
  return done;
}
