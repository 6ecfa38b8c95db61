/**
 * Open Media's faults as a WCF service writes them, so a client generated from the WSDL raises `FaultException<T>`:
 * a SOAP fault whose `detail` holds one element naming the fault, in the contract's faults namespace
 * (`InvalidUserFault`, `NoLicenseFault`, `RouterDisconnectedFault`, `InvalidOpenMediaIDFault`, and the vendor
 * document's `OpenMediaRequestTerminatedFault` and `InvalidDataFault`), or the serialized .NET exception
 * `InvalidDataException` (System.IO), as DataContractSerializer writes an ISerializable exception. Unreadable values
 * are WCF's `a:DeserializationFailed`, anything unexpected WCF's `a:InternalServiceFault`. The endpoint builds no
 * envelope: these go through the SOAP toolkit's fault hooks.
 */
import { isCoreError, type CoreErrorCode } from '../../core/index.js';
import { printable, SoapFault, type SoapFaultHooks, type XMLBuilder } from '../../soap/index.js';
import { ContractError } from './contract.js';
import { FAULTS_NS, SYSTEM_IO_NS, XSI_NS, type Operation } from './protocol.js';

export const FAULT_NAMES = [
  'InvalidUserFault',
  'NoLicenseFault',
  'RouterDisconnectedFault',
  'InvalidOpenMediaIDFault',
  'OpenMediaRequestTerminatedFault',
  'InvalidDataFault',
  'InvalidDataException',
] as const;
export type OmFaultName = (typeof FAULT_NAMES)[number];

const GROUP_QUERY: readonly OmFaultName[] = ['InvalidUserFault', 'InvalidDataException', 'RouterDisconnectedFault'];

/**
 * Every typed fault each operation can answer: the seed's fault table of the operation, the real contract's
 * declarations, and what ccgate adds (ModifyRequest's InvalidDataException, for AddRequest's input rules). ccgate's
 * WSDL declares exactly these on each operation, so a generated proxy raises a typed FaultException for every one
 * (SetOptions answers one of InvalidDataException and InvalidDataFault, by `openmedia.setOptionsFault`).
 */
export const OPERATION_FAULTS: Readonly<Record<Operation, readonly OmFaultName[]>> = {
  AddRequest: ['InvalidUserFault', 'NoLicenseFault', 'RouterDisconnectedFault', 'InvalidDataException'],
  CancelRequest: ['InvalidUserFault', 'NoLicenseFault', 'RouterDisconnectedFault', 'InvalidOpenMediaIDFault', 'OpenMediaRequestTerminatedFault'],
  DivertRequest: ['InvalidUserFault', 'NoLicenseFault', 'RouterDisconnectedFault', 'InvalidDataException'],
  ModifyRequest: ['InvalidUserFault', 'NoLicenseFault', 'RouterDisconnectedFault', 'InvalidOpenMediaIDFault', 'InvalidDataException'],
  SetOptions: ['InvalidUserFault', 'NoLicenseFault', 'RouterDisconnectedFault', 'InvalidDataException', 'InvalidDataFault'],
  GetOpenMediaRequestStatusByID: ['InvalidUserFault', 'InvalidOpenMediaIDFault'],
  GetOpenMediaRequestHistoryByID: ['InvalidUserFault', 'InvalidOpenMediaIDFault'],
  GetOpenMediaRequestsByTime: ['InvalidUserFault'],
  GetAllOpenMediaRequestStatus: ['InvalidUserFault'],
  GetServiceGroupStatus: GROUP_QUERY,
  GetAllOpenMediaServiceGroupStatus: GROUP_QUERY,
  GetOMAgentsByGroup: GROUP_QUERY,
};

const DISPATCHER_NS = 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
/** COR_E_INVALIDDATA, the HResult of System.IO.InvalidDataException. */
const INVALID_DATA_HRESULT = -2146233087;

/** A refusal an Open Media operation raises: the fault named, with a reason for faultstring. */
export class OmFault extends Error {
  constructor(
    readonly fault: OmFaultName,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'OmFault';
  }
}

/** Shorthand for the .NET exception fault the contract declares for out-of-range input. */
export const invalidData = (reason: string): OmFault => new OmFault('InvalidDataException', reason);

/**
 * Core error → Open Media fault, for what an operation does not answer with a RequestStatus or `false` of its own.
 * `internal` marks codes no Open Media operation can cause (they become WCF's InternalServiceFault).
 */
export const CORE_TO_FAULT: Readonly<Record<CoreErrorCode, OmFaultName | 'internal'>> = {
  invalidArgument: 'InvalidDataException',
  unknownAgent: 'InvalidDataException',
  unknownDevice: 'InvalidDataException',
  unknownQueue: 'InvalidDataException',
  unknownCall: 'InvalidDataException',
  callGone: 'InvalidDataException',
  noCall: 'InvalidDataException',
  invalidState: 'InvalidDataException',
  unknownItem: 'InvalidOpenMediaIDFault',
  itemTerminated: 'OpenMediaRequestTerminatedFault',
  unknownRecording: 'InvalidDataException',
  queueClosed: 'InvalidDataException',
  destinationBusy: 'InvalidDataException',
  destinationUnknown: 'InvalidDataException',
  agentLoggedOff: 'InvalidDataException',
  pbxLinkDown: 'internal',
  routerDown: 'RouterDisconnectedFault',
  agentServerDown: 'internal',
  callDispatcherDown: 'internal',
  limitExceeded: 'NoLicenseFault',
  duplicateId: 'internal',
};

