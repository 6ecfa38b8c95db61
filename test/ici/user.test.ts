/** IciUser (seed 002 §9.2) and IciSystem (§9.1): login, workmodes, queues, addresses, presence. */
import { describe, expect, it } from 'vitest';
import { alertingCall, api, crm, ici, inboundCall, items, perTest, startGateway, subscribeUser, text } from './helpers.js';

const t = perTest();

describe('IciUser', () => {
  it('getAttributes: the full User, cmsHostId after it; cmsPing answers only cmsHostId', async () => {
    t.gw = await startGateway();
    const a = await ici(t.gw, 'IciUser', 'getAttributes', '<userId xmlns="">maija</userId>');
    const r = a.response;
    expect(text(r, 'userId')).toBe('MAIJA');
    expect(text(r, 'currentWorkmode', 'description')).toBe('Logged on - ready');
    expect(items(r, 'workmodes').map((i) => `${text(i, 'id')} ${text(i, 'description')}`)).toEqual(['1 Logged off', '2 Logged on - ready', '3 Logged on - not ready', '1000 No Phone']);
    expect(text(r, 'wrapUpMode')).toBe('1');
    expect(items(r, 'channels').map((i) => text(i, 'description'))).toEqual(['Telephony']);
    expect(items(r, 'currentQueues').map((i) => text(i, 'id'))).toEqual(['2001', '2003']);
    expect(items(r, 'queues').map((i) => text(i, 'id'))).toEqual(['2001', '2002', '2003']);
    expect(items(r, 'addresses').map((i) => `${text(i, 'address')}/${text(i, 'channel')}`)).toEqual(['+1102/1']);
    const host = text(a.body, 'cmsHostId');
    expect(host).toMatch(/^[0-9A-F]{32}$/);
    const ping = await ici(t.gw, 'IciUser', 'getAttributes', '<userId>MAIJA</userId><cmsPing>TRUE</cmsPing>');
    expect(ping.text).toContain('<response xsi:nil="true" /><cmsHostId>');
    expect(text(ping.body, 'cmsHostId')).toBe(host);
  });

  it('getAttributes at login ends the user\'s old subscriptions and drops their calls (the seed\'s defaults)', async () => {
    const { gw, c, handle } = await alertingCall(t);
    await ici(gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>');
    const s = (await api(gw, 'GET', '/api/v1/state')) as { interfaces: { ici: { subscriptions: unknown[] } }; calls: { parties: { number: string; state: string }[] }[] };
    expect(s.interfaces.ici.subscriptions).toEqual([]);
    expect(s.calls[0]?.parties.some((p) => p.number === '1101' && p.state !== 'ended')).toBe(false);
  });

  it('setCurrentWorkmode 1, 2, 3, 1000: the core\'s state changes and userChanged follows', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    await c.waitFor((e) => e.name === 'userChanged');
    for (const [mode, state] of [['3', 'notReady'], ['1000', 'notReady'], ['2', 'ready'], ['1', 'loggedOff']] as const) {
      await ici(gw, 'IciUser', 'setCurrentWorkmode', `<userId xmlns="">HARRI</userId><workmode xmlns="">${mode}</workmode>`);
      const [ev] = (await c.waitFor((e) => e.name === 'userChanged' && text(e.el, 'user', 'currentWorkmode', 'id') === mode)).slice(-1);
      expect(ev).toBeDefined();
      const s = (await api(gw, 'GET', '/api/v1/state')) as { agents: { userId: string; state: string }[] };
      expect(s.agents.find((a) => a.userId === 'HARRI')?.state, mode).toBe(state);
    }
    expect(c.events.filter((e) => e.name === 'userChanged').map((e) => text(e.el, 'user', 'currentWorkmode', 'id'))).toEqual(['2', '3', '1000', '2', '1']);
  });

  it('setCurrentQueues is a no-op by default and sets the desktop\'s queues with OII.SetCurrentQueues', async () => {
    t.gw = await startGateway();
    await ici(t.gw, 'IciUser', 'setCurrentQueues', '<userId>HARRI</userId><queues><item>2003</item></queues>');
    let s = (await api(t.gw, 'GET', '/api/v1/state')) as { agents: { userId: string; queues: string[] }[] };
    expect(s.agents.find((a) => a.userId === 'HARRI')?.queues).toContain('2001');
    await t.gw.close();
    t.gw = await startGateway({ ici: { setCurrentQueues: true } });
    await ici(t.gw, 'IciUser', 'setCurrentQueues', '<userId>HARRI</userId><queues><item>2003</item><item>+2002</item></queues>');
    s = (await api(t.gw, 'GET', '/api/v1/state')) as { agents: { userId: string; queues: string[] }[] };
    expect(s.agents.find((a) => a.userId === 'HARRI')?.queues).toEqual(['support@example.com', 'chat@example.com', 'ACTION', '10', '2003', '2002']);
    const bad = await ici(t.gw, 'IciUser', 'setCurrentQueues', '<userId>HARRI</userId><queues><item>9999</item></queues>', { fault: true });
    expect(bad.fault).toMatchObject({ area: 5, error: 9 });
  });

  it('setAddresses and setCurrentChannels', async () => {
    t.gw = await startGateway();
    await ici(t.gw, 'IciUser', 'setAddresses', '<userId>HARRI</userId><addresses><item><address>+1101</address><channel>1</channel></item><item><address>harri@example.com</address><channel>2</channel></item></addresses>');
    const a = await ici(t.gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>');
    expect(items(a.response, 'addresses').map((i) => `${text(i, 'address')}/${text(i, 'channel')}`)).toEqual(['+1101/1', 'harri@example.com/2']);
    await ici(t.gw, 'IciUser', 'setCurrentChannels', '<userId>HARRI</userId><channels><item>1</item></channels>');
    const bad = await ici(t.gw, 'IciUser', 'setAddresses', '<userId>HARRI</userId><addresses><item><address>x</address><channel>9</channel></item></addresses>', { fault: true });
    expect(bad.fault).toMatchObject({ area: 1, error: 1 });
  });
});

describe('IciSystem', () => {
  it('exchangeProductInformation and getWorkcenterCapability', async () => {
    t.gw = await startGateway();
    const p = await ici(t.gw, 'IciSystem', 'exchangeProductInformation', '<iciVersion xmlns="">3.00</iciVersion>');
    expect(text(p.response, 'productName')).toBe('WicomOII');
    expect(text(p.response, 'iciVersion')).toBe('3.00');
    expect(items(p.response, 'iciMessageGroups').map((i) => i.text)).toEqual(['IciGroupBasic', 'IciGroupUser', 'IciGroupTelephony']);
    const w = await ici(t.gw, 'IciSystem', 'getWorkcenterCapability', '<userId>string</userId>');
    expect([text(w.response, 'types'), text(w.response, 'workcenterList'), text(w.response, 'filter')]).toEqual(['0', 'false', 'false']);
  });

  it('getPresenceQueueInfo: the user\'s queues with live figures; all with OII.GetPresenceQueueInfoAll; filters', async () => {
    t.gw = await startGateway();
    await api(t.gw, 'PUT', '/api/v1/agents/MAIJA/state', { state: 'notReady' });
    await inboundCall(t.gw);
    const a = await ici(t.gw, 'IciSystem', 'getPresenceQueueInfo', '<userId xmlns="urn:IciUserInterface">MAIJA</userId><channelType>1</channelType>');
    const q = items(a.response, 'queueInfo').map((i) => Object.fromEntries(i.children.map((c) => [c.name, c.text])));
    expect(q.map((x) => x['id'])).toEqual(['+2001', '+2003']);
    expect(q[0]).toMatchObject({ description: 'Sales', loggedIn: '3', ready: '1', busy: '1', notReady: '1', wrapUp: '0', paused: '0', pending: '0', open: '1' });
    expect(text(a.response, 'groupInfo', 'item', 'description')).toBe('*');
    const mail = await ici(t.gw, 'IciSystem', 'getPresenceQueueInfo', '<userId>MAIJA</userId><channelType>2</channelType>');
    expect(items(mail.response, 'queueInfo').map((i) => text(i, 'id'))).toEqual(['support@example.com']);
    await t.gw.close();
    t.gw = await startGateway({ ici: { getPresenceQueueInfoAll: true, getPresenceQueueInfoFilter: 2 } });
    await api(t.gw, 'PUT', '/api/v1/agents/MAIJA/state', { state: 'notReady' });
    await api(t.gw, 'PUT', '/api/v1/agents/ANNA/state', { state: 'notReady' });
    const all = await ici(t.gw, 'IciSystem', 'getPresenceQueueInfo', '<userId>MAIJA</userId><channelType>1</channelType>');
    expect(items(all.response, 'queueInfo').map((i) => text(i, 'id'))).toEqual(['+2001', '+2002']);
  });

  it('getUserPresence by users (Item) or by search term, at most maxhits', async () => {
    t.gw = await startGateway({ ici: { getUserPresenceEmail: true } });
    await api(t.gw, 'PUT', '/api/v1/agents/PEKKA/state', { state: 'loggedOff' });
    await ici(t.gw, 'IciUser', 'setAddresses', '<userId>ANNA</userId><addresses><item><address>+1104</address><channel>1</channel></item><item><address>anna@example.com</address><channel>2</channel></item></addresses>');
    const a = await ici(t.gw, 'IciSystem', 'getUserPresence', '<users><Item>PEKKA</Item><Item>anna</Item></users><searchterm/><maxhits/>');
    const got = a.response?.children.map((i) => `${text(i, 'user')} ${text(i, 'presenceStatus')} ${text(i, 'presenceDescription')}`);
    expect(got).toEqual(['PEKKA 3 LoggedOff', 'ANNA 1 Available']);
    const anna = a.response?.children[1];
    expect(items(anna, 'collaborationData').map((i) => `${text(i, 'description')}/${text(i, 'channel')}/${text(i, 'capability')}/${text(i, 'address')}`)).toEqual([
      'Call/1/101/+1104',
      'Blind transfer/1/3/+1104',
      'Warm transfer/1/104/+1104',
      'Blind transfer/2/3/anna@example.com',
      'Chat/3/3/anna@example.com',
    ]);
    const search = await ici(t.gw, 'IciSystem', 'getUserPresence', '<users/><searchterm>virtanen</searchterm><maxhits>5</maxhits>');
    expect(search.response?.children.map((i) => text(i, 'user'))).toEqual(['HARRI']);
    const capped = await ici(t.gw, 'IciSystem', 'getUserPresence', '<searchterm>n</searchterm><maxhits>2</maxhits>');
    expect(capped.response?.children).toHaveLength(2);
  });
});
