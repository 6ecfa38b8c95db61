/**
 * ICI subscriptions (seed 002 §9.2.6, §9.5.1). The key is appUrl + appId: several appIds may subscribe at one URL, and
 * an event for them goes to that URL once, naming them all. A user subscription (IciUser.subscribe) hears userChanged
 * ("subscribes an application to user events"); a container subscription (IciContainer.subscribe, channelType 1) hears
 * containerChanged and phoneCallChanged of its line. Both hear subscriptionEnded. Events go to the subscription's
 * target: its appUrl after OII.MapSubscribeUrl / OII.ReverseDnsSubscribeUrl, grouped by target.
 */
import type { Clock, TimerHandle } from '../../core/index.js';

export interface Subscription {
  kind: 'user' | 'container';
  appUrl: string;
  appId: string;
  /** Where events are posted (appUrl, mapped). */
  target: string;
  /** user: the user (canonical userId); container: the line's agent, if any. */
  userId?: string;
  /** The line whose calls it hears (the user's extension, or the container). */
  line: string;
  since: number;
  timer?: TimerHandle;
  /** When it times out (clock ms, a whole second: see `arm`); undefined when subscriptions never time out. */
  deadline?: number;
}

/** target → the appIds subscribed there for an event. */
export type Recipients = ReadonlyMap<string, readonly string[]>;

/** Adds a subscription's appId under its target. */
export function addRecipient(to: Map<string, string[]>, s: Subscription): void {
  const ids = to.get(s.target);
  if (ids === undefined) to.set(s.target, [s.appId]);
  else if (!ids.includes(s.appId)) ids.push(s.appId);
}

export interface SubscriptionsDeps {
  clock: Clock;
  /** `ici.subscriptionTimeoutSec` in ms; 0 = subscriptions never time out. */
  timeoutMs: number;
  /** Subscriptions that timed out together, all at one target (one subscriptionEnded reason 3 names them all). */
  onTimeout(gone: Subscription[]): void;
}

export class Subscriptions {
  private readonly users = new Map<string, Subscription>();
  private readonly containers = new Map<string, Subscription>();
  private readonly byLine = new Map<string, Set<Subscription>>();
  private readonly byTarget = new Map<string, Set<Subscription>>();
  /** Subscriptions of either kind naming a user (a container's is its line's agent when it subscribed). */
  private readonly byUser = new Map<string, Set<Subscription>>();
  /**
   * Who hears a line's phone calls and a user's userChanged, grouped by target: asked for on every event, changed only
   * by subscribing and unsubscribing, so kept until then (see `invalidate`).
   */
  private readonly lineRecipients = new Map<string, Recipients>();
  private readonly userRecipients = new Map<string, Recipients>();

  constructor(private readonly deps: SubscriptionsDeps) {}

  private static key(appUrl: string, appId: string, line = ''): string {
    return `${appUrl}\u0000${appId}\u0000${line}`;
  }

  get size(): number {
    return this.users.size + this.containers.size;
  }

  /** Whether a subscription with this key exists already (subscribing again replaces it, adding none). */
  has(kind: 'user' | 'container', appUrl: string, appId: string, line: string): boolean {
    const map = kind === 'user' ? this.users : this.containers;
    return map.has(Subscriptions.key(appUrl, appId, kind === 'container' ? line : ''));
  }

  /** How many subscriptions hear the line (its user's and its container's). */
  countOnLine(line: string): number {
    return this.byLine.get(line)?.size ?? 0;
  }

  /** Adds or replaces (same key) a subscription; returns it and the one it replaced. */
  subscribe(s: Omit<Subscription, 'since' | 'timer'>, now: number): { sub: Subscription; replaced?: Subscription } {
    const map = s.kind === 'user' ? this.users : this.containers;
    const key = Subscriptions.key(s.appUrl, s.appId, s.kind === 'container' ? s.line : '');
    const replaced = map.get(key);
    if (replaced) this.drop(map, key, replaced);
    const sub: Subscription = { ...s, since: now };
    map.set(key, sub);
    this.index(this.byLine, sub.line, sub);
    this.index(this.byTarget, sub.target, sub);
    if (sub.userId !== undefined) this.index(this.byUser, sub.userId, sub);
    this.invalidate(sub);
    // Subscribing names the line: its other subscriptions' time starts again with this one's (IC WebClient subscribes
    // the user and the line at one appUrl; they time out together, in one message).
    this.touch(sub.line);
    this.arm(sub);
    return replaced === undefined ? { sub } : { sub, replaced };
  }

  /** IciUser.unsubscribe / IciContainer.unsubscribe: every subscription of that kind with the key. */
  unsubscribe(kind: 'user' | 'container', appUrl: string, appId: string): Subscription[] {
    const map = kind === 'user' ? this.users : this.containers;
    const gone: Subscription[] = [];
    for (const [key, s] of map) if (s.appUrl === appUrl && s.appId === appId) gone.push(this.drop(map, key, s));
    return gone;
  }

