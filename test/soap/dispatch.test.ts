/** The dispatcher (DESIGN rule 4) and the platform wordings of its faults. */
import { describe, expect, it } from 'vitest';
import {
  buildFault,
  parseSoap,
  requestAction,
  SoapDispatcher,
  type SoapOperation,
  type SoapVersion,
} from '../../src/soap/index.js';
import { catchFault, nsOf, readFault } from './helpers.js';

const NS = 'urn:ccgate:test:shop';
const TABLE: SoapOperation<'Buy' | 'Sell' | 'Ping'>[] = [
  { name: 'Buy', elements: ['BuyRequest', 'Buy'], actions: ['urn:shop/Buy', 'urn:shop'], ns: NS },
  { name: 'Sell', elements: ['SellRequest'], actions: ['urn:shop/Sell', 'urn:shop'], ns: NS },
  { name: 'Ping', elements: ['Ping'], ns: NS },
];

function request(element: string | undefined, version: SoapVersion = '1.1'): ReturnType<typeof parseSoap> {
  const body = element === undefined ? '' : `<s:${element} xmlns:s="${NS}"/>`;
  return parseSoap(`<e:Envelope xmlns:e="${nsOf(version)}"><e:Body>${body}</e:Body></e:Envelope>`);
}

const header = (soapaction: string) => requestAction({ soapaction });

describe('SoapDispatcher: the action, then the Body element', () => {
  const d = new SoapDispatcher(TABLE, { wording: 'asmx' });

  it('routes on the Body element when no action is sent, or an empty one ("" means the Request-URI)', () => {
    expect(d.dispatch(request('BuyRequest'), undefined).operation.name).toBe('Buy');
    expect(d.dispatch(request('buy'), header('""')).operation.name).toBe('Buy');
    expect(d.dispatch(request('Ping'), undefined).operation.name).toBe('Ping');
  });

  it('accepts an action naming the operation or shared by it, however it is quoted', () => {
    for (const action of ['"urn:shop/Sell"', 'urn:shop/Sell', "'urn:shop/Sell'", ' "urn:shop" ', 'urn%3Ashop%2FSell', 'URN:SHOP/SELL']) {
      const routed = d.dispatch(request('SellRequest'), header(action));
      expect(routed.operation.name, action).toBe('Sell');
      expect(routed.element.name).toBe('SellRequest');
    }
  });

  it('refuses an action naming another operation however it is quoted, an unknown action, and an unknown element', () => {
    for (const action of ['"urn:shop/Buy"', "'urn:shop/Buy'", 'urn:shop/Buy']) {
      expect(catchFault(() => d.dispatch(request('SellRequest'), header(action))).reasonCode, action).toBe('mismatch');
    }
    expect(catchFault(() => d.dispatch(request('SellRequest'), header('urn:elsewhere'))).reasonCode).toBe('unknownAction');
    expect(catchFault(() => d.dispatch(request('Steal'), header('urn:shop'))).reasonCode).toBe('unknownElement');
    expect(catchFault(() => d.dispatch(request('Ping'), header('urn:shop'))).reasonCode).toBe('mismatch');
    expect(catchFault(() => d.dispatch(request('Steal'), undefined)).reasonCode).toBe('unknownElement');
    expect(catchFault(() => d.dispatch(request(undefined), undefined)).reasonCode).toBe('unknownElement');
    const fault = catchFault(() => d.dispatch(request('SellRequest'), header('urn:elsewhere')));
    expect(fault).toMatchObject({ kind: 'dispatch', code: 'Client', version: '1.1' });
  });

  it('in body mode ignores the SOAPAction header and the action= parameter alike', () => {
    const body = new SoapDispatcher(TABLE, { by: 'body' });
    expect(body.dispatch(request('SellRequest'), header('urn:shop/Buy')).operation.name).toBe('Sell');
    const viaParam = requestAction({ 'content-type': 'application/soap+xml; action="urn:nothing"' });
    const routed = body.dispatch(request('SellRequest', '1.2'), viaParam);
    expect(routed.operation.name).toBe('Sell');
    expect(routed.action).toBeUndefined();
  });

  it('refuses a table where two operations claim one element or one name', () => {
    expect(() => new SoapDispatcher([{ name: 'A', elements: ['X'] }, { name: 'B', elements: ['x'] }])).toThrow(/claimed/);
    expect(() => new SoapDispatcher([{ name: 'A', elements: ['X'] }, { name: 'A', elements: ['Y'] }])).toThrow(/twice/);
  });
});

