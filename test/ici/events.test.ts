/**
 * IciEvent delivery (seed 002 §4.2, §9.2.6, §9.3.2): every appId at a URL in one message, one event at a time per URL
 * in order, CRM's ICI faults honoured by errorRetry, unreachable URLs retried and finally unsubscribed, and
 * subscriptionEnded 1 (shutdown, Stop), 2 (agentServer down) and 3 (timeout, unreachable).
 */
import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { ManualClock } from '../../src/core/index.js';
import { api, crm, drained, envelope, ici, inboundCall, perTest, phoneCall, startGateway, subscribeUser, subscribeUserOnly, text } from './helpers.js';

const t = perTest();

const iciFault = (retry: boolean) =>
  envelope(
    `<soap:Fault><faultcode>soap:Client</faultcode><faultstring>com.sap.bcb.common.SoapException</faultstring><detail><ns1:IciErrorCodes xmlns:ns1="urn:IciEventInterface">` +
      `<areaCode>9</areaCode><errorCode>1</errorCode><errorText>busy</errorText><errorRetry>${retry}</errorRetry></ns1:IciErrorCodes></detail></soap:Fault>`,
  );

async function iciSubscribers(gw: NonNullable<typeof t.gw>): Promise<{ id: string; delivered: number; failed: number; dropped: number; state: string }[]> {
  const s = await api(gw, 'GET', '/api/v1/state');
  return (s.subscriptions as { interface: string; id: string; delivered: number; failed: number; dropped: number; state: string }[]).filter((x) => x.interface === 'ici');
}

