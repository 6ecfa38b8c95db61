import { describe, expect, it } from 'vitest';
import { attributeIn, child, children, isNil, parseXml, path, textOf, XmlInputError, type XmlInputReason } from '../../src/xml/index.js';

function reasonOf(input: Buffer | string, limits?: { maxBytes?: number; maxDepth?: number }): XmlInputReason | 'accepted' {
  try {
    parseXml(input, limits);
    return 'accepted';
  } catch (err) {
    if (err instanceof XmlInputError) return err.reason;
    throw err;
  }
}

describe('parseXml: tree', () => {
  it('resolves prefixes and default namespaces with proper scoping (Namespaces in XML §6)', () => {
    const root = parseXml(
      '<r xmlns="urn:d" xmlns:a="urn:a"><a:b a:c="1" d="2" xml:lang="fi"><i/></a:b>' +
        '<c xmlns=""><a:e xmlns:a="urn:inner"/></c><a:f/></r>',
    );
    expect(root).toMatchObject({ name: 'r', prefix: '', ns: 'urn:d' });
    const [b, c, f] = root.children;
    expect(b).toMatchObject({ name: 'b', prefix: 'a', ns: 'urn:a' });
    expect({ ...b?.attributes }).toEqual({ c: '1', d: '2', lang: 'fi' });
    expect(b?.children[0]).toMatchObject({ name: 'i', ns: 'urn:d' });
    expect(c).toMatchObject({ name: 'c', ns: '' });
    expect(c?.children[0]).toMatchObject({ name: 'e', ns: 'urn:inner' });
    // The inner redeclaration of `a` does not leak to the sibling.
    expect(f).toMatchObject({ name: 'f', ns: 'urn:a' });
  });

  it('keeps element order and repeated elements', () => {
    const root = parseXml('<r><x>1</x><y/><x>2</x><x>3</x></r>');
    expect(root.children.map((c) => c.name)).toEqual(['x', 'y', 'x', 'x']);
    expect(children(root, 'x').map((c) => c.text)).toEqual(['1', '2', '3']);
  });

  it('decodes the five predefined entities and character references only, CDATA literally', () => {
    const root = parseXml(
      '<r a="&lt;&amp;&quot;&#x41;">&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;<![CDATA[&amp;<x>]]> tail </r>',
    );
    expect(root.text).toBe('<>&"\'A\u{1F600}&amp;<x> tail ');
    expect(root.attributes['a']).toBe('<&"A');
  });

  it('accepts a leading XML declaration, a BOM, comments and surrounding whitespace', () => {
    const input = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<!-- hi --><r>é</r>\n'),
    ]);
    expect(parseXml(input)).toMatchObject({ name: 'r', text: 'é' });
  });

  it('reads DOCTYPE, ENTITY and processing-instruction look-alikes in comments and CDATA as text', () => {
    const root = parseXml('<r><![CDATA[<?xml version="1.0"?><!DOCTYPE x [<!ENTITY y "z">]>]]><!-- <?php ?> <!ENTITY --></r>');
    expect(root.text).toBe('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY y "z">]>');
  });

  it('accepts the encodings it decodes when declared, in any case', () => {
    for (const enc of ['UTF-8', 'utf-8', 'utf8', 'US-ASCII']) expect(parseXml(`<?xml version="1.0" encoding="${enc}"?><r/>`).name).toBe('r');
  });

  it('keeps every attribute with its namespace, apart from the local-name map a foreign spelling may take first', () => {
    const root = parseXml('<r xmlns:s="urn:soap" xmlns:x="urn:x" x:mustUnderstand="0" s:mustUnderstand="1" plain="p"/>');
    expect(root.attributes['mustUnderstand']).toBe('0');
    expect(attributeIn(root, ['urn:soap'], 'mustUnderstand')).toBe('1');
    expect(attributeIn(root, ['urn:other'], 'mustUnderstand')).toBeUndefined();
    expect(root.qualifiedAttributes.map((a) => [a.ns, a.name, a.value])).toEqual([['urn:x', 'mustUnderstand', '0'], ['urn:soap', 'mustUnderstand', '1'], ['', 'plain', 'p']]);
  });

  it('reads xsi:nil only in an XML Schema instance namespace', () => {
    const root = parseXml('<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:f="urn:f"><a xsi:nil="true"/><b f:nil="true">x</b><c xsi:nil="false"/></r>');
    expect(root.children.map((c) => isNil(c))).toEqual([true, false, false]);
  });

  it('gives attributes a null prototype', () => {
    const root = parseXml('<r a="1"/>');
    expect(Object.getPrototypeOf(root.attributes)).toBeNull();
    expect(root.attributes['toString']).toBeUndefined();
  });
});

