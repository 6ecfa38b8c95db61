/**
 * Golden cases (test/golden/openmedia/, see its README): requests as generated clients write them, answered with the
 * real contract's shapes, compared as canonical XML (test/golden/canonical.ts). Each case on a fresh gateway whose core
 * runs on a ManualClock, so its TimeStamps are exact.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { canonicalLines, diffLines } from '../golden/canonical.js';
import { ACTION, endpoint, HERE, startGateway } from './helpers.js';

const DIR = join(HERE, '..', 'golden', 'openmedia');
const CASES = readdirSync(DIR).filter((d) => d.includes('__')).sort();

async function post(url: string, action: string, body: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: action }, body });
  return { status: r.status, text: await r.text() };
}

describe('golden cases', () => {
  it('has a case for every operation', () => {
    const ops = new Set(CASES.map((c) => c.split('__')[0]));
    expect(ops.size).toBe(12);
  });

  for (const name of CASES) {
    it(name, async () => {
      const dir = join(DIR, name);
      const op = name.split('__')[0] ?? '';
      const gw = await startGateway({}, new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0)));
      try {
        if (existsSync(join(dir, 'setup.xml'))) {
          const s = await post(endpoint(gw), ACTION('AddRequest'), readFileSync(join(dir, 'setup.xml'), 'utf8'));
          expect(s.status).toBe(200);
        }
        const action = existsSync(join(dir, 'action.txt')) ? readFileSync(join(dir, 'action.txt'), 'utf8').trim() : ACTION(op);
        const answer = await post(endpoint(gw), action, readFileSync(join(dir, 'request.xml'), 'utf8'));
        const expectedFile = join(dir, 'response.xml');
        if (!existsSync(expectedFile) && process.env['OM_GOLDEN_WRITE'] === '1') writeFileSync(expectedFile, `${answer.text}\n`);
        const want = canonicalLines(readFileSync(expectedFile, 'utf8'));
        const got = canonicalLines(answer.text);
        if (want.join('\n') !== got.join('\n')) expect.fail(`${name} differs:\n${diffLines(want, got)}`);
        expect(answer.status).toBe(name.includes('__fault-') ? 500 : 200);
      } finally {
        await gw.close();
      }
    });
  }
});
