/**
 * One SOAP endpoint on the gateway's Fastify server: the toolkit reads the request (content coding, encoding, caps,
 * envelope), refuses header blocks it must understand and does not, dispatches through the interface's table, and
 * writes every answer and every fault; the interface supplies only its operations, its handler and its fault hooks.
 */
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { debugOn } from '../net/log-level.js';
import { DEFAULT_MAX_BYTES, type XmlElement } from '../xml/index.js';
import { buildFault } from './build.js';
import { decodeContentCoding } from './content-coding.js';
import { SoapDispatcher, type DispatchBy } from './dispatch.js';
import { parseSoap, type SoapRequest } from './envelope.js';
import { faultHttpStatus, SoapFault, type SoapFaultKind } from './fault.js';
import { checkMustUnderstand, UnderstoodHeaders } from './must-understand.js';
import { routeAnyCase } from './paths.js';
import { checkStrict } from './strict.js';
import { contentTypeFor, requestAction, soapVersionFromContentType, type SoapVersion } from './version.js';
import type { PlatformWording, SoapOperation } from './wording.js';
import { isValidHost, loadWsdlDocuments, rewriteAddresses, type SoapWsdlOptions } from './wsdl.js';

export interface SoapContext<Op extends string = string> {
  request: FastifyRequest;
  soap: SoapRequest;
  /** The operation the dispatcher chose. */
  operation: Op;
  /** The request element: the Body's first child. */
  element: XmlElement;
  /** The action the request named (unquoted, as sent), when dispatch considered one. */
  action?: string;
  log: FastifyBaseLogger;
}

export interface SoapReply {
  /** Default 200. */
  status?: number;
  body: string;
  /** Defaults to the request's SOAP version content type. */
  contentType?: string;
}

export interface SoapRequestInfo {
  interfaceName: string;
  /**
   * The dispatched operation, else `-`: always one of the endpoint's operations, so a metrics label made from it has a
   * bounded set of values whatever element names clients send.
   */
  operation: string;
  ms: number;
  outcome: 'ok' | 'fault';
  faultKind?: SoapFaultKind;
}

export interface SoapFaultContext {
  /** The version the fault is written in: the request's. */
  version: SoapVersion;
  /** Absent for a request the HTTP server refused before any route ran (earlySoapFault). */
  request?: FastifyRequest;
  /** The dispatched operation, when the fault came after dispatch. */
  operation?: string;
}

/** How an interface shapes faults without building envelopes: its error table and its additions. */
export interface SoapFaultHooks {
  /**
   * Turns an error the handler threw (not a SoapFault) into the interface's fault: its error table. `undefined` leaves
   * it unexpected: a generic Server/Receiver fault with a correlation id, the error itself only in the log.
   */
  mapError?(err: unknown, ctx: SoapFaultContext): SoapFault | undefined;
  /**
   * Sees every fault before it is written, the toolkit's own (kinds `request`, `dispatch`, `mustUnderstand`,
   * `internal`) and the interface's, and returns the one to write: reworded (QMI calls unreadable requests "Parsing
   * error"), with body entries, detail, namespaces or a SOAP 1.1 HTTP status added (`fault.with({...})`).
   */
  fault?(fault: SoapFault, ctx: SoapFaultContext): SoapFault;
}

