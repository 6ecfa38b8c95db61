/** The golden driver itself: case folders, canonical comparison and its diff, the pretty form it writes. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSameEvents, expectSameXml, goldenCases, prettyXml, substituteCaptured, unsubstituteCaptured, UPDATE_GOLDEN } from './driver.js';

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

  it('fills captured ids into the expected file before comparing, and fails when the value differs', () => {
    const root = folder({ 'x.xml': '<a><itemId>{{itemId}}</itemId><n>{{absent}}</n></a>' });
    expectSameXml('<a><itemId>7F3A</itemId><n>{{absent}}</n></a>', join(root, 'x.xml'), { captured: { itemId: '7F3A' } });
    expect(() => expectSameXml('<a><itemId>0000</itemId><n>{{absent}}</n></a>', join(root, 'x.xml'), { captured: { itemId: '7F3A' } })).toThrow(/differs[^]*- +\{\}itemId = 7F3A/);
  });

  it('puts captured values back as placeholders: the inverse of filling them in', () => {
    const captured = { itemId: '7F3A', callId: 'C-9' };
    const template = '<a><i>{{itemId}}</i><c>{{callId}}</c><i>{{itemId}}</i></a>';
    const filled = substituteCaptured(template, captured);
    expect(filled).toBe('<a><i>7F3A</i><c>C-9</c><i>7F3A</i></a>');
    expect(unsubstituteCaptured(filled, captured)).toBe(template);
  });

  it('passes captured values and options on to every event', () => {
    const root = folder({ 'Op__ok/request.xml': '<r/>', 'Op__ok/event-1.xml': '<e><id>{{id}}</id><t>x</t></e>' });
    const [c] = goldenCases(root);
    if (!c) throw new Error('no case');
    expectSameEvents(c, ['<e><id>42</id><t>y</t></e>'], { captured: { id: '42' }, mask: ['t'] });
    expect(() => expectSameEvents(c, ['<e><id>43</id><t>x</t></e>'], { captured: { id: '42' } })).toThrow(/event-1\.xml differs/);
  });
});

// Only under UPDATE_GOLDEN: what the driver writes, in a scratch folder (never the real cases).
describe.runIf(UPDATE_GOLDEN)('golden driver, writing', () => {
  it('writes in the given format, captured values as placeholders, a lone event numbered when asked', () => {
    const root = folder({ 'Op__ok/request.xml': '<r/>', 'Op__ok/event.xml': '<old/>' });
    const [c] = goldenCases(root);
    if (!c) throw new Error('no case');
    expectSameXml('<a><id>42</id></a>', join(root, 'x.xml'), { captured: { id: '42' }, format: (x) => `${x}\n` });
    expect(readFileSync(join(root, 'x.xml'), 'utf8')).toBe('<a><id>{{id}}</id></a>\n');
    expectSameEvents(c, ['<e>42</e>'], { captured: { id: '42' }, numberedEvents: true });
    expect(readdirSync(c.dir).sort()).toEqual(['event-1.xml', 'request.xml']);
    expect(readFileSync(join(c.dir, 'event-1.xml'), 'utf8')).toBe('<e>{{id}}</e>\n');
  });
});
