/**
 * A short, bounded soak over the real sockets: many clients of every interface act at random on the same calls at
 * once, including on calls that are ending. Nothing may crash, log an error, or answer outside its protocol.
 */
import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { IdSource } from '../../src/core/index.js';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import { qmiInterface } from '../../src/interfaces/qmi/index.js';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import { envelope, post, Receiver, req as qmiReq } from '../qmi/helpers.js';
import { req, ts } from '../telservices/helpers.js';

let gw: Gateway | undefined;
let tool: Receiver | undefined;
afterEach(async () => {
  await gw?.close();
  await tool?.stop();
});

const DEVICES = ['1101', '1102', '1103', '1104'];
const USERS = ['HARRI', 'MAIJA', 'PEKKA', 'ANNA'];
const OUTSIDE = ['+35840111222', '+35891234567'];

describe('soak', () => {
  it('survives random concurrent traffic on every interface with no error logged', async () => {
    const logged: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) logged.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    gw = await buildGateway({
      env: {},
      logger: pino({ level: 'warn' }, sink),
      config: {
        host: '127.0.0.1',
        dataDir: mkdtempSync(join(tmpdir(), 'ccgate-soak-')),
        http: { port: 0 },
        // A partial request is answered at its deadline: short here, so the partial-request client finishes. The idle
        // timeout before a request stays long: on a loaded machine a short one closes clients whose bytes are late.
        telservices: { port: 0, requestTimeoutMs: 300 },
        ciscoqm: { desktopPort: 0, networkPort: 0 },
        center: { seed: 3, externalAnswerMs: 200, ringTimeoutSec: 1, wrapUpSec: 1 },
      },
      interfaces: [qmiInterface, telservicesInterface],
    });
    const ports = await gw.listen();
    const g = gw;
    tool = await new Receiver().start();
    expect((await post(g, qmiReq.subscribe('soak', tool.url))).success).toBe('1');
    for (const d of DEVICES) await ts(ports.telservices, req('openSession', { deviceNumber: d }));

    const rnd = new IdSource(99);
    const pick = <T>(xs: readonly T[]): T => xs[rnd.next32() % xs.length] as T;
    const callIds = () => g.center.telephony.activeCalls().map((c) => c.id).concat(['not-a-call']);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${g.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => {
        await r.text();
        return r.status;
      });
    const tsOps = ['answerCall', 'holdCall', 'retrieveCall', 'dropCall', 'transferCall', 'conferenceCall', 'alternateCall', 'reconnectCall', 'snapshot', 'queryAgentState'];
    const qmiOps = ['QMIQueryCallInfo', 'QMIBCMRecordingStart', 'QMIBCMRecordingPause', 'QMIBCMRecordingStop', 'QMICallMonitoringStop'];

    const actions: (() => Promise<unknown>)[] = [
      () => api('POST', '/api/v1/calls', { from: pick(OUTSIDE), to: pick(['2001', '2002', ...DEVICES]) }).then((s) => expect([201, 409, 404]).toContain(s)),
      () => api('POST', `/api/v1/agents/${pick(USERS)}/actions`, { action: pick(['answer', 'hold', 'retrieve', 'drop', 'transfer', 'conference']) }).then((s) => expect([200, 409]).toContain(s)),
      () => api('POST', `/api/v1/agents/${pick(USERS)}/actions`, { action: pick(['consult', 'divert', 'dial']), number: pick([...DEVICES, ...OUTSIDE]) }).then((s) => expect([200, 400, 409]).toContain(s)),
      () => api('POST', `/api/v1/calls/${pick(callIds())}/hangup`, {}).then((s) => expect([200, 400, 404]).toContain(s)),
      () => api('PUT', `/api/v1/agents/${pick(USERS)}/state`, { state: pick(['ready', 'notReady']) }).then((s) => expect(s).toBe(200)),
      () => ts(ports.telservices, req(pick(tsOps), { deviceNumber: pick(DEVICES) })).then((x) => expect(x).toMatch(/^<TelServiceReturn>.*<\/TelServiceReturn>$/s)),
      () => ts(ports.telservices, req('makeCall', { deviceNumber: pick(DEVICES), calledDeviceNumber: pick([...DEVICES, ...OUTSIDE]) })).then((x) => expect(x).toMatch(/^<TelServiceReturn>/)),
      () => ts(ports.telservices, '<TelServiceRequest><holdCall><deviceNumber>1101</deviceNumber>').then((x) => expect(x).toMatch(/<reject\/>|^$/)),
      () => post(g, qmiReq.call(pick(qmiOps), 'soak', pick(callIds()))).then((a) => expect(a.success).toBe('1')),
      () => post(g, envelope('soak', '<qmi:QMIQueryCallInfoRequest><qmi:CallID>')).then((a) => expect(a.faultstring).toBe('Parsing error')),
    ];
    // A fixed amount of work, not a time window: how much fits in a few seconds measures the machine, not ccgate.
    let done = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let i = 0; i < 25; i++) {
          await pick(actions)();
          done++;
        }
      }),
    );
    expect(done).toBe(300);
    const health = await fetch(`${g.baseUrl}/health`);
    expect(health.status).toBe(200);
    await health.text();
    expect(logged.filter((l) => l.level >= 50), JSON.stringify(logged.filter((l) => l.level >= 50).slice(0, 3))).toEqual([]);
  }, 30_000);
});
