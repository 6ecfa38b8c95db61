/**
 * The fixture's `ciscoqm` section: what QM Administrator configures in a real installation (seed 001). Which agents
 * QM records and how (network recording, addressed by `sender_id`, or a desktop, addressed by its source address),
 * their workflow (recording policy), the metadata fields, the teams, and the users of the Server API with their roles.
 * Validated here (the core only carries the section); a problem is a ConfigError naming `ciscoqm.<path>`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from '../../config/errors.js';
import { RecordingPolicySchema, type ContactCenter, type RecordingPolicy } from '../../core/index.js';
import { MetadataFields, type MetadataField } from './metadata.js';

/** Seed 001 "User Scope": roles that may use the Server API, highest first. */
export const QM_ROLES = ['archive', 'manager', 'supervisor'] as const;
export type QmRole = (typeof QM_ROLES)[number];

const id = z.string().min(1).max(64);
/** A QM user id as `sender_id` carries it (seed: `5000.1234`): no `&`, `=` or white space. */
const senderId = id.regex(/^[^&=\s]+$/, 'a sender_id has no "&", "=" or white space');

const Section = z.strictObject({
  /** Agents QM records. `recording`: `network` (commands on the network port name them by sender_id) or `desktop`. */
  agents: z
    .array(
      z.strictObject({
        userId: id,
        /** QM user id (sender_id, ccr agentId); default the agent's userId. */
        senderId: senderId.optional(),
        /** QM login name (ccr username); default the agent's userId. */
        userName: id.optional(),
        recording: z.enum(['network', 'desktop']).default('network'),
        /** Which of the agent's calls QM records when answered: none, all, or { percent }. */
        workflow: RecordingPolicySchema.default('none'),
      }),
    )
    .default([]),
  /** Desktop recording: the desktop port acts for the agent whose desktop sends from `address` (an IP literal). */
  desktops: z.array(z.strictObject({ address: z.string().refine((a) => isIP(a) !== 0, 'an IP address'), userId: id })).default([]),
  /** Metadata fields (QM Administrator, Enterprise > Recordings > Metadata). */
  metadata: z
    .array(
      z.strictObject({
        key: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a key is 1-64 letters, digits, "_", "." or "-"'),
        display: z.string().min(1).max(128).optional(),
        // "String" in the seed's CAD example; "text" in its format rules.
        type: z.enum(['number', 'text', 'string', 'date']).transform((t) => (t === 'string' ? 'text' : t)),
        encrypted: z.boolean().default(false),
      }),
    )
    .default([]),
  teams: z.array(z.strictObject({ id, name: z.string().max(128).optional(), members: z.array(id).default([]) })).default([]),
  /** Server API users. Without `password`, a user's password is the setting ciscoqm.adminPassword (CCGATE_QM_ADMIN_PASSWORD). */
  users: z
    .array(
      z.strictObject({
        userId: id,
        password: z.string().min(1).max(256).optional(),
        roles: z.array(z.enum(QM_ROLES)).min(1),
        /** Manager and supervisor scope: the teams whose agents' contacts the user sees. */
        teams: z.array(id).default([]),
      }),
    )
    .default([]),
});

export interface QmAgent {
  /** The core's userId. */
  userId: string;
  senderId: string;
  userName: string;
  recording: 'network' | 'desktop';
  workflow: RecordingPolicy;
}

export interface QmUser {
  userId: string;
  password: string;
  /** Whether the password is the ciscoqm.adminPassword setting. */
  adminPassword: boolean;
  /** The highest of the user's roles (seed 001: "the highest role that a user has is the role that will be used"). */
  role: QmRole;
  /** Core userIds whose contacts the user sees; undefined: every contact (archive user). */
  scope?: ReadonlySet<string>;
}

export class QmSettings {
  readonly agents: readonly QmAgent[];
  readonly fields: MetadataFields;
  private readonly byUserId = new Map<string, QmAgent>();
  private readonly bySender = new Map<string, QmAgent>();
  private readonly byAddress = new Map<string, QmAgent>();
  private readonly users = new Map<string, QmUser>();

