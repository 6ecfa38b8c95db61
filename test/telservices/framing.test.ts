/** Request framing in memory (framing.ts is pure): root-element end, end-of-PDU, HTTP detection, caps. */
import { describe, expect, it } from 'vitest';
import { decodeEndOfPdu, RequestFramer, type FrameResult } from '../../src/interfaces/telservices/framing.js';

const REQ = '<TelServiceRequest>\n  <makeCall>\n    <deviceNumber>1101</deviceNumber>\n  </makeCall>\n</TelServiceRequest>';

function feed(parts: (string | Buffer)[], opts: { maxBytes?: number; eop?: string } = {}): FrameResult[] {
  const f = new RequestFramer({ maxBytes: opts.maxBytes ?? 65536, endOfPDU: decodeEndOfPdu(opts.eop ?? '') });
  return parts.map((p) => f.push(Buffer.isBuffer(p) ? p : Buffer.from(p)));
}

const body = (r: FrameResult | undefined) => (r?.kind === 'request' ? r.body.toString() : `(${r?.kind})`);

describe('framing without a delimiter: the request ends with its root element', () => {
  it('frames a whole request and ignores what follows it', () => {
    const [r] = feed([`${REQ}\r\ntrailing garbage`]);
    expect(body(r)).toBe(REQ);
  });

  it('frames a request split into single bytes', () => {
    const results = feed([...Buffer.from(REQ)].map((b) => Buffer.from([b])));
    expect(results.slice(0, -1).every((r) => r.kind === 'more')).toBe(true);
    expect(body(results.at(-1))).toBe(REQ);
  });

  it('does not end on an element with the root\'s name nested inside, on comments, CDATA or quoted ">"', () => {
    const tricky = '<TelServiceRequest><!-- </TelServiceRequest> --><makeCall a="x>y"><extraData><![CDATA[</TelServiceRequest>]]></extraData><empty/></makeCall></TelServiceRequest>';
    const parts = [tricky.slice(0, 20), tricky.slice(20, 45), tricky.slice(45)];
    const results = feed(parts);
    expect(results.map((r) => r.kind)).toEqual(['more', 'more', 'request']);
    expect(body(results[2])).toBe(tricky);
  });

  it('accepts leading whitespace and an XML declaration, and a self-closing root', () => {
    expect(body(feed(['  \n<?xml version="1.0"?>\n<TelServiceRequest/>'])[0])).toBe('  \n<?xml version="1.0"?>\n<TelServiceRequest/>');
  });

  it('drops a UTF-8 byte-order mark before the request, even split over segments, and keeps it counted as data', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(body(feed([Buffer.concat([bom, Buffer.from(REQ)])])[0])).toBe(REQ);
    const split = feed([bom.subarray(0, 2), Buffer.concat([bom.subarray(2), Buffer.from(REQ)])]);
    expect(split.map((r) => r.kind)).toEqual(['more', 'request']);
    expect(body(split[1])).toBe(REQ);
    const f = new RequestFramer({ maxBytes: 1024 });
    expect(f.push(bom).kind).toBe('more');
    expect(f.hasData).toBe(true);
    // Only one mark, and only at the start: a second one is not whitespace.
    expect(feed([Buffer.concat([bom, bom, Buffer.from(REQ)])])[0]).toEqual({ kind: 'invalid', reason: 'notXml' });
    expect(feed([Buffer.concat([bom, Buffer.from('POST /telservices HTTP/1.1\r\n')])])[0]).toEqual({ kind: 'http' });
  });

  it('refuses at once what can never be XML (the seed doNotDisturb example lacks its first "<")', () => {
    expect(feed(['TelServiceRequest>\n  <doNotDisturb>'])[0]).toEqual({ kind: 'invalid', reason: 'notXml' });
  });

  it('refuses more than maxBytes without a complete request', () => {
    const results = feed(['<TelServiceRequest><makeCall>', 'x'.repeat(100)], { maxBytes: 64 });
    expect(results[1]).toEqual({ kind: 'invalid', reason: 'tooLarge' });
  });
});

describe('end-of-PDU sequence', () => {
  it('decodes escapes in the setting', () => {
    expect([...decodeEndOfPdu('\\0')]).toEqual([0]);
    expect(decodeEndOfPdu('\\r\\n').toString()).toBe('\r\n');
    expect(decodeEndOfPdu('').length).toBe(0);
  });

  it('ends an incomplete request early when the sequence cannot occur in XML', () => {
    const [r] = feed(['<TelServiceRequest><makeCall>\0'], { eop: '\\0' });
    expect(body(r)).toBe('<TelServiceRequest><makeCall>');
  });

  it('prefers the root element end when both are there, and still frames without the sequence', () => {
    expect(body(feed([`${REQ}\0`], { eop: '\\0' })[0])).toBe(REQ);
    expect(body(feed([REQ], { eop: '\\0' })[0])).toBe(REQ);
  });

  it('a whitespace sequence never cuts a multi-line request', () => {
    const results = feed([REQ.slice(0, 30), REQ.slice(30)], { eop: '\\n' });
    expect(results.map((r) => r.kind)).toEqual(['more', 'request']);
    expect(body(results[1])).toBe(REQ);
  });

  it('finds a sequence split across segments', () => {
    const results = feed(['<TelServiceRequest><x>]', ']END'], { eop: ']]END' });
    expect(body(results[1])).toBe('<TelServiceRequest><x>');
  });
});

describe('HTTP on the same port', () => {
  it('detects an HTTP method from the first bytes, even when they arrive one at a time', () => {
    expect(feed(['POST /telservices HTTP/1.1\r\n'])[0]).toEqual({ kind: 'http' });
    expect(feed(['G', 'E', 'T', ' /makeCall'] ).map((r) => r.kind)).toEqual(['more', 'more', 'more', 'http']);
    expect(feed(['GARBAGE'])[0]).toEqual({ kind: 'invalid', reason: 'notXml' });
  });

  it('keeps every byte received for the hand-over', () => {
    const f = new RequestFramer({ maxBytes: 1000 });
    f.push(Buffer.from('PO'));
    f.push(Buffer.from('ST / HTTP/1.1\r\n'));
    expect(f.buffered.toString()).toBe('POST / HTTP/1.1\r\n');
  });
});
