/**
 * Core benchmark: complete call lifecycles per second with no subscribers (inbound, queue, alert, answer, hold,
 * retrieve, drop, wrap-up), then the memory of a center of 5,000 agents holding 10,000 concurrent calls.
 */
import { ContactCenter, ManualClock, parseFixture, type CenterFixture } from '../src/core/index.js';

function bigCenter(agents: number): CenterFixture {
  return parseFixture({
    agents: Array.from({ length: agents }, (_, i) => ({
      userId: `A${i}`,
      extension: String(100000 + i),
      name: `Agent ${i}`,
      queues: ['5000'],
      channels: ['phone'],
    })),
    queues: [{ id: '5000', name: 'Bench', channel: 'phone', address: '5000' }],
  });
}

function lifecycles(seconds: number): { count: number; perSecond: number } {
  const clock = new ManualClock();
  const cc = new ContactCenter(bigCenter(50), { clock, seed: 1, wrapUpSec: 1, externalAnswerMs: -1 });
  const t = cc.telephony;
  let count = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) {
      const call = t.inbound('+35840111222', '5000');
      const agentParty = call.parties[1];
      if (!agentParty) throw new Error('no agent was alerted');
      const ext = agentParty.number;
      t.answer(ext, call.id);
      t.hold(ext, call.id);
      t.retrieve(ext, call.id);
      t.drop(ext, call.id);
      clock.advance(1000); // wrap-up ends, the agent is ready again
      count++;
    }
  }
  return { count, perSecond: Math.round(count / seconds) };
}

function memory(agents: number): { calls: number; rssMiB: number; heapMiB: number } {
  const clock = new ManualClock();
  const cc = new ContactCenter(bigCenter(agents), { clock, seed: 2, externalAnswerMs: -1 });
  const t = cc.telephony;
  for (let i = 0; i < agents; i++) {
    const call = t.inbound(`+3584${String(i).padStart(7, '0')}`, '5000');
    const ext = call.parties[1]?.number;
    if (!ext) throw new Error('no agent was alerted');
    t.answer(ext, call.id);
    // The agent consults an outside number: two calls per agent.
    t.consult(ext, `+4930${String(i).padStart(6, '0')}`);
  }
  global.gc?.();
  const m = process.memoryUsage();
  return { calls: t.activeCalls().length, rssMiB: Math.round(m.rss / 2 ** 20), heapMiB: Math.round(m.heapUsed / 2 ** 20) };
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 3);
  lifecycles(0.5); // warm-up
  const l = lifecycles(seconds);
  process.stdout.write(`core lifecycles: ${l.count} in ${seconds}s = ${l.perSecond}/s (inbound, queue, alert, answer, hold, retrieve, drop, wrap-up; no subscribers)\n`);
  const m = memory(5000);
  process.stdout.write(`core memory: 5000 agents, ${m.calls} concurrent calls: rss ${m.rssMiB} MiB, heap ${m.heapMiB} MiB\n`);
}
