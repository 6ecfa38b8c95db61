/**
 * Seed 002 §7.1: OII.asmx dispatches all twelve beans by SOAPAction (every operation, part 2 and IciMonitor included,
 * answers for itself), each bean's own .asmx serves it too (SOAP 1.1 and 1.2, paths in any case), and SAP's literal
 * XML is read in every form the seed shows.
 */
import { describe, expect, it } from 'vitest';
import { BEANS } from '../../src/interfaces/ici/protocol.js';
import { action, envelope, ici, perTest, post, SOAP12, startGateway, text } from './helpers.js';

const t = perTest();

describe('OII.asmx and the beans', () => {
  it('routes every operation of every bean: implemented ones run, part 2 is "not available", IciMonitor "not implemented"', async () => {
    t.gw = await startGateway();
    const gw = t.gw;
    for (const bean of BEANS) {
      for (const op of bean.operations) {
        for (const path of ['/OII/OII.asmx', bean.path.toLowerCase()]) {
          const a = await post(gw, bean.name, envelope(`<${op.name} xmlns="${bean.ns}"/>`), { path });
          const what = `${op.id} at ${path}`;
          expect(a.status, what).toBe(200);
          if (op.availability === 'notAvailable') expect(a.fault, what).toMatchObject({ area: 1, error: 3 });
          else if (op.availability === 'notImplemented') expect(a.fault, what).toMatchObject({ area: 1, error: 4 });
          // An implemented operation with no parameters is refused for a missing one, or answered: never unrouted.
          else if (a.fault) expect([`${a.fault.area}/${a.fault.error}`], `${what}: ${a.fault.text}`).not.toContain('1/2');
        }
      }
    }
  });

  it('an unknown SOAPAction, or a body that is not the bean\'s, is the SoapException 1/2 "Unknown operation: …" with ASP.NET\'s words after it', async () => {
    t.gw = await startGateway();
    const unknown = await post(t.gw, 'IciNothing', envelope('<getAttributes xmlns="urn:IciUserInterface"><userId>HARRI</userId></getAttributes>'));
    expect(unknown.status).toBe(200);
    expect(unknown.fault).toMatchObject({ area: 1, error: 2, code: 'soap:Client' });
    expect(unknown.fault?.string).toBe('com.sap.bcb.common.SoapException');
    expect(unknown.fault?.text).toBe('Unknown operation: Server did not recognize the value of HTTP Header SOAPAction: http://inqmy.com/soapdispatcher/rpc/bcbici/IciNothingBean.');
    const mismatch = await post(t.gw, 'IciUser', envelope('<getCalls xmlns="urn:IciPhoneLineInterface"><lineNumber>1101</lineNumber></getCalls>'));
    expect(mismatch.fault).toMatchObject({ area: 1, error: 2 });
  });

  it('shared element names go to the bean the SOAPAction names, or, without one, the body\'s namespace', async () => {
    t.gw = await startGateway();
    const user = await post(t.gw, 'IciUser', envelope('<getAttributes xmlns="urn:IciUserInterface"><userId>HARRI</userId></getAttributes>'));
    expect(text(user.response, 'userId')).toBe('HARRI');
    const call = await post(t.gw, 'IciPhoneCall', envelope('<getAttributes xmlns="urn:IciPhoneCallInterface"><lineNumber>1101</lineNumber><callHandle>A163FDACEE7A476BAB59E15C81B6D4F2</callHandle></getAttributes>'));
    expect(call.fault).toMatchObject({ area: 5, error: 3 });
    const byNs = await post(t.gw, null, envelope('<getAttributes xmlns="urn:IciUserInterface"><userId>HARRI</userId></getAttributes>'));
    expect(text(byNs.response, 'userId')).toBe('HARRI');
    const ambiguous = await post(t.gw, null, envelope('<getAttributes xmlns="urn:other"><userId>HARRI</userId></getAttributes>'));
    expect(ambiguous.fault).toMatchObject({ area: 1, error: 2 });
  });

  it('SOAP 1.2 (only the action parameter, as a client of the .asmx SOAP 1.2 port sends) is answered in 1.2', async () => {
    t.gw = await startGateway();
    const xml = `<?xml version="1.0" encoding="utf-8"?><soap12:Envelope xmlns:soap12="${SOAP12}"><soap12:Body><getWorkcenterCapability xmlns="urn:IciSystemInterface"><userId>HARRI</userId></getWorkcenterCapability></soap12:Body></soap12:Envelope>`;
    for (const path of ['/OII/OII.asmx', '/OII/IciSystemService.asmx']) {
      const a = await post(t.gw, null, xml, { path, headers: { 'content-type': `application/soap+xml; charset=utf-8; action=${action('IciSystem')}` } });
      expect(a.status, path).toBe(200);
      expect(a.contentType, path).toMatch(/^application\/soap\+xml/);
      expect(text(a.response, 'types')).toBe('0');
      expect(text(a.response, 'workcenterList')).toBe('false');
    }
    const bad = await post(t.gw, null, xml.replace('getWorkcenterCapability', 'nothing').replace('getWorkcenterCapability', 'nothing'), {
      headers: { 'content-type': `application/soap+xml; charset=utf-8; action=${action('IciSystem')}` },
    });
    expect(bad.status).toBe(400);
    expect(bad.fault).toMatchObject({ area: 1, error: 2 });
  });

  it('reads CRM\'s forms: prefixes, encodingStyle, xsi:type, headers in any namespace or absent, mustUnderstand, nil, Item arrays', async () => {
    t.gw = await startGateway();
    const crmForm =
      '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' +
      'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
      '<SOAP-ENV:Header><pre:user xmlns:pre="urn:IciUserInterface" SOAP-ENV:mustUnderstand="0" xsi:type="xsd:string">WF-BATCH</pre:user>' +
      '<pre:language xmlns:pre="urn:IciUserInterface" SOAP-ENV:mustUnderstand="1" xsi:type="xsd:string">EN</pre:language></SOAP-ENV:Header>' +
      '<SOAP-ENV:Body><ns0:getAttributes xmlns:ns0="urn:IciUserInterface"><ns0:userId xsi:type="xsd:string">harri</ns0:userId><cmsPing xsi:nil="true"/></ns0:getAttributes></SOAP-ENV:Body></SOAP-ENV:Envelope>';
    const a = await post(t.gw, 'IciUser', crmForm);
    expect(a.fault).toBeUndefined();
    expect(text(a.response, 'userId')).toBe('HARRI');
    const literal = envelope(
      '<getUserPresence xmlns="urn:IciSystemInterface"><users><Item>MAIJA</Item><Item>nobody</Item></users><searchterm xsi:nil="true"/><maxhits xsi:nil="true"/></getUserPresence>',
      '<language xmlns="http://wicom.com/ws/OII/IciSystem/literalTypes">string1</language><user xmlns="http://wicom.com/ws/OII/IciSystem/literalTypes">string</user>',
    );
    const p = await post(t.gw, 'IciSystem', literal);
    expect(p.response?.children.map((i) => text(i, 'user'))).toEqual(['MAIJA']);
  });

  it('a header block ICI does not know, marked mustUnderstand, is refused before anything runs', async () => {
    t.gw = await startGateway();
    const a = await post(t.gw, 'IciUser', envelope('<setCurrentWorkmode xmlns="urn:IciUserInterface"><userId>HARRI</userId><workmode>3</workmode></setCurrentWorkmode>', '<x:Trace xmlns:x="urn:t" soap:mustUnderstand="1">1</x:Trace>'));
    expect(a.fault?.code).toBe('soap:MustUnderstand');
    expect(a.fault).toMatchObject({ area: 1, error: 5 });
    const user = await ici(t.gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>');
    expect(text(user.response, 'currentWorkmode', 'id')).toBe('2');
  });

  it('bad input is a SoapException, never a stack, and changes nothing', async () => {
    t.gw = await startGateway();
    for (const [bean, op, fields] of [
      ['IciUser', 'setCurrentWorkmode', '<userId>HARRI</userId><workmode>7</workmode>'],
      ['IciUser', 'getAttributes', '<userId>NOBODY</userId>'],
      ['IciItem', 'accept', '<itemId>not-a-handle</itemId><containerId>+1101</containerId>'],
      ['IciPhoneLine', 'getCalls', '<lineNumber>+99999</lineNumber>'],
      ['IciItem', 'create', '<channelType>1</channelType><containerId>+12 34</containerId>'],
    ] as const) {
      const a = await ici(t.gw, bean, op, fields, { fault: true });
      expect(a.status, op).toBe(200);
      expect(a.fault, op).toBeDefined();
      expect(a.text, op).not.toMatch(/at .*\.ts|Error:/);
    }
    const broken = await post(t.gw, 'IciUser', '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getAttributes>');
    expect(broken.fault).toMatchObject({ area: 1, error: 5 });
    const user = await ici(t.gw, 'IciUser', 'getAttributes', '<userId>HARRI</userId>');
    expect(text(user.response, 'currentWorkmode', 'id')).toBe('2');
  });
});
