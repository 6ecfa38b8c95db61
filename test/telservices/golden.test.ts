/**
 * Every request example of the seed, sent verbatim over TCP (test/golden/telservices/<request>__<expectation>/):
 * `setup.xml` (optional) holds the requests that bring the center into the example's situation, `request.xml` is the
 * seed's text byte for byte (typos included), `response.xml` the expected TelServiceReturn. Each case runs on a fresh
 * gateway in virtual time. UPDATE_GOLDEN=1 rewrites the expected files (review the diff before committing).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compact, ts, useGateway } from './helpers.js';

const DIR = fileURLToPath(new URL('../golden/telservices/', import.meta.url));
const cases = readdirSync(DIR).filter((d) => existsSync(join(DIR, d, 'request.xml'))).sort();

const { startGateway } = useGateway();

function pretty(xml: string): string {
  let depth = 0;
  return (
    compact(xml)
      .replace(/></g, '>\n<')
      .split('\n')
      .map((line) => {
        if (line.startsWith('</')) depth--;
        const out = `${'  '.repeat(Math.max(0, depth))}${line}`;
        if (!line.startsWith('</') && !line.endsWith('/>') && !line.includes('</')) depth++;
        return out;
      })
      .join('\n') + '\n'
  );
}

describe('seed request examples over TCP', () => {
  it('covers every request example of the seed', () => {
    const ops = new Set(cases.map((c) => c.split('__')[0]?.split('-')[0]));
    for (const op of ['openSession', 'closeSession', 'addPartyToCall', 'agentState', 'alternateCall', 'answerCall', 'conferenceCall', 'consultationCall', 'divertCall', 'doNotDisturb', 'dropCall', 'forward', 'holdCall', 'makeCall', 'qualifyCall', 'queryAgentState', 'queryDoNotDisturb', 'queryForward', 'queryHistory', 'queryMsgWaiting', 'queryUserStatistics', 'reconnectCall', 'retrieveCall', 'searchName', 'searchNumber', 'snapshot', 'transferCall', 'updateUserDirectory', 'queryRoutingPointState', 'queryRoutingPointStatistics', 'resumeRoutingPoint', 'startRoutingPoint', 'stopRoutingPoint', 'suspendRoutingPoint', 'updateRoutingPoint', 'updateDirectory']) {
      expect(ops.has(op), op).toBe(true);
    }
  });

  for (const name of cases) {
    it(name, async () => {
      const g = await startGateway({ center: { wrapUpSec: 30 } });
      const dir = join(DIR, name);
      const setupFile = join(dir, 'setup.xml');
      if (existsSync(setupFile)) {
        for (const line of readFileSync(setupFile, 'utf8').split('\n').filter((l) => l.trim() !== '')) {
          const reply = await ts(g.tsPort, line);
          expect(reply, `setup ${line}`).toContain('<standard/>');
        }
      }
      const reply = await ts(g.tsPort, readFileSync(join(dir, 'request.xml'), 'utf8'));
      // Well-formed, element-only, one TelServiceReturn, nothing after it.
      expect(reply).toMatch(/^<TelServiceReturn><(result|error)>[^]*<\/TelServiceReturn>$/);
      expect(reply).not.toMatch(/<\?xml|xmlns|="/);
      const expectedFile = join(dir, 'response.xml');
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(expectedFile, pretty(reply));
      expect(existsSync(expectedFile), `${name}/response.xml`).toBe(true);
      expect(compact(reply)).toBe(compact(readFileSync(expectedFile, 'utf8')));
      const expectation = name.split('__')[1] ?? '';
      expect(reply, 'folder name states the expected result element').toContain(`<${expectation}`);
    });
  }
});
