/**
 * IciUser (seed 002 §9.2) and IciContainer (§9.5): the user's attributes and workmode, queues and addresses, and the
 * subscriptions events go to. Every request naming a user or line restarts its subscriptions' timeout.
 */
import { CoreError, type Agent, type Channel } from '../../core/index.js';
import { redactUrl } from '../../notify/index.js';
import { userChanged } from './events.js';
import { badRequest, IciError, ICI_ERRORS } from './faults.js';
import { answer, type BeanHandler, type BeanRequest } from './handler.js';
import type { Oii } from './oii.js';
import { arrayItems, arrayTexts, optText, reqChoice, reqText } from './params.js';
import { resolveTarget } from './app-url.js';
import { NIL } from './xml-out.js';
import { WORKMODE_IDS, WORKMODE_REQUESTS, type Workmode } from './users.js';

function userOf(oii: Oii, req: BeanRequest): Agent {
  const agent = oii.center.agent(reqText(req.element, 'userId'));
  oii.subs.touch(agent.extension);
  return agent;
}

/** §9.2.1: OII reloads the user; old subscriptions go (ICIUSER_AUTOMATIC_UNSUBSCRIBE) and so do its calls (OII.LoginDropCalls). */
function login(oii: Oii, agent: Agent): void {
  if (oii.cfg.automaticUnsubscribe) oii.ended(oii.subs.remove(oii.subs.ofUser(agent.userId, agent.extension)));
  if (!oii.cfg.loginDropCalls) return;
  for (const item of oii.items.ofLine(agent.extension)) if (item.state === 'created') oii.dropCreated(item);
  for (const call of oii.center.telephony.callsOf(agent.extension)) {
    try {
      oii.center.telephony.drop(agent.extension, call.id);
    } catch (err) {
      // The login goes on: a call that cannot be dropped now (PBX link down) stays.
      oii.log.warn({ userId: agent.userId, callId: call.id, reason: err instanceof Error ? err.message : String(err) }, 'ICI login: call not dropped');
    }
  }
}

/** A subscription (IciUser or IciContainer): key appUrl + appId, events to its (mapped, checked) target. */
async function subscribe(oii: Oii, req: BeanRequest, kind: 'user' | 'container', line: string, userId: string | undefined): Promise<string> {
  const appUrl = reqText(req.element, 'appUrl');
  const appId = reqText(req.element, 'appId', 'appld');
  const target = await resolveTarget(appUrl, oii.appUrls);
  oii.assertRunning();
  // ici.maxSubscriptionsPerLine: every subscription holds a notifier queue; a client subscribing without end (or to a
  // dead URL in a loop) is refused with 4/5 rather than growing memory. Subscribing again with the same key replaces.
  const max = oii.cfg.maxSubscriptionsPerLine;
  if (!oii.subs.has(kind, appUrl, appId, line) && oii.subs.countOnLine(line) >= max) {
    throw new CoreError('limitExceeded', `at most ${max} subscriptions per line (ici.maxSubscriptionsPerLine)`);
  }
  const { sub, replaced } = oii.subs.subscribe({ kind, appUrl, appId, target, line, ...(userId === undefined ? {} : { userId }) }, oii.center.now());
  oii.targets.open(target);
  if (replaced !== undefined && replaced.target !== target) oii.ended([replaced]);
  oii.log.info({ kind, appId, line, target: redactUrl(target) }, 'ICI subscribed');
  const agent = userId === undefined ? undefined : oii.center.findAgent(userId);
  if (kind === 'user' && agent !== undefined) {
    // §3.3.2: afterwards OII sends userChanged; after this answer, to the new subscription.
    const xml = oii.userXml(agent);
    oii.users.set(agent.userId, xml);
    setImmediate(() => {
      if (oii.subs.hasTarget(sub.target)) oii.targets.send(sub.target, [sub.appId], userChanged(xml));
    });
  }
  return answer(req, null);
}

function unsubscribe(oii: Oii, req: BeanRequest, kind: 'user' | 'container'): string {
  const appUrl = reqText(req.element, 'appUrl');
  const appId = reqText(req.element, 'appId', 'appld');
  oii.ended(oii.subs.unsubscribe(kind, appUrl, appId));
  return answer(req, null);
}

