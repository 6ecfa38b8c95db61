/** The golden driver itself: case folders, canonical comparison and its diff, the pretty form it writes. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSameEvents, expectSameXml, goldenCases, prettyXml, UPDATE_GOLDEN } from './driver.js';

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ccgate-golden-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

// Under UPDATE_GOLDEN the driver writes instead of comparing: nothing here to check then.
describe.skipIf(UPDATE_GOLDEN)('golden driver', () => {
  it('reads case folders: operation, expectation, request bytes and event files in order', () => {
    const root = folder({
      'Dial__accepted-s1.2/request.xml': '<a/>',
      'Dial__accepted-s1.2/event-2.xml': '<e2/>',
      'Dial__accepted-s1.2/event-10.xml': '<e10/>',
      'Dial__accepted-s1.2/event-1.xml': '<e1/>',
      'Dial__accepted-s1.2/case.json': '{"setup":["x"]}',
      'notes/readme.txt': 'not a case',
    });
    const [c, ...rest] = goldenCases(root);
    expect(rest).toHaveLength(0);
    expect(c).toMatchObject({ name: 'Dial__accepted-s1.2', operation: 'Dial', expectation: 'accepted', eventFiles: ['event-1.xml', 'event-2.xml', 'event-10.xml'] });
    expect(c?.request.toString()).toBe('<a/>');
    expect(c?.json('case.json', {})).toEqual({ setup: ['x'] });
    expect(c?.json('absent.json', 7)).toBe(7);
  });

  it('ignores prefixes, whitespace and attribute order, and masks what it is told to', () => {
    const root = folder({ 'x.xml': '<p:a xmlns:p="urn:x" k="1" j="2">\n  <p:t>09:00</p:t>\n</p:a>\n' });
    expectSameXml('<a xmlns="urn:x" j="2" k="1"><t>10:30</t></a>', join(root, 'x.xml'), ['t']);
  });

  it('fails with a line diff naming the file when they differ', () => {
    const root = folder({ 'x.xml': '<a><b>1</b></a>' });
    expect(() => expectSameXml('<a><b>2</b></a>', join(root, 'x.xml'))).toThrow(/x\.xml differs[^]*- +\{\}b = 1\n\+ +\{\}b = 2/);
  });

  it('fails when an event is missing or extra', () => {
    const root = folder({ 'Op__ok/request.xml': '<r/>', 'Op__ok/event.xml': '<e/>' });
    const [c] = goldenCases(root);
    if (!c) throw new Error('no case');
    expectSameEvents(c, ['<e/>']);
    expect(() => expectSameEvents(c, [])).toThrow(/0 event\(s\) where event\.xml expected/);
  });

  it('writes expected files pretty-printed, keeping the declaration', () => {
    expect(prettyXml('<?xml version="1.0" encoding="UTF-8"?><a><b/><c>x</c></a>')).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <b/>\n  <c>x</c>\n</a>\n');
  });
});
