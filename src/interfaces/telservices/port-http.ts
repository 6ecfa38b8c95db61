/**
 * HTTP on the TelServices port. The TCP transport hands over connections that start with an HTTP method; this
 * Fastify instance serves them without ever listening itself.
 *
 * Node runs its header and request timeouts only on a server that listens, so this one enforces its own, with the
 * TCP transport's rules: a request's deadline (`requestTimeoutMs`) runs from its first byte until its headers and
 * body are in, whatever trickles in meanwhile, and is answered 408 with a `reject` TelServiceReturn when it passes;
 * between requests a kept-alive connection may stay silent for `idleTimeoutMs`. A snapshot long poll waits for its
 * answer without a timer of ours: its request is complete.
 *
 * Every path answers TelServices: the seed names no path for the XML request, so any POST carries one; anything else
 * unknown is answered `reject` (404).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { cachedErrorXml } from './codec.js';
import type { RequestHandler } from './handler.js';
import { telservicesRoutes } from './http.js';
import type { Sessions } from './sessions.js';
import { lateIo } from './tcp.js';

export interface PortHttpOptions {
  handler: RequestHandler;
  sessions: Sessions;
  maxBytes: number;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  log: Logger;
}

/** Per connection: the running request deadline and how many answers to complete requests are still owed. */
interface Conn {
  deadline?: NodeJS.Timeout;
  owed: number;
}

const XML_HEAD = 'Content-Type: text/xml; charset=utf-8\r\nConnection: close';

/**
 * Answers a request that never completed (there is no ServerResponse to write through) and closes: reading stops so
 * nothing more reaches the parser, and the socket goes once the answer has been flushed.
 */
function closeWithReject(socket: Socket, status: 400 | 408): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = cachedErrorXml('reject');
  const reason = status === 408 ? 'Request Timeout' : 'Bad Request';
  socket.pause();
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${XML_HEAD}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
  setTimeout(() => socket.destroy(), 1_000).unref();
}

export class PortHttp {
  private app: Promise<FastifyInstance> | undefined;
  private readonly conns = new WeakMap<Socket, Conn>();

  constructor(private readonly o: PortHttpOptions) {}

  /** Builds the instance (once). */
  ready(): Promise<FastifyInstance> {
    this.app ??= this.build();
    return this.app;
  }

  async adopt(socket: Socket, buffered: Buffer, deadlineMs: number): Promise<void> {
    const app = await this.ready();
    if (socket.destroyed) return;
    const conn: Conn = { owed: 0 };
    this.conns.set(socket, conn);
    this.arm(socket, conn, deadlineMs);
    socket.pause();
    socket.unshift(buffered);
    app.server.emit('connection', socket);
    // Added after the HTTP server took the socket (its parser then reads through 'data' too), and ahead of the
    // parser, so a chunk arms the deadline before the request it holds is parsed: the first byte of the next request
    // starts that request's deadline.
    socket.prependListener('data', () => {
      if (conn.deadline === undefined) this.arm(socket, conn, this.o.requestTimeoutMs);
    });
    socket.once('close', () => this.disarm(conn));
    socket.resume();
  }

  async close(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    if (app) await (await app).close();
  }

  private build = async (): Promise<FastifyInstance> => {
    const app = Fastify({
      logger: false,
      bodyLimit: this.o.maxBytes,
      // Node's socket inactivity timer is reset by every byte, so it cannot stop a dripping client (the deadline
      // does); set beyond both our timers, it only closes a client that stops reading its answer. A long poll that is
      // still waiting keeps its socket (http.ts).
      connectionTimeout: this.o.idleTimeoutMs + this.o.requestTimeoutMs,
      keepAliveTimeout: this.o.idleTimeoutMs,
      requestTimeout: this.o.requestTimeoutMs,
      // The seed's shortcut URL is /makeCall; TelServer does not care how a client spells its case.
      routerOptions: { caseSensitive: false },
      // Unparseable HTTP gets a TelServiceReturn too, never Fastify's JSON.
      clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => closeWithReject(socket, err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400),
      // So does a path the router refuses (bad percent-encoding 400, a parameter too long 414).
      frameworkErrors: (err: Error & { statusCode?: number }, _request: FastifyRequest, reply: FastifyReply) => {
        void reply.code(err.statusCode ?? 400).type('text/xml; charset=utf-8').send(cachedErrorXml('reject'));
      },
    });
    app.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    // An Expect other than 100-continue: 417 with a reject, never Node's empty answer.
    app.server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
      const body = cachedErrorXml('reject');
      res.writeHead(417, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
    });
    await app.register(telservicesRoutes(this.o.handler, this.o.sessions, this.o.maxBytes, { anyPostPath: true }));
    await app.ready();
    return app;
  };

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const conn = this.conns.get(req.socket);
    if (!conn) return;
    let counted = false;
    const received = () => {
      this.disarm(conn);
      if (counted || res.closed) return;
      counted = true;
      conn.owed++;
      res.once('close', () => conn.owed--);
    };
    // The request is in once its body is: at once when it has none, else when the route has read it (or the
    // answer has gone, for a body no route reads).
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) received();
    else {
      req.once('end', received);
      res.once('finish', received);
    }
  }

  private arm(socket: Socket, conn: Conn, ms: number): void {
    const timer: NodeJS.Timeout = setTimeout(
      () =>
        // After the I/O already waiting: a request that did arrive in time is read (and disarms) first.
        lateIo(() => {
          if (conn.deadline !== timer) return;
          conn.deadline = undefined;
          this.o.log.debug({ ip: socket.remoteAddress }, 'telservices http request deadline passed');
          // An answer still owed on this connection (a long poll) cannot be interleaved with ours: just close.
          if (conn.owed === 0) closeWithReject(socket, 408);
          else socket.destroy();
        }),
      ms,
    );
    timer.unref();
    conn.deadline = timer;
  }

  private disarm(conn: Conn): void {
    clearTimeout(conn.deadline);
    conn.deadline = undefined;
  }
}
