/**
 * The protocol's own error for an HTTP request refused before any route ran: by Node's parser (a header block too
 * large, 431; a malformed request, 400; headers or body too slow, 408) or by Fastify's router (a path parameter over
 * `maxParamLength`, 414; a path that is not valid percent-encoding, 400). Fastify answers those with its own JSON,
 * which no client of a protocol path can read, so they are answered here by path, as the route would have:
 * - SOAP paths (QMI, ICI, Open Media, Cisco QM): a SOAP 1.1 `Client` fault (SOAP 1.2 `Sender` when the request said
 *   `application/soap+xml`), SOAP 1.1 §4.4.1 / SOAP 1.2 Part 1 §5.4.6;
 * - TelServices over the main port (`/telservices`, `/makeCall`): a `TelServiceReturn` with `reject` (seed 003);
 * - the Open Media REST twin (`/OpenMediaServiceRest`): its `{ error, message }`, `InvalidDataException` for 400;
 * - anything else, the control API and Cisco QM's Finesse path (`/serverapi/finesse/…`) included: the control API's
 *   `{ error, message }` (README "Control API").
 * A request whose headers arrived but whose body did not within `http.requestTimeoutMs` is answered 408 the same way:
 * Node raises that timeout after the 'request' event, so the path comes from the request in flight (trackRequestHeads).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildFault, earlySoapFault, SoapFault, contentTypeFor, type SoapVersion } from './soap/index.js';
import { cachedErrorXml } from './interfaces/telservices/codec.js';
import type { InterfaceName } from './interfaces/types.js';

/** Which interface's allow-list guards an HTTP path. */
export function interfaceOfPath(url: string): InterfaceName | 'api' | undefined {
  const p = url.toLowerCase();
  if (p.startsWith('/bcm/')) return 'qmi';
  if (p.startsWith('/oii/')) return 'ici';
  if (p.startsWith('/openmediaservice')) return 'openmedia';
  if (p.startsWith('/serverapi/')) return 'ciscoqm';
  if (p.startsWith('/telservices') || p.startsWith('/makecall')) return 'telservices';
  if (p.startsWith('/api/')) return 'api';
  return undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The Open Media REST twin's paths answer JSON, not the SOAP service's faults. */
function isOpenMediaRest(path: string | undefined): boolean {
  return path !== undefined && /^\/openmediaservicerest(?:[/?#]|$)/i.test(path);
}

/** Cisco QM's Finesse path takes and answers JSON as the control API does (README "Finesse workflow actions"). */
function isFinesse(path: string | undefined): boolean {
  return path !== undefined && /^\/serverapi\/finesse(?:[/?#%]|$)/i.test(path);
}

export interface ProtocolError {
  contentType: string;
  body: string;
}

/** The control API's code for each status answered here (also documented in README "Control API"). */
const API_CODES: Readonly<Record<number, string>> = { 400: 'badRequest', 404: 'notFound', 408: 'requestTimeout', 414: 'uriTooLong', 417: 'expectationFailed', 431: 'headersTooLarge' };

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  414: 'URI Too Long',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/**
 * RFC 9110 §10.1.1: an `Expect` other than `100-continue` is answered 417. Node answers it with an empty body unless the
 * server listens for `checkExpectation`; this answers it in the protocol of the path, as the other early errors, and
 * closes the connection (the request's body, if any, is not read).
 */
function answerUnmetExpectation(server: Server, req: IncomingMessage, res: ServerResponse): void {
  const soap12 = /application\/soap\+xml/i.test(String(req.headers['content-type'] ?? ''));
  const e = protocolError(req.url, 417, 'Expectation Failed: only Expect: 100-continue is supported', soap12, server);
  res.shouldKeepAlive = false;
  res.writeHead(417, { 'content-type': e.contentType, 'content-length': Buffer.byteLength(e.body), connection: 'close' }).end(e.body);
}

/**
 * The body answering `status` on `path` (undefined when the request line never arrived): see the module comment.
 * `soap12` chooses SOAP 1.2 for a SOAP path. `message` may quote the client; it is bounded here. `server`, the raw
 * HTTP server that refused the request: on a SOAP path its interface's fault hook shapes the fault (earlySoapFault),
 * as for any fault of its endpoints.
 */
export function protocolError(path: string | undefined, status: number, message: string, soap12 = false, server?: object): ProtocolError {
  const iface = path === undefined ? undefined : interfaceOfPath(path);
  const text = message.slice(0, 200);
  if (iface === 'telservices') return { contentType: 'text/xml; charset=utf-8', body: cachedErrorXml('reject') };
  if (iface === 'openmedia' && isOpenMediaRest(path)) {
    return { contentType: JSON_TYPE, body: JSON.stringify({ error: status === 400 ? 'InvalidDataException' : (API_CODES[status] ?? 'InvalidDataException'), message: text }) };
  }
  if ((iface === 'qmi' || iface === 'ici' || iface === 'openmedia' || iface === 'ciscoqm') && !isFinesse(path)) {
    const shaped = earlySoapFault(server, iface, text, soap12);
    if (shaped !== undefined) return shaped;
    const version: SoapVersion = soap12 ? '1.2' : '1.1';
    return { contentType: contentTypeFor(version), body: buildFault(version, new SoapFault({ code: soap12 ? 'Sender' : 'Client', reason: text })) };
  }
  return { contentType: JSON_TYPE, body: JSON.stringify({ error: API_CODES[status] ?? 'badRequest', message: text }) };
}

/** Fastify's `frameworkErrors`: errors of its router (FST_ERR_BAD_URL 400, FST_ERR_MAX_PARAM_LENGTH 414). */
export function frameworkErrors(err: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode ?? 400;
  const soap12 = /application\/soap\+xml/i.test(String(request.headers['content-type'] ?? ''));
  const e = protocolError(request.url, status, status === 414 ? 'a path parameter is too long' : 'the path is not valid percent-encoding', soap12, request.server.server);
  void reply.code(status).type(e.contentType).send(e.body);
}

/** The start of the request each connection is reading (its request line, when it came), for clientErrorHandler. */
const heads = new WeakMap<Socket, string>();
/**
 * The last request each connection started, with its response: while its body is still being read (not `complete`, not
 * destroyed) an error on the connection is that request's. Kept as it is and judged when asked, so a request costs
 * one map write, no listeners.
 */
const lastRequest = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
const HEAD_MAX = 4096;
const METHOD = /^[A-Z]+ /;

/** The request whose body `socket` is still reading: its path, whether it said SOAP 1.2, and its response. */
function inFlight(socket: Socket): { path: string; soap12: boolean; res: ServerResponse } | undefined {
  const last = lastRequest.get(socket);
  if (last === undefined || last.req.complete || last.req.destroyed) return undefined;
  return { path: last.req.url ?? '/', soap12: /application\/soap\+xml/i.test(String(last.req.headers['content-type'] ?? '')), res: last.res };
}

/**
 * Keeps, per connection, the first bytes of the request being read, so an error Node raises before the request is
 * parsed (no path known to Fastify) can still be answered in the protocol of its path. A new request starts after
 * each complete one ('request' event); bytes that do not start with a method (a body) are not a request line. Until
 * its body has been read, the request itself is kept too: its body deadline is the same 408.
 */
export function trackRequestHeads(server: Server, tls: boolean): void {
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    heads.set(socket, '');
    // Ahead of the parser's own listener: a chunk that makes it fail is seen before its clientError.
    socket.prependListener('data', (chunk: Buffer) => {
      const head = heads.get(socket);
      if (head === undefined || head.includes('\n')) return;
      const last = lastRequest.get(socket);
      if (last !== undefined && !last.req.complete && !last.req.destroyed) return;
      // The request line and headers are read back, never the body: the chunk up to the blank line, when it has one.
      const blank = chunk.indexOf('\r\n\r\n');
      const end = Math.min(blank === -1 ? chunk.length : blank + 4, HEAD_MAX - head.length);
      const next = head + chunk.toString('latin1', 0, end);
      heads.set(socket, METHOD.test(next) || next.length < 8 ? next : '');
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    heads.set(req.socket, '');
    lastRequest.set(req.socket, { req, res });
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => answerUnmetExpectation(server, req, res));
}
/** Node's clientError codes, as HTTP statuses (Fastify's own default handler's table). */
function statusOf(err: Error & { code?: string }): number {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/** Fastify's `clientErrorHandler`: writes the protocol error for the connection's request path, then closes. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  const current = inFlight(socket);
  if (err.code === 'ECONNRESET' || !socket.writable || current?.res.headersSent) {
    socket.destroy();
    return;
  }
  const head = heads.get(socket) ?? '';
  const path = current?.path ?? /^[A-Z]+ (\S+)/.exec(head)?.[1];
  const status = statusOf(err);
  const e = protocolError(path, status, REASONS[status] ?? 'Bad Request', current?.soap12 ?? /application\/soap\+xml/i.test(head), (socket as Socket & { server?: object }).server);
  const length = Buffer.byteLength(e.body);
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\nContent-Type: ${e.contentType}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${e.body}`, () => socket.destroy());
}

/** The `http.*` settings an HTTP listener of the gateway runs with. */
export interface HttpTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  bodyLimit: number;
}

/**
 * Fastify options every HTTP listener of the gateway shares (the main port and the Open Media port): its deadlines and
 * the protocol-shaped early errors above (`fastify`), and the Node server deadlines alone (`serverTimeouts`, for an
 * HTTPS server's options). Call trackRequestHeads on the server it builds.
 */
export function httpListenerOptions(h: HttpTimeouts) {
  // Node checks header and request deadlines every connectionsCheckingInterval (30 s by default), which would let a
  // client hold a connection for 30 s past headersTimeoutMs: checked at a quarter of it (at most every second).
  const interval = Math.max(25, Math.min(1_000, Math.floor(h.headersTimeoutMs / 4)));
  const serverTimeouts = { headersTimeout: h.headersTimeoutMs, requestTimeout: h.requestTimeoutMs, connectionsCheckingInterval: interval };
  const fastify = {
    bodyLimit: h.bodyLimit,
    requestTimeout: h.requestTimeoutMs,
    keepAliveTimeout: h.keepAliveTimeoutMs,
    // The idle-socket backstop comes after the request deadline has been checked twice: a stalled body is answered
    // 408 in its protocol (clientErrorHandler) instead of being dropped without a byte when both would fire at once.
    connectionTimeout: h.requestTimeoutMs + 2 * interval + 1_000,
    http: serverTimeouts,
    clientErrorHandler,
    frameworkErrors,
  };
  return { fastify, serverTimeouts };
}
