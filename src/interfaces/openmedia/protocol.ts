/**
 * Open Media's wire names in one place (seed 004 and the WSDL a real MiCC Enterprise Open Media service publishes):
 * namespaces, the twelve operations with their SOAPActions and parameters, the data contracts' members in the order
 * WCF's DataContractSerializer writes them (alphabetical), and the enum names with their numbers.
 */
import type { SoapOperation } from '../../soap/index.js';

export const PATH = '/OpenMediaService';
export const REST_PATH = '/OpenMediaServiceRest';
/** Operation wrappers and their `<Op>Result` (WSDL `tns`). */
export const TEMPURI = 'http://tempuri.org/';
/** Members of the request and response objects. */
export const DATA_NS = 'http://schemas.datacontract.org/2004/07/Solidus.OpenMedia.Contracts.DataContracts';
/** Detail elements of the typed faults. */
export const FAULTS_NS = 'http://schemas.datacontract.org/2004/07/Solidus.OpenMedia.Contracts.Faults';
/** `InvalidDataException`, the .NET exception the contract declares as a fault. */
export const SYSTEM_IO_NS = 'http://schemas.datacontract.org/2004/07/System.IO';
export const ARRAYS_NS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** Seed "Authentication": the LogonID and Password SOAP headers. */
export const AUTH_NS = 'OpenMediaService';
export const ACTION_BASE = 'http://tempuri.org/IOpenMediaService/';

export const OPERATION_NAMES = [
  'AddRequest',
  'CancelRequest',
  'GetOpenMediaRequestStatusByID',
  'GetOpenMediaRequestHistoryByID',
  'GetOpenMediaRequestsByTime',
  'GetAllOpenMediaRequestStatus',
  'GetServiceGroupStatus',
  'GetAllOpenMediaServiceGroupStatus',
  'SetOptions',
  'GetOMAgentsByGroup',
  'DivertRequest',
  'ModifyRequest',
] as const;
export type Operation = (typeof OPERATION_NAMES)[number];

/** The dispatch table: the wrapper element is the operation's name, its action `http://tempuri.org/IOpenMediaService/<Op>`. */
export const OPERATIONS: readonly SoapOperation<Operation>[] = OPERATION_NAMES.map((name) => ({
  name,
  elements: [name],
  actions: [ACTION_BASE + name],
  ns: TEMPURI,
}));

/** A member's XML Schema type, as the contract declares it. */
export type MemberType = 'int' | 'boolean' | 'dateTime' | 'string' | 'ivr';

/** Members of a contract in the order WCF reads and writes them. */
export type Members = readonly (readonly [name: string, type: MemberType])[];

/** Request data contracts (WSDL xsd2), members alphabetical. */
export const CONTRACTS = {
  AddOpenMediaRequest: [
    ['ForceToPreferredAgent', 'boolean'],
    ['IVRInfo', 'ivr'],
    ['PreferredAgentID', 'int'],
    ['PreferredAgentLogonID', 'string'],
    ['PrivateData', 'string'],
    ['QueueStartTime', 'dateTime'],
    ['ServiceGroupID', 'int'],
    ['ServiceGroupName', 'string'],
    ['SessionPriority', 'int'],
    ['TenantID', 'int'],
    ['TypeOfSession', 'int'],
  ],
  CancelOpenMediaRequest: [
    ['CancelIfAllocated', 'boolean'],
    ['DoNotReport', 'boolean'],
    ['OpenMediaID', 'int'],
  ],
  DivertOpenMediaRequest: [
    ['OpenMediaID', 'int'],
    ['ServiceGroupID', 'int'],
    ['ServiceGroupName', 'string'],
    ['TenantID', 'int'],
  ],
  ModifyOpenMediaRequest: [
    ['IVRInfo', 'ivr'],
    ['OpenMediaID', 'int'],
    ['PrivateData', 'string'],
  ],
  SetOptionsRequest: [
    ['AgentActionOptions', 'int'],
    ['AllowDifferentTypes', 'int'],
    ['CloseTabOptions', 'int'],
    ['MaxNumberOfSessions', 'int'],
    ['ResetAllOptions', 'boolean'],
    ['SessionLinkOptions', 'int'],
    ['TypeOfSession', 'int'],
  ],
  IVRInformation: [
    ['Data', 'string'],
    ['Label', 'string'],
  ],
} as const satisfies Record<string, Members>;
export type ContractName = keyof typeof CONTRACTS;

/**
 * How each operation takes its input: a `request` object of a data contract, or bare lower-camel parameters in the
 * wrapper (the query operations), in the contract's order.
 */
export const INPUTS: Readonly<Record<Operation, { request: ContractName } | { params: Members }>> = {
  AddRequest: { request: 'AddOpenMediaRequest' },
  CancelRequest: { request: 'CancelOpenMediaRequest' },
  DivertRequest: { request: 'DivertOpenMediaRequest' },
  ModifyRequest: { request: 'ModifyOpenMediaRequest' },
  SetOptions: { request: 'SetOptionsRequest' },
  GetOpenMediaRequestStatusByID: { params: [['openMediaID', 'int']] },
  GetOpenMediaRequestHistoryByID: { params: [['openMediaID', 'int'], ['retrieveLaterThan', 'dateTime']] },
  GetOpenMediaRequestsByTime: { params: [['retrieveLaterThan', 'dateTime']] },
  GetAllOpenMediaRequestStatus: { params: [] },
  GetServiceGroupStatus: { params: [['serviceGroupID', 'int']] },
  GetAllOpenMediaServiceGroupStatus: { params: [['tenantID', 'int']] },
  GetOMAgentsByGroup: { params: [['serviceGroupID', 'int']] },
};

/**
 * Enum `OpenMediaRequestStatus` (AddRequest and DivertRequest `RequestStatus`): names on SOAP, numbers in the REST
 * twin's JSON. The seed's codes 0-5 are the first six; AddRequest's 5 "General Error" is `Error`, whose contract value
 * is 100 (the WSDL's EnumerationValue annotation); DivertRequest's 5 "invalid session ID" is `InvalidID`.
 */
export const REQUEST_STATUS = {
  Success: 0,
  GroupClosed: 1,
  InvalidGroup: 2,
  TenantDisabled: 3,
  AgentLoggedOff: 4,
  InvalidID: 5,
  Error: 100,
} as const;
export type RequestStatus = keyof typeof REQUEST_STATUS;

/** Enum `OpenMediaStatus` (OpenMediaRequest `Status`): the seed's 0-6, and `Clerical` (7), which ccgate never reports. */
export const OM_STATUS = {
  Unknown: 0,
  Queued: 1,
  AllocatedToAgent: 2,
  AgentProcessing: 3,
  Complete: 4,
  Failed: 5,
  Cancelled: 6,
  Clerical: 7,
} as const;
export type OmStatus = keyof typeof OM_STATUS;

/** Seed "Data cache": the terminated states, removed from the cache when the data expiration time is exceeded. */
export const TERMINATED: readonly OmStatus[] = ['Complete', 'Failed', 'Cancelled'];

/** The `<Op>Result` element of each operation's response wrapper. */
export const resultElement = (op: Operation): string => `${op}Result`;
