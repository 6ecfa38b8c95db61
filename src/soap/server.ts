import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildFault, contentTypeFor, faultCodeFor, parseSoap, SoapFault, soapActionOf, soapVersionFromContentType } from './envelope.js';
import type { SoapRequest, SoapVersion } from './envelope.js';
import { isValidHost, loadDocument, rewriteAddresses } from './wsdl.js';
import { DEFAULT_MAX_BYTES } from './xml.js';

export interface SoapContext {
  request: FastifyRequest;
  soap: SoapRequest;
  /** SOAPAction (1.1) or the content type's action parameter (1.2); dispatch on it first (DESIGN rule 4). */
  action?: string;
  log: FastifyBaseLogger;
}

export interface SoapReply {
  status?: number;
  body: string;
  /** Defaults to the request's SOAP version content type. */
  contentType?: string;
}

export interface SoapRequestInfo {
  interfaceName: string;
  operation: string;
  ms: number;
  outcome: 'ok' | 'fault';
}

export interface SoapWsdlOptions {
  /** File name under `<repo>/wsdl/` (or `dir`), or an absolute path. */
  file: string;
  /** Query keys that ask for the WSDL, matched case-insensitively; default `['wsdl']`. */
  query?: string[];
  /** Further documents: `'xsd=api-schema.xsd'` → file, served for `?xsd=api-schema.xsd` as is. */
  extraDocs?: Record<string, string>;
  /** Directory relative names resolve against; default `<repo>/wsdl`. */
  dir?: string;
  /** Applied once to the loaded WSDL (an interface's settings may change what it describes). */
  transform?: (wsdl: string) => string;
}

export interface SoapEndpointOptions {
  path: string;
  wsdl?: SoapWsdlOptions;
  maxBytes?: number;
  interfaceName: string;
  handle: (ctx: SoapContext) => Promise<string | SoapReply>;
  onRequest?: (info: SoapRequestInfo) => void;
  /** GET on `path` that asks for no document (e.g. an ASMX help page); default 404. */
  onGet?: (request: FastifyRequest, reply: FastifyReply) => unknown;
}

const XML_TYPES = ['text/xml', 'application/soap+xml', 'application/xml'];

/**
 * Registers one SOAP endpoint in its own encapsulated context (its raw-body parsers and error handler never
 * reach the JSON control API). Routes are added without a prefix, so `path` stays absolute.
 */
export function registerSoapEndpoint(app: FastifyInstance, opts: SoapEndpointOptions): void {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;

  function record(request: FastifyRequest, started: number, operation: string, fault?: SoapFault): void {
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const outcome = fault === undefined ? 'ok' : 'fault';
    request.log.debug({ interface: opts.interfaceName, operation, ms, outcome, reason: fault?.reason }, 'soap request');
    try {
      opts.onRequest?.({ interfaceName: opts.interfaceName, operation, ms, outcome });
    } catch (err) {
      request.log.warn({ err }, 'soap onRequest hook failed');
    }
  }

  /** Never lets an internal message reach the wire: unknown errors become a Server fault with a correlation id. */
  function sendFault(request: FastifyRequest, reply: FastifyReply, version: SoapVersion, err: unknown): FastifyReply {
    let fault = err instanceof SoapFault ? err : internalFault(request, err);
    let body: string;
    try {
      body = buildFault(version, fault);
    } catch (buildErr) {
      fault = internalFault(request, buildErr);
      body = buildFault(version, fault);
    }
    return reply.code(fault.httpStatus ?? faultHttpStatus(version, fault)).header('content-type', contentTypeFor(version)).send(body);
  }

  async function post(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const started = performance.now();
    const contentType = request.headers['content-type'];
    let version: SoapVersion = soapVersionFromContentType(contentType) ?? '1.1';
    let operation = '-';
    let parsed = false;
    try {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const soap = parseSoap(raw, { maxBytes, contentType });
      parsed = true;
      version = soap.version;
      const action = soapActionOf(request.headers);
      operation = soap.operation?.name ?? action ?? '-';
      const result = await opts.handle({ request, soap, log: request.log, ...(action === undefined ? {} : { action }) });
      const out = typeof result === 'string' ? { body: result } : result;
      record(request, started, operation);
      return reply
        .code(out.status ?? 200)
        .header('content-type', out.contentType ?? contentTypeFor(version))
        .send(out.body);
    } catch (err) {
      // Before the envelope was read, parseSoap's best guess of the version is the request's version (DESIGN rule 3).
      if (!parsed && err instanceof SoapFault && err.version !== undefined) version = err.version;
      const fault = err instanceof SoapFault ? err : internalFault(request, err);
      record(request, started, operation, fault);
      return sendFault(request, reply, version, fault);
    }
  }

  void app.register(async (scope) => {
    const documents = await loadDocuments(opts.wsdl);

    // Every SOAP body is read raw, whatever it claims to be; parseSoap decides. The cap is Fastify's bodyLimit,
    // which refuses on Content-Length before reading and stops reading chunked bodies once over.
    scope.removeAllContentTypeParsers();
    const asBuffer = (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: Buffer) => void): void =>
      done(null, body);
    scope.addContentTypeParser(XML_TYPES, { parseAs: 'buffer', bodyLimit: maxBytes }, asBuffer);
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, asBuffer);

    // Errors raised before the handler runs (body too large, bad Content-Length) still answer as SOAP faults.
    scope.setErrorHandler((err: FastifyError, request, reply) => {
      const version = soapVersionFromContentType(request.headers['content-type']) ?? '1.1';
      const fault = transportFault(request, err, maxBytes);
      record(request, performance.now() - reply.elapsedTime, '-', fault);
      return sendFault(request, reply, version, fault);
    });

    scope.post(opts.path, post);

    if (documents === undefined && opts.onGet === undefined) return;
    scope.get(opts.path, async (request, reply) => {
      const wanted = documents?.pick(request.query);
      if (wanted === undefined) {
        if (opts.onGet !== undefined) return opts.onGet(request, reply);
        return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
      }
      let text = wanted.text;
      if (wanted.isWsdl) {
        const host = request.host;
        if (!isValidHost(host)) return reply.code(400).type('text/plain; charset=utf-8').send('Bad Host header\n');
        text = rewriteAddresses(text, `${request.protocol}://${host}${opts.path}`);
      }
      return reply.code(200).type('text/xml; charset=utf-8').send(text);
    });
  });
}

