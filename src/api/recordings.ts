/**
 * The control API's view of the recordings archive (DESIGN "GET /api/v1/recordings": the archive, surviving restarts)
 * and the operator's own recording of a call (source `api`).
 */
import { z } from 'zod';
import type { ContactCenter } from '../core/index.js';
import {
  MAX_TEXT_LENGTH,
  REASON_CODES,
  RECORDING_SOURCES,
  RECORDING_STATES,
  RETENTION_STATES,
  type PageRequest,
  type RecordingPage,
  type RecordingQuery,
  type RecordingRecord,
} from '../store/index.js';
import { ApiError } from './errors.js';
import { queryInt } from './schemas.js';

const text = z.string().min(1).max(MAX_TEXT_LENGTH);
/** Milliseconds since the epoch, in digits (Date's range). */
const time = queryInt(0, 8_640_000_000_000_000);

/** GET /api/v1/recordings query: archive criteria (ANDed) and paging; an unknown parameter is refused. */
export const RecordingsQuery = z.strictObject({
  callId: text.optional(),
  userId: text.optional(),
  ani: text.optional(),
  dnis: text.optional(),
  source: z.enum(RECORDING_SOURCES).optional(),
  state: z.enum(RECORDING_STATES).optional(),
  retention: z.enum(RETENTION_STATES).optional(),
  reason: z.enum(REASON_CODES).optional(),
  startFrom: time.optional().describe('start time at or after (ms since the epoch)'),
  startBefore: time.optional().describe('start time before (ms since the epoch)'),
  afterId: queryInt(0, Number.MAX_SAFE_INTEGER).optional().describe('continue after this id (the previous page\'s nextAfterId)'),
  limit: queryInt(1, 1000).optional().describe('page size (default 100)'),
  order: z.enum(['asc', 'desc']).optional().describe('asc: oldest first (default); desc: newest first'),
});

/** POST /api/v1/calls/{callId}/recording body. */
export const RecordingAction = z.strictObject({
  action: z.enum(['start', 'pause', 'resume', 'stop']),
  userId: z.string().min(1).max(64).optional().describe('start: the agent whose recording it is (default the first agent in the call)'),
});

/**
 * One page of the archive, newest or oldest first. `query` is what the route's parseQuery returned for
 * {@link RecordingsQuery} (already validated there, the error naming the parameter; parsing it again would see
 * numbers where the schema reads digits).
 */
export function listRecordings(cc: ContactCenter, query: unknown): RecordingPage {
  const { afterId, limit, order, ...criteria } = (query ?? {}) as z.infer<typeof RecordingsQuery>;
  const page: PageRequest = {};
  if (afterId !== undefined) page.afterId = afterId;
  if (limit !== undefined) page.limit = limit;
  if (order !== undefined) page.order = order;
  const search: RecordingQuery = {};
  for (const [k, v] of Object.entries(criteria)) if (v !== undefined) Object.assign(search, { [k]: v });
  return cc.recordings.search(search, page);
}

/** One recording by its id (a path parameter); 404 when there is none. */
export function oneRecording(cc: ContactCenter, id: string): RecordingRecord {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new ApiError(400, 'invalidArgument', 'recording id');
  return cc.recordings.get(Number(id));
}

/** The operator starts, pauses, resumes or stops the call's `api` recording; returns the archive entry. */
export function recordCall(cc: ContactCenter, callId: string, body: z.infer<typeof RecordingAction>): RecordingRecord {
  const t = cc.telephony;
  switch (body.action) {
    case 'start':
      return t.startRecording(callId, 'api', { reasons: ['requested'], ...(body.userId !== undefined ? { userId: body.userId } : {}) });
    case 'pause':
      return t.pauseRecording(callId, 'api');
    case 'resume':
      return t.resumeRecording(callId, 'api');
    case 'stop':
      return t.stopRecording(callId, 'api');
  }
}
