/**
 * The TelServices TCP port (seed "Transport protocol"): a client connects, sends one request, receives one
 * TelServiceReturn and the server closes the connection. The same port speaks HTTP: a connection that starts with an
 * HTTP method is handed to port-http.ts, which serves the same routes as the main server.
 *
 * Two clocks guard every connection, so a slow or hostile client never holds a slot for long:
 * - the idle timeout (`idleTimeoutMs`) limits the silence before a request starts;
 * - the request deadline (`requestTimeoutMs`) runs from the request's first byte and is never extended by what
 *   arrives meanwhile: a client dripping one byte every few seconds is answered `reject` (HTTP: 408) when it passes.
 * A partial request ended by the client's FIN is answered `reject` at once. Beyond `maxConnections` connections, or
 * `maxConnectionsPerAddress` from one address, a new connection is answered `resourceError`, so one address cannot
 * take every slot.
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
  /** Milliseconds of silence allowed before a request's first byte. */
  idleTimeoutMs: number;
  /** Milliseconds from a request's first byte to its last. */
  requestTimeoutMs: number;
  endOfPDU: Buffer;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  log: Logger;
  allowed(ip: string): boolean;
  handle(body: Buffer, peer: Peer): Promise<string>;
  /**
   * Takes over a connection that turned out to be HTTP: `buffered` holds the bytes read so far, `deadlineMs` what is
   * left of its first request's deadline.
   */
  adoptHttp(socket: Socket, buffered: Buffer, deadlineMs: number): Promise<void>;
}

/** How long a replied connection may stay half-open waiting for the client to close. */
const LINGER_MS = 5_000;

/** Runs `fn` after the I/O already waiting has been read (setImmediate follows the event loop's poll phase). */
export function lateIo(fn: () => void): void {
  setImmediate(fn);
}

export class TcpTransport {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly o: TcpOptions) {}

  start(): Promise<number> {
    // allowHalfOpen: a client that half-closes after its request (or in the middle of one) still gets its answer.
    const server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      // A port that cannot be opened is the caller's start-up error (one line naming the setting), not a log line
      // with a stack: errors are logged only once the port is open.
      server.once('error', reject);
      server.listen({ port: this.o.port, host: this.o.host, backlog: 1024 }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.o.log.error({ err }, 'telservices listener error'));
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
    this.perAddress.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const address = normaliseAddress(socket.remoteAddress);
    this.sockets.add(socket);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.once('close', () => {
      this.sockets.delete(socket);
      const n = (this.perAddress.get(address) ?? 1) - 1;
      if (n > 0) this.perAddress.set(address, n);
      else this.perAddress.delete(address);
    });
    // Resets and aborts by clients are normal here; without a listener they would be thrown.
    socket.on('error', () => socket.destroy());
    if (!this.o.allowed(address)) {
      this.o.log.warn({ ip: address }, 'telservices client address not in allow-list');
      socket.destroy();
      return;
    }
    if (this.sockets.size > this.o.maxConnections || (this.perAddress.get(address) ?? 0) > this.o.maxConnectionsPerAddress) {
      // Debug, not warn: a flood of refused connections must not become a flood of log lines.
      this.o.log.debug({ ip: address, open: this.sockets.size }, 'telservices connection refused: too many connections');
      this.reply(socket, cachedErrorXml('resourceError'));
      return;
    }
    this.serve(socket, address);
  }

  /** One raw request: framed, answered, closed; or handed to HTTP. */
  private serve(socket: Socket, address: string): void {
    const framer = new RequestFramer({ maxBytes: this.o.maxBytes, endOfPDU: this.o.endOfPDU });
    let startedAt = 0;
    let deadline: NodeJS.Timeout | undefined;
    let settled = false;
    const done = () => {
      settled = true;
      socket.off('data', onData);
      socket.off('end', onEnd);
      // The listener goes too: a socket handed to HTTP gets that server's own inactivity timer.
      socket.off('timeout', onIdle);
      socket.setTimeout(0);
      clearTimeout(deadline);
    };
    // Both clocks act after the event loop's next I/O poll (lateIo): on a busy server, bytes that had arrived in time
    // are read first instead of being reset with the connection.
    const onIdle = () =>
      lateIo(() => {
        if (settled || deadline !== undefined) return;
        done();
        socket.destroy();
      });
    const onDeadline = () =>
      lateIo(() => {
        if (settled) return;
        done();
        this.o.log.debug({ ip: address }, 'telservices request deadline passed');
        this.reply(socket, cachedErrorXml('reject'));
      });
    const onData = (chunk: Buffer) => {
      if (deadline === undefined) {
        // The request has started: from now on only the deadline counts, not the gaps between bytes.
        socket.setTimeout(0);
        startedAt = performance.now();
        deadline = setTimeout(onDeadline, this.o.requestTimeoutMs);
      }
      const r = framer.push(chunk);
      if (r.kind === 'more') return;
      done();
      switch (r.kind) {
        case 'http': {
          const left = Math.max(1, this.o.requestTimeoutMs - (performance.now() - startedAt));
          this.o.adoptHttp(socket, framer.buffered, left).catch((err: unknown) => {
            this.o.log.error({ err }, 'telservices http hand-off failed');
            socket.destroy();
          });
          return;
        }
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
    // The client's FIN: a partial request can never complete, so it is answered now; after nothing, we just close.
    const onEnd = () => {
      done();
      if (framer.hasData) this.reply(socket, cachedErrorXml('reject'));
      else socket.end();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.once('close', () => clearTimeout(deadline));
    socket.on('timeout', onIdle);
    socket.setTimeout(this.o.idleTimeoutMs);
  }

  /** Writes the return (plus the end-of-PDU sequence) and half-closes; the client's close finishes the socket. */
  private reply(socket: Socket, xml: string): void {
    if (socket.destroyed) return;
    socket.setTimeout(0);
    socket.end(withEndOfPdu(xml, this.o.endOfPDU));
    // Whatever the client still sends is discarded, so its FIN is seen and the socket closes without waiting.
    socket.resume();
    // end() rather than destroy(): data the client still sends must not turn into a reset that discards our reply.
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  }
}
