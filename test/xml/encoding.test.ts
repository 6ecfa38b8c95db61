/** XML 1.0 §4.3.3 and Appendix F: UTF-8 and UTF-16, told apart by the byte-order mark or the first character. */
import { describe, expect, it } from 'vitest';
import { decodeXmlBytes, detectEncoding, parseXml, XmlInputError } from '../../src/xml/index.js';

const ROOT = '<r a="é">ü € 𝄞</r>';
const DOC = `<?xml version="1.0" encoding="utf-16"?>${ROOT}`;

function utf16be(text: string): Buffer {
  const b = Buffer.from(text, 'utf16le');
  return b.swap16();
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof XmlInputError) return err.reason;
    throw err;
  }
}

describe('decodeXmlBytes', () => {
  it('names the encoding a document or its Content-Type declares when its bytes do not decode', () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>\u00e4</r>', 'latin1');
    const messageOf = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        if (err instanceof XmlInputError) return `${err.reason}: ${err.message}`;
      }
      return 'accepted';
    };
    expect(messageOf(() => decodeXmlBytes(latin1, 1024))).toBe('encoding: encoding not supported: ISO-8859-1 (send UTF-8 or UTF-16)');
    expect(messageOf(() => decodeXmlBytes(Buffer.from('<r>\u00e4</r>', 'latin1'), 1024, 'windows-1252'))).toBe('encoding: encoding not supported: WINDOWS-1252 (send UTF-8 or UTF-16)');
    expect(messageOf(() => decodeXmlBytes(Buffer.from('<r>\u00e4</r>', 'latin1'), 1024, 'utf-8'))).toBe('encoding: Request is not valid UTF-8');
  });

  it.each([
    ['UTF-8', Buffer.from(DOC, 'utf8')],
    ['UTF-8 with BOM', Buffer.from(`\ufeff${DOC}`, 'utf8')],
    ['UTF-16LE with BOM', Buffer.from(`\ufeff${DOC}`, 'utf16le')],
    ['UTF-16BE with BOM', utf16be(`\ufeff${DOC}`)],
    ['UTF-16LE without BOM', Buffer.from(DOC, 'utf16le')],
    ['UTF-16BE without BOM', utf16be(DOC)],
    ['UTF-16LE without BOM or declaration, leading white space', Buffer.from(`\r\n ${ROOT}`, 'utf16le')],
  ])('reads %s, dropping the BOM', (_name, bytes) => {
    const text = decodeXmlBytes(bytes, 1024);
    expect([DOC, ROOT]).toContain(text.trimStart());
    const root = parseXml(bytes);
    expect(root.text).toBe('ü € 𝄞');
    expect(root.attributes['a']).toBe('é');
  });

  it('detects the encoding from the BOM, then the first character, then the charset (RFC 7303 §3.2)', () => {
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x3c, 0x00]))).toEqual({ encoding: 'utf-16le', bom: 2 });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x3c]))).toEqual({ encoding: 'utf-16be', bom: 2 });
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x3c]))).toEqual({ encoding: 'utf-8', bom: 3 });
    // The bytes say it, whatever the (wrong) charset claims.
    expect(detectEncoding(Buffer.from('<r/>', 'utf16le'), 'utf-8')).toEqual({ encoding: 'utf-16le', bom: 0 });
    expect(detectEncoding(Buffer.from('<r/>', 'utf8'), 'utf-16')).toEqual({ encoding: 'utf-8', bom: 0 });
    // Only when they cannot: the charset; bare utf-16 is big-endian (RFC 2781 §4.3).
    expect(detectEncoding(Buffer.from([0x41, 0x00]), 'utf-16le').encoding).toBe('utf-16le');
    expect(detectEncoding(Buffer.from([0x00, 0x41]), '"UTF-16"').encoding).toBe('utf-16be');
    expect(detectEncoding(Buffer.from([0x41, 0x00])).encoding).toBe('utf-8');
  });

  it('refuses malformed UTF-16: odd length, a lone surrogate', () => {
    expect(reasonOf(() => decodeXmlBytes(Buffer.concat([Buffer.from('<r/>', 'utf16le'), Buffer.from([0x3c])]), 1024))).toBe('encoding');
    const lone = Buffer.concat([Buffer.from('<r>', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('</r>', 'utf16le')]);
    expect(reasonOf(() => decodeXmlBytes(lone, 1024))).toBe('encoding');
  });

  it('applies the byte cap to the bytes received, before decoding', () => {
    const bytes = Buffer.from('<r>abcd</r>', 'utf16le');
    expect(reasonOf(() => decodeXmlBytes(bytes, bytes.length - 1))).toBe('tooLarge');
    expect(reasonOf(() => decodeXmlBytes(bytes, bytes.length))).toBe('accepted');
  });
});

describe('element cap', () => {
  const siblings = (n: number): string => `<r>${'<a/>'.repeat(n - 1)}</r>`;

  it('accepts up to 4096 elements by default and refuses one more before parsing', () => {
    expect(reasonOf(() => parseXml(siblings(4096)))).toBe('accepted');
    expect(reasonOf(() => parseXml(siblings(4097)))).toBe('tooManyElements');
  });

  it('refuses 26,000 siblings under the byte cap, and honours maxElements', () => {
    const big = siblings(26_000);
    expect(Buffer.byteLength(big)).toBeLessThan(256 * 1024);
    expect(reasonOf(() => parseXml(big))).toBe('tooManyElements');
    expect(reasonOf(() => parseXml('<r><a/><b><c/></b></r>', { maxElements: 3 }))).toBe('tooManyElements');
    expect(reasonOf(() => parseXml('<r><a/><b><c/></b></r>', { maxElements: 4 }))).toBe('accepted');
  });

  it('stops at the attribute past the cap: 20,000 attributes in one tag fit the byte cap', () => {
    const attrs = (n: number): string => Array.from({ length: n }, (_, i) => `a${i}="1"`).join(' ');
    expect(reasonOf(() => parseXml(`<r ${attrs(20_000)}/>`))).toBe('tooManyElements');
    expect(reasonOf(() => parseXml(`<r ${attrs(4096)}/>`))).toBe('accepted');
    expect(reasonOf(() => parseXml(`<r ${attrs(3)}><s ${attrs(2)}/></r>`, { maxElements: 4 }))).toBe('tooManyElements');
  });

  it('does not count markup inside comments, CDATA or attribute values', () => {
    const input = `<r a="&lt;x/>&lt;y/>"><!-- <a/><a/><a/> --><![CDATA[<a/><a/><a/>]]><c/></r>`;
    expect(reasonOf(() => parseXml(input, { maxElements: 2 }))).toBe('accepted');
    // A raw `<` in an attribute value is not XML (XML 1.0 §3.1 AttValue), whatever it would count as.
    expect(reasonOf(() => parseXml('<r a="<x/>"/>', { maxElements: 2 }))).toBe('malformed');
  });
});
