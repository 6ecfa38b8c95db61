/**
 * A closed gateway is garbage: nothing process-wide (prom-client's default metrics, whose GC observer and event-loop
 * monitor live for ever; listeners; timers) keeps its core alive. Before, every gateway a process built stayed in
 * memory, and a benchmark's rounds grew the heap by about 12 MiB each and slowed each round down.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects until `ref` is cleared or `tries` full collections (with a turn of the event loop between) have run. */
async function collected(ref: WeakRef<object>, tries = 10): Promise<boolean> {
  for (let i = 0; i < tries && ref.deref() !== undefined; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
  return ref.deref() === undefined;
}

/**
 * Builds a gateway, scrapes its metrics once (the default metrics' collectors run against it) and closes it; only a
 * weak reference to its core leaves this function (a suspended async caller could otherwise hold the last one).
 */
async function gatewayClosed(): Promise<WeakRef<object>> {
  const t = await startGateway();
  expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(200);
  const ref = new WeakRef(t.center);
  await t.close();
  return ref;
}

describe('a closed gateway', () => {
  it('is released with its core, also when another gateway of the process is still running', async () => {
    const kept = await startGateway();
    try {
      const refs = [await gatewayClosed(), await gatewayClosed()];
      for (const ref of refs) expect(await collected(ref)).toBe(true);
      // The process's default metrics are still served by the gateway that runs.
      expect(await (await fetch(`${kept.baseUrl}/metrics`)).text()).toContain('process_cpu_seconds_total');
    } finally {
      await kept.close();
    }
  });
});
