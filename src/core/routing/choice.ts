/**
 * Agent choice for one waiting contact, calls and items alike. In order:
 * 1. who may take it at all: a member of the queue, working the channel, available (phone: ready, device free, no
 *    DND; items: ready or busy), with room in their capacity for the item's channel and type, with every skill the
 *    queue and the contact ask for, not excluded from this contact (they declined it or let it ring out), and not
 *    resting after a contact of this queue (Queue.restSec);
 * 2. a forced agent, while forced: that agent or nobody;
 * 3. the preferred agent, when they may take it;
 * 4. by the queue's distribution: `linear` the first fit in member order, `circular` the first fit after the member
 *    chosen last; `longestIdle` (default) phone: the longest-idle ready agent (the ready-agent order is kept as agents
 *    become ready, so this is the first fit, not a scan of every agent); items: the least loaded member, the longest
 *    idle among equals.
 */
import type { ContactCenter } from '../center.js';
import type { Agent, ItemChannel, Queue, RoutingInputs } from '../model.js';
import type { Capacity } from './capacity.js';
import type { MemberState } from './members.js';

/** Every skill of the queue and of the contact at the level asked (the contact's level wins for a shared name). */
function hasSkills(agent: Agent, queueSkills: Record<string, number>, contactSkills: Record<string, number>): boolean {
  for (const s in contactSkills) if ((agent.skills[s] ?? 0) < (contactSkills[s] ?? 0)) return false;
  for (const s in queueSkills) if (!(s in contactSkills) && (agent.skills[s] ?? 0) < (queueSkills[s] ?? 0)) return false;
  return true;
}

export class AgentChoice {
  constructor(
    private readonly cc: ContactCenter,
    private readonly capacity: Capacity,
    private readonly members: MemberState,
  ) {}

  /** Whether the agent may be offered this contact of this queue now (rule 1). */
  eligible(agent: Agent, queue: Queue, r: RoutingInputs): boolean {
    return this.refusal(agent, queue, r) === undefined;
  }

  /**
   * Why rule 1 keeps the agent from this contact of this queue now, in words for an API client (a constant string,
   * so the routing pass pays nothing for it), or undefined when they may take it.
   */
  refusal(agent: Agent, queue: Queue, r: RoutingInputs): string | undefined {
    const channel = queue.channel;
    if (!agent.queues.includes(queue.id)) return 'the agent is not a member of the queue';
    if (!agent.channels.includes(channel)) return 'the agent does not work this channel';
    if (r.excluded.length > 0 && r.excluded.includes(agent.userId)) return 'the agent declined this contact';
    if (queue.restSec !== undefined && this.members.resting(queue.id, agent.userId, this.cc.now())) return 'the agent is resting after a contact of this queue';
    if (channel === 'phone') {
      if (agent.state !== 'ready') return 'the agent is not ready';
      const dev = this.cc.devices.get(agent.extension);
      if (!dev || dev.dnd || this.cc.telephony.deviceBusy(agent.extension)) return 'the agent\'s device is not free';
    } else {
      if (agent.state !== 'ready' && agent.state !== 'busy') return 'the agent is not available';
      if (!this.capacity.fits(agent, channel, r.type)) return 'the agent has no room for another contact of this type';
    }
    return hasSkills(agent, queue.skills, r.skills) ? undefined : 'the agent lacks a skill the queue or the contact asks for';
  }

  /**
   * Whether any member of the queue could take some contact now (works the channel and is in an available state): a
   * pass over the waiting list is pointless without one, and costs a choice per waiting contact.
   */
  anyAvailable(queue: Queue): boolean {
    // Phone: only ready agents can take a call, and the ready list is short exactly when the pass is pointless (every
    // agent busy), so scanning it costs nothing then; a scan of the members would cost a big queue's size per call.
    if (queue.channel === 'phone') {
      for (const a of this.cc.readyAgents.values()) if (a.channels.includes('phone') && a.queues.includes(queue.id)) return true;
      return false;
    }
    for (const uid of queue.members) {
      const a = this.cc.agents.get(uid);
      if (!a || !a.channels.includes(queue.channel)) continue;
      if (a.state === 'ready' || a.state === 'busy') return true;
    }
    return false;
  }

  choose(queue: Queue, r: RoutingInputs): Agent | undefined {
    if (r.forcedAgent) {
      const forced = this.cc.agents.get(r.forcedAgent.userId);
      return forced && this.eligible(forced, queue, r) ? forced : undefined;
    }
    if (r.preferredAgent !== undefined) {
      const p = this.cc.agents.get(r.preferredAgent);
      if (p && this.eligible(p, queue, r)) return p;
    }
    if (queue.distribution === 'linear' || queue.distribution === 'circular') {
      for (const uid of this.members.order(queue)) {
        const a = this.cc.agents.get(uid);
        if (a && this.eligible(a, queue, r)) return a;
      }
      return undefined;
    }
    if (queue.channel === 'phone') {
      for (const a of this.cc.readyAgents.values()) if (this.eligible(a, queue, r)) return a;
      return undefined;
    }
    const channel = queue.channel as ItemChannel;
    let best: Agent | undefined;
    let bestLoad = Infinity;
    for (const uid of queue.members) {
      const a = this.cc.agents.get(uid);
      if (!a || !this.eligible(a, queue, r)) continue;
      const load = this.capacity.load(a.userId, channel, r.type);
      if (load < bestLoad || (load === bestLoad && best !== undefined && a.idleSince < best.idleSince)) {
        best = a;
        bestLoad = load;
      }
    }
    return best;
  }
}
