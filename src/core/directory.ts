/**
 * The directory: the global one from the fixture (agents' extensions included), shared ones an interface synchronises
 * as a whole (e.g. an LDAP directory), and users' private directories. Names are looked up for calls and searched by
 * TelServices searchName / searchNumber.
 */
import { CoreError } from './errors.js';
import type { DirectoryEntry } from './model.js';

export type DirectoryInput = Omit<DirectoryEntry, 'directory' | 'owner'>;

export class Directory {
  private entries: DirectoryEntry[] = [];

  /** Replaces everything with the global directory (start-up and reset). */
  load(global: DirectoryInput[]): void {
    // Built property by property: a spread of each entry gives thousands of agents' entries a shape each.
    this.entries = global.map((e) => {
      const entry: DirectoryEntry = { number: e.number, name: e.name, directory: 'global' };
      if (e.company !== undefined) entry.company = e.company;
      if (e.numberType !== undefined) entry.numberType = e.numberType;
      return entry;
    });
  }

  /** Name of a number (global and shared first, then the given user's private directories). */
  lookup(number: string, userId?: string): DirectoryEntry | undefined {
    let hit: DirectoryEntry | undefined;
    for (const e of this.entries) {
      if (e.number !== number) continue;
      if (e.owner === undefined) return e;
      if (userId && e.owner === userId) hit ??= e;
    }
    return hit;
  }

  /** Entries without an owner (the global directory and shared ones such as a synchronised LDAP) are everyone's. */
  private visible(userId?: string): DirectoryEntry[] {
    return this.entries.filter((e) => e.owner === undefined || (userId !== undefined && e.owner === userId));
  }

  /** Replaces a shared (ownerless) directory as a whole; the global one comes from the fixture (`invalidArgument`). */
  replaceShared(directoryName: string, entries: DirectoryInput[]): void {
    if (directoryName === 'global') throw new CoreError('invalidArgument', 'the global directory comes from the fixture');
    this.replace(directoryName, undefined, entries);
  }

  /** Replaces a user's private directory as a whole (TelServices updateUserDirectory). */
  replacePrivate(owner: string, directoryName: string, entries: DirectoryInput[]): void {
    this.replace(directoryName, owner, entries);
  }

  private replace(directoryName: string, owner: string | undefined, entries: DirectoryInput[]): void {
    this.entries = this.entries.filter((e) => !(e.owner === owner && e.directory === directoryName));
    for (const e of entries) this.entries.push(owner === undefined ? { ...e, directory: directoryName } : { ...e, directory: directoryName, owner });
  }

  /**
   * TelServices searchName: case-insensitive; names starting with the text; if none, names containing " text";
   * if none, entries whose company matches. All matches, ordered lexicographically by name.
   */
  searchName(text: string, userId?: string, limit?: number): DirectoryEntry[] {
    const t = text.trim().toLowerCase();
    if (t === '') return [];
    const entries = this.visible(userId);
    const byName = (a: DirectoryEntry, b: DirectoryEntry) => a.name.localeCompare(b.name) || a.number.localeCompare(b.number);
    let hits = entries.filter((e) => e.name.toLowerCase().startsWith(t));
    if (hits.length === 0) hits = entries.filter((e) => e.name.toLowerCase().includes(` ${t}`));
    if (hits.length === 0) hits = entries.filter((e) => (e.company ?? '').toLowerCase().startsWith(t));
    hits.sort(byName);
    return limit !== undefined && limit > 0 ? hits.slice(0, limit) : hits;
  }

  searchNumber(number: string, userId?: string): DirectoryEntry[] {
    return this.visible(userId).filter((e) => e.number === number.trim());
  }
}
