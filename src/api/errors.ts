/** The control API's error shape: `{"error": code, "message": text}`, 4xx for bad input, never a stack trace. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isCoreError } from '../core/index.js';
import { ControlRouteError } from '../interfaces/types.js';
import { contentCodings } from '../net/content-coding.js';
import { duplicateMember } from '../net/json-members.js';
import { decodeQuery as decodeStrictly, QueryEncodingError } from '../net/query.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Longest message written: messages may quote what the client sent (an id, a queue). */
const MAX_MESSAGE = 300;

function clip(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE)}…`;
}

/**
 * A request body validated with `schema`; no body at all reads as `{}` (every field absent), a JSON `null` is refused
 * as what it is. @throws ApiError 400 invalidArgument naming the first field that breaks its rule.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body === undefined ? {} : body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ApiError(400, 'invalidArgument', `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`);
  }
  return r.data;
}

/**
 * A query string's parameters, decoded strictly (net/query.ts): an escape that is not UTF-8 is `400 invalidArgument`
 * naming the parameter. A repeated parameter gives a list.
 */
export function decodeQuery(url: string): Record<string, string | string[]> {
  try {
    return decodeStrictly(url);
  } catch (err) {
    if (err instanceof QueryEncodingError) throw new ApiError(400, 'invalidArgument', clip(err.message));
    throw err;
  }
}

/**
 * The query of `url` validated with `schema` (a strict object: an unknown parameter is refused, never ignored).
 * Errors name the parameter and its rule: `query parameter limit: Too small: expected number to be >=1`.
 */
export function parseQuery<T extends z.ZodType>(schema: T, url: string): z.infer<T> {
  const r = schema.safeParse(decodeQuery(url));
  if (r.success) return r.data;
  const i = r.error.issues[0];
  if (i?.code === 'unrecognized_keys') {
    throw new ApiError(400, 'invalidArgument', clip(`query parameter ${i.keys.join(', ')}: unknown (this route reads ${Object.keys(shapeOf(schema)).join(', ') || 'none'})`));
  }
  throw new ApiError(400, 'invalidArgument', clip(`query parameter ${i?.path.join('.') || '?'}: ${i?.message ?? 'invalid'}`));
}

function shapeOf(schema: z.ZodType): Record<string, unknown> {
  return (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
}

/**
 * A JSON request body: empty means none; a syntax error says where, without quoting the text; a member given twice in
 * one object is refused naming its path (net/json-members.ts); a key that would
 * reach an object's prototype (`__proto__`, or `constructor` holding `prototype`) is refused naming its path, as
 * Fastify's own parser refuses them (but with a reason the client can act on). Iterative: a deeply nested body
 * cannot exhaust the stack.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const at = /at position (\d+)/.exec(err instanceof Error ? err.message : '');
    throw new ApiError(400, 'invalidArgument', `body is not valid JSON${at ? ` (at character ${Number(at[1]) + 1})` : ''}`);
  }
  const repeated = duplicateMember(text);
  if (repeated !== undefined) throw new ApiError(400, 'invalidArgument', clip(`${repeated}: given more than once (which one would count is a guess)`));
  const stack: [unknown, string][] = [[value, 'body']];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node !== 'object' || node === null) continue;
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      const forbidden = key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && 'prototype' in child);
      if (forbidden) throw new ApiError(400, 'invalidArgument', clip(`${path}.${key}: the key "${key}" is refused (it could change an object's prototype)`));
      stack.push([child, `${path}.${key}`]);
    }
  }
  return value;
}

/**
 * A Fastify content-type parser (parseAs `buffer`) for the JSON bodies of the control API and the Cisco QM Finesse
 * path: the body as sent, UTF-8 (RFC 8259 §8.1), then parseJsonBody. A content coding (`Content-Encoding: br`) or a
 * charset other than UTF-8 is `415 unsupportedMediaType` (the body would be misread, or a request executed whose body
 * claims to be something else); bytes that are not UTF-8 are `400 invalidArgument` instead of becoming U+FFFD.
 */
export function jsonBodyParser(request: FastifyRequest, body: Buffer | string, done: (err: Error | null, body?: unknown) => void): void {
  try {
    const codings = contentCodings(request.headers['content-encoding']);
    if (codings.length > 0) throw new ApiError(415, 'unsupportedMediaType', clip(`Content-Encoding ${codings.join(', ')} is not supported: send the JSON as it is`));
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new ApiError(415, 'unsupportedMediaType', clip(`charset ${charset} is not supported: JSON is UTF-8`));
    let text: string;
    try {
      text = typeof body === 'string' ? body : UTF8.decode(body);
    } catch {
      throw new ApiError(400, 'invalidArgument', 'body is not valid UTF-8');
    }
    done(null, parseJsonBody(text));
  } catch (err) {
    done(err instanceof Error ? err : new Error(String(err)), undefined);
  }
}
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Fastify's own 4xx codes, in the API's terms. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'tooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'badRequest',
};

export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ApiError || err instanceof ControlRouteError) return reply.code(err.status).send({ error: err.code, message: clip(err.message) });
  if (isCoreError(err)) return reply.code(err.status).send({ error: err.code, message: clip(err.message) });
  const fe = err as { statusCode?: number; code?: string; message?: string };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply.code(fe.statusCode).send({ error: FASTIFY_CODES[fe.code ?? ''] ?? 'badRequest', message: clip(fe.message ?? 'bad request') });
  }
  reply.log.error({ err }, 'control API failure');
  return reply.code(500).send({ error: 'internal', message: `internal error (request ${reply.request.id})` });
}