const ADDRESS_CHANNELS: Readonly<Record<string, Channel>> = { '1': 'phone', '2': 'email' };

export const USER_HANDLERS: Record<string, BeanHandler> = {
  'IciUser.getAttributes': (oii, req) => {
    const cmsHostId = `<cmsHostId>${oii.cmsHostId}</cmsHostId>`;
    // §9.2.1: cmsPing TRUE only asks whether the contact center is alive: an empty answer but for cmsHostId.
    if ((optText(req.element, 'cmsPing') ?? '').toUpperCase() === 'TRUE') {
      const pinged = oii.center.findAgent(optText(req.element, 'userId') ?? '');
      if (pinged) oii.subs.touch(pinged.extension);
      return answer(req, NIL, cmsHostId);
    }
    const agent = userOf(oii, req);
    login(oii, agent);
    const xml = oii.userXml(agent);
    oii.users.set(agent.userId, xml);
    return answer(req, xml, cmsHostId);
  },

  'IciUser.setCurrentWorkmode': (oii, req) => {
    const agent = userOf(oii, req);
    const mode = reqChoice<Workmode>(req.element, 'workmode', WORKMODE_IDS);
    const { state, reason } = WORKMODE_REQUESTS[mode];
    oii.center.setAgentState(agent.userId, state, reason);
    // A state asked for during a call waits for its end (no core event yet), but it is the user's workmode now.
    oii.notifyUser(agent.userId);
    return answer(req, null);
  },

  // §9.2.3: "Currently this operation does nothing in Cctr."
  'IciUser.setCurrentChannels': (oii, req) => {
    userOf(oii, req);
    arrayTexts(req.element, 'channels');
    return answer(req, null);
  },

  // §9.2.4: only with OII.SetCurrentQueues; otherwise the agent chooses queues on the desktop.
  'IciUser.setCurrentQueues': (oii, req) => {
    const agent = userOf(oii, req);
    const wanted = arrayTexts(req.element, 'queues').filter((q) => q !== '');
    const phone = wanted.map((id) => {
      const q = oii.center.queue(id.replace(/^\+/, ''));
      if (q.channel !== 'phone') throw badRequest(`${id} is not a phone queue`);
      return q.id;
    });
    if (oii.cfg.setCurrentQueues) {
      const others = agent.queues.filter((id) => oii.center.queues.get(id)?.channel !== 'phone');
      oii.center.setAgentQueues(agent.userId, [...others, ...phone]);
    }
    return answer(req, null);
  },

  'IciUser.setAddresses': (oii, req) => {
    const agent = userOf(oii, req);
    const addresses = arrayItems(req.element, 'addresses').map((el) => {
      const channel = ADDRESS_CHANNELS[reqText(el, 'channel')];
      if (channel === undefined) throw badRequest('an address channel is 1 (phone) or 2 (message)');
      const address = reqText(el, 'address');
      return { channel, address: channel === 'phone' ? oii.toCore(address) : address };
    });
    oii.center.setAgentAddresses(agent.userId, addresses);
    return answer(req, null);
  },

  'IciUser.subscribe': (oii, req) => {
    const agent = userOf(oii, req);
    return subscribe(oii, req, 'user', agent.extension, agent.userId);
  },

  'IciUser.unsubscribe': (oii, req) => unsubscribe(oii, req, 'user'),

  /** §9.5.1: channelType 1 (phone line) is this version's; 2–4 (folder, chat line, action inbox) are part 2. */
  'IciContainer.subscribe': (oii, req) => {
    const type = reqChoice(req.element, 'channelType', [1, 2, 3, 4]);
    if (type !== 1) throw new IciError(ICI_ERRORS.notAvailable, `container channelType ${type}: only phone lines (1) are served in this version`);
    const line = oii.lineOf(reqText(req.element, 'containerId'));
    oii.subs.touch(line);
    return subscribe(oii, req, 'container', line, oii.agentOfLine(line)?.userId);
  },

  'IciContainer.unsubscribe': (oii, req) => unsubscribe(oii, req, 'container'),
};