describe('parseXml: refusals', () => {
  const cases: [string, Buffer | string, XmlInputReason][] = [
    ['DOCTYPE', '<!DOCTYPE r><r/>', 'doctype'],
    ['DOCTYPE with an external entity', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', 'doctype'],
    // Not XML at all (a DOCTYPE is upper case and comes before the root; declarations live in a DOCTYPE): malformed.
    ['lower-case doctype inside the root', '<r><!doctype x></r>', 'malformed'],
    ['ENTITY declaration', '<r><!ENTITY x "y"></r>', 'malformed'],
    ['ELEMENT declaration', '<!ELEMENT r ANY><r/>', 'malformed'],
    ['processing instruction in the body', '<r><?php echo 1 ?></r>', 'processingInstruction'],
    ['processing instruction first', '<?xml-stylesheet href="x"?><r/>', 'processingInstruction'],
    ['a second XML declaration', '<?xml version="1.0"?><r><?xml version="1.0"?></r>', 'malformed'],
    ['a declared encoding this reader does not decode', '<?xml version="1.0" encoding="ISO-8859-1"?><r>ä</r>', 'encoding'],
    ['a QName with two colons', '<a:b:c xmlns:a="u"/>', 'malformed'],
    ['a QName starting with a colon', '<:a/>', 'malformed'],
    ['xml bound to another namespace', '<r xmlns:xml="urn:evil"/>', 'malformed'],
    ['another prefix bound to the xml namespace', '<r xmlns:x="http://www.w3.org/XML/1998/namespace"/>', 'malformed'],
    ['the xmlns prefix declared', '<r xmlns:xmlns="urn:x"/>', 'malformed'],
    ['a prefix undeclared', '<r xmlns:p=""/>', 'malformed'],
    ['an element with the xmlns prefix', '<xmlns:r/>', 'malformed'],
    ['one expanded attribute name twice', '<r xmlns:p="u" xmlns:q="u" p:a="1" q:a="2"/>', 'malformed'],
    ['undefined entity', '<r>&foo;</r>', 'malformed'],
    ['undefined entity in an attribute', '<r a="&foo;"/>', 'malformed'],
    ['character reference to NUL', '<r>&#0;</r>', 'malformed'],
    ['raw control character', '<r>\u0001</r>', 'malformed'],
    ['mismatched tags', '<r><a></r>', 'malformed'],
    ['two roots', '<r/><s/>', 'malformed'],
    ['repeated attribute', '<r a="1" a="2"/>', 'malformed'],
    ['raw < in an attribute value', '<r a="<"/>', 'malformed'],
    ['unquoted attribute value', '<r a=1/>', 'malformed'],
    ['boolean attribute', '<r a/>', 'malformed'],
    ['unclosed element', '<r><a>', 'malformed'],
    ['stray close tag', '<r></a></r>', 'malformed'],
    ['text after the root', '<r/>x', 'malformed'],
    ['double hyphen in a comment', '<r><!-- a -- b --></r>', 'malformed'],
    ['bad name', '<1r/>', 'malformed'],
    ['text only', 'hello', 'malformed'],
    ['empty', '', 'empty'],
    ['whitespace only', ' \n\t', 'empty'],
    ['invalid UTF-8', Buffer.from([0x3c, 0x72, 0x3e, 0xff, 0x3c, 0x2f, 0x72, 0x3e]), 'encoding'],
    ['UTF-16 bytes of odd length', Buffer.concat([Buffer.from('\ufeff<r/>', 'utf16le'), Buffer.from([0x20])]), 'encoding'],
    ['lone surrogate in a string', '<r>\ud800</r>', 'encoding'],
    ['__proto__ element', '<r><__proto__/></r>', 'forbiddenName'],
    ['prefixed __proto__ element', '<r xmlns:p="u"><p:__proto__/></r>', 'forbiddenName'],
    ['prototype element', '<prototype/>', 'forbiddenName'],
    ['constructor attribute', '<r constructor="x"/>', 'forbiddenName'],
    ['prefixed __proto__ attribute', '<r xmlns:p="u" p:__proto__="x"/>', 'forbiddenName'],
    ['xmlns:constructor declaration', '<r xmlns:constructor="u"/>', 'forbiddenName'],
  ];
  it.each(cases)('%s', (_name, input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });

  it('names an ampersand that starts no reference as the error, not the elements it left unclosed', () => {
    const message = (input: string): string => {
      try {
        parseXml(input);
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
      return 'parsed';
    };
    expect(message('<r>\n  tom & jerry</r>')).toBe("Malformed XML: '&' that starts no entity or character reference; write it as &amp; (line 2, column 7)");
    expect(message('<r>x &amp</r>')).toMatch(/^Malformed XML: '&' that starts no entity/);
    // In CDATA or a comment an ampersand is text: the unclosed elements are the error there.
    expect(message('<r><![CDATA[ & ]]><!-- & --><a>')).toBe('Malformed XML: unclosed elements r, a.');
  });

  it('caps nesting at 64 levels by default and honours maxDepth', () => {
    const nested = (n: number): string => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(reasonOf(nested(64))).toBe('accepted');
    expect(reasonOf(nested(65))).toBe('tooDeep');
    expect(reasonOf(nested(5000))).toBe('tooDeep');
    expect(reasonOf(nested(3), { maxDepth: 2 })).toBe('tooDeep');
  });

  it('is not fooled by markup-like characters in comments, CDATA or attribute values when counting depth', () => {
    const input = `<r a="/>" b='&lt;x>'><!-- <a><a><a> --><![CDATA[<a><a><a>]]><c d=">"/></r>`;
    expect(reasonOf(input, { maxDepth: 2 })).toBe('accepted');
    expect(reasonOf('<r><c><d/></c></r>', { maxDepth: 2 })).toBe('tooDeep');
  });

  it('caps size in bytes, not characters', () => {
    expect(reasonOf('<r>ééé</r>', { maxBytes: 10 })).toBe('tooLarge');
    expect(reasonOf('<r>ééé</r>', { maxBytes: 13 })).toBe('accepted');
    expect(reasonOf(Buffer.alloc(256 * 1024 + 1, 0x20))).toBe('tooLarge');
  });

  it('cannot pollute Object.prototype', () => {
    for (const input of ['<r><__proto__><polluted>1</polluted></__proto__></r>', '<r __proto__="x"/>']) {
      expect(reasonOf(input)).toBe('forbiddenName');
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('lookup helpers', () => {
  const root = parseXml(
    '<r xmlns:q="urn:q"><q:SessionID> s1 </q:SessionID><sessionid>s2</sessionid><Item>1</Item><item>2</item>' +
      '<Outer><Inner>deep</Inner></Outer></r>',
  );

  it('child matches local names regardless of namespace, exact before case-insensitive', () => {
    expect(child(root, 'sessionid')?.text).toBe('s2');
    expect(child(root, 'SessionID')?.prefix).toBe('q');
    expect(child(root, 'SESSIONID')?.text).toBe(' s1 ');
    expect(child(root, 'Nope', 'Outer')?.name).toBe('Outer');
    expect(child(root, 'Nope')).toBeUndefined();
    expect(child(undefined, 'x')).toBeUndefined();
  });

  it('children prefers exact matches and falls back to case-insensitive ones', () => {
    expect(children(root, 'Item').map((c) => c.text)).toEqual(['1']);
    expect(children(root, 'ITEM').map((c) => c.text)).toEqual(['1', '2']);
    expect(children(undefined, 'x')).toEqual([]);
  });

  it('path and textOf', () => {
    expect(path(root, 'outer', 'inner')?.text).toBe('deep');
    expect(path(root, 'Outer', 'Missing')).toBeUndefined();
    expect(textOf(root, 'SessionID')).toBe('s1');
    expect(textOf(root, 'Missing')).toBeUndefined();
  });
});
