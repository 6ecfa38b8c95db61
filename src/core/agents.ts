/**
 * Agent state: requests people make (desktop, TelServices agentState, ICI workmode, control API), changes the system
 * makes (busy on a call, wrap-up, ring-no-answer), the wrap-up timer, and the ready-agent order ACD routing reads.
 */
import type { ContactCenter } from './center.js';
import { CoreError } from './errors.js';
import { REQUESTABLE_AGENT_STATES, type Agent, type AgentState, type RequestableAgentState } from './model.js';

export class AgentStates {
  /**
   * Ready agents in the order they became ready: a Map keeps insertion order, and an agent is re-inserted each time
   * it becomes available, so the first entry is the longest-idle agent (ACD routing without sorting).
   */
  readonly ready = new Map<string, Agent>();

  constructor(private readonly cc: ContactCenter) {}

  /**
   * A person changes their state. While on a call the request is remembered and applied when the call ends (a busy
   * agent stays busy); logging off during a call is refused (`invalidState`); `busy` cannot be requested.
   */
  request(userId: string, state: RequestableAgentState, reason?: string): void {
    const agent = this.cc.agent(userId);
    if (!(REQUESTABLE_AGENT_STATES as readonly string[]).includes(state)) {
      throw new CoreError('invalidArgument', `state ${String(state)} cannot be requested`);
    }
    if (agent.state === 'busy') {
      if (state === 'loggedOff') throw new CoreError('invalidState', 'an agent on a call cannot log off');
      agent.pendingState = state;
      return;
    }
    this.change(agent, state, reason);
  }

  /** System-side state change (busy on a call, wrap-up, ring-no-answer). */
  change(agent: Agent, state: AgentState, reason?: string): void {
    const { cc } = this;
    const now = cc.now();
    cc.clock.clearTimeout(agent.wrapUpTimer);
    agent.wrapUpTimer = undefined;
    const previous = agent.state;
    if (previous === state && agent.reason === reason) return;
    const stats = cc.statsOf(agent.userId);
    if (stats) stats.stateMs[previous] += Math.max(0, now - Math.max(agent.stateSince, stats.since));
    agent.state = state;
    agent.stateSince = now;
    if (reason === undefined) delete agent.reason;
    else agent.reason = reason;
    if (state === 'ready') {
      agent.idleSince = now;
      this.ready.delete(agent.userId);
      this.ready.set(agent.userId, agent);
    } else {
      this.ready.delete(agent.userId);
    }
    const timeoutSec = state === 'workingAfterCall' ? this.armWrapUp(agent) : undefined;
    if (previous !== state) cc.addHistory({ recordType: 'agent', deviceNumber: agent.extension, userId: agent.userId, agentState: state });
    cc.bus.emit(now, () => {
      const e = { type: 'agent' as const, userId: agent.userId, extension: agent.extension, state, previous, workItems: cc.routing.capacity.heldBy(agent.userId) };
      return {
        ...e,
        ...(reason !== undefined ? { reason } : {}),
        ...(timeoutSec !== undefined ? { timeoutSec } : {}),
      };
    });
    if (state === 'ready') this.cc.routing.dispatchAgent(agent);
    // Items offered to an agent who left go back to their queues now, not at their ring timeout (items.ts).
    if (state === 'loggedOff' && previous !== 'loggedOff') cc.items.withdrawOffers(agent.userId);
  }

  /**
   * The work items the agent holds changed (one allocated, completed, cancelled, rejected or diverted), or a wrap-up's
   * timeout was taken away (holdWrapUp): an agent event with the state unchanged (`previous` = `state`), the current
   * `workItems` count and no `timeoutSec`.
   */
  announceItems(agent: Agent): void {
    const { cc } = this;
    cc.bus.emit(cc.now(), () => ({
      type: 'agent' as const,
      userId: agent.userId,
      extension: agent.extension,
      state: agent.state,
      previous: agent.state,
      workItems: cc.routing.capacity.heldBy(agent.userId),
      ...(agent.reason !== undefined ? { reason: agent.reason } : {}),
    }));
  }

  /**
   * Holds a wrapping-up agent in wrap-up until released (its timer is cleared); releasing ends the wrap-up now, as
   * its timer would: the state asked for meanwhile, else ready. false (nothing changed) when not wrapping up.
   */
  holdWrapUp(agent: Agent, hold: boolean): boolean {
    if (agent.state !== 'workingAfterCall') return false;
    const hadTimeout = agent.wrapUpTimer !== undefined;
    this.cc.clock.clearTimeout(agent.wrapUpTimer);
    agent.wrapUpTimer = undefined;
    if (hold) {
      // The wrap-up announced with a timeout (AgentEvent.timeoutSec) now has none: said again without it, so an
      // interface that showed the countdown (TelServices' agent timeout) does not promise an end that will not come.
      if (hadTimeout) this.announceItems(agent);
      return true;
    }
    const next = agent.pendingState ?? 'ready';
    delete agent.pendingState;
    this.change(agent, next);
    return true;
  }

  /** Reset: the ready-agent order becomes this order (longest idle first), for the agents who are ready. */
  reorder(userIds: string[]): void {
    this.ready.clear();
    for (const id of userIds) {
      const a = this.cc.agents.get(id);
      if (a?.state === 'ready') this.ready.set(id, a);
    }
  }

  /** Wrap-up ends by itself after the agent's (or its driver's) wrap-up time; returns that time in seconds. */
  private armWrapUp(agent: Agent): number | undefined {
    const wrap = agent.driver ? agent.driver.wrapUpSec : agent.wrapUpSec;
    if (wrap <= 0) return undefined;
    agent.wrapUpTimer = this.cc.clock.setTimeout(() => {
      agent.wrapUpTimer = undefined;
      if (agent.state === 'workingAfterCall') this.change(agent, agent.pendingState ?? 'ready');
      delete agent.pendingState;
    }, wrap * 1000);
    return wrap;
  }
}
