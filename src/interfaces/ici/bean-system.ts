/** IciSystem (seed 002 §9.1): product information, workcenter capability and presence; callbacks and recordings are part 2. */
import { VERSION } from '../../version.js';
import { answer, type BeanHandler } from './handler.js';
import type { Oii } from './oii.js';
import { arrayTexts, optCount, optText, reqChoice } from './params.js';
import { presenceQueueInfo, userPresence, type ChannelType } from './presence.js';
import { array, leaf } from './xml-out.js';

/** §10.2: the ICI groups ccgate supports in this version (messaging is part 2). */
const MESSAGE_GROUPS = ['IciGroupBasic', 'IciGroupUser', 'IciGroupTelephony'];

/** ICI version ccgate answers with (§9.1.1.3 answers "3.00"; OII is compatible with ICI 3.07). */
const ICI_VERSION = '3.00';

export const SYSTEM_HANDLERS: Record<string, BeanHandler> = {
  'IciSystem.exchangeProductInformation': (_oii, req) =>
    answer(
      req,
      leaf('message', null) +
        leaf('productName', 'WicomOII') +
        array('iciMessageGroups', MESSAGE_GROUPS) +
        leaf('productVersion', VERSION) +
        leaf('iciVersion', ICI_VERSION),
    ),

  // §9.1.2: "OII always responds with the same values, because Free Seating feature is not supported."
  'IciSystem.getWorkcenterCapability': (_oii, req) => answer(req, leaf('types', '0') + leaf('workcenterList', false) + leaf('filter', false)),

  'IciSystem.getPresenceQueueInfo': (oii: Oii, req) => {
    const el = req.element;
    const type = reqChoice<ChannelType>(el, 'channelType', [1, 2, 3, 4]);
    const userId = optText(el, 'userId');
    const agent = userId === undefined || userId === '' ? undefined : oii.center.findAgent(userId);
    if (!oii.cfg.getPresenceQueueInfoAll && userId !== undefined && userId !== '' && agent === undefined) oii.center.agent(userId);
    if (agent) oii.subs.touch(agent.extension);
    const filter = { guid: optText(el, 'queueGuid'), address: optText(el, 'queueAddress'), name: optText(el, 'queueName') };
    return answer(req, presenceQueueInfo(oii.center, oii.cfg, oii.plan, agent, type, filter));
  },

  'IciSystem.getUserPresence': (oii, req) => {
    const el = req.element;
    const users = arrayTexts(el, 'users').filter((u) => u !== '');
    // §9.1.4: maxhits is "used only when searchterm is used", so with users given (the seed's example, which also
    // sends the placeholder `<maxhits>string</maxhits>`) it is not read at all.
    const searchterm = users.length === 0 ? optText(el, 'searchterm') : undefined;
    const maxhits = users.length === 0 ? optCount(el, 'maxhits', 10_000) : undefined;
    const inner = userPresence(oii.center, oii.cfg, oii.plan, users, searchterm, maxhits);
    return answer(req, inner === '' ? null : inner);
  },
};
