import { child, decodeXmlBytes, parseXmlText, XmlInputError, DEFAULT_MAX_BYTES, type XmlElement, type XmlLimits } from '../xml/index.js';
import { SoapFault } from './fault.js';
import { charsetOf, sniffSoapVersion, soapVersionFromContentType, SOAP11_NS, SOAP12_NS, type SoapVersion } from './version.js';

export interface SoapRequest {
  version: SoapVersion;
  envelope: XmlElement;
  header?: XmlElement;
  body: XmlElement;
  /** First element child of Body (SOAP 1.1 §4.3: the body entries; by convention the operation). */
  operation?: XmlElement;
}

export interface ParseSoapOptions extends XmlLimits {
  /**
   * Content-Type of the request: the version hint when the Envelope namespace is absent or unknown, and its
   * `charset` the encoding hint for bytes that do not say (see decodeXmlBytes).
   */
  contentType?: string;
}

function versionOf(envelope: XmlElement, hint: SoapVersion | undefined): SoapVersion {
  if (envelope.ns === SOAP12_NS) return '1.2';
  if (envelope.ns === SOAP11_NS) return '1.1';
  return hint ?? '1.1';
}

function requestFault(reason: string, version: SoapVersion, reasonCode: string): SoapFault {
  return new SoapFault({ code: 'Client', reason, version, kind: 'request', reasonCode });
}

/**
 * Parses a SOAP 1.1 or 1.2 request with any prefix, from UTF-8 or UTF-16 bytes. Every problem is a SoapFault of kind
 * `request` with code Client (rendered Sender in 1.2), whose `version` is the request's version, or the best guess
 * when the XML could not be read, and whose `reasonCode` is the XmlInputReason or `notEnvelope`/`noBody`.
 */
export function parseSoap(input: Buffer | string, opts: ParseSoapOptions = {}): SoapRequest {
  const hint = soapVersionFromContentType(opts.contentType);
  let envelope: XmlElement;
  let text: string | undefined;
  try {
    text = decodeXmlBytes(input, opts.maxBytes ?? DEFAULT_MAX_BYTES, charsetOf(opts.contentType));
    envelope = parseXmlText(text, opts);
  } catch (err) {
    if (!(err instanceof XmlInputError)) throw err;
    // The namespace in the text is the closest thing to the envelope's; the content type comes next.
    const version = (text === undefined ? undefined : sniffSoapVersion(text)) ?? hint ?? '1.1';
    throw requestFault(err.message, version, err.reason);
  }
  const version = versionOf(envelope, hint);
  // Tolerant reader: element names are matched namespace-agnostically (DESIGN "soap/"), case as a fallback.
  if (envelope.name.toLowerCase() !== 'envelope') {
    throw requestFault('Not a SOAP message: the root element is not Envelope', version, 'notEnvelope');
  }
  const header = child(envelope, 'Header');
  const body = child(envelope, 'Body');
  // SOAP 1.1 §4.3, SOAP 1.2 Part 1 §5.3: the Envelope MUST contain a Body.
  if (body === undefined) throw requestFault('SOAP Envelope has no Body', version, 'noBody');
  // SOAP 1.1 §4.1.2, SOAP 1.2 Part 1 §5.1: at most one Header, the Envelope's first child. A second Header's blocks
  // would go unread, its mustUnderstand ones unchecked.
  if (header !== undefined) {
    if (envelope.children.filter((c) => c.name.toLowerCase() === 'header').length > 1) {
      throw requestFault('The Envelope has more than one Header', version, 'twoHeaders');
    }
    if (envelope.children[0] !== header) throw requestFault('The Header must be the first child of the Envelope', version, 'headerNotFirst');
  }
  const operation = body.children[0];
  return {
    version,
    envelope,
    body,
    ...(header === undefined ? {} : { header }),
    ...(operation === undefined ? {} : { operation }),
  };
}
