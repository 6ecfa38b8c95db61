/**
 * Seed 001 "Search Operation": the contacts in the user's scope matching every criterion given (ANI, DNIS, acdCallId,
 * agentId, username, after, before, repeated unencrypted metadata), a page at a time in ccr id order; when more
 * match, `truncationBoundaryId` is the last id returned and the same search with it gives the next page. A contact is
 * one recording of the archive, whatever recorded it (QMI, QM policy, a tag, the control API); contacts an agent
 * deleted (Recording API Delete) are not viewable, contacts whose audio was deleted are found with hasAudio false.
 */
import type { ContactCenter } from '../../../core/index.js';
import type { MetadataItem, RecordingQuery, RecordingSummary } from '../../../store/index.js';
import type { XmlElement } from '../../../xml/index.js';
import type { QmSettings, QmUser } from '../settings.js';
import { clip, dateTime, leaf, metadataItems, positiveId, senderFault, single, writeDateTime } from './protocol.js';

const CRITERIA = new Set(['ani', 'dnis', 'acdcallid', 'agentid', 'username', 'after', 'before', 'metadata', 'truncationboundaryid']);

export interface SearchPage {
  contacts: RecordingSummary[];
  truncationBoundaryId?: number;
}

/**
 * Runs a `search` element for `user`.
 * @throws SoapFault Sender for an unknown criterion, a repeated one, a bad date or id, an unknown or encrypted
 *   metadata field.
 */
export function search(center: ContactCenter, settings: QmSettings, user: QmUser, el: XmlElement, pageSize: number): SearchPage {
  for (const c of el.children) if (!CRITERIA.has(c.name.toLowerCase())) throw senderFault(`search has no criterion ${clip(c.name)}`);
  const query: RecordingQuery = { retention: ['retained', 'audioDeleted'] };
  const text = (names: string[]) => single(el, names, false);
  const ani = text(['ANI']);
  const dnis = text(['DNIS']);
  const acdCallId = text(['acdCallId']);
  if (ani !== undefined) query.ani = ani;
  if (dnis !== undefined) query.dnis = dnis;
  if (acdCallId !== undefined) query.acdCallId = acdCallId;
  const after = text(['after']);
  const before = text(['before']);
  // Recordings all start after 1970: an earlier `after` finds every one, an earlier `before` none (the archive counts
  // from the epoch and takes no negative instant).
  if (after !== undefined) query.startFrom = Math.max(0, dateTime(after, 'after'));
  if (before !== undefined) query.startBefore = Math.max(0, dateTime(before, 'before'));
  const metadata: MetadataItem[] = metadataItems(el).map(({ key, data }) => {
    const field = settings.fields.find(key);
    if (!field) throw senderFault(`metadata field ${clip(key)} does not exist`);
    // Seed 001: "only unencrypted metadata can be searched".
    if (field.encrypted) throw senderFault(`metadata field ${field.key} is encrypted and cannot be searched`);
    return { key: field.key, value: data };
  });
  if (metadata.length > 0) query.metadata = metadata;
  // agentId is the QM user id (sender_id), username the QM login name: both name one agent of the center.
  const agentId = text(['agentId']);
  const username = text(['username']);
  let agents: string[] | undefined = user.scope ? [...user.scope] : undefined;
  const narrow = (userId: string | undefined): void => {
    agents = userId === undefined ? [] : (agents ?? [userId]).filter((a) => a === userId);
  };
  if (agentId !== undefined) narrow(settings.agentBySender(agentId)?.userId ?? center.findAgent(agentId)?.userId);
  if (username !== undefined) narrow(settings.agents.find((a) => a.userName.toLowerCase() === username.toLowerCase())?.userId ?? center.findAgent(username)?.userId);
  if (agents !== undefined) {
    if (agents.length === 0) return { contacts: [] };
    query.userId = agents;
  }
  const boundary = text(['truncationBoundaryId']);
  const page = center.recordings.searchSummaries(query, { limit: pageSize, ...(boundary === undefined ? {} : { afterId: positiveId(boundary, 'truncationBoundaryId') }) });
  return page.nextAfterId === undefined ? { contacts: page.recordings } : { contacts: page.recordings, truncationBoundaryId: page.nextAfterId };
}

/** One `ccr` (seed 001 search response), as text: agentId is the agent's QM user id, username its QM login name. */
export function writeCcr(settings: QmSettings, rec: RecordingSummary): string {
  let ccr = `<ccr>${leaf('id', rec.id)}`;
  if (rec.ani !== undefined) ccr += leaf('ANI', rec.ani);
  if (rec.dnis !== undefined) ccr += leaf('DNIS', rec.dnis);
  if (rec.acdCallId !== undefined) ccr += leaf('acdCallId', rec.acdCallId);
  const agent = rec.agent;
  if (agent) {
    const qm = settings.agent(agent.userId);
    if (agent.lastName !== undefined) ccr += leaf('lastName', agent.lastName);
    if (agent.firstName !== undefined) ccr += leaf('firstName', agent.firstName);
    ccr += leaf('agentId', qm?.senderId ?? agent.userId);
    ccr += leaf('username', qm?.userName ?? agent.userName ?? agent.userId);
  }
  ccr += leaf('startTime', writeDateTime(rec.startTime));
  ccr += leaf('hasAudio', rec.audio !== undefined);
  ccr += leaf('hasScreen', rec.hasScreen);
  return `${ccr}</ccr>`;
}
