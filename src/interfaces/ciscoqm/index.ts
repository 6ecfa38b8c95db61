/**
 * Cisco Unified Workforce Optimization Quality Management 2.6 (seed 001) on the core's recordings archive:
 *
 * | part | file |
 * | --- | --- |
 * | QM Administrator's configuration: agents (network or desktop recorded, workflow), metadata fields, teams, users | settings.ts, metadata.ts |
 * | QM Recording API: one UDP command per datagram on the desktop and network ports | datagram.ts, udp.ts, commands.ts, calls.ts |
 * | the same commands as JSON from Finesse workflow actions | finesse.ts |
 * | QM Server API: SOAP 1.2 search, export, export progress, delete, edit metadata; download of exports | server/ |
 *
 * A QM contact record (ccr) is one recording of the archive. QM records an agent's calls by its workflow (the core's
 * recording policy, source `ciscoqm`, reason `workflow`) and when the agent tags a call (`tag`, `agentTagged`); the
 * Server API finds every recording, QMI's and the control API's included.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { DEFAULT_QM_ADMIN_PASSWORD } from '../../config/load.js';
import type { GatewayContext, InterfaceFactory, InterfaceModule } from '../types.js';
import { AgentCalls } from './calls.js';
import type { CommandDeps } from './commands.js';
import { registerFinesse } from './finesse.js';
import { ServerApiAuth } from './server/auth.js';
import { registerServerApi } from './server/endpoint.js';
import { Exports } from './server/exports.js';
import { loadSettings, type QmSettings } from './settings.js';
import { RecordingApi } from './udp.js';

class CiscoQmInterface implements InterfaceModule {
  readonly name = 'ciscoqm' as const;
  private readonly settings: QmSettings;
  private readonly calls: AgentCalls;
  private readonly commands: CommandDeps;
  private readonly udp: RecordingApi;
  private readonly exports: Exports;
  private readonly log: Logger;
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: GatewayContext) {
    const c = ctx.config.ciscoqm;
    this.log = ctx.logger.child({ interface: 'ciscoqm' });
    this.settings = loadSettings(ctx.fixture?.ciscoqm, ctx.center, c.adminPassword);
    // The workflow of each QM agent is the core's recording policy: applied when the agent's calls are answered.
    for (const a of this.settings.agents) ctx.center.recordings.setPolicy(a.userId, a.workflow);
    this.calls = new AgentCalls(ctx.center);
    this.unsubscribe = ctx.center.bus.subscribe((e) => this.calls.onEvent(e));
    this.commands = { center: ctx.center, calls: this.calls, fields: this.settings.fields };
    this.udp = new RecordingApi({
      host: ctx.config.host,
      desktopPort: c.desktopPort,
      networkPort: c.networkPort,
      settings: this.settings,
      commands: this.commands,
      registry: ctx.metrics.registry,
      logger: this.log,
      batch: (fn) => ctx.center.recordings.archive.batch(fn),
    });
    this.exports = new Exports({
      dir: join(ctx.dataDir, 'exports'),
      clock: ctx.center.clock,
      ttlMs: c.exportTtlSec * 1000,
      ffmpeg: c.ffmpegPath,
      maxRunning: c.maxConcurrentExports,
      maxQueued: c.maxQueuedExports,
      maxStoredBytes: c.maxStoredExportBytes,
      logger: this.log,
    });
  }

  register(app: FastifyInstance): void {
    const auth = new ServerApiAuth(this.settings);
    const c = this.ctx;
    registerServerApi(app, { center: c.center, settings: this.settings, exports: this.exports, pageSize: c.config.ciscoqm.pageSize, auth, metrics: c.metrics });
    registerFinesse(app, this.settings, this.commands, c.metrics);
  }

  async start(): Promise<void> {
    await this.exports.start();
    const ports = await this.udp.start();
    this.ctx.ports.qmDesktop = ports.desktop;
    this.ctx.ports.qmNetwork = ports.network;
    const defaults = this.settings.userList.filter((u) => u.adminPassword && u.password === DEFAULT_QM_ADMIN_PASSWORD);
    if (defaults.length > 0) {
      this.log.warn(
        { users: defaults.map((u) => u.userId), setting: 'ciscoqm.adminPassword', env: 'CCGATE_QM_ADMIN_PASSWORD' },
        `Cisco QM: ${defaults.map((u) => u.userId).join(', ')} has the default password; set CCGATE_QM_ADMIN_PASSWORD`,
      );
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.udp.stop();
    await this.exports.stop();
  }

  snapshot(): unknown {
    return { datagrams: { ...this.udp.totals }, receiveBufferBytes: this.udp.receiveBuffer, exports: this.exports.size, ...this.calls.snapshot() };
  }
}

export const ciscoqmInterface: InterfaceFactory = (ctx) => new CiscoQmInterface(ctx);
