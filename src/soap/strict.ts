/**
 * SOAP's rules for an endpoint that enforces them instead of reading tolerantly (option `strict`): the transport's
 * media type is the envelope version's, the Envelope is SOAP 1.1's or 1.2's with its Header and Body in its namespace
 * and one Body, and the request element is in its operation's namespace. An .asmx service (QMI) refuses each of these, so a client that gets them wrong learns it here rather than
 * from a real server.
 */
import type { XmlElement } from '../xml/index.js';
import type { SoapRequest } from './envelope.js';
import { SoapFault } from './fault.js';
import { SOAP11_NS, SOAP12_NS, type SoapVersion } from './version.js';

/** SOAP 1.1 §6.1.1 (text/xml); SOAP 1.2 Part 2 §7.1.4 and RFC 3902 (application/soap+xml). */
const MEDIA_TYPE: Readonly<Record<SoapVersion, string>> = { '1.1': 'text/xml', '1.2': 'application/soap+xml' };

/**
 * Throws the fault for the first rule `soap` breaks: 415 with a Client/Sender fault for a Content-Type that is not its
 * version's (`contentType` as received, parameters ignored); a Client/Sender fault (kind `request`) for a second Body
 * (SOAP 1.1 §4.3, SOAP 1.2 Part 1 §5.1: Header, then exactly one Body), for a Body holding more than one element
 * (WS-I Basic Profile 1.1 R2201) or for a request element outside `ns`, the
 * namespace the operation's elements are declared in (SOAP 1.1 §4.3.1: body entries are namespace-qualified).
 */
export function checkStrict(soap: SoapRequest, contentType: string | undefined, element: XmlElement, ns: string | undefined): void {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const expected = MEDIA_TYPE[soap.version];
  if (mediaType !== expected) {
    throw new SoapFault({
      code: 'Client',
      reason: mediaType === '' ? `A SOAP ${soap.version} envelope is sent as ${expected}; this request has no Content-Type` : `A SOAP ${soap.version} envelope is sent as ${expected}, not ${mediaType.slice(0, 64)}`,
      httpStatus: 415,
      kind: 'request',
      reasonCode: 'contentType',
    });
  }
  // SOAP 1.1 §4.4.1, SOAP 1.2 Part 1 §5.4.7: an Envelope in another namespace (or none) is a VersionMismatch; its Header
  // and Body are the Envelope's own (SOAP 1.1 §4.1.2, SOAP 1.2 Part 1 §5.2 and §5.3).
  const envelopeNs = soap.envelope.ns;
  if (envelopeNs !== SOAP11_NS && envelopeNs !== SOAP12_NS) {
    throw new SoapFault({
      code: 'VersionMismatch',
      reason: `The Envelope namespace '${envelopeNs.slice(0, 128)}' is neither SOAP 1.1's nor SOAP 1.2's`,
      kind: 'request',
      reasonCode: 'versionMismatch',
    });
  }
  for (const part of [soap.header, soap.body]) {
    if (part !== undefined && part.ns !== envelopeNs) {
      throw new SoapFault({
        code: 'Client',
        reason: `The ${part.name} is in namespace '${part.ns.slice(0, 128)}', not the Envelope's`,
        kind: 'request',
        reasonCode: 'namespace',
      });
    }
  }
  if (soap.envelope.children.filter((c) => c.name === 'Body').length > 1) {
    throw new SoapFault({ code: 'Client', reason: 'The Envelope has more than one Body', kind: 'request', reasonCode: 'twoBodies' });
  }
  // WS-I Basic Profile 1.1 R2201: a document-literal Body holds exactly one element, the request; running the first
  // of two would run what the client may not have meant, and dropping the second would lose it.
  const entries = soap.body.children;
  if (entries.length > 1) {
    const names = entries.slice(0, 4).map((e) => e.name.slice(0, 64)).join(', ');
    throw new SoapFault({ code: 'Client', reason: `The Body holds ${entries.length} elements (${names}); one request element only`, kind: 'request', reasonCode: 'bodyEntries' });
  }
  if (ns !== undefined && element.ns !== ns) {
    throw new SoapFault({
      code: 'Client',
      reason: `The request element ${element.name} is in namespace '${element.ns.slice(0, 128)}', not '${ns}'`,
      kind: 'request',
      reasonCode: 'namespace',
    });
  }
}
