/**
 * How each platform words the faults the toolkit raises itself, so a client's error handling sees what it will see in
 * production: ASP.NET .asmx services (QMI, ICI/OII), WCF services (Open Media), or a plain wording. The texts are the
 * platforms' own resource strings (ASP.NET `System.Web.Services` SoapServerProtocol: WebHttpHeader,
 * UnableToHandleRequestActionNotRecognized1, UnableToHandleRequestActionRequired0, TheRequestElementXmlnsWasNotRecognized2,
 * WebCannotUnderstandHeader; WCF EndpointDispatcher ActionNotSupported, OperationFormatter, MustUnderstand), as they
 * appear to a remote client (no stack trace).
 */
import type { XmlElement } from '../xml/index.js';
import type { SoapFaultInit } from './fault.js';
import { envelopeNamespace, type RequestAction, type SoapVersion } from './version.js';

/** The part of a fault a wording decides. */
export type FaultWording = Pick<SoapFaultInit, 'code' | 'reason' | 'subcode' | 'lang'>;

/** One entry of a dispatch table (see SoapDispatcher). */
export interface SoapOperation<Op extends string = string> {
  /** The operation's name, handed to the handler and to metrics. */
  name: Op;
  /** Local names of the Body's first child that mean this operation; the first is canonical (faults quote it). */
  elements: readonly string[];
  /** SOAPAction / `action=` values that name this operation; several operations may share one (QMI: all of them). */
  actions?: readonly string[];
  /** Namespace of the request element, for fault texts that name it (WCF); matching is namespace-agnostic. */
  ns?: string;
}

/**
 * Why dispatch failed: `unknownAction` (the action names no operation), `mismatch` (it names operations and the Body
 * element is another one, or no operation at all while the action names exactly one), `unknownElement` (no action, or
 * an action several operations share, and the Body element is no operation; `element` is undefined for an empty Body).
 */
export interface DispatchFailure {
  cause: 'unknownAction' | 'mismatch' | 'unknownElement';
  version: SoapVersion;
  action?: RequestAction;
  element?: XmlElement;
  /** The one operation the action named (mismatch only). */
  expected?: SoapOperation;
}

export interface PlatformWording {
  readonly name: string;
  dispatch(failure: DispatchFailure): FaultWording;
  /** The fault for the first header block not understood (SOAP 1.2 NotUnderstood entries are added by the toolkit). */
  mustUnderstand(block: XmlElement, version: SoapVersion): FaultWording;
}

function qualified(el: XmlElement): string {
  return el.prefix === '' ? el.name : `${el.prefix}:${el.name}`;
}

const ASMX_REQUEST_ELEMENT = (el: XmlElement | undefined): string =>
  `The request element <${el?.name ?? ''} xmlns='${el?.ns ?? ''}'> was not recognized.`;

/** ASP.NET .asmx (SoapServerProtocol, Soap11/Soap12ServerProtocolHelper.RouteRequest). */
export const ASMX_WORDING: PlatformWording = {
  name: 'asmx',
  dispatch(f) {
    const raw = f.action?.raw;
    if (f.version === '1.1') {
      if (raw !== undefined && f.cause !== 'unknownElement') {
        return { code: 'Client', reason: `Server did not recognize the value of HTTP Header SOAPAction: ${raw}.` };
      }
      return { code: 'Client', reason: ASMX_REQUEST_ELEMENT(f.element) };
    }
    if (raw !== undefined && f.cause !== 'unknownElement') {
      return { code: 'Sender', reason: `Unable to handle request. The action '${raw}' was not recognized.` };
    }
    if (raw === undefined) {
      return { code: 'Sender', reason: 'Unable to handle request without a valid action parameter. Please supply a valid soap action.' };
    }
    return { code: 'Sender', reason: ASMX_REQUEST_ELEMENT(f.element) };
  },
  mustUnderstand: (block) => ({ code: 'MustUnderstand', reason: `SOAP header ${block.name} was not understood.` }),
};

const WCF_ADDRESSING_NONE = 'http://schemas.microsoft.com/ws/2005/05/addressing/none';
const WCF_DISPATCHER = 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher';

/** WCF (BasicHttpBinding, no addressing): the EndpointDispatcher's and the OperationFormatter's faults. */
export const WCF_WORDING: PlatformWording = {
  name: 'wcf',
  dispatch(f) {
    if (f.cause === 'mismatch' && f.expected !== undefined) {
      const found =
        f.element === undefined
          ? `Found node type 'EndElement' with name 'Body' and namespace '${envelopeNamespace(f.version)}'`
          : `Found node type 'Element' with name '${qualified(f.element)}' and namespace '${f.element.ns}'`;
      return {
        code: 'Client',
        subcode: { ns: WCF_DISPATCHER, local: 'DeserializationFailed', prefix: 'a' },
        lang: 'en-US',
        reason:
          `The formatter threw an exception while trying to deserialize the message: Error in deserializing body of ` +
          `request message for operation '${f.expected.name}'. OperationFormatter encountered an invalid Message body. ` +
          `Expected to find node type 'Element' with name '${f.expected.elements[0] ?? f.expected.name}' and namespace ` +
          `'${f.expected.ns ?? ''}'. ${found}`,
      };
    }
    return {
      code: 'Client',
      subcode: { ns: WCF_ADDRESSING_NONE, local: 'ActionNotSupported', prefix: 'a' },
      lang: 'en-US',
      reason:
        `The message with Action '${f.action?.raw ?? ''}' cannot be processed at the receiver, due to a ContractFilter ` +
        `mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched Actions ` +
        `between sender and receiver) or a binding/security mismatch between the sender and the receiver.  Check that ` +
        `sender and receiver have the same contract and the same binding (including security requirements, e.g. ` +
        `Message, Transport, None).`,
    };
  },
  mustUnderstand: (block) => ({
    code: 'MustUnderstand',
    lang: 'en-US',
    reason:
      `The header '${block.name}' from the namespace '${block.ns}' was not understood by the recipient of this message, ` +
      `causing the message to not be processed.  This error typically indicates that the sender of this message has ` +
      `enabled a communication protocol that the receiver cannot process.  Please ensure that the configuration of the ` +
      `client's binding is consistent with the service's binding.`,
  }),
};

/** A neutral wording for services that imitate no particular platform. */
export const PLAIN_WORDING: PlatformWording = {
  name: 'plain',
  dispatch(f) {
    if (f.cause === 'unknownAction') return { code: 'Client', reason: `Unknown SOAP action: ${f.action?.raw ?? ''}` };
    if (f.element === undefined) return { code: 'Client', reason: 'The SOAP Body is empty' };
    if (f.cause === 'mismatch') {
      return { code: 'Client', reason: `SOAP action ${f.action?.raw ?? ''} does not match the Body element ${f.element.name}` };
    }
    return { code: 'Client', reason: `Unknown operation: ${f.element.name}` };
  },
  mustUnderstand: (block) => ({
    code: 'MustUnderstand',
    reason: `Header ${block.name}${block.ns === '' ? '' : ` (${block.ns})`} was not understood`,
  }),
};
