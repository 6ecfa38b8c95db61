/**
 * What an interface module gets from the gateway, and what it gives back. Each interface is one module under
 * src/interfaces/<name>/ that translates one wire protocol to core commands and core events to that protocol;
 * interfaces never import each other.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { CenterFixture, ContactCenter } from '../core/index.js';
import type { RtpSender } from '../media/index.js';
import type { Metrics } from '../metrics.js';
import type { Notifier } from '../notify/index.js';

export type InterfaceName = 'qmi' | 'ici' | 'openmedia' | 'telservices' | 'ciscoqm';

export interface Ports {
  http: number;
  telservices: number;
  qmDesktop: number;
  qmNetwork: number;
  /** Open Media's own port (its SOAP and REST are also on `http`). */
  openMedia: number;
}

export interface GatewayContext {
  center: ContactCenter;
  config: Config;
  logger: Logger;
  notifier: Notifier;
  rtp: RtpSender;
  metrics: Metrics;
  /** Absolute data directory (recordings, exports). */
  dataDir: string;
  /** Client IP allowed by the interface's allow-list (config.allow.<name>; empty list = everyone). */
  allowed(iface: InterfaceName | 'api', ip: string): boolean;
  /** Ports actually bound, filled in as listeners start (0 until then). */
  ports: Ports;
  /** The contact-center fixture the core was built from: interfaces validate their own sections of it. */
  fixture?: CenterFixture;
}

/** A refusal of a control route: HTTP status, stable code and message (`{"error": code, "message"}`). */
export class ControlRouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlRouteError';
  }
}

/**
 * A control API route an interface adds for its own part of the simulated world (Open Media tenants …): registered
 * under /api/v1 by the control API with its request and response bodies documented in OpenAPI, like every other.
 */
export interface ControlRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify route syntax, under `/api/v1/`. */
  url: string;
  summary: string;
  /** The request body (validated before the handler runs: 400 otherwise). */
  body?: z.ZodType;
  /** The 2xx body. */
  response: z.ZodType;
  /** Default 200. */
  status?: number;
  /** Runs the route with its path parameters and validated body; throws ControlRouteError or CoreError to refuse. */
  handler(params: Record<string, string | undefined>, body: unknown): unknown;
}

export interface InterfaceModule {
  readonly name: InterfaceName;
  /** Adds HTTP routes to the one HTTP server (called before it listens). */
  register(app: FastifyInstance): Promise<void> | void;
  /** Opens the interface's own listeners (TCP, UDP) and records their ports in ctx.ports. */
  start?(): Promise<void>;
  /** Closes listeners and subscribers; must not throw. */
  stop?(): Promise<void>;
  /** Control API routes of the interface's own (see ControlRoute). */
  controlRoutes?(): ControlRoute[];
  /** Protocol-level state for /api/v1/state under `interfaces.<name>` (sessions etc.). */
  snapshot?(): unknown;
}

export type InterfaceFactory = (ctx: GatewayContext) => InterfaceModule;
