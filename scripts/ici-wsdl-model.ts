/**
 * The ICI/OII contract as data: every bean's operations (seed 002 chapter 9) and the types they carry (chapter 10),
 * from which scripts/ici-wsdl.ts writes wsdl/ici/Ici<Name>Service.wsdl as an ASP.NET .asmx service writes its WSDL.
 *
 * A member is `[name, type, flags]`: type `string`, `int`, `boolean`, `dateTime` (XML Schema) or the name of a type
 * below; flags `0`/`1` = minOccurs, `n` = nillable, `*` = maxOccurs unbounded (else 1), `@ns` on a name = a `ref` to
 * that element of another schema (the real IciSystem WSDL's `userId` of `urn:IciUserInterface`).
 *
 * Occurrences: IciSystem copies the real WSDL an OII installation serves (shared/spec/oii-wsdl, kept as test data in
 * test/ici-contract/real-oii/); the chapter-10 types keep the seed's minOccurs/nillable, written as `xs:sequence` in the
 * seed's order (ASP.NET never writes `xs:all`); request parameters are optional strings and required value types, as
 * ASP.NET declares a method's string and int/bool parameters.
 */
export type Member = readonly [name: string, type: string, flags: string];

export interface Operation {
  /** Operation and request element name; the response element is `<name>Response`. */
  name: string;
  params: readonly Member[];
  /** Members of the response element: `response` of a type, or none (`[]`, IciSystem.updateCallBack). */
  result: readonly Member[];
  /** Why it is there, for the reader of the WSDL (seed section). */
  doc: string;
}

export interface Bean {
  /** `System`, `User`, … : service `Ici<name>Service`, namespace `urn:Ici<name>Interface`. */
  name: string;
  doc: string;
  operations: readonly Operation[];
  /** Who sends the requests: a CRM to ccgate (beans), or ccgate to the CRM's appUrl (IciEvent). */
  direction: 'toCcgate' | 'toCrm';
}

