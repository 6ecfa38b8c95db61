import { describe, expect, it } from 'vitest';
import { buildFault, parseSoap, SoapFault, type SoapVersion } from '../../src/soap/index.js';
import { contentTypeOf, expectedClientCode, HOSTILE, nsOf, readFault } from './helpers.js';

function faultOf(body: Buffer | string, contentType: string): SoapFault {
  try {
    parseSoap(body, { contentType });
  } catch (err) {
    if (err instanceof SoapFault) return err;
    throw err;
  }
  throw new Error('hostile input was accepted');
}

describe.each<SoapVersion>(['1.1', '1.2'])('hostile SOAP %s input is a client fault', (version) => {
  it.each(HOSTILE.map((c) => [c.name, c] as const))('%s', (_name, hostile) => {
    const fault = faultOf(hostile.body(version), contentTypeOf(version));
    expect(fault.code).toBe('Client');
    expect(fault.reason).toContain(hostile.reason);
    expect(fault.version).toBe(version);
    // Rendered in the request's version: 1.1 soap:Client, 1.2 soap:Sender.
    const rendered = readFault(buildFault(fault.version ?? '1.1', fault));
    expect(rendered.ns).toBe(nsOf(version));
    expect(rendered.code).toBe(expectedClientCode(version));
    expect(rendered.reason).toContain(hostile.reason);
  });
});

describe('version of a fault for unreadable input', () => {
  it('follows the envelope namespace found in the raw text over the content type', () => {
    const body = `<s:Envelope xmlns:s="${nsOf('1.2')}"><s:Body><a></s:Body></s:Envelope>`;
    expect(faultOf(body, 'text/xml').version).toBe('1.2');
  });

  it('falls back to the content type, then to 1.1', () => {
    expect(faultOf('garbage', 'application/soap+xml').version).toBe('1.2');
    expect(faultOf('garbage', 'application/xml').version).toBe('1.1');
  });
});
