import { describe, expect, it } from 'vitest';
import { escapeAttribute, escapeText, hasNonXmlChar, parseXmlText, printable } from '../../src/xml/index.js';

describe('XML text writer', () => {
  it('escapes markup characters in text and attributes, and leaves plain text as it is', () => {
    expect(escapeText('R&D <x> ]]> "q" \'a\'')).toBe('R&amp;D &lt;x&gt; ]]&gt; "q" \'a\'');
    expect(escapeAttribute('a"b\'c&<>')).toBe('a&quot;b&apos;c&amp;&lt;&gt;');
    expect(escapeText('plain äö 日本 😀')).toBe('plain äö 日本 😀');
  });

  it('replaces characters XML 1.0 cannot carry (C0 controls, U+FFFE/U+FFFF, unpaired surrogates) with U+FFFD', () => {
    expect(hasNonXmlChar('a\u0001b')).toBe(true);
    expect(hasNonXmlChar('tab\tnl\ncr\r')).toBe(false);
    expect(printable('a\u0000b\uFFFEc\uD800d\uDC00')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFD');
    expect(escapeText('x\u0008<')).toBe('x\uFFFD&lt;');
  });

  it('round-trips any value through the XML reader unchanged, except for the replaced characters', () => {
    const values = ['&amp;', '&#60;', 'R&D;', '<![CDATA[x]]>', '"\'', 'a\u0002b'];
    for (const v of values) {
      const doc = parseXmlText(`<r a="${escapeAttribute(v)}">${escapeText(v)}</r>`);
      expect(doc.text).toBe(printable(v));
      expect(doc.attributes.a).toBe(printable(v));
    }
  });
});
