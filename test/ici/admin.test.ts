/** OII's admin and status pages (seed 002 §3.4): local-only functions, Stop/Start for subscribers, default.aspx. */
import { describe, expect, it } from 'vitest';
import { alertingCall, api, crm, ici, inboundCall, perTest, startGateway, subscribeUser, text } from './helpers.js';
import { ADMIN_FUNCTIONS } from '../../src/interfaces/ici/admin.js';

const t = perTest();

async function fn(base: string, name: string, query = ''): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}/OII/OII.asmx/${name}${query}`);
  return { status: res.status, body: await res.text() };
}

const value = (body: string) => /<string xmlns="[^"]*">([\s\S]*)<\/string>/.exec(body)?.[1] ?? '';

describe('OII.asmx admin functions', () => {
  it('GET /OII/OII.asmx lists the operations of §3.4.1', async () => {
    t.gw = await startGateway();
    const res = await fetch(`${t.gw.baseUrl}/oii/oii.asmx`);
    const page = await res.text();
    expect(res.status).toBe(200);
    for (const f of ADMIN_FUNCTIONS) expect(page).toContain(`>${f}<`);
  });

  it('run only for the local host; others get 403', async () => {
    t.gw = await startGateway();
    for (const f of ADMIN_FUNCTIONS.filter((f) => !['Stop', 'Unload'].includes(f))) {
      const remote = await t.gw.app.inject({ method: 'GET', url: `/OII/OII.asmx/${f}`, remoteAddress: '10.1.2.3' });
      expect(remote.statusCode, f).toBe(403);
      const local = await t.gw.app.inject({ method: 'GET', url: `/OII/OII.asmx/${f}`, remoteAddress: '127.0.0.1' });
      expect(local.statusCode, f).toBe(200);
      expect(local.body, f).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<string xmlns="http:\/\/wicom.com\/ws\/OII\/">/);
    }
  });

  it('the listing and default.aspx follow the same 403 rule; unknown functions and other verbs answer as ASP.NET; no install path', async () => {
    t.gw = await startGateway();
    const app = t.gw.app;
    for (const url of ['/OII/OII.asmx', '/OII/default.aspx']) {
      expect((await app.inject({ method: 'GET', url, remoteAddress: '10.1.2.3' })).statusCode, url).toBe(403);
      expect((await app.inject({ method: 'GET', url, remoteAddress: '127.0.0.1' })).statusCode, url).toBe(200);
    }
    // The WSDL stays public.
    expect((await app.inject({ method: 'GET', url: '/OII/IciUserService.asmx?WSDL', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
    const unknown = await app.inject({ method: 'GET', url: '/OII/OII.asmx/NoSuchFunction', remoteAddress: '127.0.0.1' });
    expect(unknown.statusCode).toBe(500);
    expect(unknown.body).toBe("Request format is unrecognized for URL unexpectedly ending in '/NoSuchFunction'.");
    for (const url of ['/OII/OII.asmx', '/oii/iciuserservice.asmx']) {
      const del = await app.inject({ method: 'DELETE', url });
      expect(del.statusCode, url).toBe(405);
      expect(del.headers['allow'], url).toBe('GET, HEAD, POST');
      expect(del.body, url).not.toMatch(/^\{/);
    }
    const time = await app.inject({ method: 'GET', url: '/OII/OII.asmx/GetHttpRequestTime', remoteAddress: '127.0.0.1' });
    expect(time.body).not.toContain(process.cwd());
  });

  it('GetState, EnumClients, EnumItems, EnumUsers, SetLogLevel answer with live values', async () => {
    const { gw, c, handle } = await alertingCall(t);
    expect(value((await fn(gw.baseUrl, 'GetState')).body)).toBe('Connected');
    expect(value((await fn(gw.baseUrl, 'EnumClients')).body)).toContain('1101 HARRI Logged on - ready');
    expect(value((await fn(gw.baseUrl, 'EnumItems')).body)).toContain(`${handle} line=1101 status=Alerting`);
    // Items are listed in the order they came, whatever their line.
    const created: string[] = [];
    for (const line of ['+1102', '+1101', '+1102']) {
      created.push(text((await ici(gw, 'IciItem', 'create', `<channelType>1</channelType><containerId>${line}</containerId>`)).response, 'itemId') ?? '');
    }
    const listed = value((await fn(gw.baseUrl, 'EnumItems')).body).split('\n').map((l) => `${l.split(' ')[0]} ${/line=(\d+)/.exec(l)?.[1]}`);
    expect(listed).toEqual([`${handle} 1101`, `${created[0]} 1102`, `${created[1]} 1101`, `${created[2]} 1102`]);
    expect(value((await fn(gw.baseUrl, 'EnumUsers')).body)).toBe('HARRI subscriptions=2');
    expect(value((await fn(gw.baseUrl, 'SetLogLevel', '?level=trace')).body)).toBe('TRC (3)');
    const form = await fetch(`${gw.baseUrl}/OII/OII.asmx/SetLogLevel`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'level=warning' });
    expect(value(await form.text())).toBe('INF (2)');
    await api(gw, 'POST', '/api/v1/faults', { component: 'agentServer', state: 'down' });
    expect(value((await fn(gw.baseUrl, 'GetState')).body)).toBe('Not connected');
  });

  it('Stop sends subscriptionEnded 1 and refuses requests; Start serves again (CRM subscribes anew)', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    expect(value((await fn(gw.baseUrl, 'Stop')).body)).toBe('Stopped');
    const [ended] = await c.waitFor((e) => e.name === 'subscriptionEnded');
    expect(text(ended?.el, 'reason', 'id')).toBe('1');
    const refused = await ici(gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>', { fault: true });
    expect(refused.fault).toMatchObject({ area: 4, error: 6, retry: true });
    const page = await (await fetch(`${gw.baseUrl}/OII/default.aspx`)).text();
    expect(page).toContain('<td id="Applicationstate">Stopped</td>');
    expect(value((await fn(gw.baseUrl, 'Start')).body)).toBe('Connected');
    await subscribeUser(gw, c, 'HARRI', 'again');
    const handle = await inboundCall(gw);
    expect((await c.call(handle, 3)).line).toBe('+1101');
  });

  it('Unload ends the subscriptions and OII starts again on use; UpdateSettings re-reads', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    expect(value((await fn(gw.baseUrl, 'Unload')).body)).toBe('Unloaded');
    await c.waitFor((e) => e.name === 'subscriptionEnded');
    expect(value((await fn(gw.baseUrl, 'EnumUsers')).body)).toBe('');
    await ici(gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>');
    expect(value((await fn(gw.baseUrl, 'UpdateSettings')).body)).toBe('OK');
    expect(value((await fn(gw.baseUrl, 'GetHttpRequestTime')).body)).toMatch(/AppDomainAppVirtualPath=\/OII RequestTime=\d{4}-/);
    expect(value((await fn(gw.baseUrl, 'GetLogPath')).body)).toMatch(/standard output/);
  });
});

describe('default.aspx', () => {
  it('shows the fields of §3.4.2 with live values, refreshed once a minute', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    await c.waitFor((e) => e.name === 'userChanged');
    await inboundCall(gw);
    const res = await fetch(`${gw.baseUrl}/OII/Default.aspx`);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('<meta http-equiv="refresh" content="60">');
    for (const field of ['Title', 'Version', 'Domain', 'VU', 'Application state', 'Chat Server state', 'Objects', 'Threads', 'Server time', 'Server UTC time', 'Log file', 'Log level', 'Log statistics', 'Secure log', 'Last Err', 'Last Exc']) {
      expect(page, field).toContain(`<td>${field}</td>`);
    }
    expect(page).toContain('<td id="Applicationstate">Connected</td>');
    expect(page).toMatch(/<td id="Objects">Clients:4 Items:1 Users:1 Queues:7 Subs:2<\/td>/);
    expect(page).toMatch(/<td id="Threads">\[SOAP:\d+\/1\/\d+\/1 q=\d+\/\d+ ms=\d+\/\d+\/\d+ #=\d+ \(0\)\]/);
    expect(page).toMatch(/<td id="Logstatistics">EXC:0 ERR:0 INF:\d+ TRC:\d+ DBG:0<\/td>/);
  });
});

describe('every answer under /OII/ is ASP.NET\'s, in any case of the path', () => {
  const send = async (base: string, method: string, path: string, body?: string, type = 'text/xml; charset=utf-8') => {
    const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': type } }) });
    return { status: res.status, body: await res.text(), allow: res.headers.get('allow'), type: res.headers.get('content-type') ?? '' };
  };
  const notJson = (body: string) => expect(body).not.toMatch(/^\s*\{|FST_ERR|"error"|TypeError/);

  it('a parameter given twice (query, form, both, or two spellings) is refused in the answer and changes nothing', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    expect(value((await fn(gw.baseUrl, 'SetLogLevel', '?level=info')).body)).toBe('INF (2)');
    for (const [query, form] of [['?level=debug&level=info', ''], ['', 'level=debug&level=info'], ['?level=debug', 'level=info'], ['?level=debug&LogLevel=info', ''], ['?Level=debug&level=debug', '']] as const) {
      const res = await send(gw.baseUrl, 'POST', `/OII/OII.asmx/SetLogLevel${query}`, form, 'application/x-www-form-urlencoded');
      expect(res.status, query + form).toBe(200);
      expect(value(res.body), query + form).toMatch(/given more than once/);
    }
    expect(value((await fn(gw.baseUrl, 'GetState')).body)).toBe('Connected');
    const page = await (await fetch(`${gw.baseUrl}/OII/default.aspx`)).text();
    expect(page).toContain('<td id="Loglevel">INF (2)</td>');
    // Every function reads its parameters the same way: repeated ones it does not read are no failure.
    for (const f of ADMIN_FUNCTIONS.filter((f) => !['Stop', 'Unload', 'SetLogLevel'].includes(f))) {
      const res = await send(gw.baseUrl, 'GET', `/OII/OII.asmx/${f}?x=1&x=2&level=a&level=b`);
      expect(res.status, f).toBe(200);
      notJson(res.body);
    }
  });

  it('other verbs, bodies of other types, unknown paths: 405, ASP.NET\'s 500 and 404, never JSON', async () => {
    t.gw = await startGateway();
    const base = t.gw.baseUrl;
    const xml = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>';
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const path of ['/OII/OII.asmx', '/oii/IciUserService.ASMX', '/OII/OII.asmx/GetState', '/OII/default.aspx']) {
        const res = await send(base, method, path, xml);
        expect([res.status, res.allow], `${method} ${path}`).toEqual([405, 'GET, HEAD, POST']);
        expect(res.body).toBe('The HTTP verb used to access this page is not allowed.\n');
      }
    }
    const json = await send(base, 'POST', '/OII/OII.asmx/EnumItems', '{bad json', 'application/json');
    expect([json.status, json.body]).toEqual([500, 'Request format is invalid: application/json.']);
    const soap = await send(base, 'POST', '/OII/OII.asmx/GetState', xml);
    expect([soap.status, soap.body]).toEqual([500, 'Request format is invalid: text/xml; charset=utf-8.']);
    const big = await send(base, 'POST', '/OII/OII.asmx/GetState', `level=${'x'.repeat(10_000)}`, 'application/x-www-form-urlencoded');
    expect([big.status, big.body]).toEqual([500, 'Maximum request length exceeded.']);
    for (const path of ['/OII/NoSuch.asmx', '/oii/nosuch.asmx/GetState', '/OII/', '/OII', '/OII/x/y/z.aspx']) {
      const res = await send(base, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toContain('The resource cannot be found.');
      notJson(res.body);
    }
    // HEAD runs nothing: OII keeps running.
    expect((await send(base, 'HEAD', '/OII/OII.asmx/Stop')).status).toBe(200);
    expect(value((await fn(base, 'GetState')).body)).toBe('Connected');
    const unknown = await send(base, 'POST', '/oii/IciUserService.asmx/NoSuch');
    expect([unknown.status, unknown.body]).toEqual([500, "Request format is unrecognized for URL unexpectedly ending in '/NoSuch'."]);
  });

  it('SOAP, WSDL, admin functions and default.aspx answer in every case of their paths', async () => {
    const { gw } = await alertingCall(t);
    for (const path of ['/oii/oii.asmx/GetState', '/OII/oii.asmx/GetState', '/oii/OII.asmx/GetState', '/OII/OII.ASMX/getstate']) {
      const res = await send(gw.baseUrl, 'GET', path);
      expect([res.status, value(res.body)], path).toEqual([200, 'Connected']);
    }
    for (const path of ['/oii/default.aspx', '/OII/DEFAULT.ASPX']) expect((await send(gw.baseUrl, 'GET', path)).body, path).toContain('SAP BCM OII Status');
    expect((await send(gw.baseUrl, 'GET', '/oii/iciuserservice.asmx?wsdl')).body).toContain('definitions');
    for (const path of ['/oii/oii.asmx', '/oii/iciuserservice.asmx']) {
      const body = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getAttributes xmlns="urn:IciUserInterface"><userId>HARRI</userId><cmsPing>TRUE</cmsPing></getAttributes></soap:Body></soap:Envelope>';
      const res = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://inqmy.com/soapdispatcher/rpc/bcbici/IciUserBean"' }, body });
      expect(await res.text(), path).toContain('<getAttributesResponse');
    }
  });
});
