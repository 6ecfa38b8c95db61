/**
 * Every setting of ccgate in one zod schema. Sources, lowest to highest: defaults, the config file
 * (CCGATE_CONFIG, JSON), environment variables (DESIGN.md), and options passed to buildGateway() in code.
 */
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const cidrList = z.array(z.string().min(1)).default([]);
/**
 * Where a QM tool may have ccgate post events and stream RTP by default (QMI 1.1: the interface has no
 * authentication and "allows access to the RTP stream of any call"): loopback and private networks (RFC 1918, RFC
 * 4193). Link-local (169.254.0.0/16, where cloud metadata services live) and public addresses need explicit config.
 */
export const LOCAL_NETWORKS = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] as const;

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
      /** Longest silence on a TelServices connection before a request starts (or between HTTP requests) before it is closed. */
      idleTimeoutMs: z.number().int().positive().default(10_000),
      /** Longest time from a request's first byte to its last (HTTP headers and body included), whatever arrives meanwhile. */
      requestTimeoutMs: z.number().int().positive().default(10_000),
      /** qualifyCall answers the call unless the request says otherwise. */
      qualifyCallAnswers: z.boolean().default(true),
      /** Password of adminUserId for the first openSession on a device (administrator authentication). */
      adminPassword: z.string().optional(),
      /** IANA time zone for history dates, statistics start times and campaign working hours (default: the host's). */
      timeZone: z.string().min(1).optional(),
      /** Add callReference to call events (the seed's examples omit it). */
      eventCallReference: z.boolean().default(false),
      /** Present the original party (firstOtherParty) on a consulted device, as TelServer's setting of that name. */
      firstOtherParty: z.boolean().default(true),
      /** Concurrent TCP connections on the TelServices port; beyond it a request is answered resourceError. */
      maxConnections: z.number().int().min(1).default(2048),
      /** Concurrent TCP connections from one client address; beyond it that address is answered resourceError. */
      maxConnectionsPerAddress: z.number().int().min(1).default(256),
      /** Longest wait of a snapshot long poll (resultOnEvent timeout is capped to it). */
      snapshotMaxWaitSec: z.number().int().min(1).max(3600).default(300),
    })
    .default({
      port: 7001,
      endOfPDU: '',
      sessionLimit: 1000,
      authByAdministrator: false,
      maxRequestBytes: 64 * 1024,
      idleTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      qualifyCallAnswers: true,
      eventCallReference: false,
      firstOtherParty: true,
      maxConnections: 2048,
      maxConnectionsPerAddress: 256,
      snapshotMaxWaitSec: 300,
    }),
  ciscoqm: z
    .object({
      desktopPort: port.default(65001),
      networkPort: port.default(65002),
      adminPassword: z.string().min(1).default('qmadmin'),
    })
    .default({ desktopPort: 65001, networkPort: 65002, adminPassword: 'qmadmin' }),
  qmi: z
    .object({
      /** Callback URLs must resolve into these networks; [] allows any address. */
      callbackAllow: z.array(z.string().min(1)).default([...LOCAL_NETWORKS]),
      /** RTP monitoring destinations must be in these networks; [] allows any address. */
      rtpAllow: z.array(z.string().min(1)).default([...LOCAL_NETWORKS]),
      maxRtpStreams: z.number().int().min(0).default(64),
    })
    .default({ callbackAllow: [...LOCAL_NETWORKS], rtpAllow: [...LOCAL_NETWORKS], maxRtpStreams: 64 }),
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
      /** Milliseconds between a device dialling and the far end ringing (a PBX's delivered event comes a moment later). */
      deliveryDelayMs: z.number().int().min(0).max(60_000).default(0),
    })
    .default({ ringTimeoutSec: 20, noAnswerSec: 30, wrapUpSec: 10, externalAnswerMs: 2000, deliveryDelayMs: 0 }),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
