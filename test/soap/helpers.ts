import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { fileURLToPath } from 'node:url';
import { buildEnvelope, registerSoapEndpoint, SOAP11_NS, SOAP12_NS, SoapFault, type SoapRequestInfo, type SoapVersion } from '../../src/soap/index.js';
import { parseXml, child, textOf } from '../../src/xml/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const ECHO_NS = 'urn:ccgate:test:echo';
export const PATH = '/test/Echo.asmx';

export function nsOf(version: SoapVersion): string {
  return version === '1.2' ? SOAP12_NS : SOAP11_NS;
}

export function contentTypeOf(version: SoapVersion): string {
  return version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
}

/** A well-formed request: `<prefix:Envelope><prefix:Body><e:Echo>text</e:Echo>...`. */
export function goodRequest(version: SoapVersion, text = 'hello', prefix = 'soap'): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<${prefix}:Envelope xmlns:${prefix}="${nsOf(version)}" xmlns:e="${ECHO_NS}">` +
    `<${prefix}:Body><e:Echo><e:Text>${text}</e:Text></e:Echo></${prefix}:Body></${prefix}:Envelope>`
  );
}

export interface HostileCase {
  name: string;
  body: (version: SoapVersion) => Buffer | string;
  /** Substring the fault reason must contain. */
  reason: string;
}

function wrap(version: SoapVersion, inner: string): string {
  return `<soap:Envelope xmlns:soap="${nsOf(version)}"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
}

export const MAX_BYTES = 256 * 1024;

export const HOSTILE: HostileCase[] = [
  {
    name: 'DOCTYPE with entity expansion (billion laughs)',
    body: (v) =>
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
      `<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
      `<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
      wrap(v, '<e:Echo xmlns:e="urn:ccgate:test:echo">&lol3;</e:Echo>'),
    reason: 'DTDs and entity declarations are not allowed',
  },
  {
    name: 'external entity (XXE)',
    body: (v) =>
      `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
      wrap(v, '<Echo>&xxe;</Echo>'),
    reason: 'DTDs and entity declarations are not allowed',
  },
  {
    name: 'processing instruction',
    body: (v) => `<?xml version="1.0"?><?xml-stylesheet href="evil.xsl"?>` + wrap(v, '<Echo/>'),
    reason: 'Processing instructions are not allowed',
  },
  {
    name: 'nesting depth 65',
    // Envelope (1) + Body (2) + 63 levels = 65.
    body: (v) => wrap(v, '<x>'.repeat(63) + '</x>'.repeat(63)),
    reason: 'XML nesting exceeds 64 levels',
  },
  {
    name: 'body over the byte cap',
    body: (v) => wrap(v, `<Echo>${'a'.repeat(MAX_BYTES)}</Echo>`),
    reason: `Request exceeds ${MAX_BYTES} bytes`,
  },
  {
    name: 'mismatched tags <r><a></r>',
    body: (v) => wrap(v, '<r><a></r>'),
    reason: 'Malformed XML',
  },
  {
    name: 'invalid UTF-8 bytes',
    body: (v) => {
      const [head, tail] = wrap(v, '<Echo>@</Echo>').split('@') as [string, string];
      return Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail)]);
    },
    reason: 'not valid UTF-8',
  },
  {
    name: '__proto__ element',
    body: (v) => wrap(v, '<Echo><__proto__><polluted>yes</polluted></__proto__></Echo>'),
    reason: 'Forbidden XML name: __proto__',
  },
  {
    name: 'constructor attribute',
    body: (v) => wrap(v, '<Echo constructor="x"/>'),
    reason: 'Forbidden XML name: constructor',
  },
  { name: 'empty body', body: () => '', reason: 'Request body is empty' },
  { name: 'non-XML', body: () => 'this is { not: "xml" }', reason: 'Malformed XML' },
  {
    name: 'Envelope missing Body',
    body: (v) => `<soap:Envelope xmlns:soap="${nsOf(v)}"><soap:Header/></soap:Envelope>`,
    reason: 'SOAP Envelope has no Body',
  },
];

export interface ReadFault {
  ns: string;
  code: string | undefined;
  reason: string | undefined;
  lang: string | undefined;
}

/** Reads a fault envelope of either version back into its parts. */
export function readFault(xml: string): ReadFault {
  const envelope = parseXml(xml);
  const fault = child(child(envelope, 'Body'), 'Fault');
  if (envelope.ns === SOAP12_NS) {
    const text = child(child(fault, 'Reason'), 'Text');
    return {
      ns: envelope.ns,
      code: textOf(child(fault, 'Code'), 'Value'),
      reason: text?.text,
      lang: text?.attributes['lang'],
    };
  }
  return { ns: envelope.ns, code: textOf(fault, 'faultcode'), reason: textOf(fault, 'faultstring'), lang: undefined };
}

export function expectedClientCode(version: SoapVersion): string {
  return version === '1.2' ? 'soap:Sender' : 'soap:Client';
}

export interface TestApp {
  app: FastifyInstance;
  /** Ids Fastify gave the requests, in order. */
  requestIds: string[];
  calls: { count: number; actions: (string | undefined)[] };
  metrics: SoapRequestInfo[];
}

/** An app with one echo endpoint whose handler counts calls, plus a JSON route to check encapsulation. */
export async function buildTestApp(logger: FastifyServerOptions['logger'] = false): Promise<TestApp> {
  let next = 0;
  const app = Fastify({ logger, genReqId: () => `corr-${++next}` });
  const requestIds: string[] = [];
  app.addHook('onRequest', async (request) => {
    requestIds.push(request.id);
  });
  const calls = { count: 0, actions: [] as (string | undefined)[] };
  const metrics: SoapRequestInfo[] = [];
  registerSoapEndpoint(app, {
    path: PATH,
    interfaceName: 'echo',
    operations: [{ name: 'Echo', elements: ['Echo'], actions: ['urn:ccgate:test:echo/Echo'], ns: ECHO_NS }],
    wsdl: { file: 'echo.wsdl', dir: FIXTURES, query: ['wsdl', 'singleWsdl'], extraDocs: { 'xsd=echo.xsd': 'echo.xsd' } },
    onRequest: (info) => metrics.push(info),
    handle: async ({ soap, action }) => {
      calls.count += 1;
      calls.actions.push(action);
      const text = textOf(soap.operation, 'Text') ?? '';
      if (text === 'boom') throw new Error('database password is hunter2');
      if (text === 'slow') await new Promise((r) => setTimeout(r, 50));
      if (text === 'accepted') return { status: 202, body: '' };
      if (text === 'reject') {
        throw new SoapFault({
          code: 'Sender',
          reason: 'Rejected <by> policy',
          httpStatus: 400,
          detail: (d) => d.ele(ECHO_NS, 'Why').txt('policy'),
        });
      }
      return buildEnvelope(soap.version, {
        namespaces: { e: ECHO_NS },
        body: (body) => body.ele(ECHO_NS, 'e:EchoResponse').ele(ECHO_NS, 'e:Text').txt(text),
      });
    },
  });
  app.post('/api/json', async (request) => ({ got: request.body }));
  await app.ready();
  return { app, requestIds, calls, metrics };
}

/** The SoapFault `fn` throws (fails the test when it throws nothing or something else). */
export function catchFault(fn: () => unknown): SoapFault {
  try {
    fn();
  } catch (err) {
    if (err instanceof SoapFault) return err;
    throw err;
  }
  throw new Error('expected a SoapFault');
}
