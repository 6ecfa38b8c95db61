/**
 * Calls as contacts of the routing module: a call delivered to a phone queue waits there (routing/ chooses its
 * agent), rings the chosen agent for the queue's ring timeout, and goes back to its place when the agent declines or
 * lets it ring out; that agent is set not ready and never offered the call again. The party that waits is the caller,
 * or, for a call blind-transferred into the queue (Telephony.transferToQueue, divert to a queue number), the party
 * the transferrer left behind.
 */
import type { ContactCenter } from '../center.js';
import type { Agent, Call, Party, Queue } from '../model.js';
import { ACTIVE } from './registry.js';
import type { ContactHost } from '../routing/router.js';
import type { CallParts } from './parts.js';

export class CallAcd implements ContactHost {
  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {
    cc.routing.attach('call', this);
  }

  /** The call waits in the queue (a requeued call keeps its place and is not offered again to the queue). */
  enqueue(call: Call, queue: Queue, requeue = false): void {
    const { reg } = this.p;
    const caller = this.waitingParty(call);
    if (!caller) return;
    const qs = this.cc.queueStatsOf(queue.id);
    const full = !requeue && !this.cc.routing.hasRoom(queue, call.routing);
    if (!queue.open || full) {
      if (qs) qs.routedToFailure += 1;
      return this.p.delivery.routeToFailure(call, queue, caller);
    }
    call.queueId = queue.id;
    call.acd = true;
    if (!requeue) {
      call.queuedAt = call.routing.queueStart ?? this.cc.now();
      if (qs) qs.offered += 1;
    }
    if (!this.cc.routing.insert(queue, call)) return this.p.delivery.fail(call, 'noAnswer');
    caller.state = 'queued';
    if (!requeue) reg.emit('queued', call, [caller], { queueId: queue.id });
    this.cc.emitQueue(queue);
    this.cc.routing.dispatch(queue);
  }

  /** Who waits in the queue: the caller, else (a blind transfer into the queue) the remaining non-agent party. */
  waitingParty(call: Call): Party | undefined {
    return this.p.reg.caller(call) ?? call.parties.find((p) => ACTIVE.has(p.state) && p.role !== 'supervisor' && p.state !== 'alerting');
  }

  contact(id: string): Call | undefined {
    return this.p.reg.find(id);
  }

  offer(id: string, agent: Agent, queue: Queue): void {
    const call = this.p.reg.find(id);
    const caller = call ? this.waitingParty(call) : undefined;
    if (!call || !caller) return;
    this.cc.emitQueue(queue);
    this.p.delivery.alertDevice(call, this.cc.device(agent.extension), caller, { queue, agent });
  }

  /** A call forced to one agent that the agent did not take: it fails as unanswered. */
  forcedExpired(id: string): void {
    const call = this.p.reg.find(id);
    if (call) this.p.delivery.fail(call, 'noAnswer');
  }

  /** The call leaves its queue's waiting list (it ended or was picked another way). */
  removeFromQueue(call: Call): void {
    this.cc.routing.remove(call.queueId, call.id);
  }

  /** Ring-no-answer or decline: the agent is set not ready, excluded from this call, and the call goes back to its place. */
  ringNoAnswer(call: Call, party: Party, queue: Queue): void {
    if (party.state !== 'alerting') return;
    this.p.ending.leave(call, party, 'noAnswer', { keepCall: true, silent: true, agentStays: true });
    const agent = party.userId ? this.cc.agents.get(party.userId) : undefined;
    if (agent) this.cc.routing.exclude(call.routing, agent.userId);
    if (agent && agent.state === 'busy' && !this.p.reg.agentOnCall(agent)) {
      delete agent.pendingState;
      this.cc.changeAgentState(agent, 'notReady', 'ringNoAnswer');
    }
    const qs = this.cc.queueStatsOf(queue.id);
    if (qs) qs.requeued += 1;
    this.p.reg.emit('requeued', call, [party], { cause: 'noAnswer', queueId: queue.id });
    this.enqueue(call, queue, true);
  }
}