describe('who gets an event', () => {
  it('all appIds at one URL in one message (user and container subscriptions alike); another URL its own', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const a = await crm(t);
    const b = await crm(t);
    await subscribeUser(gw, a, 'HARRI', 'app-1');
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${a.url}</appUrl><appId>app-2</appId><channelType>1</channelType><containerId>+1101</containerId>`);
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${b.url}</appUrl><appId>app-3</appId><channelType>1</channelType><containerId>1101</containerId>`);
    const handle = await inboundCall(gw);
    await a.call(handle, 3);
    await b.call(handle, 3);
    const atA = a.events.filter((e) => e.name === 'phoneCallChanged');
    expect(atA.map((e) => e.appIds)).toEqual([['app-1', 'app-2']]);
    expect(b.events.filter((e) => e.name === 'phoneCallChanged').map((e) => e.appIds)).toEqual([['app-3']]);
    expect(atA[0]?.headers['soapaction']).toBe('""');
    expect(atA[0]?.raw).toContain('<phoneCallChanged xmlns="urn:IciEventInterface"><appIds><item>app-1</item><item>app-2</item></appIds><phoneCall><lineNumber>+1101</lineNumber>');
    // Unsubscribing app-2 leaves app-1 hearing the line.
    await ici(gw, 'IciContainer', 'unsubscribe', `<appUrl>${a.url}</appUrl><appId>app-2</appId>`);
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    const [connected] = (await a.waitFor((e) => e.name === 'phoneCallChanged' && phoneCall(e.el).status === 101)).slice(-1);
    expect(connected?.appIds).toEqual(['app-1']);
  });

  it('who hears a line and a user follows every subscribe and unsubscribe: appIds, userChanged, order', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const a = await crm(t);
    const container = `<appUrl>${a.url}</appUrl><appId>line-1</appId><channelType>1</channelType><containerId>+1101</containerId>`;
    const user = `<appUrl>${a.url}</appUrl><appId>user-1</appId><userId>HARRI</userId>`;
    const workmode = (m: number) => ici(gw, 'IciUser', 'setCurrentWorkmode', `<userId>HARRI</userId><workmode>${m}</workmode>`);
    await ici(gw, 'IciContainer', 'subscribe', container);
    const handle = await inboundCall(gw);
    await a.call(handle, 3);
    expect(a.events.map((e) => [e.name, e.appIds])).toEqual([['phoneCallChanged', ['line-1']]]);
    // A user subscription at the same URL hears userChanged only (§9.2.6 "user events"); a second container appId
    // there: the next call events name both container appIds in one message.
    await ici(gw, 'IciUser', 'subscribe', user);
    await a.waitFor((e) => e.name === 'userChanged');
    await ici(gw, 'IciContainer', 'subscribe', container.replace('line-1', 'line-2'));
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    await a.call(handle, 101);
    // Without one container subscription, the other's alone; without both, nothing (a second CRM is the barrier).
    await ici(gw, 'IciContainer', 'unsubscribe', `<appUrl>${a.url}</appUrl><appId>line-1</appId>`);
    await ici(gw, 'IciPhoneCall', 'hold', `<callHandle>${handle}</callHandle><lineNumber>+1101</lineNumber>`);
    await a.call(handle, 106);
    await ici(gw, 'IciContainer', 'unsubscribe', `<appUrl>${a.url}</appUrl><appId>line-2</appId>`);
    const barrier = await crm(t);
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${barrier.url}</appUrl><appId>b</appId><channelType>1</channelType><containerId>+1101</containerId>`);
    await ici(gw, 'IciPhoneCall', 'unhold', `<callHandle>${handle}</callHandle><lineNumber>+1101</lineNumber>`);
    await barrier.call(handle, 101);
    await ici(gw, 'IciUser', 'unsubscribe', `<appUrl>${a.url}</appUrl><appId>user-1</appId>`);
    await workmode(3);
    // Subscribed again: heard again, under the same appId.
    await ici(gw, 'IciContainer', 'subscribe', container);
    await api(gw, 'POST', '/api/v1/calls/a163fdac-ee7a-476b-ab59-e15c81b6d4f2/hangup', {});
    await a.call(handle, 4);
    await barrier.call(handle, 4);
    // A container subscription hears the line's calls, never the user's changes.
    expect(barrier.events.map((e) => e.name)).toEqual(['phoneCallChanged', 'phoneCallChanged']);
    expect(a.events.map((e) => [e.name, e.name === 'phoneCallChanged' ? phoneCall(e.el).status : 0, e.appIds])).toEqual([
      ['phoneCallChanged', 3, ['line-1']],
      ['userChanged', 0, ['user-1']],
      ['phoneCallChanged', 101, ['line-1', 'line-2']],
      ['phoneCallChanged', 106, ['line-2']],
      ['phoneCallChanged', 4, ['line-1']],
    ]);
  });

  it('a user subscription alone hears userChanged, no phoneCallChanged (§9.2.6 user events, §9.5.1 channelType 1)', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const a = await crm(t);
    await subscribeUserOnly(gw, a, 'HARRI', 'user-only');
    await a.waitFor((e) => e.name === 'userChanged');
    const line = await crm(t);
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${line.url}</appUrl><appId>line</appId><channelType>1</channelType><containerId>+1101</containerId>`);
    const handle = await inboundCall(gw);
    await line.call(handle, 3);
    await drained(gw, a, 'HARRI');
    expect(a.events.filter((e) => e.name !== 'userChanged')).toEqual([]);
    expect(a.events.every((e) => e.appIds.join() === 'user-only')).toBe(true);
  });

  it('with ici.soapWaitMs 0, events to one URL go one at a time, in order, whatever the CRM takes to answer', async () => {
    t.gw = await startGateway({ ici: { soapWaitMs: 0 } });
    const gw = t.gw;
    const slow = await crm(t);
    const barrier = await crm(t);
    let inFlight = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    slow.answer = async (ev) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      if (ev.name === 'phoneCallChanged' && phoneCall(ev.el).status === 3) await held;
      inFlight -= 1;
      return { status: 200, body: envelope(`<${ev.name}Response xmlns="urn:IciEventInterface"><response /></${ev.name}Response>`) };
    };
    await subscribeUser(gw, slow, 'HARRI', 'slow');
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${barrier.url}</appUrl><appId>barrier</appId><channelType>1</channelType><containerId>+1101</containerId>`);
    await slow.waitFor((e) => e.name === 'userChanged');
    const handle = await inboundCall(gw);
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    await api(gw, 'POST', `/api/v1/calls/a163fdac-ee7a-476b-ab59-e15c81b6d4f2/hangup`, {});
    // The other URL got all three while the slow CRM still holds the first.
    await barrier.call(handle, 4);
    expect(slow.calls(handle)).toEqual([]);
    release();
    await slow.call(handle, 4);
    expect(slow.calls(handle).map((p) => p.status)).toEqual([3, 101, 4]);
    expect(most).toBe(1);
  });
  it('SOAP_WAIT_MS: an event whose predecessor CRM has not answered within ici.soapWaitMs goes anyway, in order', async () => {
    t.gw = await startGateway({ ici: { soapWaitMs: 100 } });
    const gw = t.gw;
    const slow = await crm(t);
    const arrived: number[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    slow.answer = async (ev) => {
      if (ev.name === 'phoneCallChanged') {
        const status = phoneCall(ev.el).status;
        arrived.push(status);
        if (status === 3) await held;
      }
      return { status: 200, body: envelope(`<${ev.name}Response xmlns="urn:IciEventInterface"><response /></${ev.name}Response>`) };
    };
    await subscribeUser(gw, slow, 'HARRI', 'slow');
    await slow.waitFor((e) => e.name === 'userChanged');
    const handle = await inboundCall(gw);
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    await api(gw, 'POST', `/api/v1/calls/a163fdac-ee7a-476b-ab59-e15c81b6d4f2/hangup`, {});
    // Connected and Ended reach the CRM while it still holds Alerting's answer, in the order they were sent.
    await slow.call(handle, 4);
    expect(slow.calls(handle).map((p) => p.status)).toEqual([101, 4]);
    expect(arrived).toEqual([3, 101, 4]);
    release();
    await slow.waitFor((e) => e.name === 'phoneCallChanged', 3);
    const subs = await iciSubscribers(gw);
    expect(subs).toEqual([expect.objectContaining({ delivered: expect.any(Number), failed: 0, dropped: 0, state: 'active' })]);
  });
});

describe('CRM\'s answers', () => {
  it('an ICI fault in HTTP 200 counts as failed and is retried only when errorRetry is true', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const c = await crm(t);
    const answers = [iciFault(false), iciFault(true)];
    c.answer = (ev) => {
      const next = ev.name === 'phoneCallChanged' ? answers.shift() : undefined;
      return { status: 200, body: next ?? envelope(`<${ev.name}Response xmlns="urn:IciEventInterface"><response /></${ev.name}Response>`) };
    };
    await subscribeUser(gw, c, 'HARRI');
    await c.waitFor((e) => e.name === 'userChanged');
    const handle = await inboundCall(gw);
    await ici(gw, 'IciItem', 'accept', `<itemId>${handle}</itemId><containerId>+1101</containerId>`);
    // Alerting was refused for good (errorRetry false); Connected failed once (true) and came again.
    await c.call(handle, 101);
    expect(c.calls(handle).map((p) => p.status)).toEqual([101]);
    const [sub] = await iciSubscribers(gw);
    expect(sub).toMatchObject({ failed: 2, dropped: 1, state: 'active' });
    expect(c.received).toBe(4);
  });

  it('a CRM that does not answer is retried, then unsubscribed with the reason logged, and forgotten', async () => {
    const lines: { msg: string; reason?: string }[] = [];
    const raw: string[] = [];
    let cancelled: () => void = () => undefined;
    const logged = new Promise<void>((r) => (cancelled = r));
    const logger = pino({ level: 'warn' }, { write: (s: string) => { raw.push(s); const l = JSON.parse(s) as { msg: string }; lines.push(l); if (l.msg.includes('ICI subscriptions cancelled')) cancelled(); } });
    t.gw = await startGateway({ logger });
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    await c.waitFor((e) => e.name === 'userChanged');
    await c.stop();
    await inboundCall(gw);
    await logged;
    const line = lines.find((l) => l.msg.includes('ICI subscriptions cancelled'));
    expect(line?.reason).toMatch(/unreachable: 3 consecutive failed attempts/);
    const s = (await api(gw, 'GET', '/api/v1/state')) as { interfaces: { ici: { subscriptions: unknown[] } } };
    expect(s.interfaces.ici.subscriptions).toEqual([]);
    // Its last subscriptionEnded tried, the URL's notifier subscriber is removed: nothing cancelled stays listed.
    await vi.waitFor(async () => expect(await iciSubscribers(gw)).toEqual([]), { timeout: 10_000, interval: 20 });
    // The notifier's lines name their component once (a duplicated JSON key is ambiguous to log tools).
    const notifyLines = raw.filter((l) => l.includes('"component":"notify"'));
    expect(notifyLines.length).toBeGreaterThan(0);
    for (const l of notifyLines) expect(l.split('"component":').length, l).toBe(2);
  });

  it('ici.maxSubscriptionsPerLine: one subscription more is 4/5; subscribing again with the same key replaces', async () => {
    t.gw = await startGateway({ ici: { maxSubscriptionsPerLine: 2 } });
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUserOnly(gw, c, 'HARRI', 'app-1');
    await subscribeUserOnly(gw, c, 'HARRI', 'app-2');
    await subscribeUserOnly(gw, c, 'HARRI', 'app-2');
    const more = await ici(gw, 'IciUser', 'subscribe', `<userId>HARRI</userId><appUrl>${c.url}</appUrl><appId>app-3</appId>`, { fault: true });
    expect(more.fault).toMatchObject({ area: 4, error: 5, retry: true });
    const container = await ici(gw, 'IciContainer', 'subscribe', `<containerId>+1101</containerId><channelType>1</channelType><appUrl>${c.url}</appUrl><appId>app-4</appId>`, { fault: true });
    expect(container.fault).toMatchObject({ area: 4, error: 5 });
    const s = (await api(gw, 'GET', '/api/v1/state')) as { interfaces: { ici: { subscriptions: unknown[] } } };
    expect(s.interfaces.ici.subscriptions).toHaveLength(2);
  });
});

describe('subscriptionEnded', () => {
  it('reason 1 to every URL when the gateway shuts down, before it exits', async () => {
    const gw = await startGateway();
    const a = await crm(t);
    const b = await crm(t);
    await subscribeUser(gw, a, 'HARRI', 'one');
    await subscribeUser(gw, a, 'MAIJA', 'two');
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${b.url}</appUrl><appId>three</appId><channelType>1</channelType><containerId>+1104</containerId>`);
    await gw.close();
    const [atA] = a.events.filter((e) => e.name === 'subscriptionEnded');
    expect(atA?.appIds.sort()).toEqual(['one', 'two']);
    expect(text(atA?.el, 'reason', 'id')).toBe('1');
    expect(text(atA?.el, 'reason', 'description')).toBe('WicomOII Stop');
    expect(b.events.filter((e) => e.name === 'subscriptionEnded').map((e) => e.appIds)).toEqual([['three']]);
  });

  it('reason 2 while the agent server is down: requests refused (retry), subscriptions kept', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    await api(gw, 'POST', '/api/v1/faults', { component: 'agentServer', state: 'down' });
    const [ended] = await c.waitFor((e) => e.name === 'subscriptionEnded');
    expect(text(ended?.el, 'reason', 'id')).toBe('2');
    const refused = await ici(gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>', { fault: true });
    expect(refused.fault).toMatchObject({ area: 4, error: 3, retry: true, code: 'soap:Server' });
    await api(gw, 'POST', '/api/v1/faults', { component: 'agentServer', state: 'up' });
    const handle = await inboundCall(gw);
    expect(await c.call(handle, 3)).toMatchObject({ line: '+1101' });
  });

  it('reason 3 when a subscription times out; a request about the user restarts its time', async () => {
    const clock = new ManualClock();
    t.gw = await startGateway({ clock, ici: { subscriptionTimeoutSec: 60 } });
    const gw = t.gw;
    const c = await crm(t);
    await subscribeUser(gw, c, 'HARRI');
    clock.advance(50_000);
    await ici(gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId><cmsPing>TRUE</cmsPing>');
    clock.advance(50_000);
    expect(c.events.filter((e) => e.name === 'subscriptionEnded')).toEqual([]);
    clock.advance(10_000);
    const [ended] = await c.waitFor((e) => e.name === 'subscriptionEnded');
    expect(text(ended?.el, 'reason', 'id')).toBe('3');
    const s = (await api(gw, 'GET', '/api/v1/state')) as { interfaces: { ici: { subscriptions: unknown[] } } };
    expect(s.interfaces.ici.subscriptions).toEqual([]);
  });

  it('reason 3: every appId at one URL that times out together is named in one message', async () => {
    const clock = new ManualClock();
    t.gw = await startGateway({ clock, ici: { subscriptionTimeoutSec: 60 } });
    const gw = t.gw;
    const c = await crm(t);
    // The user, 400 ms later the line (IC WebClient's login), 300 ms later another line: all at one appUrl.
    await ici(gw, 'IciUser', 'subscribe', `<appUrl>${c.url}</appUrl><appId>user</appId><userId>HARRI</userId>`);
    clock.advance(400);
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${c.url}</appUrl><appId>line</appId><channelType>1</channelType><containerId>+1101</containerId>`);
    clock.advance(300);
    await ici(gw, 'IciContainer', 'subscribe', `<appUrl>${c.url}</appUrl><appId>other</appId><channelType>1</channelType><containerId>+1102</containerId>`);
    clock.advance(61_000);
    const [ended] = await c.waitFor((e) => e.name === 'subscriptionEnded');
    expect(ended?.appIds.sort()).toEqual(['line', 'other', 'user']);
    // Events to one URL go in order: once a later userChanged arrived there, a second subscriptionEnded would have too.
    await subscribeUserOnly(gw, c, 'MAIJA', 'barrier');
    await c.waitFor((e) => e.name === 'userChanged');
    expect(c.events.filter((e) => e.name === 'subscriptionEnded')).toHaveLength(1);
  });
});

describe('appUrl', () => {
  it('is checked like QMI\'s CallbackUrl: a public address or a non-http URL is refused and nothing changes', async () => {
    t.gw = await startGateway();
    for (const url of ['http://8.8.8.8/ici', 'ftp://127.0.0.1/x', 'not a url']) {
      const a = await ici(t.gw, 'IciUser', 'subscribe', `<appUrl>${url}</appUrl><appId>x</appId><userId>HARRI</userId>`, { fault: true });
      expect(a.fault, url).toMatchObject({ area: 2, error: 3 });
    }
    const s = (await api(t.gw, 'GET', '/api/v1/state')) as { interfaces: { ici: { subscriptions: unknown[] } } };
    expect(s.interfaces.ici.subscriptions).toEqual([]);
  });

  it('OII.MapSubscribeUrl rewrites the seed\'s own appUrl to where the CRM really is', async () => {
    const c = await crm(t);
    t.gw = await startGateway({ ici: { mapSubscribeUrl: `ip:50000, 127.0.0.1:${c.port}` } });
    await ici(t.gw, 'IciUser', 'subscribe', '<appUrl xmlns="">\nhttp://ip:50000/IciEventService/IciEventConf?style=document</appUrl><appId xmlns="">lcb65470-a2c1-11da-aa97-001143dc2e6e</appId><userId xmlns="">HARRI</userId>');
    const [user] = await c.waitFor((e) => e.name === 'userChanged');
    expect(user?.path).toBe('/IciEventService/IciEventConf?style=document');
    expect(user?.appIds).toEqual(['lcb65470-a2c1-11da-aa97-001143dc2e6e']);
  });
});
