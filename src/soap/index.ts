/**
 * The SOAP toolkit every SOAP interface is built on (DESIGN "soap/"): envelopes in 1.1 and 1.2 with any prefix,
 * table-driven dispatch worded as the imitated platform words it, faults with per-interface hooks, mustUnderstand,
 * content codings, case-insensitive .asmx paths, WSDL serving and WS-Security UsernameToken checking. The XML it reads
 * comes from the generic reader in src/xml/.
 */
export { buildEnvelope, buildFault, ENVELOPE_PREFIX, printable, type EnvelopeOptions, type XMLBuilder } from './build.js';
export { ACCEPTED_CONTENT_CODINGS, decodeContentCoding } from './content-coding.js';
export { SoapDispatcher, type Dispatched, type DispatchBy, type DispatcherOptions } from './dispatch.js';
export { parseSoap, type ParseSoapOptions, type SoapRequest } from './envelope.js';
export {
  faultCodeFor,
  faultHttpStatus,
  SoapFault,
  type QName,
  type SoapFaultCode,
  type SoapFaultInit,
  type SoapFaultKind,
} from './fault.js';
export { checkMustUnderstand, notUnderstood, UnderstoodHeaders } from './must-understand.js';
export { caseInsensitivePattern, routeAnyCase } from './paths.js';
export {
  earlySoapFault,
  registerSoapEndpoint,
  type SoapContext,
  type SoapEndpointOptions,
  type SoapFaultContext,
  type SoapFaultHooks,
  type SoapReply,
  type SoapRequestInfo,
} from './server.js';
export {
  actionKey,
  charsetOf,
  contentTypeFor,
  envelopeNamespace,
  requestAction,
  sniffSoapVersion,
  soapActionOf,
  soapVersionFromContentType,
  SOAP11_NS,
  SOAP12_NS,
  type RequestAction,
  type SoapVersion,
} from './version.js';
export {
  ASMX_WORDING,
  PLAIN_WORDING,
  WCF_WORDING,
  type DispatchFailure,
  type FaultWording,
  type PlatformWording,
  type SoapOperation,
} from './wording.js';
export { type SoapWsdlOptions } from './wsdl.js';
export * from './wssecurity.js';
