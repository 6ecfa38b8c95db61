/**
 * The two query services with the most to say: queryHistory (seed "QueryHistory": record type, dates, search,
 * limit) and queryUserStatistics (seed "QueryUserStatistics": snapshot and total).
 */
import { newAgentStats, type HistoryRecord } from '../../core/index.js';
import { boolEl, el, enumEl, txt, type XNode } from './codec.js';
import { TsError } from './errors.js';
import { HISTORY_CAUSE, wireAgentState } from './projection.js';
import type { TsRequest } from './requests.js';
import { partyNode } from './results.js';
import type { ServiceContext } from './services.js';
import { userSnapshotNode, userTotalNode } from './statistics.js';
import { formatDate, formatTime, parseLocalDate } from './time.js';

const DAY_MS = 24 * 3600 * 1000;

export function historyNode(req: Extract<TsRequest, { op: 'queryHistory' }>, sc: ServiceContext): XNode {
  const tz = sc.settings.timeZone;
  const date = (d: string, hour: number) => {
    const ms = parseLocalDate(d, hour, tz);
    if (ms === undefined) throw new TsError('reject', `no such date ${d}`);
    return ms;
  };
  // Seed: startHour "is used only if there is a startDate"; endDate includes its whole day.
  const from = req.startDate !== undefined ? date(req.startDate, req.startHour ?? 0) : undefined;
  const to = req.endDate !== undefined ? date(req.endDate, 0) + DAY_MS : undefined;
  const records = sc.cc.history({
    recordType: req.recordType,
    ...(req.deviceNumber !== undefined ? { deviceNumber: req.deviceNumber } : {}),
    ...(req.userID !== undefined ? { userId: req.userID } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(req.search !== undefined ? { search: req.search } : {}),
    ...(req.limit !== undefined ? { limit: req.limit } : {}),
  });
  // The seed's example asks for one device and its records do not repeat it; a wider query says whose each is.
  const whose = req.deviceNumber === undefined;
  return el('history', ...records.map((r) => recordNode(r, whose, sc)));
}

function recordNode(r: HistoryRecord, whose: boolean, sc: ServiceContext): XNode {
  const tz = sc.settings.timeZone;
  const head = [
    whose && txt('deviceNumber', r.deviceNumber),
    whose && r.userId !== undefined && txt('userID', r.userId),
    txt('creationDate', formatDate(r.at, tz)),
    txt('creationTime', formatTime(r.at, tz)),
  ];
  if (r.recordType === 'agent') {
    return el('record', ...head, r.agentState !== undefined && enumEl('agentState', wireAgentState(r.agentState, undefined)));
  }
  return el(
    'record',
    ...head,
    r.otherParty !== undefined && partyNode('otherParty', r.otherParty, sc.lookupFor(r.deviceNumber)),
    txt('alertingDuration', Math.floor((r.alertingMs ?? 0) / 1000)),
    txt('duration', Math.floor((r.connectedMs ?? 0) / 1000)),
    r.isOutgoing !== undefined && boolEl('isOutgoing', r.isOutgoing),
    r.isConnected !== undefined && boolEl('isConnected', r.isConnected),
    r.cause !== undefined && enumEl('cause', HISTORY_CAUSE[r.cause]),
  );
}

export function userStatisticsNode(req: Extract<TsRequest, { op: 'queryUserStatistics' }>, sc: ServiceContext): XNode {
  const { cc } = sc;
  const agent = req.userID !== undefined ? cc.findAgent(req.userID) : cc.agentAt(req.deviceNumber);
  if (req.userID !== undefined && !agent) throw new TsError('reject', `unknown user ${req.userID}`);
  const svc = agent ? sc.rps.servicesOf(agent) : { inbound: [], outbound: [] };
  if (req.type === 'snapshot') return el('userStatistics', userSnapshotNode(agent, svc));
  // The core keeps statistics per agent; a device without one has nothing counted.
  const stats = agent
    ? cc.agentStats(agent.userId)
    : { ...newAgentStats(cc.now()), stateMsNow: { loggedOff: 0, ready: 0, notReady: 0, busy: 0, workingAfterCall: 0 } };
  return el('userStatistics', userTotalNode(stats, svc, sc.settings.timeZone));
}
