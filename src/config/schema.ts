/**
 * Every setting of ccgate in one zod schema. Sources, lowest to highest: defaults, the config file
 * (CCGATE_CONFIG, JSON), environment variables (DESIGN.md), and options passed to buildGateway() in code.
 */
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const cidrList = z.array(z.string().min(1)).default([]);

export const ConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  smtpUrl: z.string().url().optional(),
  http: z
    .object({
      port: port.default(8080),
      /** HTTPS for the main HTTP server: PEM file paths. */
      tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
      /** Explicit server timeouts: Fastify's request timeout is off by default. */
      headersTimeoutMs: z.number().int().positive().default(10_000),
      requestTimeoutMs: z.number().int().positive().default(30_000),
      keepAliveTimeoutMs: z.number().int().positive().default(5_000),
      /** Largest SOAP/JSON body accepted. */
      bodyLimit: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
    })
    .default({ port: 8080, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, bodyLimit: 256 * 1024 }),
  telservices: z
    .object({
      port: port.default(7001),
      /** Optional end-of-PDU sequence (telserver.TelServices.endOfPDU.sequence); escapes \r \n \0 \t are decoded. */
      endOfPDU: z.string().max(16).default(''),
      /** Licensed number of open sessions (sessionLimitExceeded beyond it). */
      sessionLimit: z.number().int().min(1).default(1000),
      /** telserver.sessions.user_authentication.administrator.userid */
      adminUserId: z.string().optional(),
      /** telserver.sessions.user_authentication_by_administrator.enabled */
      authByAdministrator: z.boolean().default(false),
      maxRequestBytes: z.number().int().min(256).max(1024 * 1024).default(64 * 1024),
      /** A connection that has not sent a complete request by then is closed. */
      idleTimeoutMs: z.number().int().positive().default(10_000),
      /** qualifyCall answers the call unless the request says otherwise. */
      qualifyCallAnswers: z.boolean().default(true),
    })
    .default({ port: 7001, endOfPDU: '', sessionLimit: 1000, authByAdministrator: false, maxRequestBytes: 64 * 1024, idleTimeoutMs: 10_000, qualifyCallAnswers: true }),
  ciscoqm: z
    .object({
      desktopPort: port.default(65001),
      networkPort: port.default(65002),
      adminPassword: z.string().min(1).default('qmadmin'),
    })
    .default({ desktopPort: 65001, networkPort: 65002, adminPassword: 'qmadmin' }),
  qmi: z
    .object({
      /** Callback URLs must resolve into these networks. */
      callbackAllow: cidrList,
      /** RTP monitoring destinations must be in these networks. */
      rtpAllow: cidrList,
      maxRtpStreams: z.number().int().min(0).default(64),
    })
    .default({ callbackAllow: [], rtpAllow: [], maxRtpStreams: 64 }),
  /** Per-interface client IP allow-lists (CIDR); empty = everyone. The seeds ask operators to protect these interfaces at the IP level. */
  allow: z
    .object({
      qmi: cidrList,
      ici: cidrList,
      openmedia: cidrList,
      telservices: cidrList,
      ciscoqm: cidrList,
      api: cidrList,
    })
    .default({ qmi: [], ici: [], openmedia: [], telservices: [], ciscoqm: [], api: [] }),
  notify: z
    .object({
      retryBaseMs: z.number().int().positive().default(500),
      retryMaxMs: z.number().int().positive().default(30_000),
      cancelAfterFailures: z.number().int().positive().default(10),
      cancelAfterMs: z.number().int().positive().default(120_000),
      queueLimit: z.number().int().positive().default(1000),
      connectTimeoutMs: z.number().int().positive().default(5_000),
      attemptTimeoutMs: z.number().int().positive().default(10_000),
      /** Client certificate for HTTPS callbacks (OII 4.4.3), PEM paths. */
      clientCert: z.string().optional(),
      clientKey: z.string().optional(),
      ca: z.string().optional(),
    })
    .default({ retryBaseMs: 500, retryMaxMs: 30_000, cancelAfterFailures: 10, cancelAfterMs: 120_000, queueLimit: 1000, connectTimeoutMs: 5_000, attemptTimeoutMs: 10_000 }),
  center: z
    .object({
      /** Contact-center fixture; the embedded default when absent. */
      fixture: z.string().optional(),
      seed: z.number().int().optional(),
      ringTimeoutSec: z.number().int().min(1).default(20),
      noAnswerSec: z.number().int().min(1).default(30),
      wrapUpSec: z.number().int().min(0).default(10),
      externalAnswerMs: z.number().int().default(2000),
    })
    .default({ ringTimeoutSec: 20, noAnswerSec: 30, wrapUpSec: 10, externalAnswerMs: 2000 }),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
