/**
 * Presence (seed 002 §9.1.3, §9.1.4, §10.3–10.6) from the core's live figures.
 *
 * getPresenceQueueInfo: the queues of a channel type (1 phone, 2 e-mail, 3 chat, 4 action items) the user serves, or
 * every one with `ici.getPresenceQueueInfoAll`; `ici.getPresenceQueueInfoFilter` 1 keeps queues with logged-in
 * agents, 2 with ready agents; the real WSDL's queueGuid / queueAddress / queueName narrow it to one queue. Figures
 * come from `routing.queueFigures`: loggedIn, ready, busy, wrapUp (workingAfterCall), notReady as the core counts
 * members; pending = contacts waiting; open 1/0; avgWaitingTime / maxWaitingTime = average and longest wait of the
 * contacts waiting now, in whole seconds. `paused` is always 0: the core has no paused state, an agent who pauses is
 * not ready and counted in notReady. One group, id 1, description `*` (§9.1.3 "Currently always returns only one group").
 *
 * getUserPresence: presenceStatus 0 NotAvailable (not ready), 1 Available (ready), 2 Busy (on a call or wrapping up),
 * 3 LoggedOff; collaborationData: the phone address as Call (101), Blind transfer (3) and Warm transfer (104), the
 * e-mail address as Blind transfer (channel 2, with `ici.getUserPresenceEmail`), and as chat (channel 3, IM, whose
 * address is the e-mail address, §4.6) unless `ici.getUserPresenceChat` is false.
 */
import { createHash } from 'node:crypto';
import type { Agent, ContactCenter, Queue } from '../../core/index.js';
import { badRequest } from './faults.js';
import { canonical, type NumberPlan } from './numbers.js';
import type { IciSettings } from './oii.js';
import { array, leaf } from './xml-out.js';

const CHANNEL_OF_TYPE = { 1: 'phone', 2: 'email', 3: 'chat', 4: 'action' } as const;
export type ChannelType = keyof typeof CHANNEL_OF_TYPE;

/** A queue's stable GUID (32 hex digits, CC 7 names queues by GUID): the core has none, so one is derived from its id. */
export function queueGuid(q: Queue): string {
  return createHash('sha256').update(`ccgate-queue:${q.id}`).digest('hex').slice(0, 32).toUpperCase();
}

export interface QueueFilter {
  guid?: string | undefined;
  address?: string | undefined;
  name?: string | undefined;
}

export function presenceQueueInfo(center: ContactCenter, cfg: IciSettings, plan: NumberPlan, agent: Agent | undefined, type: ChannelType, f: QueueFilter): string {
  const channel = CHANNEL_OF_TYPE[type];
  let queues = [...center.queues.values()].filter((q) => q.channel === channel);
  if (!cfg.getPresenceQueueInfoAll) queues = queues.filter((q) => agent?.queues.includes(q.id) ?? false);
  if (f.guid) queues = queues.filter((q) => queueGuid(q) === f.guid?.replace(/-/g, '').toUpperCase());
  if (f.address) queues = queues.filter((q) => q.address.toLowerCase() === f.address?.replace(/^\+/, '').toLowerCase());
  if (f.name) queues = queues.filter((q) => q.name.toLowerCase() === f.name?.toLowerCase());
  const items: string[] = [];
  for (const q of queues) {
    const fig = center.routing.queueFigures(q.id);
    if (cfg.getPresenceQueueInfoFilter === 1 && fig.loggedIn === 0) continue;
    if (cfg.getPresenceQueueInfoFilter === 2 && fig.ready === 0) continue;
    items.push(
      leaf('id', channel === 'phone' ? canonical(q.address, plan) : q.address) +
        leaf('description', q.name) +
        leaf('guid', queueGuid(q)) +
        leaf('loggedIn', String(fig.loggedIn)) +
        leaf('ready', String(fig.ready)) +
        leaf('pending', String(fig.waiting)) +
        leaf('open', fig.open ? '1' : '0') +
        leaf('avgWaitingTime', String(Math.round(fig.averageWaitMs / 1000))) +
        leaf('maxWaitingTime', String(Math.round(fig.longestWaitMs / 1000))) +
        leaf('busy', String(fig.busy)) +
        leaf('wrapUp', String(fig.wrapUp)) +
        leaf('notReady', String(fig.notReady)) +
        // The core has no paused state (see the file comment).
        leaf('paused', '0'),
    );
  }
  // The seed's example writes `<queuesId xsi:nil="true" />`, but the real IciSystem WSDL does not declare queuesId
  // nillable, so schema-checking clients refuse nil: an empty ArrayOfString says the same (no queue list) validly.
  const group = '<item><id>1</id><description>*</description><parentId /><queuesId /></item>';
  return `<groupInfo>${group}</groupInfo>${array('queueInfo', items, true)}`;
}

const PRESENCE = {
  notAvailable: [0, 'NotAvailable'],
  available: [1, 'Available'],
  busy: [2, 'Busy'],
  loggedOff: [3, 'LoggedOff'],
} as const;

function presenceOf(agent: Agent): (typeof PRESENCE)[keyof typeof PRESENCE] {
  switch (agent.state) {
    case 'loggedOff':
      return PRESENCE.loggedOff;
    case 'ready':
      return PRESENCE.available;
    case 'busy':
    case 'workingAfterCall':
      return PRESENCE.busy;
    case 'notReady':
      return PRESENCE.notAvailable;
  }
}

function collaboration(description: string, channel: number, capability: number, address: string): string {
  return `<item>${leaf('description', description)}${leaf('channel', String(channel))}${leaf('capability', String(capability))}${leaf('address', address)}</item>`;
}

function userPresenceItem(agent: Agent, cfg: IciSettings, plan: NumberPlan): string {
  const [status, description] = presenceOf(agent);
  let data = '';
  for (const a of agent.addresses) {
    if (a.channel === 'phone') {
      const n = canonical(a.address, plan);
      data += collaboration('Call', 1, 101, n) + collaboration('Blind transfer', 1, 3, n) + collaboration('Warm transfer', 1, 104, n);
    } else if (a.channel === 'email') {
      if (cfg.getUserPresenceEmail) data += collaboration('Blind transfer', 2, 3, a.address);
      if (cfg.getUserPresenceChat) data += collaboration('Chat', 3, 3, a.address);
    }
  }
  return `<item>${leaf('user', agent.userId)}${leaf('presenceStatus', String(status))}${leaf('presenceDescription', description)}${data === '' ? '<collaborationData />' : `<collaborationData>${data}</collaborationData>`}</item>`;
}

/** Whether every word of the search term is in the agent's names, user id or addresses. */
function matches(agent: Agent, words: string[]): boolean {
  const hay = [agent.userId, agent.name, agent.firstName, agent.lastName, ...agent.addresses.map((a) => a.address)].join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** §9.1.4: `users` if any (unknown ones are left out), else the agents `searchterm` finds, at most `maxhits` (100). */
export function userPresence(center: ContactCenter, cfg: IciSettings, plan: NumberPlan, users: string[], searchterm: string | undefined, maxhits: number | undefined): string {
  let agents: Agent[];
  if (users.length > 0) {
    agents = users.map((u) => center.findAgent(u)).filter((a): a is Agent => a !== undefined);
  } else {
    const words = (searchterm ?? '').toLowerCase().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) throw badRequest('getUserPresence needs users or a searchterm');
    agents = [...center.agents.values()].filter((a) => matches(a, words)).slice(0, maxhits ?? 100);
  }
  return agents.map((a) => userPresenceItem(a, cfg, plan)).join('');
}