function exceptionMember(el: XMLBuilder, name: string, type: 'string' | 'int' | null, value?: string): void {
  const m = el.ele('', name);
  if (type === null) m.att(XSI_NS, 'i:nil', 'true');
  else m.att(XSI_NS, 'i:type', `x:${type}`).txt(value ?? '');
}

/** The detail element of a fault: an empty data contract, or the serialized InvalidDataException. */
function detailOf(name: OmFaultName, message: string): (detail: XMLBuilder) => void {
  if (name !== 'InvalidDataException') {
    return (detail) => {
      detail.ele(FAULTS_NS, name).att('http://www.w3.org/2000/xmlns/', 'xmlns:i', XSI_NS);
    };
  }
  return (detail) => {
    const ex = detail.ele(SYSTEM_IO_NS, 'InvalidDataException');
    ex.att('http://www.w3.org/2000/xmlns/', 'xmlns:i', XSI_NS).att('http://www.w3.org/2000/xmlns/', 'xmlns:x', XSD_NS);
    exceptionMember(ex, 'ClassName', 'string', 'System.IO.InvalidDataException');
    exceptionMember(ex, 'Message', 'string', message);
    for (const n of ['Data', 'InnerException', 'HelpURL', 'StackTraceString', 'RemoteStackTraceString']) exceptionMember(ex, n, null);
    exceptionMember(ex, 'RemoteStackIndex', 'int', '0');
    exceptionMember(ex, 'ExceptionMethod', null);
    exceptionMember(ex, 'HResult', 'int', String(INVALID_DATA_HRESULT));
    exceptionMember(ex, 'Source', null);
    exceptionMember(ex, 'WatsonBuckets', null);
  };
}

/** The SOAP fault of a named Open Media fault (faultcode `s:Client`, as WCF's FaultException<T> defaults to Sender). */
export function typedFault(name: OmFaultName, reason: string): SoapFault {
  const text = printable(reason).slice(0, 500);
  return new SoapFault({ code: 'Client', reason: text, lang: 'en-US', detail: detailOf(name, text) });
}

/** WCF's message when the formatter cannot read a parameter (DataContractSerializerOperationFormatter). */
function deserializationFault(e: ContractError): SoapFault {
  const inner = e.contract === undefined ? e.detail : `There was an error deserializing the object of type ${e.contract}. ${e.detail}`;
  return new SoapFault({
    code: 'Client',
    subcode: { ns: DISPATCHER_NS, local: 'DeserializationFailed', prefix: 'a' },
    lang: 'en-US',
    reason:
      `The formatter threw an exception while trying to deserialize the message: There was an error while trying to ` +
      `deserialize parameter ${e.parameter}. The InnerException message was '${inner}'.  Please see InnerException for more details.`,
  });
}

/**
 * WCF's fault for a Body its operation formatter cannot read (the wrapper element in another namespace or of another
 * name, more than one element in the Body): `a:DeserializationFailed` with the formatter's wording.
 */
export function bodyFault(operation: string, detail: string): SoapFault {
  return new SoapFault({
    code: 'Client',
    subcode: { ns: DISPATCHER_NS, local: 'DeserializationFailed', prefix: 'a' },
    lang: 'en-US',
    reason: `The formatter threw an exception while trying to deserialize the message: Error in deserializing body of request message for operation '${operation}'. ${printable(detail).slice(0, 400)}`,
  });
}

/** The toolkit hooks: the error table for what handlers throw, and WCF's wording for unexpected failures. */
export function faultHooks(): SoapFaultHooks {
  return {
    mapError(err) {
      if (err instanceof OmFault) return typedFault(err.fault, err.reason);
      if (err instanceof ContractError) return deserializationFault(err);
      if (isCoreError(err)) {
        const name = CORE_TO_FAULT[err.code];
        return name === 'internal' ? undefined : typedFault(name, err.message);
      }
      return undefined;
    },
    fault(fault, ctx) {
      // WCF's HTTP transport answers a message over its quota (maxReceivedMessageSize) 413 Request Entity Too Large.
      if (fault.reasonCode === 'tooLarge') return fault.with({ httpStatus: 413 });
      if (fault.kind !== 'internal') return fault;
      // WCF without IncludeExceptionDetailInFaults: the fixed InternalServiceFault text, the correlation id ours.
      return fault.with({
        subcode: { ns: DISPATCHER_NS, local: 'InternalServiceFault', prefix: 'a' },
        lang: 'en-US',
        reason:
          `The server was unable to process the request due to an internal error (correlation id ${ctx.request?.id ?? '-'}).  ` +
          `For more information about the error, turn on IncludeExceptionDetailInFaults (either from ServiceBehaviorAttribute ` +
          `or from the <serviceDebug> configuration behavior) on the server in order to send the exception information back to the client.`,
      });
    },
  };
}