/** Complex types by name; an empty list is an empty type. Array types hold `item` (IciSystem's users hold `Item`). */
export const TYPES: Record<string, readonly Member[]> = {
  // 10.1, 10.2 (the real WSDL: every member minOccurs 1, nillable)
  'ici.TextElement': [['message', 'string', '0n'], ['id', 'string', '0n'], ['description', 'string', '0n']],
  'ici.ProductInformation': [['message', 'string', '1n'], ['productName', 'string', '1n'], ['iciMessageGroups', 'ArrayOfString', '1n'], ['productVersion', 'string', '1n'], ['iciVersion', 'string', '1n']],
  ArrayOfString: [['item', 'string', '0*n']],
  ArrayOfString1: [['Item', 'string', '0*']],
  ArrayOfInt: [['item', 'int', '0*']],
  'ici.Void': [],
  // IciSystem, as the real WSDL declares them (10.3 to 10.8, plus guid, queueGuid and queueName)
  'ici.WorkcenterCapability': [['types', 'string', '0'], ['workcenterList', 'boolean', '1'], ['filter', 'boolean', '1']],
  getPresenceQueueInfoResponseResponse: [['groupInfo', 'ArrayOfGroupInfo', '0'], ['queueInfo', 'ArrayOfQueueInfo', '0']],
  ArrayOfGroupInfo: [['item', 'GroupInfo', '0*n']],
  GroupInfo: [['id', 'string', '0'], ['description', 'string', '0'], ['parentId', 'string', '0'], ['queuesId', 'ArrayOfString', '0']],
  ArrayOfQueueInfo: [['item', 'QueueInfo', '0*n']],
  QueueInfo: ['id', 'description', 'guid', 'loggedIn', 'ready', 'pending', 'open', 'avgWaitingTime', 'maxWaitingTime', 'busy', 'wrapUp', 'notReady', 'paused'].map((n) => [n, 'string', '0'] as const),
  ArrayOfIciUserPresenceInfo: [['item', 'ici.UserPresenceInfo', '0*n']],
  'ici.UserPresenceInfo': [['user', 'string', '1n'], ['presenceStatus', 'string', '1n'], ['presenceDescription', 'string', '1n'], ['collaborationData', 'ArrayOfIciCollaborationData', '1n']],
  ArrayOfIciCollaborationData: [['item', 'ici.CollaborationData', '0*']],
  'ici.CollaborationData': [['description', 'string', '1n'], ['channel', 'string', '1n'], ['capability', 'string', '1n'], ['address', 'string', '1n']],
  ArrayOfCallRecording: [['item', 'CallRecording', '0*n']],
  CallRecording: [['callHandle', 'string', '0'], ['userId', 'string', '0'], ['creationTime', 'dateTime', '1'], ['startTime', 'dateTime', '1n'], ['endTime', 'dateTime', '1n'], ['source', 'string', '0'], ['destination', 'string', '0'], ['fileName', 'string', '0']],
  ArrayOfCallBack: [['item', 'CallBack', '0*n']],
  CallBack: [
    ['id', 'string', '0'], ['number', 'string', '0'], ['queueGuid', 'string', '0'], ['queueNumber', 'string', '0'], ['queueName', 'string', '0'],
    ['handledTime', 'dateTime', '1n'], ['lastCallTime', 'dateTime', '1n'], ['nextCallTime', 'dateTime', '1n'], ['failures', 'int', '1'], ['maxCalls', 'int', '1'],
    ['lastResult', 'string', '0'], ['extraData', 'string', '0'], ['notes', 'string', '0'], ['gwPrefix', 'string', '0'],
  ],
  // 10.9 to 10.18
  'ici.Address': [['message', 'string', '0n'], ['address', 'string', '0n'], ['channel', 'string', '0n']],
  ArrayOfIciTextElement: [['item', 'ici.TextElement', '0*n']],
  ArrayOfIciAddress: [['item', 'ici.Address', '0*n']],
  // cmsHostId: 10.10.2 declares it in User; the captured getAttributes answer (9.2.1.3) carries it after </response>
  // and userChanged (9.3.1.2) has none, so here it is optional, and getAttributesResponse has its own.
  'ici.User': [
    ['message', 'string', '0n'], ['userId', 'string', '0n'], ['currentWorkmode', 'ici.TextElement', '0n'], ['workmodes', 'ArrayOfIciTextElement', '0n'],
    ['wrapUpMode', 'int', '1'], ['currentChannels', 'ArrayOfIciTextElement', '0n'], ['channels', 'ArrayOfIciTextElement', '0n'],
    ['currentQueues', 'ArrayOfIciTextElement', '0n'], ['queues', 'ArrayOfIciTextElement', '0n'], ['addresses', 'ArrayOfIciAddress', '0n'], ['cmsHostId', 'string', '0n'],
  ],
  'ici.Item': [['message', 'string', '0n'], ['status', 'ici.TextElement', '0n'], ['itemId', 'string', '0n'], ['processingStatus', 'ici.TextElement', '0n'], ['capabilityList', 'ArrayOfInt', '0n']],
  'ici.PhoneCall': [
    ['message', 'string', '0n'], ['lineNumber', 'string', '0n'], ['callHandle', 'string', '0n'], ['processingStatus', 'ici.TextElement', '0n'],
    ['remoteNumbers', 'ArrayOfString', '0n'], ['dialedNumber', 'string', '0n'], ['callStatus', 'ici.TextElement', '0n'], ['capabilityList', 'ArrayOfInt', '0n'],
    ['inbound', 'boolean', '1'], ['internal', 'boolean', '1'], ['attachedData', 'string', '0n'], ['trunkId', 'string', '0n'],
  ],
  ArrayOfIciPhoneCall: [['item', 'ici.PhoneCall', '0*n']],
  'ici.Message': [
    ['message', 'string', '0n'], ['folder', 'string', '0n'], ['subject', 'string', '0n'], ['messageId', 'string', '0n'], ['processingStatus', 'ici.TextElement', '0n'],
    ['originator', 'string', '0n'], ['messageText', 'string', '0n'], ['attachments', 'ArrayOfString', '0n'], ['messageStatus', 'ici.TextElement', '0n'],
    ['capabilityList', 'ArrayOfInt', '0n'], ['attachedData', 'string', '0n'], ['originalMessageId', 'string', '0n'],
    ['notification', 'boolean', '1'], ['read', 'boolean', '1'], ['answered', 'boolean', '1'], ['forwarded', 'boolean', '1'],
  ],
  ArrayOfIciMessage: [['item', 'ici.Message', '0*n']],
  'ici.ChatSession': [
    ['title', 'string', '1n'], ['chatLineId', 'string', '1n'], ['chatSessionId', 'string', '1n'], ['processingStatus', 'ici.TextElement', '1n'],
    ['capabilityList', 'ArrayOfInt', '1n'], ['attachedData', 'string', '1n'], ['chatStatus', 'ici.TextElement', '1n'], ['chatParticipants', 'ArrayOfString', '1n'],
  ],
  ArrayOfIciChatSession: [['item', 'ici.ChatSession', '0*n']],
  'ici.ChatPosting': [['chatSessionId', 'string', '1n'], ['postDate', 'string', '1n'], ['chatParticipant', 'string', '1n'], ['contentText', 'string', '1n'], ['systemMessage', 'boolean', '1']],
  ArrayOfIciChatPosting: [['item', 'ici.ChatPosting', '0*n']],
  'ici.ActionSession': [
    ['actionParticipants', 'ArrayOfString', '1n'], ['capabilityList', 'ArrayOfInt', '1n'], ['title', 'string', '1n'], ['actionSessionId', 'string', '1n'],
    ['actionStatus', 'ici.TextElement', '1n'], ['processingStatus', 'ici.TextElement', '1n'], ['attachedData', 'string', '1n'], ['actionLineId', 'string', '1n'],
  ],
  'ici.ActionItem': [
    ...['systemId', 'client', 'requestId', 'processId', 'actionItemId', 'actionItemInboxId', 'attachedData'].map((n) => [n, 'string', '1n'] as const),
    ['capabilityList', 'ArrayOfInt', '1n'], ['processingStatus', 'ici.TextElement', '1n'], ['actionItemStatus', 'ici.TextElement', '1n'], ['actionItemAttributes', 'ArrayOfIciAttribute', '1n'],
  ],
  'ici.Attribute': [['id', 'string', '1n'], ['description', 'string', '1n']],
  ArrayOfIciAttribute: [['item', 'ici.Attribute', '0*n']],
  // 9.12.1.3: the answer's one member, spelled as the example spells it
  'ici.RouteResult': [['actionItemID', 'string', '0']],
};