  constructor(agents: QmAgent[], desktops: { address: string; userId: string }[], fields: MetadataField[], users: QmUser[]) {
    this.agents = agents;
    this.fields = new MetadataFields(fields);
    for (const a of agents) {
      this.byUserId.set(a.userId, a);
      this.bySender.set(a.senderId.toLowerCase(), a);
    }
    for (const d of desktops) {
      const agent = this.byUserId.get(d.userId);
      if (agent) this.byAddress.set(normalAddress(d.address), agent);
    }
    for (const u of users) this.users.set(u.userId, u);
  }

  /** The QM agent of a core userId. */
  agent(userId: string): QmAgent | undefined {
    return this.byUserId.get(userId);
  }

  /** The network-recorded agent a sender_id names (compared without regard to case). */
  agentBySender(sender: string): QmAgent | undefined {
    return this.bySender.get(sender.toLowerCase());
  }

  /** The agent whose desktop sends from `address`. */
  agentByAddress(address: string): QmAgent | undefined {
    return this.byAddress.get(normalAddress(address));
  }

  user(userId: string): QmUser | undefined {
    return this.users.get(userId);
  }

  get userList(): QmUser[] {
    return [...this.users.values()];
  }
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) is 127.0.0.1. */
export function normalAddress(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * Reads and checks the section against the core's agents: every agent, desktop and team member must be an agent of the
 * center (desktops and members a QM agent), ids and keys unique, every user's teams defined.
 * @throws ConfigError `fixture` naming `ciscoqm.<path>`.
 */
export function loadSettings(raw: unknown, center: ContactCenter, adminPassword: string): QmSettings {
  const r = Section.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError('fixture', `ciscoqm.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const s = r.data;
  const fail = (path: string, problem: string): never => {
    throw new ConfigError('fixture', `ciscoqm.${path}: ${problem}`);
  };
  const agents: QmAgent[] = s.agents.map((a, i) => {
    const agent = center.findAgent(a.userId) ?? fail(`agents.${i}.userId`, `no agent ${a.userId} in the center`);
    return { userId: agent.userId, senderId: a.senderId ?? agent.userId, userName: a.userName ?? agent.userId, recording: a.recording, workflow: a.workflow };
  });
  unique(agents.map((a) => a.userId), 'agents', 'userId', fail);
  unique(agents.map((a) => a.senderId.toLowerCase()), 'agents', 'senderId', fail);
  const qmAgent = (userId: string, path: string): string =>
    agents.find((a) => a.userId.toLowerCase() === userId.toLowerCase())?.userId ?? fail(path, `${userId} is not one of ciscoqm.agents`);
  const desktops = s.desktops.map((d, i) => ({ address: d.address, userId: qmAgent(d.userId, `desktops.${i}.userId`) }));
  unique(desktops.map((d) => normalAddress(d.address)), 'desktops', 'address', fail);
  unique(s.metadata.map((f) => f.key.toLowerCase()), 'metadata', 'key', fail);
  const fields: MetadataField[] = s.metadata.map((f) => ({ key: f.key, display: f.display ?? f.key, type: f.type, encrypted: f.encrypted }));
  unique(s.teams.map((t) => t.id), 'teams', 'id', fail);
  const teams = new Map(s.teams.map((t, i) => [t.id, t.members.map((m, j) => qmAgent(m, `teams.${i}.members.${j}`))]));
  unique(s.users.map((u) => u.userId), 'users', 'userId', fail);
  const users: QmUser[] = s.users.map((u, i) => {
    const role = QM_ROLES.find((r) => u.roles.includes(r)) ?? 'supervisor';
    const user: QmUser = { userId: u.userId, password: u.password ?? adminPassword, adminPassword: u.password === undefined, role };
    if (role !== 'archive') {
      const members = u.teams.flatMap((t, j) => teams.get(t) ?? fail(`users.${i}.teams.${j}`, `no team ${t}`));
      user.scope = new Set(members);
    }
    return user;
  });
  return new QmSettings(agents, desktops, fields, users);
}

function unique(values: string[], list: string, key: string, fail: (path: string, problem: string) => never): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) fail(`${list}.${i}.${key}`, `${v} is listed twice`);
    seen.add(v);
  });
}
