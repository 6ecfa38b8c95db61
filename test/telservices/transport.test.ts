/**
 * Seed "Transport protocol" over real sockets: one request per TCP connection, reply then close; HTTP on the same
 * port and on the main server; partial, oversized, idle and excess connections closed without harming anyone else.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import { startGateway as startTestGateway } from '../support/index.js';
import { error, req, STANDARD, tcpExchange, ts, useGateway } from './helpers.js';

const { startGateway, listener } = useGateway();

const QUERY = req('queryDoNotDisturb', { deviceNumber: '1101' });
const DND_OFF = '<TelServiceReturn><result><doNotDisturb><off/></doNotDisturb></result></TelServiceReturn>';

describe('TCP: one request per connection', () => {
  it('answers and closes, ignoring bytes sent after the request', async () => {
    const g = await startGateway();
    expect(await tcpExchange(g.tsPort, [QUERY.slice(0, 10), QUERY.slice(10), '<more/>'])).toBe(DND_OFF);
    expect(await tcpExchange(g.tsPort, `\r\n  ${QUERY}\r\n`, { endAfterWrite: true })).toBe(DND_OFF);
  });

  it('closes a partial request at its deadline with reject, a silent one at the idle timeout without a word, while others are served', async () => {
    const g = await startGateway({ telservices: { idleTimeoutMs: 300, requestTimeoutMs: 300 } });
    const partial = tcpExchange(g.tsPort, '<TelServiceRequest><makeCall><deviceNumber>1101');
    const silent = tcpExchange(g.tsPort, []);
    // Meanwhile another client is served.
    expect(await ts(g.tsPort, QUERY)).toBe(DND_OFF);
    expect(await partial).toBe(error('reject'));
    expect(await silent).toBe('');
    // The partial makeCall changed nothing.
    expect(g.gw.center.activeCalls()).toHaveLength(0);
  });

  it('refuses an oversized request with reject at once', async () => {
    const g = await startGateway({ telservices: { maxRequestBytes: 1024 } });
    const big = `<TelServiceRequest><makeCall><extraData>${'x'.repeat(4000)}</extraData></makeCall></TelServiceRequest>`;
    expect(await tcpExchange(g.tsPort, big)).toBe(error('reject'));
    expect(await ts(g.tsPort, QUERY)).toBe(DND_OFF);
  });

  it('answers resourceError beyond maxConnections and serves again once connections close', async () => {
    const g = await startGateway({ telservices: { maxConnections: 2 } });
    const idle = [connect(g.tsPort, '127.0.0.1'), connect(g.tsPort, '127.0.0.1')];
    await Promise.all(idle.map((s) => new Promise((r) => s.once('connect', r))));
    await new Promise((r) => setTimeout(r, 30));
    expect(await ts(g.tsPort, QUERY)).toBe(error('resourceError'));
    for (const s of idle) s.destroy();
    await new Promise((r) => setTimeout(r, 30));
    expect(await ts(g.tsPort, QUERY)).toBe(DND_OFF);
  });

  it('rejects malformed XML and unknown services, changing nothing', async () => {
    const g = await startGateway();
    for (const bad of [
      '<TelServiceRequest><makeCall><deviceNumber>1101</deviceNumber><calledDeviceNumber>1102</calledDeviceNumber></makeCal></TelServiceRequest>',
      '<TelServiceRequest><launchRocket><deviceNumber>1101</deviceNumber></launchRocket></TelServiceRequest>',
      '<Other><makeCall><deviceNumber>1101</deviceNumber><calledDeviceNumber>1102</calledDeviceNumber></makeCall></Other>',
      '<TelServiceRequest><makeCall><deviceNumber>1101</deviceNumber></makeCall></TelServiceRequest>',
      '<!DOCTYPE x [<!ENTITY a "1101">]><TelServiceRequest><makeCall><deviceNumber>&a;</deviceNumber><calledDeviceNumber>1102</calledDeviceNumber></makeCall></TelServiceRequest>',
      '<TelServiceRequest><doNotDisturb><deviceNumber>1101</deviceNumber><state><maybe/></state></doNotDisturb></TelServiceRequest>',
    ]) {
      expect(await ts(g.tsPort, bad), bad).toBe(error('reject'));
    }
    expect(g.gw.center.activeCalls()).toHaveLength(0);
    expect(g.gw.center.device('1101').dnd).toBe(false);
  });

  it('closes connections from addresses outside the allow-list', async () => {
    const t = await startTestGateway({ interfaces: [telservicesInterface], config: { allow: { telservices: ['10.0.0.0/8'] } } });
    try {
      expect(await tcpExchange(t.ports.telservices, QUERY)).toBe('');
      const r = await request(`${t.baseUrl}/telservices`, { method: 'POST', body: QUERY });
      expect(r.statusCode).toBe(403);
      await r.body.dump();
    } finally {
      await t.close();
    }
  });
});

describe('end-of-PDU sequence (telservices.endOfPDU)', () => {
  it('is accepted after a request, ends a broken one at once, and follows every reply and datagram', async () => {
    const g = await startGateway({ telservices: { endOfPDU: '\\0' } });
    expect(await tcpExchange(g.tsPort, `${QUERY}\0`)).toBe(`${DND_OFF}\0`);
    expect(await tcpExchange(g.tsPort, QUERY)).toBe(`${DND_OFF}\0`);
    expect(await tcpExchange(g.tsPort, '<TelServiceRequest><makeCall>\0')).toBe(`${error('reject')}\0`);
    const l = await listener();
    expect(await ts(g.tsPort, req('openSession', { deviceNumber: '1101', eventUDPPort: String(l.port) }))).toBe(`${STANDARD}\0`);
    expect(await ts(g.tsPort, req('doNotDisturb', { deviceNumber: '1101', state: '<on/>' }))).toBe(`${STANDARD}\0`);
    const [dnd] = await l.waitFor(1, (m) => m.includes('doNotDisturb'));
    expect(dnd).toBe('<TelServiceEvent><deviceNumber>1101</deviceNumber><event><doNotDisturb><on/></doNotDisturb></event></TelServiceEvent>\0');
  });
});

describe('HTTP', () => {
  it('serves POST /telservices and GET /makeCall on the TelServices port and on the main HTTP server', async () => {
    const g = await startGateway();
    for (const base of [`http://127.0.0.1:${g.tsPort}`, g.httpUrl]) {
      const post = await request(`${base}/telservices`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: QUERY });
      expect(post.statusCode).toBe(200);
      expect(post.headers['content-type']).toMatch(/^text\/xml/);
      expect(await post.body.text()).toBe(DND_OFF);
      // Browsers post with form or text content types; no content type at all works too.
      const form = await request(`${base}/telservices`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: QUERY });
      expect(await form.body.text()).toBe(DND_OFF);
      const bad = await request(`${base}/telservices`, { method: 'POST', body: '<TelServiceRequest><nope/></TelServiceRequest>' });
      expect(await bad.body.text()).toBe(error('reject'));
      // A body in a content coding is not read as if plain (the header alone must not pass a plain body either).
      const coded = await request(`${base}/telservices`, { method: 'POST', headers: { 'content-type': 'text/xml', 'content-encoding': 'gzip' }, body: QUERY });
      expect([coded.statusCode, await coded.body.text()]).toEqual([415, error('reject')]);
    }
    const viaPort = await request(`http://127.0.0.1:${g.tsPort}/makeCall?deviceNumber=1101&calledDeviceNumber=1102`);
    expect(await viaPort.body.text()).toBe(STANDARD);
    const viaMain = await request(`${g.httpUrl}/makeCall?deviceNumber=1103&calledDeviceNumber=1104`);
    expect(await viaMain.body.text()).toBe(STANDARD);
    const missing = await request(`${g.httpUrl}/makeCall?deviceNumber=1103`);
    expect(await missing.body.text()).toBe(error('reject'));
    expect(g.gw.center.activeCalls().map((c) => `${c.parties[0]?.number}->${c.dialled}`).sort()).toEqual(['1101->1102', '1103->1104']);
  });

  it('hands over an HTTP request whose method arrives split across segments on the TelServices port', async () => {
    const g = await startGateway();
    const head = `POST /telservices HTTP/1.1\r\nHost: x\r\nContent-Length: ${QUERY.length}\r\nConnection: close\r\n\r\n`;
    const reply = await tcpExchange(g.tsPort, [head.slice(0, 2), head.slice(2, 9), head.slice(9) + QUERY]);
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(reply.endsWith(DND_OFF)).toBe(true);
  });

  it('reports the TelServices port in /health', async () => {
    const g = await startGateway();
    const r = await request(`${g.httpUrl}/health`);
    expect(((await r.body.json()) as { listeners: { telservices: number } }).listeners.telservices).toBe(g.tsPort);
  });
});
