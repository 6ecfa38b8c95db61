/**
 * Every setting of ccgate in one zod schema. Sources, lowest to highest: defaults, the config file
 * (CCGATE_CONFIG, JSON), environment variables (DESIGN.md), and options passed to buildGateway() in code.
 *
 * Every object is strict: an unknown key (a typo such as `http.prot`) is an error naming it, not a setting silently
 * ignored. Values the gateway would otherwise only reject while starting (CIDR ranges, time zones) are checked here,
 * so the error names the key. `config/example.json` lists every key; a test keeps it complete.
 */
import { z } from 'zod';
import { isCidr } from '../net/cidr.js';
import { LOCAL_NETWORKS } from '../net/callback.js';

export { LOCAL_NETWORKS };

/** What a port setting must be, as the error says it. */
export const PORT_RULE = 'must be a port number from 0 to 65535 (0 picks a free port)';
const port = z.number().int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE);
/** CIDR ranges or single addresses (src/net/cidr.ts); an empty list means everyone. */
const cidrs = z.array(z.string().min(1).refine(isCidr, { error: (i) => `"${String(i.input)}" is not an address or CIDR range` }));
const cidrList = cidrs.default([]);
/** An IANA time zone this Node.js knows (Intl), e.g. "Europe/Helsinki". */
const timeZone = z.string().min(1).refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: (i) => `unknown time zone "${String(i.input)}"` },
);

/** OII.MapSubscribeUrl (seed 4.4.1): an even number of comma-separated `host:port` entries, or nothing. */
function validUrlMap(value: string): boolean {
  if (value.trim() === '') return true;
  const parts = value.split(',').map((p) => p.trim());
  return parts.length % 2 === 0 && parts.every((p) => /^[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}$/.test(p));
}

/**
 * An optional setting: absent, or null in a config file (config/example.json lists every key, null meaning "not
 * set"), both become undefined.
 */
function unset<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v) => v ?? undefined);
}

