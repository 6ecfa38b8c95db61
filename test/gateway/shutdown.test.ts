/**
 * Shutdown order: interfaces stop and may enqueue a goodbye (ICI sends subscriptionEnded reason 1 to every
 * subscriber), the notifier drains for notify.shutdownDrainMs, and only then are connections destroyed.
 */
import { describe, expect, it } from 'vitest';
import type { InterfaceFactory } from '../../src/interfaces/types.js';
import { cleanupAfterEach, ok, startGateway, startReceiver } from '../support/index.js';

const { track } = cleanupAfterEach();

/** An interface whose stop() says goodbye to its one subscriber. */
function goodbyeInterface(url: string): InterfaceFactory {
  return (ctx) => {
    const sub = ctx.notifier.addHttp({ id: 'ici:goodbye', interfaceName: 'ici', url });
    return {
      name: 'ici',
      register: () => undefined,
      stop: async () => {
        sub.enqueue({ body: '<subscriptionEnded reason="1"/>', label: 'subscriptionEnded' });
      },
    };
  };
}

/** A gateway with only that interface; the test closes it (close() is what is under test). */
async function gateway(url: string, shutdownDrainMs: number) {
  const t = await startGateway({ interfaces: [goodbyeInterface(url)], config: { notify: { shutdownDrainMs } } });
  return { close: () => t.close(), ctx: t.gw.ctx };
}

describe('gateway shutdown', () => {
  it('delivers the goodbye an interface enqueues on stop before closing connections', async () => {
    // A receiver that takes its time: the goodbye is still in flight when close() starts draining.
    const receiver = track(await startReceiver((_r, res) => receiver.later(150, () => ok(res))));
    const gw = await gateway(receiver.url, 10_000);
    await gw.close();
    expect(receiver.requests.map((r) => r.body)).toEqual(['<subscriptionEnded reason="1"/>']);
    expect(gw.ctx.notifier.totals()).toMatchObject({ delivered: 1, dropped: 0 });
  });

  it('waits no longer than notify.shutdownDrainMs for a receiver that never answers', async () => {
    const hung = track(await startReceiver(() => undefined));
    const gw = await gateway(hung.url, 100);
    await gw.close();
    expect(gw.ctx.notifier.totals()).toMatchObject({ delivered: 0, dropped: 1 });
  });
});
