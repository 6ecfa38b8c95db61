/**
 * The README's Open Media example, pasted as a newcomer would (test/readme/shell.ts): the answers it shows, compared
 * as canonical XML with the TimeStamps masked, and the REST twin's JSON as the README prints it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Gateway } from '../../src/gateway.js';
import { defaultInterfaces } from '../../src/interfaces/registry.js';
import { canonicalLines, diffLines } from '../golden/canonical.js';
import { readmeExample, runExample } from '../readme/shell.js';
import { startGateway } from './helpers.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('README, Open Media: add a request and read its status', () => {
  it('answers what the README shows', async () => {
    const { sh, xml } = readmeExample('openmedia');
    gw = await startGateway({}, undefined, defaultInterfaces);
    const results = await runExample(sh[0] ?? [], gw.baseUrl);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const [i, r] of results.slice(0, 2).entries()) {
      const want = canonicalLines(xml[i] ?? '', ['TimeStamp']);
      const got = canonicalLines(r.body, ['TimeStamp']);
      if (want.join('\n') !== got.join('\n')) expect.fail(`differs from the README:\n${diffLines(want, got)}`);
    }
    const shown = /`(\{"OpenMediaRequests":[^`]+)`/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'))?.[1] ?? '';
    const stable = (s: string) => s.replace(/"TimeStamp":"[^"]+"/g, '"TimeStamp":"…"');
    expect(stable(results[2]?.body ?? '')).toBe(stable(shown));
  });
});