export interface SoapEndpointOptions<Op extends string = string> {
  path: string;
  interfaceName: string;
  /** The dispatch table: every operation, its request elements and its actions. */
  operations: readonly SoapOperation<Op>[];
  /** `action` (default): SOAPAction or `action=`, then the Body; `body`: the Body element alone. */
  dispatchBy?: DispatchBy;
  /** Wording of the toolkit's own faults: `asmx`, `wcf`, `plain` (default) or the interface's own. */
  wording?: 'asmx' | 'wcf' | 'plain' | PlatformWording;
  /** Header blocks the endpoint understands (`{ns}local` or `local`); others marked mustUnderstand are refused. */
  understoodHeaders?: readonly string[];
  /**
   * Enforce SOAP's rules instead of reading tolerantly (strict.ts): the version's Content-Type (else 415), one Body,
   * the request element in its operation's `ns` (else a Client/Sender fault). Default false.
   */
  strict?: boolean;
  /** Match `path` (and its WSDL) without regard to case, as IIS does for .asmx services. Default false. */
  caseInsensitivePath?: boolean;
  /** Largest request in bytes, after content decoding (default 256 KiB). */
  maxBytes?: number;
  /** Most XML elements in a request; reading stops at the one past it (default 4096). */
  maxElements?: number;
  /** Deepest element nesting (default 64). */
  maxDepth?: number;
  wsdl?: SoapWsdlOptions;
  handle: (ctx: SoapContext<Op>) => string | SoapReply | Promise<string | SoapReply>;
  faults?: SoapFaultHooks;
  onRequest?: (info: SoapRequestInfo) => void;
  /**
   * The SOAP versions the endpoint speaks (default both). A request in another is refused as the platform refuses
   * it: by content type with HTTP 415 and WCF's reason phrase (WCF's BasicHttpBinding speaks SOAP 1.1 only), an
   * Envelope of another version with a VersionMismatch fault in the first version spoken.
   */
  versions?: readonly SoapVersion[];
  /** GET on `path` that asks for no document (e.g. an ASMX help page); default 404. */
  onGet?: (request: FastifyRequest, reply: FastifyReply) => unknown;
}

const XML_TYPES = ['text/xml', 'application/soap+xml', 'application/xml'];

/**
 * Registers one SOAP endpoint in its own encapsulated context (its raw-body parsers and error handler never reach the
 * JSON control API). Routes are added without a prefix, so `path` stays absolute. Throws at once when the operations
 * table is inconsistent (two operations claiming one element).
 */
