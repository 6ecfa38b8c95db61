/**
 * How many work items an agent may hold at once: per channel (from the fixture, per agent, changeable at run time) and
 * per item type (Open Media SetOptions, seed 004 "SETOPTIONS": MaxNumberOfSessions, AllowDifferentTypes,
 * ResetAllOptions). A phone takes one call at a time through its device and is not counted here.
 *
 * Rules for an item of channel C and type T offered to agent A:
 * - T has its own maximum (options of type T): A holds fewer items of type T than that maximum;
 * - otherwise: A holds fewer items of C (not counting types with their own maximum) than the channel's limit, which is
 *   the maximum set for every type (options without a type) or else A's own capacity for C;
 * - T does not allow different types (its own option, else the option for every type; allowed by default): A holds no
 *   item of C of another type. Seed: "This option will be checked for the incoming session only."
 */
import type { Agent, ItemChannel } from '../model.js';

/** Options for one item type of a channel, or (type undefined) for every type without its own. */
export interface TypeOptions {
  /** Items of this type (or, for every type, of the channel) one agent may hold at once. */
  maxPerAgent?: number;
  /** Whether an agent holding items of other types may be offered one of this type (default true). */
  allowDifferentTypes?: boolean;
}

interface Held {
  userId: string;
  channel: ItemChannel;
  type: number | undefined;
}

const key = (channel: ItemChannel, type: number | undefined) => `${channel}:${type ?? ''}`;

export class Capacity {
  private readonly options = new Map<string, TypeOptions>();
  /** Items held, by item id. */
  private readonly held = new Map<string, Held>();
  /** Item ids held by each agent (loads are counted from here: an agent holds a handful). */
  private readonly byAgent = new Map<string, Set<string>>();

  /** Options of a type (type undefined: of every type without its own). */
  optionsOf(channel: ItemChannel, type: number | undefined): TypeOptions {
    return { ...(this.options.get(key(channel, type)) ?? {}) };
  }

  /** Merges options in (SetOptions); an option left out keeps its value. */
  setOptions(channel: ItemChannel, type: number | undefined, opts: TypeOptions): void {
    const k = key(channel, type);
    this.options.set(k, { ...(this.options.get(k) ?? {}), ...opts });
  }

  /** Back to the defaults for this type (ResetAllOptions), or for every type when type is undefined. */
  resetOptions(channel: ItemChannel, type: number | undefined): void {
    this.options.delete(key(channel, type));
  }

  clearOptions(): void {
    this.options.clear();
  }

  private typeMax(channel: ItemChannel, type: number | undefined): number | undefined {
    return type === undefined ? undefined : this.options.get(key(channel, type))?.maxPerAgent;
  }

  /** The limit that applies to an item of this type for this agent. */
  limit(agent: Agent, channel: ItemChannel, type: number | undefined): number {
    return this.typeMax(channel, type) ?? this.options.get(key(channel, undefined))?.maxPerAgent ?? agent.capacity[channel];
  }

  /** Items of the channel the agent holds that count against `limit(agent, channel, type)`. */
  load(userId: string, channel: ItemChannel, type: number | undefined): number {
    const own = this.typeMax(channel, type) !== undefined;
    let n = 0;
    for (const id of this.byAgent.get(userId) ?? []) {
      const h = this.held.get(id);
      if (!h || h.channel !== channel) continue;
      if (own ? h.type === type : this.typeMax(channel, h.type) === undefined) n++;
    }
    return n;
  }

  /** Whether the agent may be offered one more item of this channel and type. */
  fits(agent: Agent, channel: ItemChannel, type: number | undefined): boolean {
    if (this.load(agent.userId, channel, type) >= this.limit(agent, channel, type)) return false;
    const allow = this.options.get(key(channel, type))?.allowDifferentTypes ?? this.options.get(key(channel, undefined))?.allowDifferentTypes ?? true;
    if (allow) return true;
    for (const id of this.byAgent.get(agent.userId) ?? []) {
      const h = this.held.get(id);
      if (h && h.channel === channel && h.type !== type) return false;
    }
    return true;
  }

  /** Work items of every channel the agent holds now (allocated, accepted or in wrap-up). */
  heldBy(userId: string): number {
    return this.byAgent.get(userId)?.size ?? 0;
  }

  /** The item is allocated to the agent: it counts against their capacity until released. */
  assign(itemId: string, userId: string, channel: ItemChannel, type: number | undefined): void {
    this.release(itemId);
    this.held.set(itemId, { userId, channel, type });
    let set = this.byAgent.get(userId);
    if (!set) {
      set = new Set();
      this.byAgent.set(userId, set);
    }
    set.add(itemId);
  }

  /** The item left its agent (completed, cancelled, failed, rejected, diverted); returns who held it. */
  release(itemId: string): string | undefined {
    const h = this.held.get(itemId);
    if (!h) return undefined;
    this.held.delete(itemId);
    this.byAgent.get(h.userId)?.delete(itemId);
    return h.userId;
  }
}
