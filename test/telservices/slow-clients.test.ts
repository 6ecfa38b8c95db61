/**
 * Slow and unusual clients on the TelServices port, over real sockets: a request has a deadline from its first byte
 * that nothing the client sends extends (raw TCP and HTTP), silence before a request has its own idle timeout, a
 * partial request ended by FIN is answered at once, one address cannot take every slot, a long poll is not cut by an
 * inactivity timer, and a UTF-8 byte-order mark before a request is accepted.
 */
import { connect } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { error, req, STANDARD, tcpExchange, ts, useGateway } from './helpers.js';

const { startGateway, send } = useGateway();

const QUERY = req('queryDoNotDisturb', { deviceNumber: '1101' });
const DND_OFF = '<TelServiceReturn><result><doNotDisturb><off/></doNotDisturb></result></TelServiceReturn>';
const REJECT = error('reject');
const MAKE_CALL = req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' });
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Drip {
  /** Resolves once the first byte is on its way (the connection holds a slot). */
  started: Promise<void>;
  /** What the server answered, and how many bytes the client had sent when the server closed. */
  done: Promise<{ reply: string; sent: number }>;
}

/** A client that sends `data` one byte every `everyMs` until the server closes the connection. */
function drip(port: number, data: string, everyMs: number, localAddress = '127.0.0.1'): Drip {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<{ reply: string; sent: number }>((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const chunks: Buffer[] = [];
    let sent = 0;
    let ticker: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server never closed the dripping connection (${sent} of ${data.length} bytes sent)`));
    }, 5_000);
    const next = () => {
      if (sent >= data.length || socket.destroyed || !socket.writable) return;
      socket.write(data[sent] as string);
      sent++;
      if (sent === 1) markStarted();
    };
    socket.on('connect', () => {
      next();
      ticker = setInterval(next, everyMs);
    });
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(ticker);
      clearTimeout(guard);
      resolve({ reply: Buffer.concat(chunks).toString('utf8'), sent });
    });
  });
  return { started, done };
}

/** One TelServices request over TCP from another loopback address (a second client host). */
function tsFrom(localAddress: string, port: number, xml: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write(xml));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const httpPost = (path: string, body: string | Buffer, extra = '') =>
  Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`), Buffer.from(body)]);

