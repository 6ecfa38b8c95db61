import type { FastifyBaseLogger } from 'fastify';

/**
 * Whether `log` writes debug lines. The per-request lines (one per request at debug) build their object only when it
 * does: at the default level that object would be built and thrown away on every request.
 */
export function debugOn(log: FastifyBaseLogger): boolean {
  return log.level === 'debug' || log.level === 'trace';
}
