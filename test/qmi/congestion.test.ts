/**
 * A QM tool's own requests never get its session cancelled: while its callback queue is above the high-water mark,
 * requests that would add events to it get QMI's busy answer (Response/Success 0 with a Server fault) instead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { BUSY_FAULT } from '../../src/interfaces/qmi/sessions.js';
import { api, establishedCall, post, req, startGateway, SUCCESS_ANSWER } from './helpers.js';

let gw: Gateway | undefined;
let server: Server | undefined;
afterEach(async () => {
  await gw?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  gw = undefined;
  server = undefined;
});

/** A QM tool's callback that answers each event `delayMs` late (while > 0), counting request answers by outcome. */
async function slowReceiver(): Promise<{ url: string; answers: string[]; setDelay(ms: number): void }> {
  const answers: string[] = [];
  let delayMs = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /<qmi:Request>(\w+)<\/qmi:Request><qmi:Success>(\d)/.exec(Buffer.concat(chunks).toString('utf8'));
      if (m) answers.push(`${m[1]}:${m[2]}`);
      const send = () => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(SUCCESS_ANSWER);
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/qm`, answers, setDelay: (ms) => (delayMs = ms) };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a QM tool querying QMIQueryCallInfo as fast as it can', () => {
  it('keeps its session: every answer is a success or the busy answer, never a cancellation', async () => {
    gw = await startGateway({ notify: { retryBaseMs: 20, retryMaxMs: 80, cancelAfterFailures: 3, connectTimeoutMs: 500, attemptTimeoutMs: 5000, queueLimit: 200 } });
    const g = gw;
    const receiver = await slowReceiver();
    expect((await post(g, req.subscribe('TOOL', receiver.url))).success).toBe('1');
    const callId = await establishedCall(g);
    // A receiver slower than the request rate: its queue fills while the tool keeps asking.
    receiver.setDelay(3);

    const outcomes = { success: 0, busy: 0, other: [] as string[] };
    const requests = 300;
    let sent = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (sent < requests) {
          sent += 1;
          const a = await post(g, req.call('QMIQueryCallInfo', 'TOOL', callId));
          if (a.status === 200 && a.success === '1') outcomes.success += 1;
          else if (a.status === 500 && a.success === '0' && a.faultcode?.endsWith('Server') && a.faultstring === BUSY_FAULT.faultstring && a.detail === BUSY_FAULT.detail) outcomes.busy += 1;
          else outcomes.other.push(a.text);
        }
      }),
    );
    receiver.setDelay(0);

    expect(outcomes.other).toEqual([]);
    expect(outcomes.success + outcomes.busy).toBe(requests);
    // The flood did reach the high-water mark (200 / 2 = 100 events, 2 events per accepted query).
    expect(outcomes.busy).toBeGreaterThan(0);
    const state = await api(g, 'GET', '/api/v1/state');
    const sub = (state.subscriptions as { id: string; state: string; dropped: number }[]).find((s) => s.id === 'qmi:TOOL');
    expect(sub).toMatchObject({ state: 'active', dropped: 0 });

    // Every accepted request's final answer arrives; once the receiver has caught up the session serves requests again.
    const queries = () => receiver.answers.filter((a) => a.startsWith('QMIQueryCallInfo:'));
    await until(() => queries().length === outcomes.success, 'every accepted query answered');
    expect(queries().every((a) => a === 'QMIQueryCallInfo:1')).toBe(true);
    expect((await post(g, req.call('QMIQueryCallInfo', 'TOOL', callId))).success).toBe('1');
    await until(() => queries().length === outcomes.success + 1, 'the later query answered');
    // A fixed amount of work, not a time window: on a loaded machine it takes longer, which is no failure.
  }, 120_000);
});
