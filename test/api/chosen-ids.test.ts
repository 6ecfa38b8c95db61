/**
 * Issue 7 point 5: caller-chosen ids. POST /api/v1/calls takes the call's GUID and a preferred agent, over a real
 * socket; a duplicate is refused with 409, an unknown agent with 404; the seed's own CallID then exists, so a QMI
 * request naming it succeeds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { post, req, startGateway, subscribed } from '../qmi/helpers.js';

/** QMI seed (000) examples' CallID. */
const SEED_CALL_ID = 'cd80d000-0e2a-11de-8c30-0800200c9a66';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function call(g: Gateway, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${g.baseUrl}/api/v1/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/v1/calls with a caller-chosen callId and preferredAgent', () => {
  it('creates the call under the given GUID, refuses it again while active and after it ended', async () => {
    const g = (gw = await startGateway());
    const created = await call(g, { from: '+35840111222', to: '2001', callId: SEED_CALL_ID.toUpperCase(), preferredAgent: 'anna' });
    expect(created.status).toBe(201);
    expect(created.json.callId).toBe(SEED_CALL_ID);
    const live = g.center.telephony.call(SEED_CALL_ID);
    expect(live.routing.preferredAgent).toBe('ANNA');
    expect(live.parties.find((p) => p.state === 'alerting')?.userId).toBe('ANNA');

    const again = await call(g, { from: '+35891234567', to: '2002', callId: SEED_CALL_ID });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('duplicateId');
    await fetch(`${g.baseUrl}/api/v1/calls/${SEED_CALL_ID}/hangup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.text());
    expect(g.center.telephony.findCall(SEED_CALL_ID)).toBeUndefined();
    expect((await call(g, { from: '+35891234567', to: '2002', callId: SEED_CALL_ID })).status).toBe(409);
    expect(g.center.telephony.activeCalls()).toEqual([]);
  });

  it('answers 404 for an unknown preferred agent and 400 for a callId that is not a GUID, creating nothing', async () => {
    const g = (gw = await startGateway());
    const unknown = await call(g, { from: '+35840111222', to: '2001', preferredAgent: 'NOBODY' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('unknownAgent');
    const bad = await call(g, { from: '+35840111222', to: '2001', callId: 'call-1' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalidArgument');
    expect(g.center.telephony.activeCalls()).toEqual([]);
  });

  it('lets a seed example name a call that exists: QMIQueryCallInfo on the seed CallID reports it', async () => {
    const g = (gw = await startGateway());
    const tool = await subscribed(g, 'seed');
    try {
      expect((await call(g, { from: '+35840111222', to: '1101', callId: SEED_CALL_ID })).status).toBe(201);
      g.center.telephony.answer('1101');
      await tool.waitFor((e) => e.name === 'QMICallInfoNewcallEvent');
      tool.clear();
      expect((await post(g, req.call('QMIQueryCallInfo', 'seed', SEED_CALL_ID))).success).toBe('1');
      const [info] = await tool.waitFor((e) => e.name === 'QMICallInfoEvent');
      expect(info?.fields.CallID).toBe(SEED_CALL_ID);
    } finally {
      await tool.stop();
    }
  });
});
