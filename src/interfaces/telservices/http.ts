/**
 * TelServices over HTTP (seed "Transport protocol": "HTTP transport protocol is adapted to a web client"), the same
 * routes on the main HTTP server and on the TelServices port:
 * - POST /telservices with the TelServiceRequest as body (any content type; browsers send text/plain or form types);
 *   on the TelServices port, a POST to any path (the seed names none; `anyPostPath`);
 * - GET /makeCall?deviceNumber=&calledDeviceNumber= (seed "MakeCall" shortcut URL);
 * - GET /telservices/sessions and DELETE /telservices/sessions/{deviceNumber}: the administrator's view of sessions
 *   (closing one sends sessionClosedByAdmin).
 * Replies are always a TelServiceReturn (errors included) with status 200: TelServices errors are protocol results.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentCodings } from '../../net/content-coding.js';
import { decodeQuery, QueryEncodingError } from '../../net/query.js';
import type { XmlElement } from '../../xml/index.js';
import { cachedErrorXml } from './codec.js';
import type { RequestHandler } from './handler.js';
import { readRequest, RequestError } from './requests.js';
import { normaliseAddress, type Peer, type Sessions } from './sessions.js';

const XML = 'text/xml; charset=utf-8';

function peerOf(request: FastifyRequest): Peer {
  return { address: normaliseAddress(request.ip), transport: 'http' };
}

/** An element as the XML parser hands it to the request reader. */
function element(name: string, text: string, children: XmlElement[] = []): XmlElement {
  return { name, prefix: '', ns: '', attributes: {}, qualifiedAttributes: [], text, children };
}

/**
 * Aborted when the client goes away before the answer (a long-poll snapshot then stops waiting). The response's
 * 'close' is the one to watch: the request's fires as soon as its body has been read.
 */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) ac.abort();
  });
  return ac.signal;
}

export interface RouteOptions {
  /** The TelServices port: every POST path carries a request and every unknown path is answered `reject`. */
  anyPostPath?: boolean;
}

/**
 * A snapshot long poll (seed "resultOnEvent") leaves the connection silent while it waits; the HTTP server's socket
 * inactivity timer would destroy it unanswered. A response that is still being worked on keeps its socket; one
 * already under way when the timer fires (a client that stopped reading) is closed as before.
 */
function keepWhileWorking(reply: FastifyReply): void {
  reply.raw.on('timeout', (socket: { destroy(): void }) => {
    if (reply.raw.headersSent) socket.destroy();
  });
}

export function telservicesRoutes(handler: RequestHandler, sessions: Sessions, maxBytes: number, opts: RouteOptions = {}) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (req, body, done) => {
      // TelServer reads the XML as sent: a body in a content coding is refused (415, `reject`), never read as if plain.
      if (contentCodings(req.headers['content-encoding']).length > 0) return done(Object.assign(new Error('content coding not supported'), { statusCode: 415 }), undefined);
      done(null, body);
    });
    app.setErrorHandler((err: { statusCode?: number }, _request, reply) => {
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      return reply.code(status).type(XML).send(cachedErrorXml('reject'));
    });

    const post = async (request: FastifyRequest, reply: FastifyReply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      keepWhileWorking(reply);
      const xml = await handler.handle(body, peerOf(request), abortOnClose(reply));
      return reply.type(XML).send(xml);
    };
    app.post('/telservices', post);
    if (opts.anyPostPath) {
      app.post('/*', post);
      app.setNotFoundHandler((_request, reply) => reply.code(404).type(XML).send(cachedErrorXml('reject')));
    }

    app.get('/makeCall', async (request, reply) => {
      let xml: string;
      try {
        // Decoded strictly: an escape that is not UTF-8 (`%FF`) is refused, not stored as the text "%FF".
        const q = decodeQuery(request.url);
        const value = (k: string): string | undefined => (typeof q[k] === 'string' ? q[k] : undefined);
        // The query is read by the same reader as the XML request, so the same validation applies.
        const fields = ['deviceNumber', 'calledDeviceNumber', 'extraData'].flatMap((name) => {
          const v = value(name);
          return v === undefined ? [] : [element(name, v)];
        });
        const req = readRequest(element('TelServiceRequest', '', [element('makeCall', '', fields)]));
        xml = await handler.run(req, peerOf(request));
      } catch (err) {
        if (!(err instanceof RequestError) && !(err instanceof QueryEncodingError)) throw err;
        xml = cachedErrorXml('reject');
      }
      return reply.type(XML).send(xml);
    });

    app.get('/telservices/sessions', async () => ({ sessions: sessions.snapshot() }));

    app.delete('/telservices/sessions/:deviceNumber', async (request, reply) => {
      const device = (request.params as { deviceNumber?: string }).deviceNumber ?? '';
      if (!sessions.adminClose(device)) return reply.code(404).send({ error: 'noOpenSession', message: `no session for ${device.slice(0, 32)}` });
      return { closed: device };
    });
  };
}