const s = (...names: string[]): Member[] => names.map((n) => [n, 'string', '0']);
const VOID: Member[] = [['response', 'ici.Void', '0']];
const op = (name: string, params: readonly Member[], result: readonly Member[], doc: string): Operation => ({ name, params, result, doc });
const returns = (type: string): Member[] => [['response', type, '1n']];

export const BEANS: readonly Bean[] = [
  {
    name: 'System',
    direction: 'toCcgate',
    doc: 'seed 9.1; element names and occurrences as the IciSystem WSDL a real OII installation serves',
    operations: [
      op('exchangeProductInformation', [['iciVersion', 'string', '1n']], returns('ici.ProductInformation'), '9.1.1'),
      op('getWorkcenterCapability', s('userId'), returns('ici.WorkcenterCapability'), '9.1.2'),
      op('getPresenceQueueInfo', [['userId@urn:IciUserInterface', 'string', '0'], ...s('channelType', 'queueGuid', 'queueAddress', 'queueName')], returns('getPresenceQueueInfoResponseResponse'), '9.1.3'),
      op('getUserPresence', [['users', 'ArrayOfString1', '1n'], ['searchterm', 'string', '1n'], ['maxhits', 'string', '1n']], returns('ArrayOfIciUserPresenceInfo'), '9.1.4'),
      op('getCallRecordings', ['callHandle', 'userId', 'dateTimeFrom', 'dateTimeTo', 'filePath', 'fileName', 'maxhits'].map((n) => [n, 'string', '1n'] as const), returns('ArrayOfCallRecording'), '9.1.5'),
      op('createCallBack', [...s('number', 'queue'), ...['callTime', 'extraData', 'gwPrefix', 'notes'].map((n) => [n, 'string', '1n'] as const)], returns('string'), '9.1.6'),
      op('updateCallBack', [...s('id', 'result'), ['notes', 'string', '1n']], [], '9.1.7'),
      op('getCallBacks', s('id', 'number', 'queueGuid', 'queueNumber', 'queueName'), returns('ArrayOfCallBack'), '9.1.8'),
    ],
  },
  {
    name: 'User',
    direction: 'toCcgate',
    doc: 'seed 9.2',
    operations: [
      op('getAttributes', s('userId', 'cmsPing'), [['response', 'ici.User', '1n'], ['cmsHostId', 'string', '1n']], '9.2.1'),
      op('setCurrentWorkmode', s('userId', 'workmode'), VOID, '9.2.2'),
      op('setCurrentChannels', [...s('userId'), ['channels', 'ArrayOfString', '0']], VOID, '9.2.3'),
      op('setCurrentQueues', [...s('userId'), ['queues', 'ArrayOfString', '0']], VOID, '9.2.4'),
      op('setAddresses', [...s('userId'), ['addresses', 'ArrayOfIciAddress', '0']], VOID, '9.2.5'),
      op('subscribe', s('appUrl', 'appId', 'userId'), VOID, '9.2.6'),
      op('unsubscribe', s('appUrl', 'appId'), VOID, '9.2.7'),
    ],
  },
  {
    name: 'Item',
    direction: 'toCcgate',
    doc: 'seed 9.4',
    operations: [
      op('create', s('channelType', 'containerId'), returns('ici.Item'), '9.4.1'),
      op('wrapUpRequired', s('itemId'), VOID, '9.4.2'),
      op('wrapUpEnded', s('itemId'), VOID, '9.4.3'),
      op('accept', s('itemId', 'containerId'), VOID, '9.4.4'),
      op('reroute', s('itemId', 'containerId'), VOID, '9.4.5'),
      op('forward', s('itemId', 'containerId', 'destType', 'destination'), VOID, '9.4.6'),
      op('getAttachedData', s('itemId'), returns('string'), '9.4.7'),
      op('setAttachedData', s('itemId', 'attachedData'), VOID, '9.4.8'),
      op('deleteAttachedData', s('itemId'), VOID, '9.4.9'),
    ],
  },
  {
    name: 'Container',
    direction: 'toCcgate',
    doc: 'seed 9.5',
    operations: [op('subscribe', s('appUrl', 'appId', 'channelType', 'containerId'), VOID, '9.5.1'), op('unsubscribe', s('appUrl', 'appId'), VOID, '9.5.2')],
  },
  {
    name: 'PhoneLine',
    direction: 'toCcgate',
    doc: 'seed 9.6',
    operations: [op('getCalls', s('lineNumber'), returns('ArrayOfIciPhoneCall'), '9.6.1'), op('dropCalls', s('lineNumber'), VOID, '9.6.2')],
  },
  {
    name: 'PhoneCall',
    direction: 'toCcgate',
    doc: 'seed 9.7 (listen and listenEnd are not implemented by OII and not listed)',
    operations: [
      op('getAttributes', s('lineNumber', 'callHandle'), returns('ici.PhoneCall'), '9.7.1'),
      op('dial', s('lineNumber', 'callHandle', 'dialNumber'), returns('string'), '9.7.2'),
      op('consult', [...s('lineNumber', 'callHandle', 'connCallHandle', 'dialNumber'), ['nextStep', 'int', '1']], VOID, '9.7.3'),
      op('transfer', s('lineNumber', 'connCallHandle', 'heldCallHandle'), VOID, '9.7.4'),
      op('reconnect', s('lineNumber', 'connCallHandle', 'heldCallHandle'), VOID, '9.7.5'),
      op('drop', s('lineNumber', 'callHandle'), VOID, '9.7.6'),
      op('hold', s('lineNumber', 'callHandle'), VOID, '9.7.7'),
      op('unhold', s('lineNumber', 'callHandle'), VOID, '9.7.8'),
      op('alternate', s('lineNumber', 'connCallHandle', 'heldCallHandle'), VOID, '9.7.9'),
      op('conference', s('lineNumber', 'connCallHandle', 'heldCallHandle'), VOID, '9.7.10'),
      op('dropParty', s('lineNumber', 'remoteNumber', 'callHandle'), VOID, '9.7.11'),
    ],
  },
  { name: 'Folder', direction: 'toCcgate', doc: 'seed 9.8', operations: [op('getMessages', s('folder'), returns('ArrayOfIciMessage'), '9.8.1')] },
  {
    name: 'Message',
    direction: 'toCcgate',
    doc: 'seed 9.9; end (action items, 7.1) has no message specification in the seed: it takes the item as messageId',
    operations: [
      op('getAttributes', s('messageId'), returns('ici.Message'), '9.9.1'),
      op('getContent', s('messageId'), returns('string'), '9.9.2'),
      op('setContent', s('messageId', 'content'), VOID, '9.9.3'),
      op('delete', s('messageId'), VOID, '9.9.4'),
      op('send', [...s('messageId'), ['requestSuccessNotification', 'boolean', '1'], ['requestFailureNotification', 'boolean', '1']], VOID, '9.9.5'),
      op('setActionFlags', [...s('messageId'), ['read', 'boolean', '1'], ['answered', 'boolean', '1'], ['forwarded', 'boolean', '1']], VOID, '9.9.6'),
      op('end', s('messageId'), VOID, '7.1, 10.16.2 (capability 403)'),
    ],
  },
  { name: 'ChatLine', direction: 'toCcgate', doc: 'seed 9.10 (the example writes the request getSession)', operations: [op('getSessions', s('chatLineId'), returns('ArrayOfIciChatSession'), '9.10.1')] },
  {
    name: 'ChatSession',
    direction: 'toCcgate',
    doc: 'seed 9.11 (join and conference are not implemented by OII and not listed)',
    operations: [
      op('getAttributes', s('chatSessionId', 'chatLineId'), returns('ici.ChatSession'), '9.11.1'),
      op('invite', [...s('chatSessionId', 'chatLineId', 'title'), ['chatParticipants', 'ArrayOfString', '0']], VOID, '9.11.2'),
      op('leave', s('chatSessionId', 'chatLineId'), VOID, '9.11.3'),
      op('getDialog', s('chatSessionId'), returns('ArrayOfIciChatPosting'), '9.11.4'),
      op('postMessage', s('chatSessionId', 'chatLineId', 'contentText'), VOID, '9.11.5'),
    ],
  },
  {
    name: 'ActionItem',
    direction: 'toCcgate',
    doc: 'seed 9.12',
    operations: [op('route', [...s('actionItemId'), ['itemData', 'ici.ActionItem', '0'], ['routingAttributes', 'ArrayOfIciAttribute', '0'], ...s('scenarioId')], returns('ici.RouteResult'), '9.12.1')],
  },
  {
    name: 'Monitor',
    direction: 'toCcgate',
    doc: 'seed 7.1: "not ready for production use", "not documented yet": no parameters are known, and ccgate answers every call with a not-implemented fault',
    operations: ['subscribe', 'getInstances', 'getCatalog', 'unsubscribe'].map((n) => op(n, [], VOID, '7.1')),
  },
  {
    name: 'Event',
    direction: 'toCrm',
    doc: 'seed 9.3: the service a CRM hosts at the appUrl it subscribes with; ccgate posts these (monitorDataChanged, listed in 7.1 without a specification, is never sent)',
    operations: [
      op('userChanged', [['appIds', 'ArrayOfString', '0'], ['user', 'ici.User', '0']], VOID, '9.3.1'),
      op('subscriptionEnded', [['appIds', 'ArrayOfString', '0'], ['reason', 'ici.TextElement', '0']], VOID, '9.3.2'),
      op('containerChanged', [['appIds', 'ArrayOfString', '0'], ...s('channelType', 'containerId'), ['containerStatus', 'ici.TextElement', '0']], VOID, '9.3.3'),
      op('phoneCallChanged', [['appIds', 'ArrayOfString', '0'], ['phoneCall', 'ici.PhoneCall', '0']], VOID, '9.3.4'),
      op('messageChanged', [['appIds', 'ArrayOfString', '0'], ['message', 'ici.Message', '0']], VOID, '9.3.5'),
      op('chatChanged', [['appIds', 'ArrayOfString', '0'], ['chatSession', 'ici.ChatSession', '0']], VOID, '9.3.6'),
      op('chatNewPosting', [['appIds', 'ArrayOfString', '0'], ['chatPosting', 'ici.ChatPosting', '0']], VOID, '9.3.7'),
      op('actionItemChanged', [['appIds', 'ArrayOfString', '0'], ['userIds', 'ArrayOfString', '0'], ['actionSession', 'ici.ActionSession', '0'], ...s('actionItemId'), ['itemData', 'ici.ActionItem', '0'], ...s('scenarioId')], VOID, '9.3.8'),
    ],
  },
];

/** The SOAPAction of a bean (seed 7.1); IciEvent has none in the seed, so its operations declare the empty action. */
export function soapActionOf(bean: Bean): string {
  return bean.direction === 'toCrm' ? '' : `http://inqmy.com/soapdispatcher/rpc/bcbici/Ici${bean.name}Bean`;
}
