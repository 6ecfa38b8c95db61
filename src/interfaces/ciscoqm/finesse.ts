/**
 * Tagging from Cisco Finesse: newer QM deployments take a workflow action's metadata as JSON over HTTP,
 * `{"peripheral_id":"1","sender_id":"<agent>","metadata":{…}}`, instead of a CAD IPC datagram. ccgate accepts it at
 * `POST /serverapi/finesse/metadata` with the Recording API's rules (commands.ts): the active call, else the last
 * call, so a workflow that fires when the next call starts ringing tags the previous recording, as on a real system.
 * An optional `"command"` (default `metadata`) runs any other Recording API command the same way.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Metrics } from '../../metrics.js';
import { runCommand, type CommandDeps } from './commands.js';
import { MAX_PAIRS, QM_COMMANDS } from './datagram.js';
import type { QmSettings } from './settings.js';

export const FINESSE_PATH = '/serverapi/finesse/metadata';

const value = z.union([z.string().max(1024), z.number().finite()]).transform(String);
const Body = z.looseObject({
  peripheral_id: z.union([z.string().max(64), z.number()]).optional(),
  sender_id: z.string().trim().min(1).max(64),
  command: z.enum(QM_COMMANDS).default('metadata'),
  metadata: z.record(z.string().min(1).max(64), value).default({}),
});

export function registerFinesse(app: FastifyInstance, settings: QmSettings, commands: CommandDeps, metrics: Metrics): void {
  app.post(FINESSE_PATH, { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const started = performance.now();
    const done = (status: number, outcome: 'ok' | 'fault', body: object) => {
      metrics.observe('ciscoqm', 'finesse', outcome, performance.now() - started);
      return reply.code(status).send(body);
    };
    const r = Body.safeParse(request.body);
    if (!r.success) {
      const i = r.error.issues[0];
      return done(400, 'fault', { error: 'invalidArgument', message: `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}` });
    }
    const pairs = Object.entries(r.data.metadata).map(([key, v]) => ({ key, value: v }));
    if (pairs.length > MAX_PAIRS) return done(400, 'fault', { error: 'invalidArgument', message: `at most ${MAX_PAIRS} metadata items` });
    if (r.data.command === 'metadata' && pairs.length === 0) return done(400, 'fault', { error: 'invalidArgument', message: 'metadata: no items' });
    const agent = settings.agentBySender(r.data.sender_id);
    if (!agent) return done(404, 'fault', { error: 'unknownSender', message: `no QM agent with sender_id ${r.data.sender_id}` });
    const result = runCommand(commands, agent.userId, r.data.command, pairs);
    if (result.outcome === 'rejected') return done(400, 'fault', { error: result.reason, message: `${r.data.command} refused: ${result.reason}; nothing changed` });
    if (result.outcome === 'ignored') return done(200, 'ok', { applied: false, reason: result.reason });
    return done(200, 'ok', result.recordingId === undefined ? { applied: true } : { applied: true, recordingId: result.recordingId });
  });
}
