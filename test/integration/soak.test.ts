/**
 * A short, bounded soak over the real sockets: many clients of every interface act at random on the same calls at
 * once, including on calls that are ending. A fixed number of operations, never a time window: every one is answered
 * within its protocol, no event is lost, nothing crashes or logs an error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IdSource } from '../../src/core/index.js';
import { qmiInterface } from '../../src/interfaces/qmi/index.js';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import { allDelivered, captureLogger, ERROR, startGateway, type TestGateway } from '../support/index.js';
import { envelope, post, Receiver, req as qmiReq } from '../qmi/helpers.js';
import { req, ts } from '../telservices/helpers.js';

let t: TestGateway | undefined;
let tool: Receiver | undefined;
afterEach(async () => {
  await t?.close();
  await tool?.stop();
});

/** A fixed amount of work, not a time window: 12 clients at once, 25 operations each. */
const CLIENTS = 12;
const OPS_PER_CLIENT = 25;

const DEVICES = ['1101', '1102', '1103', '1104'];
const USERS = ['HARRI', 'MAIJA', 'PEKKA', 'ANNA'];
const OUTSIDE = ['+35840111222', '+35891234567'];

describe('soak', () => {
  it('survives random concurrent traffic on every interface with no error logged', async () => {
    const { logger, lines: logged } = captureLogger('warn');
    t = await startGateway({
      logger,
      interfaces: [qmiInterface, telservicesInterface],
      config: {
        // A partial request is answered at its deadline: short here, so the partial-request client finishes. The idle
        // timeout before a request stays long: on a loaded machine a short one closes clients whose bytes are late.
        telservices: { requestTimeoutMs: 300 },
        center: { seed: 3, externalAnswerMs: 200, ringTimeoutSec: 1, wrapUpSec: 1 },
      },
    });
    const g = t.gw;
    const ports = t.ports;
    tool = await new Receiver().start();
    const rx = tool;
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

    let qmiAccepted = 0;
    const actions: (() => Promise<unknown>)[] = [
      () => api('POST', '/api/v1/calls', { from: pick(OUTSIDE), to: pick(['2001', '2002', ...DEVICES]) }).then((s) => expect([201, 409, 404]).toContain(s)),
      () => api('POST', `/api/v1/agents/${pick(USERS)}/actions`, { action: pick(['answer', 'hold', 'retrieve', 'drop', 'transfer', 'conference']) }).then((s) => expect([200, 409]).toContain(s)),
      () => api('POST', `/api/v1/agents/${pick(USERS)}/actions`, { action: pick(['consult', 'divert', 'dial']), number: pick([...DEVICES, ...OUTSIDE]) }).then((s) => expect([200, 400, 409]).toContain(s)),
      () => api('POST', `/api/v1/calls/${pick(callIds())}/hangup`, {}).then((s) => expect([200, 400, 404]).toContain(s)),
      () => api('PUT', `/api/v1/agents/${pick(USERS)}/state`, { state: pick(['ready', 'notReady']) }).then((s) => expect(s).toBe(200)),
      () => ts(ports.telservices, req(pick(tsOps), { deviceNumber: pick(DEVICES) })).then((x) => expect(x).toMatch(/^<TelServiceReturn>.*<\/TelServiceReturn>$/s)),
      () => ts(ports.telservices, req('makeCall', { deviceNumber: pick(DEVICES), calledDeviceNumber: pick([...DEVICES, ...OUTSIDE]) })).then((x) => expect(x).toMatch(/^<TelServiceReturn>/)),
      () => ts(ports.telservices, '<TelServiceRequest><holdCall><deviceNumber>1101</deviceNumber>').then((x) => expect(x).toMatch(/<reject\/>|^$/)),
      () =>
        post(g, qmiReq.call(pick(qmiOps), 'soak', pick(callIds()))).then((a) => {
          expect(a.success).toBe('1');
          qmiAccepted++;
        }),
      () => post(g, envelope('soak', '<qmi:QMIQueryCallInfoRequest><qmi:CallID>')).then((a) => expect(a.faultstring).toBe('Parsing error')),
    ];
    let done = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = 0; i < OPS_PER_CLIENT; i++) {
          await pick(actions)();
          done++;
        }
      }),
    );
    // Every operation answered within its protocol (the expectations above), none lost or left hanging.
    expect(done).toBe(CLIENTS * OPS_PER_CLIENT);
    // No event lost: every accepted QMI request reported its outcome to the tool (QMI 4.2.8), once.
    expect(qmiAccepted).toBeGreaterThan(0);
    const isOutcome = (e: { name: string; fields: Record<string, string | null> }) => e.name === 'QMIRequestResponseEvent' && e.fields['Request'] !== 'QMISubscribeSession';
    await rx.waitFor(isOutcome, qmiAccepted);
    await allDelivered(g);
    expect(rx.events.filter(isOutcome)).toHaveLength(qmiAccepted);
    const health = await fetch(`${g.baseUrl}/health`);
    expect(health.status).toBe(200);
    await health.text();
    expect(logged.filter((l) => l.level >= ERROR), JSON.stringify(logged.filter((l) => l.level >= ERROR).slice(0, 3))).toEqual([]);
  }, 60_000);
});
