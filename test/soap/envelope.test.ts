import { describe, expect, it } from 'vitest';
import { parseSoap, SOAP11_NS, SOAP12_NS, type SoapVersion } from '../../src/soap/index.js';
import { textOf } from '../../src/xml/index.js';
import { catchFault, ECHO_NS, goodRequest, nsOf } from './helpers.js';

describe('parseSoap: versions and prefixes', () => {
  const prefixes = ['soapenv', 'SOAP-ENV', 's', 'env', 'soap12'];
  const versions: SoapVersion[] = ['1.1', '1.2'];
  for (const version of versions) {
    it.each(prefixes)(`SOAP ${version} with prefix %s`, (prefix) => {
      const soap = parseSoap(goodRequest(version, 'hi', prefix));
      expect(soap.version).toBe(version);
      expect(soap.envelope).toMatchObject({ name: 'Envelope', prefix, ns: nsOf(version) });
      expect(soap.body.name).toBe('Body');
      expect(soap.header).toBeUndefined();
      expect(soap.operation).toMatchObject({ name: 'Echo', ns: ECHO_NS });
      expect(textOf(soap.operation, 'Text')).toBe('hi');
    });
  }

  it('takes the version from the Envelope namespace, not the content type', () => {
    expect(parseSoap(goodRequest('1.2'), { contentType: 'text/xml' }).version).toBe('1.2');
    expect(parseSoap(goodRequest('1.1'), { contentType: 'application/soap+xml' }).version).toBe('1.1');
  });

  it('reads a default-namespace envelope with unqualified body children', () => {
    const soap = parseSoap(
      `<Envelope xmlns="${SOAP12_NS}"><Header><Token>t</Token></Header>` +
        `<Body><GetStatus xmlns=""><Id>7</Id></GetStatus></Body></Envelope>`,
    );
    expect(soap.version).toBe('1.2');
    expect(soap.header?.children[0]).toMatchObject({ name: 'Token', ns: SOAP12_NS, text: 't' });
    expect(soap.operation).toMatchObject({ name: 'GetStatus', ns: '' });
    expect(textOf(soap.operation, 'Id')).toBe('7');
  });

  it('reads a header when present and qualified body children', () => {
    const soap = parseSoap(
      `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Header><h:Session xmlns:h="urn:h">abc</h:Session></s:Header>` +
        `<s:Body><q:Login xmlns:q="urn:q"><q:User>u</q:User></q:Login><q:Extra xmlns:q="urn:q"/></s:Body></s:Envelope>`,
    );
    expect(textOf(soap.header, 'Session')).toBe('abc');
    expect(soap.operation).toMatchObject({ name: 'Login', prefix: 'q', ns: 'urn:q' });
    expect(soap.body.children.map((c) => c.name)).toEqual(['Login', 'Extra']);
  });

  it('tolerates odd case in Envelope, Header and Body names', () => {
    const soap = parseSoap(`<s:envelope xmlns:s="${SOAP11_NS}"><s:HEADER/><s:body><Op/></s:body></s:envelope>`);
    expect(soap.header?.name).toBe('HEADER');
    expect(soap.operation?.name).toBe('Op');
  });

  it('uses the content type as the hint for an unknown envelope namespace', () => {
    const unknown = '<e:Envelope xmlns:e="urn:not-soap"><e:Body><Op/></e:Body></e:Envelope>';
    expect(parseSoap(unknown, { contentType: 'application/soap+xml; charset=utf-8' }).version).toBe('1.2');
    expect(parseSoap(unknown, { contentType: 'text/xml' }).version).toBe('1.1');
    expect(parseSoap(unknown).version).toBe('1.1');
  });

  it('has no operation for an empty Body', () => {
    const soap = parseSoap(`<s:Envelope xmlns:s="${SOAP11_NS}"><s:Body/></s:Envelope>`);
    expect(soap.operation).toBeUndefined();
  });

  it('refuses a root that is not an Envelope with a Client fault', () => {
    const fault = catchFault(() => parseSoap('<Body><Op/></Body>'));
    expect(fault.code).toBe('Client');
    expect(fault.reason).toMatch(/root element is not Envelope/);
  });

  it('honours maxBytes', () => {
    const fault = catchFault(() => parseSoap(goodRequest('1.2', 'x'.repeat(100)), { maxBytes: 100 }));
    expect(fault.reason).toBe('Request exceeds 100 bytes');
    expect(fault.version).toBe('1.1');
  });
});