  /** Removes the given subscriptions (a user's, at getAttributes; a URL's, when it was cancelled). */
  remove(subs: Iterable<Subscription>): Subscription[] {
    const gone: Subscription[] = [];
    for (const s of [...subs]) {
      const map = s.kind === 'user' ? this.users : this.containers;
      const key = Subscriptions.key(s.appUrl, s.appId, s.kind === 'container' ? s.line : '');
      if (map.get(key) === s) gone.push(this.drop(map, key, s));
    }
    return gone;
  }

  /** Every subscription of a user: theirs and their line's (§9.2.1 "all user subscriptions are unsubscribed"). */
  ofUser(userId: string, line: string): Subscription[] {
    return [...new Set([...(this.byUser.get(userId) ?? []), ...(this.byLine.get(line) ?? [])])];
  }

  atTarget(target: string): Subscription[] {
    return [...(this.byTarget.get(target) ?? [])];
  }

  hasTarget(target: string): boolean {
    return (this.byTarget.get(target)?.size ?? 0) > 0;
  }

  all(): Subscription[] {
    return [...this.users.values(), ...this.containers.values()];
  }

  /** Whether a CRM is integrated with the line (OII rule 1: some subscription hears it). */
  integrated(line: string): boolean {
    return (this.byLine.get(line)?.size ?? 0) > 0;
  }

  /**
   * Who hears a line's phone calls: its container subscriptions. §9.5.1 channelType 1 is "containerChanged (Phone line)
   * + phoneCallChanged"; a user subscription (§9.2.6) is to "user events", userChanged, so it does not get them too (a
   * CRM subscribing the user and the line would otherwise get every call event twice).
   */
  forLine(line: string): Recipients {
    let out = this.lineRecipients.get(line);
    if (out === undefined) {
      const to = new Map<string, string[]>();
      for (const s of this.byLine.get(line) ?? []) if (s.kind === 'container') addRecipient(to, s);
      this.lineRecipients.set(line, (out = to));
    }
    return out;
  }

  /** Who hears a user's userChanged: the user subscriptions for them. */
  forUser(userId: string): Recipients {
    let out = this.userRecipients.get(userId);
    if (out === undefined) {
      const to = new Map<string, string[]>();
      for (const s of this.byUser.get(userId) ?? []) if (s.kind === 'user') addRecipient(to, s);
      this.userRecipients.set(userId, (out = to));
    }
    return out;
  }

  /** Everyone, grouped by target (subscriptionEnded to all). */
  everyone(): Recipients {
    const out = new Map<string, string[]>();
    for (const s of this.all()) addRecipient(out, s);
    return out;
  }

  /** A request named the user or the line: their subscriptions' timeouts start again. */
  touch(line: string): void {
    if (this.deps.timeoutMs <= 0) return;
    for (const s of this.byLine.get(line) ?? []) this.arm(s);
  }

  clear(): Subscription[] {
    const all = this.all();
    this.remove(all);
    return all;
  }

  /**
   * The timeout runs to a whole second (at most a second more than `ici.subscriptionTimeoutSec`), so subscriptions at
   * one target touched within the same second fall due at the same instant: the first timer to fire ends them all and
   * they get one subscriptionEnded naming every appId (§9.3.2 "Contains at least one appId"; README: every appId
   * subscribed at the URL in one message); the others' timers then find nothing left to end.
   */
  private arm(s: Subscription): void {
    if (this.deps.timeoutMs <= 0) return;
    const { clock } = this.deps;
    clock.clearTimeout(s.timer);
    const now = clock.now();
    s.deadline = Math.ceil((now + this.deps.timeoutMs) / 1000) * 1000;
    s.timer = clock.setTimeout(() => {
      delete s.timer;
      const due = this.atTarget(s.target).filter((o) => o.deadline !== undefined && o.deadline <= clock.now());
      const gone = this.remove(due.includes(s) ? due : [s, ...due]);
      if (gone.length > 0) this.deps.onTimeout(gone);
    }, s.deadline - now);
  }

  private drop(map: Map<string, Subscription>, key: string, s: Subscription): Subscription {
    map.delete(key);
    this.deps.clock.clearTimeout(s.timer);
    delete s.timer;
    this.unindex(this.byLine, s.line, s);
    this.unindex(this.byTarget, s.target, s);
    if (s.userId !== undefined) this.unindex(this.byUser, s.userId, s);
    this.invalidate(s);
    return s;
  }

  /** A subscription came or went: the recipients of its line and its user are worked out again when next asked for. */
  private invalidate(s: Subscription): void {
    this.lineRecipients.delete(s.line);
    if (s.userId !== undefined) this.userRecipients.delete(s.userId);
  }

  private index(m: Map<string, Set<Subscription>>, k: string, s: Subscription): void {
    let set = m.get(k);
    if (!set) m.set(k, (set = new Set()));
    set.add(s);
  }

  private unindex(m: Map<string, Set<Subscription>>, k: string, s: Subscription): void {
    const set = m.get(k);
    set?.delete(s);
    if (set?.size === 0) m.delete(k);
  }
}
