/** The control API's error shape: `{"error": code, "message": text}`, 4xx for bad input, never a stack trace. */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { isCoreError } from '../core/index.js';
import { ControlRouteError } from '../interfaces/types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ApiError(400, 'invalidArgument', `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`);
  }
  return r.data;
}

export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ApiError || err instanceof ControlRouteError) return reply.code(err.status).send({ error: err.code, message: err.message });
  if (isCoreError(err)) return reply.code(err.status).send({ error: err.code, message: err.message });
  const fe = err as { statusCode?: number; code?: string; message?: string };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply.code(fe.statusCode).send({ error: fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'tooLarge' : 'badRequest', message: fe.message ?? 'bad request' });
  }
  reply.log.error({ err }, 'control API failure');
  return reply.code(500).send({ error: 'internal', message: `internal error (request ${reply.request.id})` });
}
