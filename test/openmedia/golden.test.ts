/**
 * Golden cases (test/golden/openmedia/, see its README): requests as generated clients write them, answered with the
 * real contract's shapes, compared as canonical XML by the golden driver (test/golden/driver.ts). Each case on a fresh
 * gateway whose core runs on a ManualClock, so its TimeStamps are exact. Only the answer is compared (Open Media has
 * no event stream here); UPDATE_GOLDEN=1 writes answers as they came, one line, as the files were recorded.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { describeGolden } from '../golden/driver.js';
import { ACTION, endpoint, HERE, startGateway } from './helpers.js';

async function post(url: string, action: string, body: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: action }, body });
  return { status: r.status, text: await r.text() };
}

const cases = describeGolden('golden cases', {
  dir: join(HERE, '..', 'golden', 'openmedia'),
  format: (xml) => `${xml}\n`,
  async exchange(c) {
    const gw = await startGateway({}, new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0)));
    try {
      if (c.has('setup.xml')) {
        const s = await post(endpoint(gw), ACTION('AddRequest'), c.read('setup.xml'));
        expect(s.status).toBe(200);
      }
      const action = c.has('action.txt') ? c.read('action.txt').trim() : ACTION(c.operation);
      const answer = await post(endpoint(gw), action, c.request.toString('utf8'));
      expect(answer.status, answer.text).toBe(c.expectation === 'fault' ? 500 : 200);
      return { answer: answer.text };
    } finally {
      await gw.close();
    }
  },
});

it('has a case for every operation', () => {
  expect(new Set(cases.map((c) => c.operation)).size).toBe(12);
});
