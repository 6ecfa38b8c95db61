/**
 * The README's Cisco QM example, pasted as a newcomer would (test/readme/shell.ts): every answer a success, the Finesse
 * metadata applied to HARRI's recording, and the search answering the contact the README shows (canonical XML; the
 * id, ACD call id and start time differ between runs); run again after the closing reset, the search finds both
 * calls, as the README says (the reset does not clear the archive).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { canonicalLines, diffLines } from '../golden/canonical.js';
import { readmeExample, runExample } from '../readme/shell.js';
import { startQm } from './gateway.js';

let gw: Gateway;
beforeAll(async () => {
  gw = await startQm();
});
afterAll(async () => {
  await gw?.close();
});

describe('README, Cisco QM: tag a call and find it again', () => {
  it('answers what the README shows; a second run finds both contacts', async () => {
    const { sh, xml } = readmeExample('ciscoqm');
    const [lines] = sh;
    const [shown] = xml;
    expect(lines?.at(-1)).toMatch(/\/api\/v1\/reset$/);
    const mask = ['id', 'acdCallId', 'startTime', 'hasAudio'];
    const searched: string[] = [];
    for (let run = 0; run < 2; run++) {
      const results = await runExample(lines ?? [], gw.baseUrl);
      expect(results.filter((r) => r.status >= 300)).toEqual([]);
      const finesse = results.find((r) => r.line.includes('/serverapi/finesse/metadata'));
      expect(JSON.parse(finesse?.body ?? '{}')).toMatchObject({ applied: true, recordingId: expect.any(Number) });
      searched.push(results.find((r) => r.line.includes('/serverapi/api'))?.body ?? '');
    }
    const want = canonicalLines(shown ?? '', mask);
    const got = canonicalLines(searched[0] ?? '', mask);
    if (want.join('\n') !== got.join('\n')) expect.fail(`differs from the README:\n${diffLines(want, got)}`);
    expect(searched[0]).toMatch(/<hasAudio>(true|false)<\/hasAudio>/);
    // The start time masked above is shown in the form the gateway writes it (xs:dateTime with +00:00).
    const startTime = /<startTime>([^<]*)<\/startTime>/;
    for (const text of [shown, searched[0]]) expect(startTime.exec(text ?? '')?.[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(searched[1]?.match(/<ccr>/g)).toHaveLength(2);
  });
});
