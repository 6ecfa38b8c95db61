/**
 * The TelServices TCP port (seed "Transport protocol"): a client connects, sends one request, receives one
 * TelServiceReturn and the server closes the connection. The same port speaks HTTP: a connection that starts with an
 * HTTP method is handed to an HTTP server serving the same routes as the main one.
 *
 * A connection that sends nothing complete within idleTimeoutMs is closed (with `reject` if it sent a part of a
 * request); one that sends more than maxRequestBytes gets `reject` at once. Each connection has its own buffer and
 * timer, so a slow or hostile client never holds up another.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { cachedErrorXml } from './codec.js';
import { RequestFramer, withEndOfPdu } from './framing.js';
import { normaliseAddress, type Peer } from './sessions.js';

export interface TcpOptions {
  host: string;
  port: number;
  maxBytes: number;
  idleTimeoutMs: number;
  endOfPDU: Buffer;
  maxConnections: number;
  log: Logger;
  allowed(ip: string): boolean;
  handle(body: Buffer, peer: Peer): Promise<string>;
  /** The HTTP server connections switch to (Fastify's server, ready but not listening). */
  http(): Promise<{ emit(event: 'connection', socket: Socket): boolean }>;
}

/** How long a replied connection may stay half-open waiting for the client to close. */
const LINGER_MS = 5_000;

export class TcpTransport {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly o: TcpOptions) {}

  start(): Promise<number> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    server.on('error', (err) => this.o.log.error({ err }, 'telservices listener error'));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.o.port, host: this.o.host, backlog: 1024 }, () => {
        server.off('error', reject);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : this.o.port);
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // Resets and aborts by clients are normal here; without a listener they would be thrown.
    socket.on('error', () => socket.destroy());
    const address = normaliseAddress(socket.remoteAddress);
    if (!this.o.allowed(address)) {
      this.o.log.warn({ ip: address }, 'telservices client address not in allow-list');
      socket.destroy();
      return;
    }
    if (this.sockets.size > this.o.maxConnections) {
      this.reply(socket, cachedErrorXml('resourceError'));
      return;
    }
    const framer = new RequestFramer({ maxBytes: this.o.maxBytes, endOfPDU: this.o.endOfPDU });
    const onData = (chunk: Buffer) => {
      const r = framer.push(chunk);
      if (r.kind === 'more') return;
      socket.off('data', onData);
      socket.setTimeout(0);
      switch (r.kind) {
        case 'http':
          void this.toHttp(socket, framer.buffered);
          return;
        case 'invalid':
          this.reply(socket, cachedErrorXml('reject'));
          return;
        case 'request':
          // One request per connection: anything after it is read and ignored until the client closes.
          socket.on('data', () => {});
          this.o.handle(r.body, { address, transport: 'tcp' }).then(
            (xml) => this.reply(socket, xml),
            (err: unknown) => {
              this.o.log.error({ err }, 'telservices request handling failed');
              this.reply(socket, cachedErrorXml('resourceError'));
            },
          );
      }
    };
    socket.on('data', onData);
    socket.setTimeout(this.o.idleTimeoutMs, () => {
      socket.off('data', onData);
      if (framer.hasData) this.reply(socket, cachedErrorXml('reject'));
      else socket.destroy();
    });
  }

  /** Writes the return (plus the end-of-PDU sequence) and half-closes; the client's close finishes the socket. */
  private reply(socket: Socket, xml: string): void {
    if (socket.destroyed) return;
    socket.setTimeout(0);
    socket.end(withEndOfPdu(xml, this.o.endOfPDU));
    // end() rather than destroy(): data the client still sends must not turn into a reset that discards our reply.
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  }

  private async toHttp(socket: Socket, buffered: Buffer): Promise<void> {
    try {
      const http = await this.o.http();
      socket.pause();
      socket.unshift(buffered);
      http.emit('connection', socket);
      socket.resume();
    } catch (err) {
      this.o.log.error({ err }, 'telservices http hand-off failed');
      socket.destroy();
    }
  }
}
