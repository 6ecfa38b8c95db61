/**
 * The QM Recording API's two UDP ports (seed 001): the desktop port (QM Desktop Recording service, 65001), where a
 * command acts for the agent whose desktop sends it (the fixture's `ciscoqm.desktops`: source address → agent), and
 * the network port (QM Network Recording service, 65002), where `sender_id` names the agent. No reply is ever sent.
 * Every datagram is counted (`ccgate_ciscoqm_datagrams_total{port,command,outcome,reason}`); ignored and refused ones
 * are logged at debug. Nothing a client sends can make the listener throw.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { runCommand, type CommandDeps, type CommandOutcome } from './commands.js';
import { parseDatagram, type RecordingPort } from './datagram.js';
import type { QmSettings } from './settings.js';

/**
 * Receive buffer asked of the kernel (SO_RCVBUF): bursts queue here while the event loop does other work (a search
 * page, a garbage collection). Linux doubles the value asked and charges each small datagram about 830 bytes
 * (measured: 832 on loopback), so 4 MiB holds some 10,000 datagrams, half a second at 20,000 a second (issue 11's
 * rate). The kernel caps it at net.core.rmem_max: {@link RecordingApi.start} warns when it got less.
 */
export const RECEIVE_BUFFER = 4 * 1024 * 1024;
/** Datagrams handled in one archive transaction before the event loop gets a turn (HTTP is not starved). */
const MAX_BATCH = 512;
/**
 * How long the first datagram of a batch waits for others (ms). A commit costs about as much as two commands, so
 * datagrams are applied a millisecond's worth at a time (20 at 20,000 a second) rather than one commit each; the
 * commands have no reply, so nobody waits for that millisecond.
 */
const GATHER_MS = 1;

interface Received {
  msg: Buffer;
  from: string;
  port: RecordingPort;
}

export interface RecordingApiOptions {
  host: string;
  desktopPort: number;
  networkPort: number;
  settings: QmSettings;
  commands: CommandDeps;
  registry: Registry;
  logger: Logger;
  /** Runs `fn` with every archive write it makes in one commit (RecordingArchive.batch). */
  batch: (fn: () => void) => void;
}

/** Datagrams by outcome, for the state snapshot. */
export interface DatagramTotals {
  applied: number;
  ignored: number;
  rejected: number;
}

export class RecordingApi {
  readonly totals: DatagramTotals = { applied: 0, ignored: 0, rejected: 0 };
  /** The receive buffer the kernel granted (bytes, as SO_RCVBUF reads back: Linux reports twice what it was asked). */
  receiveBuffer = 0;
  private readonly sockets: Socket[] = [];
  /** Datagrams received and not yet handled, oldest first. */
  private queue: Received[] = [];
  /** The drain to come, while one is scheduled. */
  private pending: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private readonly counter: Counter<'port' | 'command' | 'outcome' | 'reason'>;

  constructor(private readonly opts: RecordingApiOptions) {
    this.counter = new Counter({
      name: 'ccgate_ciscoqm_datagrams_total',
      help: 'Cisco QM Recording API datagrams by port, command and outcome (applied, ignored, rejected) with the reason',
      labelNames: ['port', 'command', 'outcome', 'reason'],
      registers: [opts.registry],
    });
  }

  /** Binds both ports (0 = any free port). @returns the bound ports. Rejects with the bind error (EADDRINUSE …). */
  async start(): Promise<{ desktop: number; network: number }> {
    const desktop = await this.bind('desktop', this.opts.desktopPort);
    const network = await this.bind('network', this.opts.networkPort);
    return { desktop, network };
  }

