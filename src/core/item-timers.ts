/**
 * The timers a work item owns (WorkItem.timers, by key: the offer's ring timeout, the automatic driver's next step),
 * and the automatic driver (model.ts AgentDriver) working items as it works calls (calls/delivery.ts): an offered item
 * is accepted answerAfterSec after the offer (unless the offer timed out first), an accepted one completed talkSec
 * after it was accepted.
 */
import type { Clock } from './clock.js';
import type { AgentDriver, WorkItem } from './model.js';

export class ItemTimers {
  constructor(private readonly clock: Clock) {}

  /** Runs `fn` after `ms` milliseconds, replacing the item's timer of that key. */
  set(item: WorkItem, key: string, ms: number, fn: () => void): void {
    this.clear(item, key);
    item.timers.set(key, this.clock.setTimeout(() => {
      item.timers.delete(key);
      fn();
    }, ms));
  }

  /** One key's timer, or every timer of the item without `key`. */
  clear(item: WorkItem, key?: string): void {
    if (key !== undefined) {
      this.clock.clearTimeout(item.timers.get(key));
      item.timers.delete(key);
      return;
    }
    for (const t of item.timers.values()) this.clock.clearTimeout(t);
    item.timers.clear();
  }

  /**
   * Arms the driver's next step for the item (none without a driver, or in another state): `accept(userId)` while
   * offered to that agent, `complete()` while worked. Replaces a step armed before.
   */
  drive(item: WorkItem, driver: AgentDriver | undefined, steps: { accept(userId: string): void; complete(): void }): void {
    this.clear(item, 'driver');
    const userId = item.userId;
    if (driver === undefined || userId === undefined) return;
    if (item.state === 'allocated') {
      this.set(item, 'driver', driver.answerAfterSec * 1000, () => {
        if (item.state === 'allocated' && item.userId === userId) steps.accept(userId);
      });
    } else if (item.state === 'active' || item.state === 'wrapUp') {
      this.set(item, 'driver', driver.talkSec * 1000, () => {
        if (item.state === 'active' || item.state === 'wrapUp') steps.complete();
      });
    }
  }
}
