/**
 * README "ICI / OII": the example, pasted as a newcomer would (test/readme/shell.ts), answers every ICI request with
 * the README's answer and makes the CRM's event service print exactly the README's phoneCallChanged messages.
 */
import { describe, expect, it } from 'vitest';
import { canonicalLines, diffLines } from '../golden/canonical.js';
import { readmeExample, runExample } from '../readme/shell.js';
import { crm, perTest, startGateway } from './helpers.js';

const t = perTest();

function expectSameXml(actual: string, expected: string): void {
  const want = canonicalLines(expected, []);
  const got = canonicalLines(actual, []);
  if (want.join('\n') !== got.join('\n')) expect.fail(`differs from the README:\n${diffLines(want, got)}`);
}

describe('README, ICI: log an agent on, take a queue call, wrap up', () => {
  it('answers and posts exactly what the README shows', async () => {
    const { sh, xml } = readmeExample('ici');
    const [receiver, commands] = sh;
    expect(receiver?.[0]).toMatch(/^node -e .*listen\(9100\)/);
    t.gw = await startGateway();
    const c = await crm(t);
    const results = await runExample(commands ?? [], t.gw.baseUrl, (l) => l.split('http://127.0.0.1:9100/IciEventService/IciEventConf').join(c.url));
    expect(results.filter((r) => r.status >= 300)).toEqual([]);
    const [voidAnswer, events] = xml;
    const ici = results.filter((r) => r.line.includes('/OII/OII.asmx'));
    expect(ici).toHaveLength(6);
    // The README shows setCurrentWorkmode's answer; every other operation answers the same with its own name.
    for (const r of ici) {
      const [, op, ns] = /<(\w+) xmlns="(urn:Ici\w+Interface)"/.exec(r.line) ?? [];
      const expected = (voidAnswer ?? '').replace(/setCurrentWorkmodeResponse/g, `${op}Response`).replace('urn:IciUserInterface', ns ?? '');
      expectSameXml(r.body, expected);
    }
    const shown = (events ?? '').split(/\n\s*\n/);
    const got = await c.waitFor((e) => e.name === 'phoneCallChanged', shown.length);
    expect(got).toHaveLength(shown.length);
    got.forEach((e, i) => expectSameXml(e.raw, shown[i] ?? ''));
    // It ends with a reset: pasted again, it runs again (the same callId is free) and prints the same events.
    const again = await runExample(commands ?? [], t.gw.baseUrl, (l) => l.split('http://127.0.0.1:9100/IciEventService/IciEventConf').join(c.url));
    expect(again.filter((r) => r.status >= 300 || r.body.includes('Fault>'))).toEqual([]);
    const twice = await c.waitFor((e) => e.name === 'phoneCallChanged', 2 * shown.length);
    twice.slice(shown.length).forEach((e, i) => expectSameXml(e.raw, shown[i] ?? ''));
  });
});