describe('request deadline: dripping clients are closed, whatever they send', () => {
  it('raw TCP: a request sent one byte at a time, faster than the idle timeout, is answered reject at its deadline', async () => {
    const g = await startGateway({ telservices: { idleTimeoutMs: 200, requestTimeoutMs: 400 } });
    const d = drip(g.tsPort, MAKE_CALL, 40);
    const { reply, sent } = await d.done;
    expect(reply).toBe(REJECT);
    expect(sent).toBeLessThan(MAKE_CALL.length);
    expect(g.gw.center.activeCalls()).toHaveLength(0);
  });

  it('HTTP on the TelServices port: dripping headers, or a dripping body, are answered 408 with reject', async () => {
    const g = await startGateway({ telservices: { idleTimeoutMs: 200, requestTimeoutMs: 400 } });
    const head = `POST /telservices HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAKE_CALL.length}\r\nX-Padding: ${'p'.repeat(64)}\r\n\r\n`;
    const headers = await drip(g.tsPort, head + MAKE_CALL, 40).done;
    expect(headers.reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers.reply.endsWith(REJECT)).toBe(true);
    expect(headers.sent).toBeLessThan(head.length);
    // Headers at once, then the body byte by byte.
    const body = new Promise<string>((resolve) => {
      const s = connect(g.tsPort, '127.0.0.1');
      const chunks: Buffer[] = [];
      let i = 0;
      let ticker: NodeJS.Timeout | undefined;
      s.on('connect', () => {
        s.write(head);
        ticker = setInterval(() => s.writable && i < MAKE_CALL.length && s.write(MAKE_CALL[i++] as string), 40);
      });
      s.on('data', (d) => chunks.push(d));
      s.on('error', () => {});
      s.on('close', () => {
        clearInterval(ticker);
        resolve(Buffer.concat(chunks).toString());
      });
    });
    const answer = await body;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.endsWith(REJECT)).toBe(true);
    expect(g.gw.center.activeCalls()).toHaveLength(0);
  });

  it('HTTP keep-alive: the second request on a connection gets its own deadline', async () => {
    const g = await startGateway({ telservices: { idleTimeoutMs: 2_000, requestTimeoutMs: 400 } });
    const answer = await new Promise<string>((resolve) => {
      const s = connect(g.tsPort, '127.0.0.1');
      const chunks: Buffer[] = [];
      let ticker: NodeJS.Timeout | undefined;
      const second = httpPost('/telservices', QUERY).toString();
      let i = 0;
      s.on('connect', () => s.write(httpPost('/telservices', QUERY)));
      s.on('data', (d) => {
        chunks.push(d);
        // The first answer is in: start dripping the second request.
        ticker ??= setInterval(() => s.writable && i < second.length && s.write(second[i++] as string), 40);
      });
      s.on('error', () => {});
      s.on('close', () => {
        clearInterval(ticker);
        resolve(Buffer.concat(chunks).toString());
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain(DND_OFF);
    expect(answer).toMatch(/HTTP\/1\.1 408 [^]*<reject\/>/);
  });

  it('answers a partial request followed by the client\'s FIN with reject at once, and closes quietly after nothing', async () => {
    const g = await startGateway({ telservices: { requestTimeoutMs: 60_000, idleTimeoutMs: 60_000 } });
    expect(await tcpExchange(g.tsPort, '<TelServiceRequest><makeCall><deviceNumber>1101', { endAfterWrite: true, timeoutMs: 2_000 })).toBe(REJECT);
    expect(await tcpExchange(g.tsPort, BOM, { endAfterWrite: true, timeoutMs: 2_000 })).toBe(REJECT);
    expect(await tcpExchange(g.tsPort, [], { endAfterWrite: true, timeoutMs: 2_000 })).toBe('');
    // A complete request followed by FIN is still answered.
    expect(await tcpExchange(g.tsPort, QUERY, { endAfterWrite: true, timeoutMs: 2_000 })).toBe(DND_OFF);
  });
});

describe('connection slots', () => {
  it('one address cannot take every slot, and dripping connections give theirs back at their deadline', async () => {
    // The deadline leaves the checks below time to run while every dripper still holds its slot, even on a busy machine.
    const g = await startGateway({ telservices: { maxConnections: 6, maxConnectionsPerAddress: 3, requestTimeoutMs: 2_000, idleTimeoutMs: 5_000 } });
    const drippers = [0, 1, 2].map(() => drip(g.tsPort, MAKE_CALL, 40));
    await Promise.all(drippers.map((d) => d.started));
    // The dripping address is full; another client host is served.
    expect(await ts(g.tsPort, QUERY)).toBe(error('resourceError'));
    expect(await tsFrom('127.0.0.2', g.tsPort, QUERY)).toBe(DND_OFF);
    // Drippers from more hosts fill the port: everyone is refused until the deadlines pass.
    const more = ['127.0.0.3', '127.0.0.3', '127.0.0.4'].map((a) => drip(g.tsPort, MAKE_CALL, 40, a));
    await Promise.all(more.map((d) => d.started));
    expect(await tsFrom('127.0.0.5', g.tsPort, QUERY)).toBe(error('resourceError'));
    for (const d of [...drippers, ...more]) expect((await d.done).reply).toBe(REJECT);
    expect(await ts(g.tsPort, QUERY)).toBe(DND_OFF);
    expect(await tsFrom('127.0.0.5', g.tsPort, QUERY)).toBe(DND_OFF);
  });
});

describe('long polls are not cut by inactivity timers', () => {
  it('a snapshot long poll outlives the HTTP servers\' socket inactivity timeout, on both ports', async () => {
    const g = await startGateway({ http: { requestTimeoutMs: 300, headersTimeoutMs: 300 }, telservices: { idleTimeoutMs: 300, requestTimeoutMs: 300 } });
    for (const base of [g.httpUrl, `http://127.0.0.1:${g.tsPort}`]) {
      const open = await request(`${base}/telservices`, { method: 'POST', body: req('openSession', { deviceNumber: '1102' }) });
      expect(await open.body.text()).toBe(STANDARD);
      const first = await (await request(`${base}/telservices`, { method: 'POST', body: req('snapshot', { deviceNumber: '1102' }) })).body.text();
      const seq = /<snapshotSeq>(\d+)<\/snapshotSeq>/.exec(first)?.[1] ?? '0';
      const poll = request(`${base}/telservices`, {
        method: 'POST',
        body: req('snapshot', { deviceNumber: '1102', resultOnEvent: `<timeout>60</timeout><snapshotSeq>${seq}</snapshotSeq>` }),
      });
      poll.catch(() => {}); // awaited below; a cut connection fails the test there, not as an unhandled rejection
      // Twice the inactivity timeout passes in silence before anything happens on the device.
      await new Promise((r) => setTimeout(r, 700));
      expect(await send(MAKE_CALL), base).toBe(STANDARD);
      const answer = await (await poll).body.text();
      expect(answer).toContain('<alerting/>');
      expect(await send(req('dropCall', { deviceNumber: '1102' }))).toBe(STANDARD);
    }
  });
});

describe('timers only the right input resets', () => {
  it('the session timeout is reset by the session\'s clients, not by requests from another host', async () => {
    const g = await startGateway();
    expect(await send(req('openSession', { deviceNumber: '1101', sessionTimeout: '60' }))).toBe(STANDARD);
    g.clock.advance(50_000);
    expect(await tsFrom('127.0.0.2', g.tsPort, req('queryDoNotDisturb', { deviceNumber: '1101' }))).toBe(DND_OFF);
    g.clock.advance(10_000);
    expect(await send(req('snapshot', { deviceNumber: '1101' }))).toBe(error('noOpenSession'));
    expect(await send(req('openSession', { deviceNumber: '1101', sessionTimeout: '60' }))).toBe(STANDARD);
    g.clock.advance(50_000);
    expect(await send(QUERY)).toBe(DND_OFF);
    g.clock.advance(50_000);
    expect(await send(req('snapshot', { deviceNumber: '1101' }))).toContain('<snapshot>');
  });
});

describe('what clients send on the wire', () => {
  it('accepts a UTF-8 byte-order mark before a raw TCP request, whole or split over segments', async () => {
    const g = await startGateway();
    expect(await tcpExchange(g.tsPort, Buffer.concat([BOM, Buffer.from(QUERY)]))).toBe(DND_OFF);
    expect(await tcpExchange(g.tsPort, [BOM.subarray(0, 1), BOM.subarray(1), Buffer.from(QUERY)])).toBe(DND_OFF);
    expect(await tcpExchange(g.tsPort, Buffer.concat([BOM, Buffer.from(`\r\n${QUERY}`)]))).toBe(DND_OFF);
  });

  it('accepts a byte-order mark before each of several pipelined HTTP requests on the TelServices port', async () => {
    const g = await startGateway();
    const body = Buffer.concat([BOM, Buffer.from(QUERY)]);
    const reply = await tcpExchange(g.tsPort, [
      Buffer.concat([BOM, httpPost('/telservices', body)]),
      httpPost('/telservices', body),
      httpPost('/telservices', body, 'Connection: close\r\n'),
    ]);
    const answers = reply.split('HTTP/1.1 ').slice(1);
    expect(answers).toHaveLength(3);
    for (const a of answers) {
      expect(a).toMatch(/^200 /);
      expect(a.trimEnd().endsWith(DND_OFF)).toBe(true);
    }
  });

  it('answers a TelServiceReturn to a POST on any path of the TelServices port, reject to an unknown GET', async () => {
    const g = await startGateway();
    const base = `http://127.0.0.1:${g.tsPort}`;
    for (const path of ['/', '/TelServices', '/telserver/requests', '/x.asmx?op=1']) {
      const r = await request(`${base}${path}`, { method: 'POST', body: QUERY });
      expect(r.statusCode, path).toBe(200);
      expect(await r.body.text(), path).toBe(DND_OFF);
    }
    const lower = await request(`${base}/makecall?deviceNumber=1101&calledDeviceNumber=1102`);
    expect(await lower.body.text()).toBe(STANDARD);
    const unknown = await request(`${base}/nothing/here`);
    expect(unknown.statusCode).toBe(404);
    expect(await unknown.body.text()).toBe(REJECT);
    const garbage = await tcpExchange(g.tsPort, 'POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage.endsWith(REJECT)).toBe(true);
    // Invalid percent-encoding, in the query (a bad value: reject) or in the path (the router refuses it: 400 reject).
    for (const path of ['/makeCall?deviceNumber=%FF&calledDeviceNumber=1102', '/makeCall?deviceNumber=%', '/makeCall%zz', '/make%Call']) {
      const answer = await tcpExchange(g.tsPort, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer, path).toMatch(/^HTTP\/1\.1 (200|400) /);
      expect(answer.endsWith(REJECT), path).toBe(true);
    }
  });
});
