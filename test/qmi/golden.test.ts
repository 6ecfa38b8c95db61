/**
 * The seed's request examples, sent verbatim to a running gateway (test/golden/qmi). Each must be accepted; the
 * synchronous answer and the QMIRequestResponse that follows are compared as canonical XML by the golden driver
 * (test/golden/driver.ts; UPDATE_GOLDEN=1 rewrites response.xml and event.xml).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { checkAnswer } from '../../src/interfaces/qmi/answer.js';
import { describeGolden } from '../golden/driver.js';
import { ACTION, PATH, post, Receiver, req, startGateway } from './helpers.js';

const DIR = new URL('../golden/qmi/', import.meta.url);
const SEED_SESSION = '1cb65470-a2c1-11da-aa97-01143dc2e6e';

let gw: Gateway;
let tool: Receiver;
beforeAll(async () => {
  gw = await startGateway();
  tool = await new Receiver().start();
});
afterAll(async () => {
  await gw.close();
  await tool.stop();
});

const cases = describeGolden('seed request examples, verbatim', {
  dir: DIR,
  async exchange(c) {
    // The examples' session must be subscribed to a callback this test can read (the seed's own callback,
    // soap.abc.com, is not reachable, and not in the default allow-list).
    await post(gw, req.subscribe(SEED_SESSION, tool.url));
    await tool.response('QMISubscribeSession');
    tool.clear();
    const res = await fetch(`${gw.baseUrl}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: ACTION },
      body: c.request,
    });
    const answer = await res.text();
    expect(res.status, answer).toBe(200);
    // Every case is accepted, and the QMIRequestResponse that follows is its one event.
    const events = c.eventFiles.length === 0 ? [] : (await tool.waitFor((e) => e.name === 'QMIRequestResponseEvent', c.eventFiles.length)).map((e) => e.raw);
    return { answer, events };
  },
});

describe('seed request examples', () => {
  it('has every request example of the seed (14, counting the two repeated in chapter 3)', () => {
    expect(cases).toHaveLength(14);
  });
});

describe("the seed's example answers of a QM tool", () => {
  const read = (sub: string) => readdirSync(new URL(`answers/${sub}/`, DIR)).map((f) => [f, readFileSync(new URL(`answers/${sub}/${f}`, DIR), 'utf8')] as const);
  it('counts Success 1 and Successs 1 as delivered', () => {
    const files = read('accepted');
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const [f, body] of files) expect(checkAnswer({ status: 200, body, headers: {} }), f).toBe(true);
  });
  it('counts the fault example (Success 0 with a Fault) as not delivered', () => {
    for (const [f, body] of read('refused')) expect(checkAnswer({ status: 200, body, headers: {} }), f).toBe('SOAP fault');
    expect(checkAnswer({ status: 200, body: '<Response><Success>0</Success></Response>', headers: {} })).toBe('Success=0');
  });
});
