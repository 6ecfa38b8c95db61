/** ACD for calls: the waiting list of each phone queue, agent choice, ring-no-answer. */
import type { ContactCenter } from '../center.js';
import type { Agent, Call, Party, Queue, Waiting } from '../model.js';
import { addTally } from '../stats.js';
import type { CallParts } from './parts.js';

export class CallAcd {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {}

  enqueue(call: Call, queue: Queue, front = false): void {
    const { reg } = this.p;
    const caller = reg.caller(call);
    if (!caller) return;
    const qs = this.cc.queueStatsOf(queue.id);
    if (!queue.open) {
      if (qs) qs.routedToFailure += 1;
      return this.p.delivery.fail(call, 'destNotObtainable');
    }
    const now = this.cc.now();
    call.queueId = queue.id;
    call.acd = true;
    if (!front) {
      call.queuedAt = now;
      if (qs) qs.offered += 1;
    }
    caller.state = 'queued';
    const w: Waiting = { id: call.id, kind: 'call', since: call.queuedAt ?? now, priority: call.priority };
    const preferred = call.attached['preferredAgent'];
    if (preferred) w.preferredAgent = preferred;
    // Priority first (1 = highest), then arrival: a requeued call keeps its original place.
    const at = queue.waiting.findIndex((x) => x.priority > w.priority || (x.priority === w.priority && x.since > w.since));
    if (at < 0) queue.waiting.push(w);
    else queue.waiting.splice(at, 0, w);
    this.waiting.set(call.id, w);
    if (!front) reg.emit('queued', call, [caller], { queueId: queue.id });
    this.cc.emitQueue(queue);
    this.dispatch(queue);
  }

  /** Longest-idle ready member with the skills the call needs; a preferred agent goes first when available. */
  private pickAgent(queue: Queue, call: Call, w: Waiting): Agent | undefined {
    const ok = (a: Agent) =>
      a.queues.includes(queue.id) &&
      this.cc.isAvailable(a, 'phone') &&
      !this.cc.device(a.extension).dnd &&
      Object.entries({ ...queue.skills, ...call.skills }).every(([s, lvl]) => (a.skills[s] ?? 0) >= lvl);
    if (w.preferredAgent) {
      const p = this.cc.findAgent(w.preferredAgent);
      if (p && ok(p)) return p;
    }
    for (const a of this.cc.readyAgents.values()) if (ok(a)) return a;
    return undefined;
  }

  dispatch(queue: Queue): void {
    if (this.cc.isDown('pbxLink')) return;
    const { reg } = this.p;
    for (let i = 0; i < queue.waiting.length; ) {
      const w = queue.waiting[i];
      const call = w ? reg.find(w.id) : undefined;
      if (!w || !call) {
        queue.waiting.splice(i, 1);
        continue;
      }
      const agent = this.pickAgent(queue, call, w);
      if (!agent) {
        i++;
        continue;
      }
      queue.waiting.splice(i, 1);
      this.waiting.delete(call.id);
      const qs = this.cc.queueStatsOf(queue.id);
      if (qs) {
        addTally(qs.queued, this.cc.now() - (call.queuedAt ?? call.createdAt));
        if (w.preferredAgent && this.cc.findAgent(w.preferredAgent) === agent) qs.routedToPreferred += 1;
        else qs.routedToDistribution += 1;
      }
      const caller = reg.caller(call);
      if (!caller) continue;
      this.cc.emitQueue(queue);
      this.p.delivery.alertDevice(call, this.cc.device(agent.extension), caller, { queue, agent });
    }
  }

  removeFromQueue(call: Call): void {
    const w = this.waiting.get(call.id);
    if (!w || !call.queueId) return;
    this.waiting.delete(call.id);
    const q = this.cc.queues.get(call.queueId);
    if (!q) return;
    const i = q.waiting.indexOf(w);
    if (i >= 0) q.waiting.splice(i, 1);
    this.cc.emitQueue(q);
  }

  /** Ring-no-answer: the agent is set not ready and the call goes back to the front of its queue. */
  ringNoAnswer(call: Call, party: Party, queue: Queue): void {
    if (party.state !== 'alerting') return;
    this.p.ending.leave(call, party, 'noAnswer', { keepCall: true, silent: true, agentStays: true });
    const agent = party.userId ? this.cc.agents.get(party.userId) : undefined;
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
