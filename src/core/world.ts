/**
 * The contact center's people and places from a validated fixture: built once at start-up (loadWorld) and restored
 * by reset (restoreWorld), which puts every agent, queue and the directory back as the fixture says.
 */
import type { ContactCenter } from './center.js';
import type { DirectoryInput } from './directory.js';
import type { CenterFixture } from './fixture.js';
import type { Agent, ItemChannel, Queue } from './model.js';
import { newAgentStats, newQueueStats } from './stats.js';

type AgentFixture = CenterFixture['agents'][number];
type QueueFixture = CenterFixture['queues'][number];

/** One contact at a time per channel unless the fixture says otherwise (as a BCM/ICI agent is offered by default). */
const ITEM_CAPACITY: Record<ItemChannel, number> = { email: 1, chat: 1, action: 1, openmedia: 1 };

/** An agent's configuration from the fixture: everything but its state, timers and statistics. */
function agentConfig(cc: ContactCenter, f: CenterFixture, a: AgentFixture): Omit<Agent, 'state' | 'stateSince' | 'idleSince'> {
  const [firstName, ...rest] = a.name.split(' ');
  const agent: Omit<Agent, 'state' | 'stateSince' | 'idleSince'> = {
    userId: a.userId,
    name: a.name,
    firstName: firstName ?? a.name,
    lastName: rest.join(' '),
    extension: a.extension,
    queues: [...a.queues],
    channels: [...a.channels],
    skills: { ...a.skills },
    wrapUpSec: a.wrapUpSec ?? cc.options.wrapUpSec,
    capacity: { ...ITEM_CAPACITY, ...f.routing.capacity, ...a.capacity },
    addresses: [{ channel: 'phone', address: a.extension }],
  };
  if (a.password !== undefined) agent.password = a.password;
  if (a.driver) agent.driver = { ...a.driver };
  return agent;
}

function queueConfig(cc: ContactCenter, q: QueueFixture): Omit<Queue, 'members' | 'waiting'> {
  const queue: Omit<Queue, 'members' | 'waiting'> = {
    id: q.id,
    name: q.name,
    channel: q.channel,
    address: q.address,
    open: q.open,
    skills: { ...q.skills },
    ringTimeoutSec: q.ringTimeoutSec ?? cc.options.ringTimeoutSec,
  };
  if (q.tenantId !== undefined) queue.tenantId = q.tenantId;
  return queue;
}

/** The global directory: every agent's extension, then the fixture's entries. */
export function fixtureDirectory(f: CenterFixture): DirectoryInput[] {
  const directory: DirectoryInput[] = f.agents.map((a) => ({ number: a.extension, name: a.name, numberType: 'work' }));
  for (const e of f.directory) {
    const entry: DirectoryInput = { number: e.number, name: e.name };
    if (e.company !== undefined) entry.company = e.company;
    if (e.numberType !== undefined) entry.numberType = e.numberType;
    directory.push(entry);
  }
  return directory;
}

export function loadWorld(cc: ContactCenter, f: CenterFixture): void {
  const now = cc.now();
  for (const q of f.queues) cc.addQueue({ ...queueConfig(cc, q), members: [], waiting: [] }, newQueueStats(now));
  for (const d of f.devices) cc.ensureDevice(d.number);
  for (const a of f.agents) {
    // Completed in place, not spread into a new object: a spread gives each of thousands of agents a shape of its own.
    const agent = agentConfig(cc, f, a) as Agent;
    agent.state = a.state;
    agent.stateSince = now;
    agent.idleSince = now;
    cc.addAgent(agent, newAgentStats(now));
    if (a.recordingPolicy !== undefined) cc.recordings.setPolicy(agent.userId, a.recordingPolicy);
  }
}

/**
 * Reset: queues and agents as the fixture configures them, each change reported (a queue that opens or closes, an
 * agent's state, every agent's configuration). Queues made at run time (an interface's configuration, such as a
 * running campaign's queue) stay, with their members. Runs once no call or item is left, with routing paused.
 */
export function restoreWorld(cc: ContactCenter, f: CenterFixture): void {
  for (const qf of f.queues) {
    const q = cc.queues.get(qf.id);
    if (!q) continue;
    const { open, ...config } = queueConfig(cc, qf);
    Object.assign(q, config, { members: [], waiting: [] });
    cc.setQueueOpen(q.id, open);
  }
  for (const af of f.agents) {
    const agent = cc.agents.get(af.userId);
    if (!agent) continue;
    cc.clock.clearTimeout(agent.wrapUpTimer);
    delete agent.wrapUpTimer;
    delete agent.pendingState;
    delete agent.driver;
    delete agent.password;
    Object.assign(agent, agentConfig(cc, f, af));
    for (const qid of agent.queues) cc.queues.get(qid)?.members.push(agent.userId);
    for (const q of cc.queues.values()) if (q.dynamic && q.members.includes(agent.userId)) agent.queues.push(q.id);
    cc.changeAgentState(agent, af.state);
    agent.idleSince = cc.now();
    cc.bus.emit(cc.now(), () => ({ type: 'agentConfig', userId: agent.userId }));
  }
}