function internalFault(request: FastifyRequest, err: unknown): SoapFault {
  request.log.error({ err }, 'soap handler failed');
  return new SoapFault({ code: 'Server', reason: `Internal server error (correlation id ${request.id})` });
}

function transportFault(request: FastifyRequest, err: FastifyError, maxBytes: number): SoapFault {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new SoapFault({ code: 'Client', reason: `Request exceeds ${maxBytes} bytes` });
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new SoapFault({ code: 'Client', reason: 'Malformed HTTP request' });
  return internalFault(request, err);
}

interface Documents {
  pick(query: unknown): { text: string; isWsdl: boolean } | undefined;
}

async function loadDocuments(wsdl: SoapWsdlOptions | undefined): Promise<Documents | undefined> {
  if (wsdl === undefined) return undefined;
  const loaded = await loadDocument(wsdl.file, wsdl.dir);
  const main = wsdl.transform ? wsdl.transform(loaded) : loaded;
  const keys = (wsdl.query ?? ['wsdl']).map((k) => k.toLowerCase());
  const extras: { key: string; value: string; text: string }[] = [];
  for (const [spec, file] of Object.entries(wsdl.extraDocs ?? {})) {
    const eq = spec.indexOf('=');
    const key = (eq === -1 ? spec : spec.slice(0, eq)).toLowerCase();
    const value = eq === -1 ? '' : spec.slice(eq + 1).toLowerCase();
    extras.push({ key, value, text: await loadDocument(file, wsdl.dir) });
  }
  return {
    pick(query) {
      if (query === null || typeof query !== 'object') return undefined;
      // `?wsdl` and `?WSDL` are both in use (ASMX clients send either); so are mixed-case xsd names.
      const entries = Object.entries(query as Record<string, unknown>).map(
        ([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v.toLowerCase() : ''] as const,
      );
      if (entries.some(([k]) => keys.includes(k))) return { text: main, isWsdl: true };
      const extra = extras.find((x) => entries.some(([k, v]) => k === x.key && v === x.value));
      return extra === undefined ? undefined : { text: extra.text, isWsdl: false };
    },
  };
}

/**
 * SOAP 1.1 §6.2: every fault is 500. SOAP 1.2 Part 2 §7.5.2.2: a Sender fault (the request was wrong) is 400, every
 * other fault 500.
 */
export function faultHttpStatus(version: SoapVersion, fault: SoapFault): number {
  return version === '1.2' && faultCodeFor('1.2', fault.code) === 'Sender' ? 400 : 500;
}