export function registerSoapEndpoint<Op extends string>(app: FastifyInstance, opts: SoapEndpointOptions<Op>): void {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const limits = {
    maxBytes,
    ...(opts.maxElements === undefined ? {} : { maxElements: opts.maxElements }),
    ...(opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth }),
  };
  const dispatcher = new SoapDispatcher(opts.operations, {
    ...(opts.dispatchBy === undefined ? {} : { by: opts.dispatchBy }),
    ...(opts.wording === undefined ? {} : { wording: opts.wording }),
  });
  const understood = new UnderstoodHeaders(opts.understoodHeaders);
  const hooks = opts.faults ?? {};
  let early = earlyFaults.get(app.server);
  if (early === undefined) earlyFaults.set(app.server, (early = new Map()));
  early.set(opts.interfaceName, { hooks, versions: opts.versions });

  /** `operation`: the dispatched operation, or (`dispatched` false) the request element's name, for the log only. */
  function record(request: FastifyRequest, started: number, operation: string, fault?: SoapFault, dispatched = true): void {
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const outcome = fault === undefined ? 'ok' : 'fault';
    // The line's object is built only when debug is on: this runs once per request.
    if (debugOn(request.log)) request.log.debug({ interface: opts.interfaceName, operation: operation.slice(0, 64), ms, outcome, reason: fault?.reason }, 'soap request');
    try {
      opts.onRequest?.({ interfaceName: opts.interfaceName, operation: dispatched ? operation : '-', ms, outcome, ...(fault === undefined ? {} : { faultKind: fault.kind }) });
    } catch (err) {
      request.log.warn({ err }, 'soap onRequest hook failed');
    }
  }

  /** `version` when the endpoint speaks it, else the first version it speaks. */
  function spokenVersion(version: SoapVersion): SoapVersion {
    const spoken = opts.versions;
    return spoken === undefined || spoken.includes(version) ? version : (spoken[0] ?? version);
  }

  /** Error → the fault to write, through the interface's hooks; never an internal message on the wire. */
  function toFault(err: unknown, request: FastifyRequest, ctx: SoapFaultContext): SoapFault {
    let fault: SoapFault | undefined = err instanceof SoapFault ? err : undefined;
    if (fault === undefined) {
      try {
        fault = hooks.mapError?.(err, ctx);
      } catch (hookErr) {
        request.log.error({ err: hookErr }, 'soap mapError hook failed');
      }
    }
    fault ??= internalFault(request, err);
    try {
      return hooks.fault?.(fault, ctx) ?? fault;
    } catch (hookErr) {
      return internalFault(request, hookErr);
    }
  }

  function sendFault(request: FastifyRequest, reply: FastifyReply, version: SoapVersion, fault: SoapFault): FastifyReply {
    let written = fault;
    let body: string;
    try {
      body = buildFault(version, written);
    } catch (buildErr) {
      written = internalFault(request, buildErr);
      body = buildFault(version, written);
    }
    reply.code(faultHttpStatus(version, written)).header('content-type', contentTypeFor(version));
    for (const [name, value] of Object.entries(written.responseHeaders ?? {})) reply.header(name, value);
    return reply.send(body);
  }

  async function post(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const started = performance.now();
    const contentType = request.headers['content-type'];
    const claimed = soapVersionFromContentType(contentType);
    let version: SoapVersion = claimed ?? '1.1';
    let operation = '-';
    let dispatched = false;
    const versions = opts.versions;
    if (versions !== undefined && claimed !== undefined && !versions.includes(claimed)) {
      return unsupportedMediaType(request, reply, contentType ?? '', versions);
    }
    try {
      const received = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const raw = decodeContentCoding(received, request.headers['content-encoding'], maxBytes, version);
      const soap = parseSoap(raw, { ...limits, ...(contentType === undefined ? {} : { contentType }) });
      version = soap.version;
      if (versions !== undefined && !versions.includes(version)) {
        const spoken = versions[0] ?? '1.1';
        version = spoken;
        throw new SoapFault({ code: 'VersionMismatch', reason: `The SOAP envelope version of the message is not ${spoken}`, version: spoken, kind: 'request', reasonCode: 'versionMismatch' });
      }
      operation = soap.operation?.name ?? '-';
      // SOAP 1.2 Part 1 §5.2.3: before anything is processed.
      checkMustUnderstand(soap.header, version, understood, dispatcher.wording);
      const route = dispatcher.dispatch(soap, requestAction(request.headers));
      operation = route.operation.name;
      if (opts.strict) checkStrict(soap, contentType, route.element, route.operation.ns);
      dispatched = true;
      const pending = opts.handle({
        request,
        soap,
        operation: route.operation.name,
        element: route.element,
        log: request.log,
        ...(route.action === undefined ? {} : { action: route.action.raw }),
      });
      const result = typeof pending === 'object' && 'then' in pending ? await pending : pending;
      const out = typeof result === 'string' ? { body: result } : result;
      record(request, started, operation);
      return reply
        .code(out.status ?? 200)
        .header('content-type', out.contentType ?? contentTypeFor(version))
        .send(out.body);
    } catch (err) {
      // Before the envelope was read, parseSoap's best guess of the version is the request's version (DESIGN rule 3).
      if (err instanceof SoapFault && err.version !== undefined) version = err.version;
      // An endpoint of one version answers in it whatever the unreadable request seemed to be (Cisco QM: SOAP 1.2).
      version = spokenVersion(version);
      const fault = toFault(err, request, { version, request, ...(dispatched ? { operation } : {}) });
      record(request, started, operation, fault, dispatched);
      return sendFault(request, reply, version, fault);
    }
  }

  void app.register(async (scope) => {
    const documents = opts.wsdl === undefined ? undefined : await loadWsdlDocuments(opts.wsdl);
    const anyCase = opts.caseInsensitivePath ?? false;

    // Every SOAP body is read raw, whatever it claims to be; parseSoap decides. The cap is Fastify's bodyLimit,
    // which refuses on Content-Length before reading and stops reading chunked bodies once over.
    scope.removeAllContentTypeParsers();
    const asBuffer = (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: Buffer) => void): void =>
      done(null, body);
    scope.addContentTypeParser(XML_TYPES, { parseAs: 'buffer', bodyLimit: maxBytes }, asBuffer);
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, asBuffer);

    // Errors raised before the handler runs (body too large, bad Content-Length) still answer as SOAP faults.
    scope.setErrorHandler((err: FastifyError, request, reply) => {
      const version = spokenVersion(soapVersionFromContentType(request.headers['content-type']) ?? '1.1');
      const fault = toFault(transportFault(request, err, maxBytes), request, { version, request });
      record(request, performance.now() - reply.elapsedTime, '-', fault, false);
      return sendFault(request, reply, version, fault);
    });

    routeAnyCase(scope, { method: 'POST', url: opts.path, handler: post }, anyCase);

    if (documents === undefined && opts.onGet === undefined) return;
    const get = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const wanted = documents?.pick(request.query);
      if (wanted === undefined) {
        if (opts.onGet !== undefined) return opts.onGet(request, reply);
        return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
      }
      let text = wanted.text;
      const base = opts.wsdl?.locationBase;
      if (wanted.isWsdl || base !== undefined) {
        const host = request.host;
        if (!isValidHost(host)) return reply.code(400).type('text/plain; charset=utf-8').send('Bad Host header\n');
        const endpoint = `${request.protocol}://${host}${opts.path}`;
        if (wanted.isWsdl) text = rewriteAddresses(text, endpoint);
        if (base !== undefined) text = text.split(base).join(endpoint);
      }
      return reply.code(200).type('text/xml; charset=utf-8').send(text);
    };
    routeAnyCase(scope, { method: 'GET', url: opts.path, handler: get }, anyCase);
  });
}