describe('ASP.NET .asmx wording (Soap11/Soap12ServerProtocolHelper)', () => {
  const d = new SoapDispatcher(TABLE, { wording: 'asmx' });

  it('SOAP 1.1: the SOAPAction header as received, or the request element', () => {
    expect(catchFault(() => d.dispatch(request('SellRequest'), header("'urn:shop/Buy'"))).reason).toBe(
      "Server did not recognize the value of HTTP Header SOAPAction: 'urn:shop/Buy'.",
    );
    expect(catchFault(() => d.dispatch(request('SellRequest'), header('"urn:elsewhere"'))).reason).toBe(
      'Server did not recognize the value of HTTP Header SOAPAction: urn:elsewhere.',
    );
    expect(catchFault(() => d.dispatch(request('Steal'), header('urn:shop'))).reason).toBe(`The request element <Steal xmlns='${NS}'> was not recognized.`);
  });

  it('SOAP 1.2: the action parameter, or a request without one, as Sender faults', () => {
    const action = requestAction({ 'content-type': 'application/soap+xml; action="urn:elsewhere"' });
    expect(catchFault(() => d.dispatch(request('SellRequest', '1.2'), action))).toMatchObject({
      code: 'Sender',
      reason: "Unable to handle request. The action 'urn:elsewhere' was not recognized.",
    });
    expect(catchFault(() => d.dispatch(request('Steal', '1.2'), undefined)).reason).toBe(
      'Unable to handle request without a valid action parameter. Please supply a valid soap action.',
    );
  });
});

describe('WCF wording (BasicHttpBinding)', () => {
  const d = new SoapDispatcher(TABLE, { wording: 'wcf' });

  it('answers an unknown action with a:ActionNotSupported, its prefix declared on faultcode', () => {
    const fault = catchFault(() => d.dispatch(request('SellRequest'), header('"urn:elsewhere"')));
    const xml = buildFault('1.1', fault);
    expect(xml).toContain(
      '<faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">a:ActionNotSupported</faultcode>' +
        `<faultstring xml:lang="en-US">The message with Action 'urn:elsewhere' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher.`,
    );
    expect(xml).toContain('Check that sender and receiver have the same contract and the same binding (including security requirements, e.g. Message, Transport, None).</faultstring>');
    // SOAP 1.2: Sender with the same subcode.
    const xml12 = buildFault('1.2', fault);
    expect(xml12).toContain(
      '<soap:Code><soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">a:ActionNotSupported</soap:Value></soap:Subcode></soap:Code>',
    );
    expect(readFault(xml12).lang).toBe('en-US');
  });

  it('answers a Body that is not the action’s operation as the OperationFormatter does', () => {
    const fault = catchFault(() => d.dispatch(request('SellRequest'), header('urn:shop/Buy')));
    expect(fault.subcode).toMatchObject({ local: 'DeserializationFailed' });
    expect(fault.reason).toBe(
      "The formatter threw an exception while trying to deserialize the message: Error in deserializing body of request message for operation 'Buy'. " +
        `OperationFormatter encountered an invalid Message body. Expected to find node type 'Element' with name 'BuyRequest' and namespace '${NS}'. ` +
        `Found node type 'Element' with name 's:SellRequest' and namespace '${NS}'`,
    );
  });
});

describe('plain wording', () => {
  it('names what was not understood', () => {
    const d = new SoapDispatcher(TABLE);
    expect(catchFault(() => d.dispatch(request('Steal'), undefined)).reason).toBe('Unknown operation: Steal');
    expect(catchFault(() => d.dispatch(request(undefined), undefined)).reason).toBe('The SOAP Body is empty');
    expect(catchFault(() => d.dispatch(request('Ping'), header('urn:x'))).reason).toBe('Unknown SOAP action: urn:x');
  });
});
