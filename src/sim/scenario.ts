/**
 * Scenarios: a timed list of steps the simulated world performs (calls arrive, agents act, faults happen).
 * Each step's arguments are validated when the step runs; a failing step is recorded, the rest go on.
 */
import { z } from 'zod';
import type { ContactCenter } from '../core/index.js';

export interface ScenarioStepInput {
  at: number;
  do: 'call' | 'hangup' | 'agentAction' | 'agentState' | 'fault' | 'externalAnswer' | 'email' | 'chat';
  args: Record<string, unknown>;
}

export interface ScenarioRun {
  id: string;
  name?: string;
  steps: number;
  done: number;
  results: { step: number; ok: boolean; result?: string; error?: string }[];
}

export type AgentActionRunner = (userId: string, action: string, number?: string, callId?: string) => string;

const str = z.string().min(1).max(256);

export class ScenarioRunner {
  readonly runs = new Map<string, ScenarioRun>();
  /** Call ids created by "call" steps, by the step's `ref`, so later steps can name them. */
  private readonly refs = new Map<string, string>();

  constructor(
    private readonly cc: ContactCenter,
    private readonly agentAction: AgentActionRunner,
  ) {}

  start(steps: ScenarioStepInput[], name?: string): ScenarioRun {
    const run: ScenarioRun = { id: this.cc.ids.guid(), steps: steps.length, done: 0, results: [] };
    if (name) run.name = name;
    this.runs.set(run.id, run);
    steps.forEach((step, i) => {
      this.cc.clock.setTimeout(() => {
        try {
          const result = this.execute(step);
          run.results.push({ step: i, ok: true, ...(result ? { result } : {}) });
        } catch (e) {
          run.results.push({ step: i, ok: false, error: (e as Error).message });
        }
        run.done += 1;
      }, step.at);
    });
    return run;
  }

  private callRef(args: Record<string, unknown>): string {
    const ref = z.object({ callId: str.optional(), ref: str.optional() }).parse(args);
    const id = ref.callId ?? (ref.ref ? this.refs.get(ref.ref) : undefined);
    if (!id) throw new Error('step names no known call (callId or ref)');
    return id;
  }

  private execute(step: ScenarioStepInput): string | undefined {
    const a = step.args;
    const t = this.cc.telephony;
    switch (step.do) {
      case 'call': {
        const p = z.object({ from: str, to: str, ref: str.optional(), attached: z.record(z.string(), z.string()).optional() }).parse(a);
        const call = t.inbound(p.from, p.to, p.attached ? { attached: p.attached } : {});
        if (p.ref) this.refs.set(p.ref, call.id);
        return call.id;
      }
      case 'hangup': {
        const p = z.object({ number: str.optional() }).parse(a);
        t.hangup(this.callRef(a), p.number);
        return undefined;
      }
      case 'externalAnswer': {
        const p = z.object({ number: str.optional() }).parse(a);
        t.externalAnswer(this.callRef(a), p.number);
        return undefined;
      }
      case 'agentAction': {
        const p = z.object({ userId: str, action: str, number: str.optional(), callId: str.optional(), ref: str.optional() }).parse(a);
        const callId = p.callId ?? (p.ref ? this.refs.get(p.ref) : undefined);
        return this.agentAction(p.userId, p.action, p.number, callId);
      }
      case 'agentState': {
        const p = z.object({ userId: str, state: z.enum(['loggedOff', 'ready', 'notReady', 'workingAfterCall']) }).parse(a);
        this.cc.setAgentState(p.userId, p.state);
        return undefined;
      }
      case 'fault': {
        const p = z.object({ component: z.enum(['pbxLink', 'router', 'agentServer', 'callDispatcher']), state: z.enum(['down', 'up']) }).parse(a);
        this.cc.setFault(p.component, p.state === 'down');
        return undefined;
      }
      case 'email': {
        const p = z.object({ from: str, to: str, subject: z.string().max(998).default(''), body: z.string().default('') }).parse(a);
        return this.cc.items.create({ channel: 'email', queueId: p.to, from: p.from, to: p.to, subject: p.subject, body: p.body }).id;
      }
      case 'chat': {
        const p = z.object({ from: str, to: str, text: z.string().min(1) }).parse(a);
        return this.cc.items.create({ channel: 'chat', queueId: p.to, from: p.from, to: p.to, text: p.text }).id;
      }
    }
  }
}