export const ConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  smtpUrl: unset(z.string().url()),
  http: z
    .strictObject({
      port: port.default(8080),
      /** HTTPS for the main HTTP server: PEM file paths. */
      tls: unset(z.strictObject({ cert: z.string().min(1), key: z.string().min(1) })),
      /** Explicit server timeouts: Fastify's request timeout is off by default. */
      headersTimeoutMs: z.number().int().positive().default(10_000),
      requestTimeoutMs: z.number().int().positive().default(30_000),
      keepAliveTimeoutMs: z.number().int().positive().default(5_000),
      /** Largest SOAP/JSON body accepted. */
      bodyLimit: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
    })
    // Node refuses a headers timeout longer than the request timeout (the request's deadline includes its headers).
    .superRefine((h, ctx) => {
      if (h.headersTimeoutMs > h.requestTimeoutMs) {
        ctx.addIssue({ code: 'custom', path: ['headersTimeoutMs'], message: `must not exceed http.requestTimeoutMs (${h.requestTimeoutMs})` });
      }
    })
    .prefault({}),
  telservices: z
    .strictObject({
      port: port.default(7001),
      /** Optional end-of-PDU sequence (telserver.TelServices.endOfPDU.sequence); escapes \r \n \0 \t are decoded. */
      endOfPDU: z.string().max(16).default(''),
      /** Licensed number of open sessions (sessionLimitExceeded beyond it). */
      sessionLimit: z.number().int().min(1).default(1000),
      /** telserver.sessions.user_authentication.administrator.userid */
      adminUserId: unset(z.string()),
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
      adminPassword: unset(z.string()),
      /** IANA time zone for history dates, statistics start times and campaign working hours (default: the host's). */
      timeZone: unset(timeZone),
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
    .prefault({}),
  ciscoqm: z
    .strictObject({
      /** QM Recording API, desktop recording (UDP): commands act for the agent of the sending desktop. */
      desktopPort: port.default(65001),
      /** QM Recording API, network recording (UDP): commands name the agent by sender_id. */
      networkPort: port.default(65002),
      /** Password of the Server API users the fixture lists without one (qmadmin in the default center). */
      adminPassword: z.string().min(1).default('qmadmin'),
      /** Server API search: contacts per page before truncationBoundaryId. */
      pageSize: z.number().int().min(1).max(1000).default(100),
      /** Seconds a finished export stays retrievable (seed 001: at least one hour). */
      exportTtlSec: z.number().int().min(3600).max(7 * 86_400).default(3600),
      /** The ffmpeg program that encodes WMA and WMV exports (Debian package ffmpeg). */
      ffmpegPath: z.string().min(1).default('ffmpeg'),
      /** Exports encoded at once; more wait their turn. */
      maxConcurrentExports: z.number().int().min(1).max(16).default(2),
      /** Exports waiting or running at once; exportRecording beyond it is a Receiver fault (retry later). */
      maxQueuedExports: z.number().int().min(1).max(10_000).default(20),
      /** Bytes of finished exports not yet downloaded; at or over it exportRecording is a Receiver fault (retry later). */
      maxStoredExportBytes: z.number().int().min(1024 * 1024).default(1024 * 1024 * 1024),
    })
    .prefault({}),
  qmi: z
    .strictObject({
      /** Callback URLs must resolve into these networks; [] allows any address. */
      callbackAllow: cidrs.default([...LOCAL_NETWORKS]),
      /** RTP monitoring destinations must be in these networks; [] allows any address. */
      rtpAllow: cidrs.default([...LOCAL_NETWORKS]),
      maxRtpStreams: z.number().int().min(0).default(64),
      /** Event element names: `examples` as each of the seed's examples spells them, `uniform` QMICallInfo…Event throughout. */
      eventNames: z.enum(['examples', 'uniform']).default('examples'),
      /** CallInfoParams TimeStamp: `seed` (2009-03-31T12:59:59.9999, no zone) or `iso8601` (with its zone). */
      timeStamp: z.enum(['seed', 'iso8601']).default('seed'),
      /** IANA time zone of TimeStamp. */
      timeZone: timeZone.default('UTC'),
    })
    .prefault({}),
  openmedia: z
    .strictObject({
      /** Open Media SOAP and REST on their own port as well (12615, as every public client of the real service uses; the seed's 12620 is a setting away). */
      port: port.default(12615),
      /** Seed "Data cache" (DataExpiration): minutes a terminated request stays in the cache. */
      dataExpirationMin: z.number().int().min(1).max(10_080).default(30),
      /** Concurrent requests the site license allows; one more is NoLicenseFault (0: no license, every licensed operation faults). */
      licenses: z.number().int().min(0).max(1_000_000).default(10_000),
      /** Seed "Authentication": every message must carry the LogonID and Password headers of a host administrator. */
      authentication: z.boolean().default(false),
      /** The host administrators authentication accepts. */
      administrators: z.array(z.strictObject({ logonId: z.string().min(1).max(64), password: z.string().max(256) })).default([]),
      /** Request members in `any` order (tolerant), or as WCF reads them (`wcf`: a member out of alphabetical order is silently ignored). */
      memberOrder: z.enum(['any', 'wcf']).default('any'),
      /** SetOptions' fault for out-of-range input: the contract's InvalidDataException, or the vendor document's InvalidDataFault. */
      setOptionsFault: z.enum(['InvalidDataException', 'InvalidDataFault']).default('InvalidDataException'),
      /** Answer SOAP 1.2 too; false (default) refuses it with HTTP 415, as WCF's BasicHttpBinding does. */
      acceptSoap12: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * ICI/OII (seed 002): the OII module parameters of its chapter 4.3 (`OII.X` → `ici.x`, 0/1 as false/true) and the
   * registry settings of 4.2 that apply, with the seed's defaults; README "ICI settings" documents each.
   */
  ici: z
    .strictObject({
      /** appUrl hosts must resolve into these networks (the shared callback-address check); [] allows any address. */
      appUrlAllow: cidrs.default([...LOCAL_NETWORKS]),
      /** OII.MapSubscribeUrl: "<subscribed host:port>, <real host:port>[, …]" rewrites an appUrl before it is used. */
      mapSubscribeUrl: z.string().max(4096).refine(validUrlMap, { error: 'must be pairs "host:port, host:port[, …]"' }).default(''),
      /** OII.ReverseDnsSubscribeUrl: an IP address in an appUrl is replaced by its reverse-DNS name. */
      reverseDnsSubscribeUrl: z.boolean().default(false),
      /** SOAP_TIMEOUT_MS: how long an event waits for the CRM's answer. */
      soapTimeoutMs: z.number().int().positive().default(100_000),
      /** SOAP_WAIT_MS: how long the next event to an appUrl waits for CRM's answer to the one before; then it goes anyway. 0 = until answered. */
      soapWaitMs: z.number().int().min(0).max(3_600_000).default(250),
      /** subscriptionEnded reason 3 after this many seconds without a request about the subscription's user or line; 0 = never. */
      subscriptionTimeoutSec: z.number().int().min(0).default(0),
      /** Subscriptions one line may have (its user's and its container's, every appUrl + appId); one more is fault 4/5. */
      maxSubscriptionsPerLine: z.number().int().min(1).max(10_000).default(20),
      /** A created item (IciItem.create) never dialled goes after this many seconds; 0 = never. */
      createdItemTimeoutSec: z.number().int().min(0).max(86_400).default(600),
      /** OII.IDD, OII.Country: international and country prefixes of number normalisation. */
      idd: z.string().regex(/^[0-9]{1,4}$/).default('00'),
      country: z.string().regex(/^[1-9][0-9]{0,3}$/).default('49'),
      /** OII.RemovePlusPrefix: numbers are dialled without their `+` (national or international prefix instead). */
      removePlusPrefix: z.boolean().default(false),
      ignoreOperDirect: z.boolean().default(true),
      ignoreCdtOutbound: z.boolean().default(true),
      cadApplicationId: z.string().min(1).max(128).default('SAP_BCM/OII'),
      /** CEM ExtraDataWhenAllocated: optional CAD keys (GUID, CALL_ID, FirstANumber, SIP_CALL_ID) besides the automatic ones. */
      extraDataWhenAllocated: z.string().max(512).regex(/^[A-Za-z_, ]*$/).default('XML,FirstBName,FirstBNumber'),
      callRecordingCad: z.boolean().default(false),
      showBusyStatus: z.boolean().default(false),
      busyStatusDurationMs: z.number().int().min(0).max(3_600_000).default(5000),
      requestedWrapUp: z.boolean().default(false),
      wrapUpEndedFromCdt: z.boolean().default(false),
      wrapUpOutbound: z.boolean().default(false),
      phoneMultiSession: z.boolean().default(false),
      forwardAndEnd: z.boolean().default(false),
      transferAndEnd: z.boolean().default(false),
      getPresenceQueueInfoAll: z.boolean().default(false),
      getPresenceQueueInfoFilter: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
      getUserPresenceEmail: z.boolean().default(false),
      getUserPresenceChat: z.boolean().default(true),
      /** OII.LoginDropCalls (registry ICIUSER_AUTOMATIC_DROP). */
      loginDropCalls: z.boolean().default(true),
      /** Registry ICIUSER_AUTOMATIC_UNSUBSCRIBE. */
      automaticUnsubscribe: z.boolean().default(true),
      setCurrentQueues: z.boolean().default(false),
      setExtraData: z.boolean().default(true),
      /** cmsHostId (the OII module GUID, 32 hex digits); default: derived from the data directory. */
      cmsHostId: unset(z.string().regex(/^[0-9A-Fa-f]{32}$/)),
    })
    .prefault({}),
  /** Per-interface client IP allow-lists (CIDR); empty = everyone. The seeds ask operators to protect these interfaces at the IP level. */
  allow: z
    .strictObject({
      qmi: cidrList,
      ici: cidrList,
      openmedia: cidrList,
      telservices: cidrList,
      ciscoqm: cidrList,
      api: cidrList,
    })
    .prefault({}),
  notify: z
    .strictObject({
      retryBaseMs: z.number().int().positive().default(500),
      retryMaxMs: z.number().int().positive().default(30_000),
      cancelAfterFailures: z.number().int().positive().default(10),
      cancelAfterMs: z.number().int().positive().default(120_000),
      /** Undelivered events one subscriber may hold; one more cancels it (its protocol's rule for a stuck receiver). */
      queueLimit: z.number().int().positive().default(1000),
      /** The same limit in bytes of undelivered event bodies. */
      queueLimitBytes: z.number().int().positive().default(16 * 1024 * 1024),
      /** High-water mark: above it an interface answers requests that would add events with its busy answer. Default half of queueLimit. */
      highWaterEvents: unset(z.number().int().positive()),
      /** Default half of queueLimitBytes. */
      highWaterBytes: unset(z.number().int().positive()),
      /** On shutdown, how long undelivered events (an interface's goodbye included) may take before connections close. */
      shutdownDrainMs: z.number().int().min(0).max(600_000).default(2_000),
      connectTimeoutMs: z.number().int().positive().default(5_000),
      attemptTimeoutMs: z.number().int().positive().default(10_000),
      /**
       * Events on a subscriber's connection at a time (HTTP/1.1 pipelining). 1: one at a time, in order, exactly once.
       * More: faster for receivers that pipeline, at least once, in order unless the receiver fails one and accepts the next.
       */
      pipelining: z.number().int().min(1).max(64).default(1),
      /** Client certificate for HTTPS callbacks (OII 4.4.3), PEM paths. */
      clientCert: unset(z.string()),
      clientKey: unset(z.string()),
      ca: unset(z.string()),
    })
    .prefault({}),
  center: z
    .strictObject({
      /** Contact-center fixture; the embedded default when absent. */
      fixture: unset(z.string()),
      seed: unset(z.number().int()),
      ringTimeoutSec: z.number().int().min(1).default(20),
      noAnswerSec: z.number().int().min(1).default(30),
      wrapUpSec: z.number().int().min(0).default(10),
      externalAnswerMs: z.number().int().default(2000),
      /** Milliseconds between a device dialling and the far end ringing (a PBX's delivered event comes a moment later). */
      deliveryDelayMs: z.number().int().min(0).max(60_000).default(0),
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
