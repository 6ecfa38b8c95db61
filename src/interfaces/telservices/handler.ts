/**
 * One request, whatever the transport: bytes in, one TelServiceReturn out (seed "Protocol": "The return must always
 * be provided by the server"). Every reply goes through here, so every request is decoded, executed, logged and
 * counted the same way; malformed input is answered `reject` without touching anything.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics.js';
import { cachedErrorXml, decodeRequest, resultXml } from './codec.js';
import { wireError } from './errors.js';
import { operationLabel, type TsRequest } from './requests.js';
import { execute, type ServiceContext } from './services.js';
import type { Peer } from './sessions.js';

export class RequestHandler {
  constructor(
    private readonly sc: ServiceContext,
    private readonly opts: { maxBytes: number; log: Logger; metrics: Metrics },
  ) {}

  async handle(body: Buffer | string, peer: Peer, signal?: AbortSignal): Promise<string> {
    const started = performance.now();
    const decoded = decodeRequest(body, this.opts.maxBytes);
    if ('error' in decoded) {
      this.opts.log.debug({ peer: peer.address, transport: peer.transport, reason: decoded.detail }, 'telservices request rejected');
      this.opts.metrics.observe('telservices', operationLabel(decoded.root), 'error', performance.now() - started);
      return cachedErrorXml('reject');
    }
    return this.run(decoded.request, peer, started, signal);
  }

  /** A request already in typed form (the GET /makeCall shortcut). */
  async run(request: TsRequest, peer: Peer, started = performance.now(), signal?: AbortSignal): Promise<string> {
    try {
      const result = await execute(request, this.sc, peer, signal);
      this.opts.metrics.observe('telservices', request.op, 'ok', performance.now() - started);
      return resultXml(result);
    } catch (err) {
      const { code, unexpected } = wireError(err);
      this.opts.metrics.observe('telservices', request.op, unexpected ? 'error' : 'fault', performance.now() - started);
      if (unexpected) {
        // Never internals on the wire: the client gets resourceError, the log gets the stack and a correlation id.
        this.opts.log.error({ err, correlationId: randomUUID(), op: request.op, peer: peer.address }, 'telservices request failed');
      } else {
        this.opts.log.debug({ op: request.op, code, detail: err instanceof Error ? err.message : undefined }, 'telservices request refused');
      }
      return cachedErrorXml(code);
    }
  }
}
