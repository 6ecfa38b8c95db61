/**
 * Every request example of the seed, sent verbatim over TCP (test/golden/telservices/<request>__<expectation>/):
 * `setup.xml` (optional) holds the requests that bring the center into the example's situation, `request.xml` is the
 * seed's text byte for byte (typos included), `response.xml` the expected TelServiceReturn. Each case runs on a fresh
 * gateway in virtual time; the golden driver (test/golden/driver.ts) compares the answer as canonical XML, and
 * UPDATE_GOLDEN=1 rewrites the expected files (review the diff before committing).
 */
import { describe, expect, it } from 'vitest';
import { describeGolden } from '../golden/driver.js';
import { ts, useGateway } from './helpers.js';

const { startGateway } = useGateway();

const cases = describeGolden('seed request examples over TCP', {
  dir: new URL('../golden/telservices/', import.meta.url),
  async exchange(c) {
    const g = await startGateway({ center: { wrapUpSec: 30 } });
    if (c.has('setup.xml')) {
      for (const line of c.read('setup.xml').split('\n').filter((l) => l.trim() !== '')) {
        const reply = await ts(g.tsPort, line);
        expect(reply, `setup ${line}`).toContain('<standard/>');
      }
    }
    const reply = await ts(g.tsPort, c.request.toString('utf8'));
    // Well-formed, element-only, one TelServiceReturn, nothing after it.
    expect(reply).toMatch(/^<TelServiceReturn><(result|error)>[^]*<\/TelServiceReturn>$/);
    expect(reply).not.toMatch(/<\?xml|xmlns|="/);
    expect(reply, 'folder name states the expected result element').toContain(`<${c.expectation}`);
    return { answer: reply };
  },
});

describe('seed request examples', () => {
  it('covers every request example of the seed', () => {
    const ops = new Set(cases.map((c) => c.operation.split('-')[0]));
    for (const op of ['openSession', 'closeSession', 'addPartyToCall', 'agentState', 'alternateCall', 'answerCall', 'conferenceCall', 'consultationCall', 'divertCall', 'doNotDisturb', 'dropCall', 'forward', 'holdCall', 'makeCall', 'qualifyCall', 'queryAgentState', 'queryDoNotDisturb', 'queryForward', 'queryHistory', 'queryMsgWaiting', 'queryUserStatistics', 'reconnectCall', 'retrieveCall', 'searchName', 'searchNumber', 'snapshot', 'transferCall', 'updateUserDirectory', 'queryRoutingPointState', 'queryRoutingPointStatistics', 'resumeRoutingPoint', 'startRoutingPoint', 'stopRoutingPoint', 'suspendRoutingPoint', 'updateRoutingPoint', 'updateDirectory']) {
      expect(ops.has(op), op).toBe(true);
    }
  });
});
