import { SoapFault } from './fault.js';
import { sniffSoapVersion, soapVersionFromContentType, SOAP11_NS, SOAP12_NS, type SoapVersion } from './version.js';
import { child, parseXml, XmlInputError, type XmlElement } from './xml.js';

export { buildEnvelope, buildFault, ENVELOPE_PREFIX, type EnvelopeOptions, type XMLBuilder } from './build.js';
export { faultCodeFor, SoapFault, type SoapFaultCode, type SoapFaultInit } from './fault.js';
export {
  contentTypeFor,
  envelopeNamespace,
  soapActionOf,
  soapVersionFromContentType,
  SOAP11_NS,
  SOAP12_NS,
  type SoapVersion,
} from './version.js';

export interface SoapRequest {
  version: SoapVersion;
  envelope: XmlElement;
  header?: XmlElement;
  body: XmlElement;
  /** First element child of Body (SOAP 1.1 §4.3: the body entries; by convention the operation). */
  operation?: XmlElement;
}

export interface ParseSoapOptions {
  maxBytes?: number;
  /** Content-Type of the request: the version hint when the Envelope namespace is absent or unknown. */
  contentType?: string;
}

function versionOf(envelope: XmlElement, hint: SoapVersion | undefined): SoapVersion {
  if (envelope.ns === SOAP12_NS) return '1.2';
  if (envelope.ns === SOAP11_NS) return '1.1';
  return hint ?? '1.1';
}

/**
 * Parses a SOAP 1.1 or 1.2 request with any prefix. Every problem is a SoapFault with code Client (rendered
 * Sender in 1.2) whose `version` is the request's version, or the best guess when the XML could not be read.
 */
export function parseSoap(input: Buffer | string, opts: ParseSoapOptions = {}): SoapRequest {
  const hint = soapVersionFromContentType(opts.contentType);
  let envelope: XmlElement;
  try {
    envelope = parseXml(input, opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes });
  } catch (err) {
    if (!(err instanceof XmlInputError)) throw err;
    // The namespace in the raw text is the closest thing to the envelope's; the content type comes next.
    const version = (err.reason === 'tooLarge' ? undefined : sniffSoapVersion(input)) ?? hint ?? '1.1';
    throw new SoapFault({ code: 'Client', reason: err.message, version });
  }
  const version = versionOf(envelope, hint);
  // Tolerant reader: element names are matched namespace-agnostically (DESIGN "soap/"), case as a fallback.
  if (envelope.name.toLowerCase() !== 'envelope') {
    throw new SoapFault({ code: 'Client', reason: 'Not a SOAP message: the root element is not Envelope', version });
  }
  const header = child(envelope, 'Header');
  const body = child(envelope, 'Body');
  // SOAP 1.1 §4.3, SOAP 1.2 Part 1 §5.3: the Envelope MUST contain a Body.
  if (body === undefined) throw new SoapFault({ code: 'Client', reason: 'SOAP Envelope has no Body', version });
  const operation = body.children[0];
  return {
    version,
    envelope,
    body,
    ...(header === undefined ? {} : { header }),
    ...(operation === undefined ? {} : { operation }),
  };
}
