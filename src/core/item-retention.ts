/** Which ended work items the core still keeps (items.ts), and when it forgets them. */
import type { WorkItem } from './model.js';

/**
 * Ended items kept, as calls keep their ended ids: a finished item can still be read (the control API, an interface's
 * late query) until this many more have ended; then the oldest is forgotten, so a gateway taking work for months does
 * not keep every item it ever routed. Interfaces keep what they must answer for longer themselves (Open Media's status
 * cache holds each request's events until its DataExpiration).
 */
export const ENDED_ITEMS_KEPT = 10_000;

/** The ids of ended items in the order they ended (a Set keeps insertion order), over the items map they prune. */
export class EndedItems {
  private readonly ids = new Set<string>();

  constructor(private readonly items: Map<string, WorkItem>) {}

  /** `id` ended: kept, and the oldest beyond ENDED_ITEMS_KEPT forgotten. */
  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size <= ENDED_ITEMS_KEPT) return;
    const oldest = this.ids.values().next().value;
    if (oldest === undefined) return;
    this.ids.delete(oldest);
    this.items.delete(oldest);
  }

  /** Forgets the ended item `id` now; false, forgetting nothing, when `id` is not an ended item. */
  forget(id: string): boolean {
    return this.ids.delete(id) && this.items.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }

  clear(): void {
    this.ids.clear();
  }
}
