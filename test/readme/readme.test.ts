/**
 * The README's examples, pasted as a newcomer would (test/readme/shell.ts), give what the README says: the QMI example
 * its answers and its five events (compared as canonical XML, ids and times masked), and the control API example the
 * same outcome twice in a row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { canonicalLines, diffLines } from '../golden/canonical.js';
import { Receiver, startGateway } from '../qmi/helpers.js';
import { readmeExample, runExample } from './shell.js';

let gw: Gateway | undefined;
let tool: Receiver | undefined;
afterEach(async () => {
  await gw?.close();
  await tool?.stop();
  gw = undefined;
  tool = undefined;
});

function expectSameXml(actual: string, expected: string, mask: string[] = []): void {
  const want = canonicalLines(expected, mask);
  const got = canonicalLines(actual, mask);
  if (want.join('\n') !== got.join('\n')) expect.fail(`differs from the README:\n${diffLines(want, got)}`);
}

/** Runs the README's QMI example against `gw`, its receiver answering `tool`; checks what the README shows. */
async function runQmiExample(g: Gateway, receiver: Receiver): Promise<void> {
  const { sh, xml } = readmeExample('qmi');
  const [, commands] = sh;
  const [answer, events] = xml;
  // A session left subscribed by an earlier run also got the events of the examples run since: this run's events
  // start at its subscription's outcome (one session's events arrive in order).
  const before = receiver.events.length;
  const results = await runExample(commands ?? [], g.baseUrl, (l) => l.replace('http://127.0.0.1:9000/qm', receiver.url));
  expect(results.filter((r) => r.status >= 300)).toEqual([]);
  expect(results.at(-1)?.line).toMatch(/\/api\/v1\/reset$/);
  const qmiAnswers = results.filter((r) => r.line.includes('QMIInterface.asmx'));
  expect(qmiAnswers).toHaveLength(2);
  for (const r of qmiAnswers) expectSameXml(r.body, answer ?? '');

  const shown = (events ?? '').split(/\n\s*\n/);
  expect(shown).toHaveLength(5);
  await receiver.waitFor((e) => receiver.events.indexOf(e) >= before && e.fields.Request === 'QMISubscribeSession');
  const start = receiver.events.findIndex((e, i) => i >= before && e.fields.Request === 'QMISubscribeSession');
  await receiver.waitFor((e) => receiver.events.indexOf(e) >= start, 5);
  const got = receiver.events.slice(start, start + 5);
  const mask = ['CallID', 'SIPCallID', 'TimeStamp'];
  got.forEach((e, i) => expectSameXml(e.raw, shown[i] ?? '', mask));
  // The masked CallIDs are the call's: every event but the subscription's names it.
  const callId = got[1]?.fields.CallID;
  expect(got.slice(1).map((e) => e.fields.CallID)).toEqual([callId, callId, callId, callId]);
}

/** The README's receiver, answering with the body its one-line server answers. */
async function readmeReceiver(): Promise<Receiver> {
  const [receiver] = readmeExample('qmi').sh;
  expect(receiver?.[0]).toMatch(/^node -e /);
  const body = /\.end\("((?:[^"\\]|\\.)*)"\)/.exec(receiver?.[0] ?? '')?.[1]?.replace(/\\"/g, '"') ?? '';
  expect(body).toContain('<Success>1</Success>');
  const r = new Receiver();
  r.answer = () => ({ status: 200, body });
  return r.start();
}

/** Ids, SIP call ids and times differ between runs; everything else must not. */
const stable = (text: string) =>
  text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/"(legId|sipCallId|createdAt|stateSince|since)":"[^"]*"/g, '"$1":"…"')
    // Statistics count real milliseconds: how long each state lasted differs between runs.
    .replace(/"(since|totalMs|maxMs|directCallMs|loggedOff|ready|notReady|busy|workingAfterCall)":[0-9.]+/g, '"$1":0');

async function runCallsExample(g: Gateway): Promise<string[]> {
  const lines = readmeExample('calls').sh[0] ?? [];
  expect(lines.at(-1)).toMatch(/\/api\/v1\/reset$/);
  const results = await runExample(lines, g.baseUrl);
  expect(results.filter((r) => r.status >= 300)).toEqual([]);
  // The call went where the README says: to ANNA, after HARRI's consultation.
  const call = JSON.parse(results[5]?.body ?? '{}') as { parties?: { number: string; state: string }[] };
  expect(call.parties?.map((p) => `${p.number}:${p.state}`)).toEqual(['+35840111222:connected', '1104:connected']);
  return results.map((r) => `${r.status} ${stable(r.body)}`);
}

describe('README examples', () => {
  it('QMI: answers and posts exactly what the README shows', async () => {
    gw = await startGateway({ center: { seed: 11, externalAnswerMs: -1 } });
    tool = await readmeReceiver();
    await runQmiExample(gw, tool);
  });

  it('control API: runs twice in a row with the same outcome', async () => {
    gw = await startGateway({ center: { seed: 12, externalAnswerMs: -1 } });
    expect(await runCallsExample(gw)).toEqual(await runCallsExample(gw));
  });

  it('run in any order on one gateway, whatever the routing seed, with the same outcome', async () => {
    for (const seed of [1, 2, 3]) {
      gw = await startGateway({ center: { seed, externalAnswerMs: -1 } });
      tool = await readmeReceiver();
      // HARRI just became ready: routing by idle time alone would offer the call to someone else first.
      for (const state of ['notReady', 'ready']) {
        await fetch(`${gw.baseUrl}/api/v1/agents/HARRI/state`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state }) });
      }
      const first = await runCallsExample(gw);
      await runQmiExample(gw, tool);
      expect(await runCallsExample(gw)).toEqual(first);
      await runQmiExample(gw, tool);
      await gw.close();
      await tool.stop();
      gw = undefined;
      tool = undefined;
    }
  });
});
