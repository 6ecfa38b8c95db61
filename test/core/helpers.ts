import { ContactCenter, CoreError, ManualClock, loadFixture, type CoreOptions, type DomainEvent } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';

export function makeCenter(opts: CoreOptions = {}): { cc: ContactCenter; clock: ManualClock; events: DomainEvent[] } {
  const clock = new ManualClock();
  const cc = new ContactCenter(loadFixture(DEFAULT_CENTER_FIXTURE), { clock, seed: 42, externalAnswerMs: -1, ...opts });
  const events: DomainEvent[] = [];
  cc.bus.subscribe((e) => events.push(e));
  return { cc, clock, events };
}

/** "change@callIdShort" strings for readable sequence assertions. */
export function callChanges(events: DomainEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'call' ? [e.change] : []));
}

/** The CoreError code a command fails with ('other' for any other exception, 'none' when it succeeds). */
export function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof CoreError ? e.code : 'other';
  }
  return 'none';
}
