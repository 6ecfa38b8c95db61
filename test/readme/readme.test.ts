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

describe('README, QMI: subscribe a QM tool and query a call', () => {
  it('answers and posts exactly what the README shows', async () => {
    const { sh, xml } = readmeExample('qmi');
    const [receiver, commands] = sh;
    const [answer, events] = xml;
    expect(receiver?.[0]).toMatch(/^node -e /);
    // The README's receiver answers with this body: ccgate must count it as delivered.
    const body = /\.end\("((?:[^"\\]|\\.)*)"\)/.exec(receiver?.[0] ?? '')?.[1]?.replace(/\\"/g, '"') ?? '';
    expect(body).toContain('<Success>1</Success>');
    gw = await startGateway({ center: { seed: 11, externalAnswerMs: -1 } });
    tool = new Receiver();
    tool.answer = () => ({ status: 200, body });
    await tool.start();
    const url = tool.url;
    const results = await runExample(commands ?? [], gw.baseUrl, (l) => l.replace('http://127.0.0.1:9000/qm', url));
    expect(results.filter((r) => r.status >= 300)).toEqual([]);
    const qmiAnswers = results.filter((r) => r.line.includes('QMIInterface.asmx'));
    expect(qmiAnswers).toHaveLength(2);
    for (const r of qmiAnswers) expectSameXml(r.body, answer ?? '');

    const shown = (events ?? '').split(/\n\s*\n/);
    expect(shown).toHaveLength(5);
    const got = await tool.waitFor(() => true, 5);
    const mask = ['CallID', 'SIPCallID', 'TimeStamp'];
    got.forEach((e, i) => expectSameXml(e.raw, shown[i] ?? '', mask));
    // The masked CallIDs are the call's: every event but the subscription's names it.
    const callId = got[1]?.fields.CallID;
    expect(got.slice(1).map((e) => e.fields.CallID)).toEqual([callId, callId, callId, callId]);
  });
});

describe('README, control API: the life of one call', () => {
  /** Ids, SIP call ids and times differ between runs; everything else must not. */
  const stable = (text: string) =>
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
      .replace(/"(legId|sipCallId|createdAt|stateSince|since)":"[^"]*"/g, '"$1":"…"')
      // Statistics count real milliseconds: how long each state lasted differs between runs.
      .replace(/"(since|totalMs|maxMs|directCallMs|loggedOff|ready|notReady|busy|workingAfterCall)":[0-9.]+/g, '"$1":0');

  it('runs twice in a row with the same outcome', async () => {
    const { sh } = readmeExample('calls');
    const lines = sh[0] ?? [];
    expect(lines.at(-1)).toMatch(/\/api\/v1\/reset$/);
    gw = await startGateway({ center: { seed: 12, externalAnswerMs: -1 } });
    const first = await runExample(lines, gw.baseUrl);
    expect(first.filter((r) => r.status >= 300)).toEqual([]);
    const second = await runExample(lines, gw.baseUrl);
    expect(second.map((r) => `${r.status} ${stable(r.body)}`)).toEqual(first.map((r) => `${r.status} ${stable(r.body)}`));
    // The call went where the README says: to ANNA, after HARRI's consultation.
    const call = JSON.parse(first[5]?.body ?? '{}') as { parties?: { number: string; state: string }[] };
    expect(call.parties?.map((p) => `${p.number}:${p.state}`)).toEqual(['+35840111222:connected', '1104:connected']);
  });
});
