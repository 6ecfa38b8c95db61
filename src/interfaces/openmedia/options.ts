/**
 * Seed SETOPTIONS. The options that govern allocation go to the core's routing module as item type options
 * (MaxNumberOfSessions → maxPerAgent, AllowDifferentTypes → allowDifferentTypes, ResetAllOptions → resetTypeOptions);
 * the desktop-only ones (AgentActionOptions, CloseTabOptions, SessionLinkOptions), which only MiCC Agent's desktop
 * acts on, are validated, stored per TypeOfSession and reported (control API state, `interfaces.openmedia.options`).
 * TypeOfSession 0 or absent: every type without settings of its own.
 */
import { assertLicense, assertRouter, type OmContext } from './context.js';
import { OmFault } from './faults.js';

export interface SetOptionsInput {
  TypeOfSession?: number | null;
  AgentActionOptions?: number | null;
  CloseTabOptions?: number | null;
  MaxNumberOfSessions?: number | null;
  AllowDifferentTypes?: number | null;
  SessionLinkOptions?: number | null;
  ResetAllOptions?: boolean | null;
}

/** The desktop-only options of one TypeOfSession (0 = every type without its own). */
export interface DesktopOptions {
  AgentActionOptions?: number;
  CloseTabOptions?: number;
  SessionLinkOptions?: number;
}

/** Seed code tables: the values each option takes, and the ones that need a TypeOfSession. */
const RANGES = {
  AgentActionOptions: { values: [1, 2, 3, 4], needType: [2, 4] },
  CloseTabOptions: { values: [1, 2, 3, 4], needType: [4] },
  SessionLinkOptions: { values: [1, 2], needType: [] as number[] },
  AllowDifferentTypes: { values: [1, 2], needType: [] as number[] },
} as const;
/** Agents hold at most this many sessions of a type (the core's capacity limit). */
const MAX_SESSIONS = 1000;

export class OptionsStore {
  private readonly desktop = new Map<number, DesktopOptions>();

  /** Every type's desktop options, for the control API state. */
  snapshot(): Record<string, DesktopOptions> {
    return Object.fromEntries([...this.desktop].sort(([a], [b]) => a - b).map(([k, v]) => [String(k), { ...v }]));
  }

  of(type: number): DesktopOptions | undefined {
    const own = this.desktop.get(type);
    return own ? { ...own } : undefined;
  }

  clear(): void {
    this.desktop.clear();
  }

  /** Validates everything first (InvalidData: nothing changes), then applies. */
  apply(ctx: OmContext, r: SetOptionsInput | null): boolean {
    assertRouter(ctx);
    assertLicense(ctx, false);
    const bad = (why: string): OmFault => new OmFault(ctx.settings.setOptionsFault, why);
    if (r === null) throw bad('The request is missing');
    const typeOfSession = r.TypeOfSession ?? 0;
    if (typeOfSession < 0) throw bad('TypeOfSession must be 0 or greater');
    for (const [name, range] of Object.entries(RANGES) as [keyof typeof RANGES, (typeof RANGES)[keyof typeof RANGES]][]) {
      const v = r[name];
      if (v === null || v === undefined || v === 0) continue;
      if (!(range.values as readonly number[]).includes(v)) throw bad(`${name} ${v} is out of range (${range.values.join(', ')})`);
      if ((range.needType as readonly number[]).includes(v) && typeOfSession === 0) throw bad(`${name} ${v} needs TypeOfSession`);
    }
    const max = r.MaxNumberOfSessions ?? 0;
    if (max < 0 || max > MAX_SESSIONS) throw bad(`MaxNumberOfSessions ${max} is out of range (0-${MAX_SESSIONS})`);

    const type = typeOfSession === 0 ? undefined : typeOfSession;
    const routing = ctx.cc.routing;
    if (r.ResetAllOptions === true) {
      routing.resetTypeOptions('openmedia', type);
      this.desktop.delete(typeOfSession);
    }
    const typeOptions: { maxPerAgent?: number; allowDifferentTypes?: boolean } = {};
    // 0 is what a WCF client writes for an option it did not set.
    if (max > 0) typeOptions.maxPerAgent = max;
    if (r.AllowDifferentTypes === 1 || r.AllowDifferentTypes === 2) typeOptions.allowDifferentTypes = r.AllowDifferentTypes === 2;
    if (Object.keys(typeOptions).length > 0) routing.setTypeOptions('openmedia', type, typeOptions);
    const desktop: DesktopOptions = { ...(this.desktop.get(typeOfSession) ?? {}) };
    let changed = false;
    for (const name of ['AgentActionOptions', 'CloseTabOptions', 'SessionLinkOptions'] as const) {
      const v = r[name];
      if (v === null || v === undefined || v === 0) continue;
      desktop[name] = v;
      changed = true;
    }
    if (changed) this.desktop.set(typeOfSession, desktop);
    return true;
  }
}