  async stop(): Promise<void> {
    this.queue = [];
    clearTimeout(this.pending as NodeJS.Timeout);
    clearImmediate(this.pending as NodeJS.Immediate);
    this.pending = undefined;
    await Promise.all(this.sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  /**
   * One datagram from `from` on `port`: read, find the agent, run the command, count. Public so the protocol can be
   * driven without sockets (tests, benchmark).
   */
  handle(msg: Buffer, from: string, port: RecordingPort): CommandOutcome {
    let result: CommandOutcome;
    let command = 'unknown';
    try {
      const d = parseDatagram(msg, port);
      if (!d.ok) {
        // The command's name when it is one of the six (the label stays bounded), else `unknown`.
        if (d.reason !== 'unknownCommand' && d.command !== undefined) command = d.command;
        result = { outcome: 'rejected', reason: d.reason };
      } else {
        command = d.command;
        const agent = d.senderId !== undefined ? this.opts.settings.agentBySender(d.senderId) : this.opts.settings.agentByAddress(from);
        if (!agent) result = { outcome: 'ignored', reason: port === 'network' ? 'unknownSender' : 'unmappedDesktop' };
        // Seed 001: sender_id is for network recording users; a desktop user is reached through its desktop.
        else if (port === 'network' && agent.recording !== 'network') result = { outcome: 'ignored', reason: 'notNetworkRecorded' };
        else result = runCommand(this.opts.commands, agent.userId, d.command, d.pairs);
      }
    } catch (err) {
      this.opts.logger.error({ err, port, from }, 'Cisco QM datagram failed');
      result = { outcome: 'ignored', reason: 'internal' };
    }
    this.count(port, command, result, from);
    return result;
  }

  /**
   * Queues a datagram; what arrives within {@link GATHER_MS} is handled together, in order, in one archive
   * transaction: one commit per datagram would cost more than the commands themselves.
   */
  private receive(d: Received): void {
    this.queue.push(d);
    if (this.pending === undefined) this.pending = setTimeout(() => this.drain(), GATHER_MS);
  }

  private drain(): void {
    this.pending = undefined;
    const batch = this.queue.length > MAX_BATCH ? this.queue.splice(0, MAX_BATCH) : this.queue.splice(0);
    if (batch.length === 0) return;
    try {
      this.opts.batch(() => {
        for (const d of batch) this.handle(d.msg, d.from, d.port);
      });
    } catch (err) {
      // handle() catches per datagram; only the commit itself can fail here.
      this.opts.logger.error({ err, datagrams: batch.length }, 'Cisco QM datagrams: archive commit failed');
    }
    // A backlog is worked off at once, a batch a turn of the event loop.
    if (this.queue.length > 0) this.pending = setImmediate(() => this.drain());
  }

  private count(port: RecordingPort, command: string, r: CommandOutcome, from: string): void {
    this.totals[r.outcome] += 1;
    const reason = r.outcome === 'applied' ? '' : r.reason;
    this.counter.inc({ port, command, outcome: r.outcome, reason });
    if (r.outcome !== 'applied') this.opts.logger.debug({ port, from, command, outcome: r.outcome, reason }, 'Cisco QM datagram not applied');
  }

  private bind(port: RecordingPort, number: number): Promise<number> {
    const socket = createSocket({ type: isIPv6(this.opts.host) ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER });
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once('error', failed);
      socket.bind(number, this.opts.host, () => {
        socket.off('error', failed);
        // After binding, a socket error (ICMP, buffer) is logged; it never reaches the process.
        socket.on('error', (err) => this.opts.logger.warn({ err, port }, 'Cisco QM UDP socket error'));
        socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.receive({ msg, from: rinfo.address, port }));
        this.sockets.push(socket);
        this.receiveBuffer = socket.getRecvBufferSize();
        // The kernel silently caps SO_RCVBUF at net.core.rmem_max (208 KiB on a stock Linux, granted as 416 KiB: some
        // 500 datagrams).
        if (this.receiveBuffer < RECEIVE_BUFFER) {
          this.opts.logger.warn(
            { port, asked: RECEIVE_BUFFER, got: this.receiveBuffer, sysctl: 'net.core.rmem_max' },
            'Cisco QM UDP receive buffer is smaller than asked: bursts may be lost; raise net.core.rmem_max',
          );
        }
        resolve(socket.address().port);
      });
    });
  }
}
