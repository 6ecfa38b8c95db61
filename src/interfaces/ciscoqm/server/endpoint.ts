/**
 * The QM Server API on the gateway's HTTP server (seed 001 "Data Model"): SOAP 1.2 `POST /serverapi/api` through the
 * SOAP toolkit (dispatch by the body element alone, `wsse:Security` understood so its mustUnderstand="true" is
 * honoured, WSDL at `?wsdl` and schema at `?xsd=api-schema.xsd`), and the download of exports at
 * `GET /serverapi/retrieve?id=`. The transport is whatever the gateway serves: HTTPS when `http.tls` is set, which
 * the seed requires ("Confidential transport is required, so SSL is used").
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerSoapEndpoint, WSSE_NS, type SoapContext } from '../../../soap/index.js';
import type { Metrics } from '../../../metrics.js';
import type { ServerApiAuth } from './auth.js';
import { SERVER_API_FAULTS } from './errors.js';
import { runOperation, type OperationDeps } from './operations.js';
import { QM_OPERATIONS, RETRIEVE_PATH, SERVER_API_PATH, type Operation } from './protocol.js';

export interface ServerApiDeps extends OperationDeps {
  auth: ServerApiAuth;
  metrics: Metrics;
}

export function registerServerApi(app: FastifyInstance, deps: ServerApiDeps): void {
  registerSoapEndpoint<Operation>(app, {
    path: SERVER_API_PATH,
    interfaceName: 'ciscoqm',
    operations: QM_OPERATIONS,
    // Seed 001 "SOAP Action Header": not read, so neither a SOAPAction header nor a 1.2 action= parameter is refused.
    dispatchBy: 'body',
    // Seed 001 "Data Model": SOAP 1.2 only. SOAP 1.2 Part 2 §7.1.4 binds it to application/soap+xml, so a SOAP 1.1
    // request (text/xml) is HTTP 415 Unsupported Media Type; a SOAP 1.1 Envelope under the 1.2 media type is a
    // VersionMismatch fault (Part 1 §5.4.7) with the Upgrade header errors.ts adds.
    versions: ['1.2'],
    // The request element in the API namespace (an element of another namespace, or of none, is not the operation)
    // and one Body: Sender faults, as the schema-validating QM server refuses them.
    strict: true,
    understoodHeaders: [`{${WSSE_NS}}Security`],
    wsdl: { file: 'ciscoqm/api.wsdl', extraDocs: { 'xsd=api-schema.xsd': 'ciscoqm/api-schema.xsd' } },
    handle: (c) => handle(deps, c),
    faults: SERVER_API_FAULTS,
    onRequest: (info) => deps.metrics.observe('ciscoqm', info.operation, info.outcome, info.ms),
  });
  app.get(RETRIEVE_PATH, (request, reply) => retrieve(deps, request, reply));
}

function handle(deps: ServerApiDeps, c: SoapContext<Operation>): string {
  const user = deps.auth.authenticate(c.soap.header, (reason, username) => c.log.debug({ interface: 'ciscoqm', username, reason }, 'Server API authentication refused'));
  return runOperation(deps, user, c.operation, c.element, c.soap.version);
}

/** Seed 001: the exported file by plain GET, once; a second access, or an expired or unknown id, is 404. */
async function retrieve(deps: ServerApiDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const id = (request.query as Record<string, unknown>)['id'];
  if (typeof id !== 'string' || !/^[0-9]{1,40}$/.test(id)) return reply.code(400).type('text/plain; charset=utf-8').send('id must be an export id\n');
  const got = deps.exports.take(id);
  if (!got.ok) return reply.code(got.status).type('text/plain; charset=utf-8').send(`${got.message}\n`);
  const stream = createReadStream(got.file);
  // Deleted once sent, or once the client went away: a single access either way.
  stream.on('close', () => void deps.exports.discard(got.file));
  return reply.type(got.contentType).header('content-disposition', `attachment; filename="${got.filename}"`).send(stream);
}
