/** Builds the contact center's agents, devices, queues and directory from a validated fixture. */
import type { ContactCenter } from './center.js';
import type { DirectoryInput } from './directory.js';
import type { CenterFixture } from './fixture.js';
import type { Agent, ItemChannel, Queue } from './model.js';
import { newAgentStats, newQueueStats } from './stats.js';

/** One contact at a time per channel unless the fixture says otherwise (as a BCM/ICI agent is offered by default). */
const ITEM_CAPACITY: Record<ItemChannel, number> = { email: 1, chat: 1, action: 1, openmedia: 1 };

export function loadWorld(cc: ContactCenter, f: CenterFixture): DirectoryInput[] {
  const now = cc.now();
  for (const q of f.queues) {
    const queue: Queue = {
      id: q.id,
      name: q.name,
      channel: q.channel,
      address: q.address,
      open: q.open,
      members: [],
      skills: { ...q.skills },
      ringTimeoutSec: q.ringTimeoutSec ?? cc.options.ringTimeoutSec,
      waiting: [],
    };
    if (q.tenantId !== undefined) queue.tenantId = q.tenantId;
    cc.addQueue(queue, newQueueStats(now));
  }
  for (const d of f.devices) cc.ensureDevice(d.number);
  const directory: DirectoryInput[] = [];
  const capacity = { ...ITEM_CAPACITY, ...f.routing.capacity };
  for (const a of f.agents) {
    const [firstName, ...rest] = a.name.split(' ');
    const agent: Agent = {
      userId: a.userId,
      name: a.name,
      firstName: firstName ?? a.name,
      lastName: rest.join(' '),
      extension: a.extension,
      queues: [...a.queues],
      channels: [...a.channels],
      skills: { ...a.skills },
      state: a.state,
      stateSince: now,
      wrapUpSec: a.wrapUpSec ?? cc.options.wrapUpSec,
      idleSince: now,
      capacity: { ...capacity, ...a.capacity },
      addresses: [{ channel: 'phone', address: a.extension }],
    };
    if (a.password !== undefined) agent.password = a.password;
    if (a.driver) agent.driver = { ...a.driver };
    cc.addAgent(agent, newAgentStats(now));
    directory.push({ number: agent.extension, name: agent.name, numberType: 'work' });
  }
  for (const e of f.directory) {
    const entry: DirectoryInput = { number: e.number, name: e.name };
    if (e.company !== undefined) entry.company = e.company;
    if (e.numberType !== undefined) entry.numberType = e.numberType;
    directory.push(entry);
  }
  return directory;
}
