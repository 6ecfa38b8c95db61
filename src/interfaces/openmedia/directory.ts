/**
 * What Open Media calls things the core names its own way: service groups (the core's `openmedia` queues whose id is
 * a record ID, an integer), tenants (enabled or disabled), agents' record IDs, tenants and logon IDs. Read from the
 * fixture's `openmedia` section; tenants can be disabled at run time (control API) and come back as configured on reset.
 */
import { z } from 'zod';
import { ConfigError } from '../../config/errors.js';
import type { Agent, ContactCenter, Queue } from '../../core/index.js';

const INT32 = z.number().int().min(1).max(2147483647);

/** The fixture's `openmedia` section. */
export const OpenMediaFixture = z
  .strictObject({
    /** Tenants and whether they are enabled (seed: RequestStatus 3 "Tenant is disabled"); tenant 1 is a non-tenanted system. */
    tenants: z.array(z.strictObject({ id: INT32, enabled: z.boolean().default(true) })).default([{ id: 1, enabled: true }]),
    /** Per service group (queue id): how long a forced item waits for its agent, and whether priorities apply. */
    serviceGroups: z
      .array(
        z.strictObject({
          queue: z.string().min(1),
          /** Seed ForceToPreferredAgent: "not available within the configured amount of time for the service group". */
          forcedAgentTimeoutSec: z.number().int().min(0).max(86_400).optional(),
          /** Seed SessionPriority: "If the MiCC Enterprise system is configured to enable service group session priority". */
          sessionPriority: z.boolean().default(true),
          /** Seed PreferredAgentID: "If … the service group has Preferred Agent configured". */
          preferredAgent: z.boolean().default(true),
        }),
      )
      .default([]),
    /** Agents' record IDs and tenants; an agent not listed has its extension as record ID and tenant 1. */
    agents: z.array(z.strictObject({ userId: z.string().min(1), agentId: INT32, tenantId: INT32.default(1) })).default([]),
    /** Default time a forced item waits for its agent, for groups that set none. */
    forcedAgentTimeoutSec: z.number().int().min(0).max(86_400).default(60),
  })
  .prefault({});

export type OpenMediaFixture = z.infer<typeof OpenMediaFixture>;

export interface ServiceGroup {
  id: number;
  queue: Queue;
  tenantId: number;
  forcedAgentTimeoutSec: number;
  sessionPriority: boolean;
  preferredAgent: boolean;
}

export interface AgentRecord {
  agentId: number;
  tenantId: number;
  logonId: string;
}

/** Parses the fixture section; a problem is a start-up error naming `fixture.openmedia.<key>`. */
export function parseOpenMediaFixture(raw: unknown): OpenMediaFixture {
  const r = OpenMediaFixture.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ConfigError(`fixture.openmedia${issue?.path.length ? `.${issue.path.join('.')}` : ''}`, issue?.message ?? 'invalid');
}

export class OmDirectory {
  private readonly groups = new Map<number, ServiceGroup>();
  private readonly tenants = new Map<number, boolean>();
  private readonly byAgent = new Map<string, AgentRecord>();
  private readonly byAgentId = new Map<number, string>();

  constructor(
    private readonly cc: ContactCenter,
    private readonly fixture: OpenMediaFixture,
  ) {
    for (const q of cc.queues.values()) {
      if (q.channel !== 'openmedia' || !/^[1-9]\d{0,9}$/.test(q.id) || Number(q.id) > 2147483647) continue;
      const own = fixture.serviceGroups.find((g) => g.queue === q.id);
      this.groups.set(Number(q.id), {
        id: Number(q.id),
        queue: q,
        tenantId: q.tenantId ?? 1,
        forcedAgentTimeoutSec: own?.forcedAgentTimeoutSec ?? fixture.forcedAgentTimeoutSec,
        sessionPriority: own?.sessionPriority ?? true,
        preferredAgent: own?.preferredAgent ?? true,
      });
    }
    for (const g of fixture.serviceGroups) {
      if (![...this.groups.values()].some((s) => s.queue.id === g.queue)) throw new ConfigError('fixture.openmedia.serviceGroups', `queue ${g.queue} is not an open media queue with an integer id`);
    }
    let spare = 1_000_000;
    for (const a of cc.agents.values()) {
      const own = fixture.agents.find((x) => x.userId.toLowerCase() === a.userId.toLowerCase());
      const fromExtension = /^\d{1,9}$/.test(a.extension) ? Number(a.extension) : undefined;
      let agentId = own?.agentId ?? fromExtension ?? spare++;
      while (this.byAgentId.has(agentId)) agentId = spare++;
      this.byAgent.set(a.userId, { agentId, tenantId: own?.tenantId ?? 1, logonId: a.userId });
      this.byAgentId.set(agentId, a.userId);
    }
    this.restoreTenants();
  }

  /** Tenants as the fixture configures them (start-up and reset). */
  restoreTenants(): void {
    this.tenants.clear();
    for (const t of this.fixture.tenants) this.tenants.set(t.id, t.enabled);
    for (const g of this.groups.values()) if (!this.tenants.has(g.tenantId)) this.tenants.set(g.tenantId, true);
  }

  group(id: number): ServiceGroup | undefined {
    return this.groups.get(id);
  }

  /** Seed: the service group by tenant and name (names compared without regard to case). */
  groupByName(tenantId: number, name: string): ServiceGroup | undefined {
    const n = name.trim().toLowerCase();
    for (const g of this.groups.values()) if (g.tenantId === tenantId && g.queue.name.toLowerCase() === n) return g;
    return undefined;
  }

  groupOfQueue(queueId: string): ServiceGroup | undefined {
    for (const g of this.groups.values()) if (g.queue.id === queueId) return g;
    return undefined;
  }

  groupsOfTenant(tenantId: number): ServiceGroup[] {
    return [...this.groups.values()].filter((g) => g.tenantId === tenantId).sort((a, b) => a.id - b.id);
  }

  /** undefined: no such tenant. */
  tenantEnabled(tenantId: number): boolean | undefined {
    return this.tenants.get(tenantId);
  }

  setTenant(tenantId: number, enabled: boolean): boolean {
    if (!this.tenants.has(tenantId)) return false;
    this.tenants.set(tenantId, enabled);
    return true;
  }

  tenantList(): { id: number; enabled: boolean }[] {
    return [...this.tenants].map(([id, enabled]) => ({ id, enabled })).sort((a, b) => a.id - b.id);
  }

  record(userId: string): AgentRecord | undefined {
    return this.byAgent.get(userId);
  }

  agentById(agentId: number): Agent | undefined {
    const uid = this.byAgentId.get(agentId);
    return uid === undefined ? undefined : this.cc.agents.get(uid);
  }

  agentByLogon(logonId: string): Agent | undefined {
    return this.cc.findAgent(logonId.trim());
  }
}
