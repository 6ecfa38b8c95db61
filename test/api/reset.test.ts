/** POST /api/v1/reset (issue 8): the world back to the fixture between test cases; subscriptions stay. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { api, establishedCall, startGateway, subscribed } from '../qmi/helpers.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('POST /api/v1/reset', () => {
  it('ends every call (a QM tool gets Callended and stays subscribed), restores agents and devices, and is documented', async () => {
    const g = (gw = await startGateway());
    const tool = await subscribed(g, 'reset');
    try {
      const callId = await establishedCall(g);
      await tool.waitFor((e) => e.name.toLowerCase() === 'qmicallinfonewcallevent');
      await api(g, 'PUT', '/api/v1/agents/PEKKA/state', { state: 'notReady' });
      await api(g, 'PUT', '/api/v1/devices/1104', { dnd: true });
      await api(g, 'POST', '/api/v1/calls', { from: '+35891234567', to: '9999' }).then((r) => expect(r).toMatchObject({ state: 'ended', cause: 'destNotObtainable' }));

      expect(await api(g, 'POST', '/api/v1/reset')).toEqual({ calls: 1, items: 0 });
      // Either spelling of the event name (the seed's examples write QMICallinfo…).
      const [ended] = await tool.waitFor((e) => e.name.toLowerCase() === 'qmicallinfocallendedevent');
      expect(ended?.fields.CallID).toBe(callId);
      const state = (await api(g, 'GET', '/api/v1/state')) as { calls: unknown[]; agents: { userId: string; state: string }[]; subscriptions: unknown[] };
      expect(state.calls).toEqual([]);
      expect(state.agents.map((a) => `${a.userId}:${a.state}`)).toEqual(['HARRI:ready', 'MAIJA:ready', 'PEKKA:ready', 'ANNA:ready']);
      expect(state.subscriptions).toHaveLength(1);
      expect(await api(g, 'GET', '/api/v1/devices/1104')).toMatchObject({ dnd: false });

      // The same example runs again after the reset.
      tool.clear();
      await establishedCall(g);
      await tool.waitFor((e) => e.name.toLowerCase() === 'qmicallinfonewcallevent');
      const doc = (await api(g, 'GET', '/api/docs/json')) as { paths: Record<string, { post?: { summary?: string } }> };
      expect(doc.paths['/api/v1/reset']?.post?.summary).toMatch(/fixture/);
    } finally {
      await tool.stop();
    }
  });
});
