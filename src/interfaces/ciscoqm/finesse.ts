/**
 * Tagging from Cisco Finesse: newer QM deployments take a workflow action's metadata as JSON over HTTP,
 * `{"peripheral_id":"1","sender_id":"<agent>","metadata":{…}}`, instead of a CAD IPC datagram. ccgate accepts it at
 * `POST /serverapi/finesse/metadata` with the Recording API's rules (commands.ts): the active call, else the last
 * call, so a workflow that fires when the next call starts ringing tags the previous recording, as on a real system.
 * An optional `"command"` (default `metadata`) runs any other Recording API command the same way.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, jsonBodyParser, sendError } from '../../api/errors.js';
import type { Metrics } from '../../metrics.js';
import { runCommand, type CommandDeps } from './commands.js';
import { QM_COMMANDS } from './datagram.js';
import { MAX_VALUE_LENGTH } from './metadata.js';
import { clip } from './server/protocol.js';
import type { QmSettings } from './settings.js';

export const FINESSE_PATH = '/serverapi/finesse/metadata';
/**
 * Largest body (bytes). A workflow action's body is small (10 items of at most 1,024 characters fit in 12 KiB), so the
 * route is capped below the server-wide `http.bodyLimit`; README "Finesse workflow actions" says so.
 */
export const FINESSE_BODY_LIMIT = 16 * 1024;

/**
 * A JSON number as plain decimal digits: String() writes very small and very large numbers in exponent form (`1e-7`,
 * `1e+21`), which no metadata format reads, so `0.0000001` would be refused as a bad format.
 */
export function plainNumber(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const digits = int + frac;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const value = z.union([z.string().max(MAX_VALUE_LENGTH), z.number().finite().transform(plainNumber)]).transform(String);
// Strict: a field Finesse does not send (`"extra":1`, a misspelt `metdata`) is refused, never silently dropped.
const Body = z.strictObject({
  peripheral_id: z.union([z.string().max(64), z.number()]).optional(),
  sender_id: z.string().trim().min(1).max(64),
  command: z.enum(QM_COMMANDS).default('metadata'),
  metadata: z.record(z.string().min(1).max(64), value).default({}),
});

/**
 * Registers `POST /serverapi/finesse/metadata` in its own scope: the body is read by the control API's JSON reader
 * (jsonBodyParser: a content coding or another charset is 415, bytes not UTF-8 400, a syntax error says where, a
 * member given twice or `__proto__` is refused) and every refusal, Fastify's own included (body too large, not JSON),
 * is `{"error","message"}` with a 4xx status, as the control API's are.
 */
export function registerFinesse(app: FastifyInstance, settings: QmSettings, commands: CommandDeps, metrics: Metrics): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((err, _request, reply) => {
      metrics.observe('ciscoqm', 'finesse', 'fault', reply.elapsedTime);
      return sendError(reply, err);
    });
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: FINESSE_BODY_LIMIT }, jsonBodyParser);
    scope.post(FINESSE_PATH, { bodyLimit: FINESSE_BODY_LIMIT }, async (request, reply) => {
      const started = performance.now();
      const done = (status: number, outcome: 'ok' | 'fault', body: object) => {
        metrics.observe('ciscoqm', 'finesse', outcome, performance.now() - started);
        return reply.code(status).send(body);
      };
      const r = Body.safeParse(request.body ?? {});
      if (!r.success) {
        const i = r.error.issues[0];
        const where = i?.code === 'unrecognized_keys' ? i.keys.map(clip).join(', ') : i?.path.map((p) => clip(String(p))).join('.') || 'body';
        throw new ApiError(400, 'invalidArgument', `${where}: ${i?.code === 'unrecognized_keys' ? 'unknown field' : (i?.message ?? 'invalid')}`);
      }
      const pairs = Object.entries(r.data.metadata).map(([key, v]) => ({ key, value: v }));
      if (r.data.command === 'metadata' && pairs.length === 0) throw new ApiError(400, 'invalidArgument', 'metadata: no items');
      const agent = settings.agentBySender(r.data.sender_id);
      if (!agent) return done(404, 'fault', { error: 'unknownSender', message: `no QM agent with sender_id ${clip(r.data.sender_id)}` });
      const result = runCommand(commands, agent.userId, r.data.command, pairs);
      if (result.outcome === 'rejected') return done(400, 'fault', { error: result.reason, message: `${r.data.command} refused: ${result.reason}; nothing changed` });
      if (result.outcome === 'ignored') return done(200, 'ok', { applied: false, reason: result.reason });
      return done(200, 'ok', result.recordingId === undefined ? { applied: true } : { applied: true, recordingId: result.recordingId });
    });
  });
}