/** What writes a SOAP path's faults, per HTTP server and interface, for earlySoapFault. */
interface EarlyFaults {
  hooks: SoapFaultHooks;
  versions: readonly SoapVersion[] | undefined;
}
const earlyFaults = new WeakMap<object, Map<string, EarlyFaults>>();

/**
 * The fault answering a request that `server` (a raw Node HTTP server) refused before any route ran, on a path of
 * interface `interfaceName` (http-errors.ts: a stalled body, a malformed request, a path that is not valid
 * percent-encoding): a `request` fault with reasonCode `transport` and `message` as its reason, in the version the
 * request said (`soap12`) when the interface speaks it, passed through the interface's fault hook as any fault of its
 * endpoints is (QMI adds `Response/Success 0`, ICI writes its SoapException). The caller keeps the transport's HTTP
 * status (400, 408, 414, 431): the hook's own status is not used. Undefined when no SOAP endpoint of that interface is
 * registered on `server`.
 */
export function earlySoapFault(server: object | undefined, interfaceName: string, message: string, soap12: boolean): { contentType: string; body: string } | undefined {
  const entry = server === undefined ? undefined : earlyFaults.get(server)?.get(interfaceName);
  if (entry === undefined) return undefined;
  const asked: SoapVersion = soap12 ? '1.2' : '1.1';
  const version = entry.versions === undefined || entry.versions.includes(asked) ? asked : (entry.versions[0] ?? asked);
  const base = new SoapFault({ code: 'Client', reason: message, kind: 'request', reasonCode: 'transport' });
  let fault = base;
  try {
    fault = entry.hooks.fault?.(base, { version }) ?? base;
  } catch {
    fault = base;
  }
  let body: string;
  try {
    body = buildFault(version, fault);
  } catch {
    body = buildFault(version, base);
  }
  return { contentType: contentTypeFor(version), body };
}

/**
 * WCF's answer to a content type its binding does not speak: HTTP 415 with the reason phrase "Cannot process the
 * message because the content type '…' was not the expected type '…'." and no body.
 */
function unsupportedMediaType(request: FastifyRequest, reply: FastifyReply, contentType: string, versions: readonly SoapVersion[]): FastifyReply {
  const expected = contentTypeFor(versions[0] ?? '1.1');
  // A reason phrase is latin-1 text on one line (RFC 9112 §4): the client's content type is cut to printable ASCII.
  const got = contentType.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  request.log.debug({ contentType: got }, 'soap version not spoken');
  reply.raw.statusMessage = `Cannot process the message because the content type '${got}' was not the expected type '${expected}'.`;
  return reply.code(415).header('content-length', 0).send();
}

function internalFault(request: FastifyRequest, err: unknown): SoapFault {
  request.log.error({ err }, 'soap handler failed');
  return new SoapFault({ code: 'Server', reason: `Internal server error (correlation id ${request.id})`, kind: 'internal' });
}

function transportFault(request: FastifyRequest, err: FastifyError, maxBytes: number): SoapFault {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new SoapFault({ code: 'Client', reason: `Request exceeds ${maxBytes} bytes`, kind: 'request', reasonCode: 'tooLarge' });
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new SoapFault({ code: 'Client', reason: 'Malformed HTTP request', kind: 'request', reasonCode: 'transport' });
  return internalFault(request, err);
}
