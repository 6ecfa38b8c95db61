/**
 * ICI's user projection (seed 002 §10.10, §9.2): the User element from the core's agent, and workmodes both ways.
 *
 * | core agent state | condition | currentWorkmode |
 * | --- | --- | --- |
 * | loggedOff | | 1 Logged off |
 * | ready | | 2 Logged on - ready |
 * | busy, workingAfterCall | not ready asked for meanwhile | 3 Logged on - not ready |
 * | busy, workingAfterCall | otherwise | 2 Logged on - ready (a call or its wrap-up is not a workmode) |
 * | notReady | reason `noPhone` (set by workmode 1000) | 1000 No Phone |
 * | notReady | otherwise | 3 Logged on - not ready |
 *
 * | setCurrentWorkmode | core request |
 * | --- | --- |
 * | 1 | loggedOff |
 * | 2 | ready |
 * | 3 | notReady |
 * | 1000 | notReady, reason `noPhone` ("treated as Logged on – not ready", §10.10.1) |
 */
import type { Agent, ContactCenter, RequestableAgentState } from '../../core/index.js';
import { canonical, type NumberPlan } from './numbers.js';
import { array, esc, leaf, textElement } from './xml-out.js';

export const WORKMODES = [
  { id: 1, description: 'Logged off' },
  { id: 2, description: 'Logged on - ready' },
  { id: 3, description: 'Logged on - not ready' },
  { id: 1000, description: 'No Phone' },
] as const;
export type Workmode = (typeof WORKMODES)[number]['id'];
export const WORKMODE_IDS: readonly Workmode[] = WORKMODES.map((w) => w.id);

/** The not-ready reason workmode 1000 sets. */
export const NO_PHONE = 'noPhone';

export function workmodeOf(agent: Agent): Workmode {
  switch (agent.state) {
    case 'loggedOff':
      return 1;
    case 'ready':
      return 2;
    case 'notReady':
      return agent.reason === NO_PHONE ? 1000 : 3;
    case 'busy':
    case 'workingAfterCall':
      return agent.pendingState === 'notReady' ? 3 : agent.pendingState === 'loggedOff' ? 1 : 2;
  }
}

export const WORKMODE_REQUESTS: Readonly<Record<Workmode, { state: RequestableAgentState; reason?: string }>> = {
  1: { state: 'loggedOff' },
  2: { state: 'ready' },
  3: { state: 'notReady' },
  1000: { state: 'notReady', reason: NO_PHONE },
};

/** §10.10 User.channels / Address.channel: 1 phone call, 2 message. ICI part 1 offers the phone channel. */
const CHANNELS = textElement('item', 1, 'Telephony');
const WORKMODE_LIST = array(
  'workmodes',
  WORKMODES.map((w) => `<id>${w.id}</id><description>${esc(w.description)}</description>`),
  true,
);

/** currentWorkmode for each workmode, written once (the User is written again on every change of its agent). */
const WORKMODE_XML = Object.fromEntries(WORKMODES.map((w) => [w.id, textElement('currentWorkmode', w.id, w.description)])) as Readonly<Record<Workmode, string>>;

export interface UserSettings {
  plan: NumberPlan;
  /** OII.RequestedWrapUp: wrapUpMode 2 (requested), else 1 (automatic). */
  requestedWrapUp: boolean;
}

/**
 * The User element's children as §9.2.1.3 writes them: currentChannels empty (setCurrentChannels "does nothing"),
 * channels Telephony, queues every phone queue (the queues a user may be assigned to), currentQueues the agent's,
 * addresses the agent's phone (channel 1, canonical) and e-mail (channel 2) addresses.
 */
export function userXml(center: ContactCenter, agent: Agent, s: UserSettings): string {
  const all: string[] = [];
  const mine: string[] = [];
  for (const q of center.queues.values()) {
    if (q.channel !== 'phone') continue;
    const xml = queueXml(q);
    all.push(xml);
    if (agent.queues.includes(q.id)) mine.push(xml);
  }
  const addresses: string[] = [];
  for (const a of agent.addresses) {
    if (a.channel === 'phone') addresses.push(`<address>${esc(canonical(a.address, s.plan))}</address><channel>1</channel>`);
    else if (a.channel === 'email') addresses.push(`<address>${esc(a.address)}</address><channel>2</channel>`);
  }
  return (
    leaf('userId', agent.userId) +
    WORKMODE_XML[workmodeOf(agent)] +
    WORKMODE_LIST +
    leaf('wrapUpMode', s.requestedWrapUp ? 2 : 1) +
    '<currentChannels />' +
    `<channels>${CHANNELS}</channels>` +
    array('currentQueues', mine, true) +
    array('queues', all, true) +
    array('addresses', addresses, true)
  );
}

function queueXml(q: { address: string; name: string }): string {
  return `<id>${esc(q.address)}</id><description>${esc(q.name)}</description>`;
}
