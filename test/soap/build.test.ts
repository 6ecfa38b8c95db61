import { describe, expect, it } from 'vitest';
import { buildEnvelope, buildFault, contentTypeFor, faultCodeFor, parseSoap, soapActionOf, SoapFault, SOAP11_NS, SOAP12_NS } from '../../src/soap/index.js';
import { child, parseXml, path, textOf } from '../../src/xml/index.js';
import { readFault } from './helpers.js';

describe('buildEnvelope', () => {
  it('declares the envelope prefix and every requested namespace on the Envelope', () => {
    const xml = buildEnvelope('1.1', {
      namespaces: { q: 'urn:q', h: 'urn:h' },
      header: (h) => h.ele('urn:h', 'h:Session').txt('s1'),
      body: (b) => b.ele('urn:q', 'q:GetResponse').ele('urn:q', 'q:Value').txt('42'),
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain(`<soap:Envelope xmlns:soap="${SOAP11_NS}" xmlns:q="urn:q" xmlns:h="urn:h">`);
    expect(xml).toContain('<q:GetResponse><q:Value>42</q:Value></q:GetResponse>');
    const soap = parseSoap(xml);
    expect(soap.version).toBe('1.1');
    expect(textOf(soap.header, 'Session')).toBe('s1');
    expect(soap.operation).toMatchObject({ name: 'GetResponse', ns: 'urn:q' });
  });

  it('writes a SOAP 1.2 envelope', () => {
    const xml = buildEnvelope('1.2', { body: (b) => b.ele('urn:x', 'Ok') });
    expect(xml).toContain(`<soap:Envelope xmlns:soap="${SOAP12_NS}"><soap:Body><Ok xmlns="urn:x"/>`);
    expect(parseSoap(xml).version).toBe('1.2');
  });

  it('refuses a namespace prefix that would clash with the envelope or is not a name', () => {
    expect(() => buildEnvelope('1.1', { namespaces: { soap: 'urn:other' }, body: () => {} })).toThrow();
    expect(() => buildEnvelope('1.1', { namespaces: { 'a b': 'urn:x' }, body: () => {} })).toThrow();
  });

  it('cannot be made to emit markup from string values', () => {
    const evil = '</q:Value><q:Admin>yes</q:Admin><![CDATA[ ]]> & &amp; &lt;x&gt; &#60; &nbsp; R&D; "\'';
    const xml = buildEnvelope('1.1', {
      namespaces: { q: 'urn:q' },
      body: (b) => b.ele('urn:q', 'q:Value').att('note', evil).txt(evil),
    });
    const value = path(parseSoap(xml).body, 'Value');
    expect(value?.text).toBe(evil);
    expect(value?.attributes['note']).toBe(evil);
    expect(value?.children).toEqual([]);
    expect(xml).not.toContain('<q:Admin>');
    expect(xml).toContain(']]&gt;');
    expect(xml).toContain('&amp;amp; &amp;lt;x&amp;gt; &amp;#60; &amp;nbsp; R&amp;D;');
  });

  it('rejects strings XML cannot carry, and names, CDATA and comments that would break out', () => {
    const attempts: ((b: Parameters<Parameters<typeof buildEnvelope>[1]['body']>[0]) => void)[] = [
      (b) => b.ele('Value').txt('bell\u0007'),
      (b) => b.ele('Value').att('a', 'nul\u0000'),
      (b) => b.ele('Value').txt('lone \ud800 surrogate'),
      (b) => b.ele('Value><Admin'),
      (b) => b.ele('Value').dat('x]]><Admin/>'),
      (b) => b.ele('Value').com('x--><Admin/><!--'),
    ];
    for (const body of attempts) expect(() => buildEnvelope('1.1', { body })).toThrow();
  });
});

describe('buildFault', () => {
  it('writes a SOAP 1.1 fault with faultcode, faultstring and detail (SOAP 1.1 §4.4)', () => {
    const fault = new SoapFault({
      code: 'Sender',
      reason: 'Unknown session',
      detail: (d) => d.ele('urn:q', 'q:Error').ele('urn:q', 'q:Code').txt('17'),
    });
    const xml = buildFault('1.1', fault.with({ namespaces: { q: 'urn:q' } }));
    expect(xml).toContain('<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Unknown session</faultstring>');
    expect(xml).toContain('<detail><q:Error><q:Code>17</q:Code></q:Error></detail>');
    expect(readFault(xml)).toMatchObject({ ns: SOAP11_NS, code: 'soap:Client', reason: 'Unknown session' });
  });

  it('writes a SOAP 1.2 fault with Code/Value, Reason/Text xml:lang and Detail (SOAP 1.2 Part 1 §5.4)', () => {
    const fault = new SoapFault({ code: 'Server', reason: 'Down', detail: (d) => d.ele('urn:x', 'Why').txt('pbx') });
    const xml = buildFault('1.2', fault);
    expect(xml).toContain(
      '<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>' +
        '<soap:Reason><soap:Text xml:lang="en">Down</soap:Text></soap:Reason>' +
        '<soap:Detail><Why xmlns="urn:x">pbx</Why></soap:Detail></soap:Fault>',
    );
    expect(readFault(xml)).toMatchObject({ ns: SOAP12_NS, code: 'soap:Receiver', reason: 'Down', lang: 'en' });
    const detail = path(parseXml(xml), 'Body', 'Fault', 'Detail');
    expect(child(detail, 'Why')?.text).toBe('pbx');
  });

  it('maps codes between versions', () => {
    expect(faultCodeFor('1.1', 'Sender')).toBe('Client');
    expect(faultCodeFor('1.1', 'Receiver')).toBe('Server');
    expect(faultCodeFor('1.2', 'Client')).toBe('Sender');
    expect(faultCodeFor('1.2', 'Server')).toBe('Receiver');
    expect(faultCodeFor('1.1', 'Client.Authentication')).toBe('Client.Authentication');
    expect(faultCodeFor('1.2', 'Client.Authentication')).toBe('Sender');
    expect(faultCodeFor('1.2', 'MustUnderstand')).toBe('MustUnderstand');
    expect(faultCodeFor('1.1', 'VersionMismatch')).toBe('VersionMismatch');
    expect(faultCodeFor('1.1', 'Bogus')).toBe('Server');
    expect(faultCodeFor('1.2', 'Bogus')).toBe('Receiver');
  });

  it('escapes an injected reason and repairs characters XML cannot carry', () => {
    const reason = 'no such user </faultstring><faultcode>soap:Server</faultcode> \u0001';
    const xml = buildFault('1.1', new SoapFault({ code: 'Client', reason }));
    expect(readFault(xml)).toMatchObject({ code: 'soap:Client', reason: 'no such user </faultstring><faultcode>soap:Server</faultcode> \ufffd' });
    expect(xml.match(/<faultcode>/g)).toHaveLength(1);
  });
});

describe('content types and actions', () => {
  it('contentTypeFor', () => {
    expect(contentTypeFor('1.1')).toBe('text/xml; charset=utf-8');
    expect(contentTypeFor('1.2')).toBe('application/soap+xml; charset=utf-8');
  });

  it('soapActionOf reads SOAPAction (1.1) and the action parameter (1.2)', () => {
    expect(soapActionOf({ soapaction: '"http://tempuri.org/Login"' })).toBe('http://tempuri.org/Login');
    expect(soapActionOf({ soapaction: 'urn:Login' })).toBe('urn:Login');
    expect(soapActionOf({ soapaction: ['"urn:A"', '"urn:B"'] })).toBe('urn:A');
    expect(soapActionOf({ soapaction: '""' })).toBeUndefined();
    expect(soapActionOf({ 'content-type': 'application/soap+xml; charset=utf-8; action="urn:Op"' })).toBe('urn:Op');
    expect(soapActionOf({ 'content-type': 'application/soap+xml;Action=urn:Bare;charset=utf-8' })).toBe('urn:Bare');
    expect(soapActionOf({ 'content-type': 'text/xml; charset=utf-8' })).toBeUndefined();
    expect(soapActionOf({})).toBeUndefined();
    expect(soapActionOf({ soapaction: '"urn:Header"', 'content-type': 'application/soap+xml; action="urn:Param"' })).toBe(
      'urn:Header',
    );
  });
});

describe('buildFault: subcodes, languages, header blocks and body entries', () => {
  const subcode = { ns: 'urn:sub', local: 'Refused', prefix: 'soap' };

  it('writes a subcode as the 1.1 faultcode and as 1.2 Code/Subcode, declaring its prefix where it is used', () => {
    const fault = new SoapFault({ code: 'Client', subcode, reason: 'No', lang: 'fi' });
    // The envelope's own prefix cannot be reused for another namespace: the subcode gets another.
    expect(buildFault('1.1', fault)).toContain('<faultcode xmlns:q0="urn:sub">q0:Refused</faultcode><faultstring xml:lang="fi">No</faultstring>');
    expect(buildFault('1.2', fault)).toContain(
      '<soap:Code><soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value xmlns:q0="urn:sub">q0:Refused</soap:Value></soap:Subcode></soap:Code><soap:Reason><soap:Text xml:lang="fi">No</soap:Text>',
    );
  });

  it('writes the fault’s header blocks and body entries, with their namespaces on the Envelope', () => {
    const fault = new SoapFault({
      code: 'Server',
      reason: 'Down',
      namespaces: { x: 'urn:x' },
      header: (h) => void h.ele('urn:x', 'x:Trace').txt('t1'),
      bodyEntries: (b) => void b.ele('urn:x', 'x:Result').txt('0'),
    });
    const xml = buildFault('1.1', fault);
    expect(xml).toContain(`<soap:Envelope xmlns:soap="${SOAP11_NS}" xmlns:x="urn:x"><soap:Header><x:Trace>t1</x:Trace></soap:Header><soap:Body><x:Result>0</x:Result><soap:Fault>`);
  });

  it('bounds a reason that quotes client input', () => {
    const xml = buildFault('1.1', new SoapFault({ code: 'Client', reason: `Unknown ${'a'.repeat(10_000)}` }));
    expect(readFault(xml).reason).toHaveLength(2048);
  });

  it('copies a fault with changes, keeping what is not changed', () => {
    const fault = new SoapFault({ code: 'Client', reason: 'r', kind: 'request', reasonCode: 'tooLarge', httpStatus: 415 });
    const changed = fault.with({ reason: 'Parsing error', httpStatus: undefined });
    expect(changed).toMatchObject({ code: 'Client', reason: 'Parsing error', kind: 'request', reasonCode: 'tooLarge', httpStatus: undefined });
    expect(fault.reason).toBe('r');
  });
});
