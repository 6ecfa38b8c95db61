/**
 * The reader's saxes parser keeps V8's fast property layout. saxes stores each event handler as a property added after
 * construction; with an eighth one V8 turns the parser into a dictionary-mode object and every parse costs about four
 * times the CPU (src/xml/parse.ts). This checks the layout itself, not a time.
 */
import { setFlagsFromString } from 'node:v8';
import { SaxesParser } from 'saxes';
import { describe, expect, it, vi } from 'vitest';

setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

describe("the reader's parser", () => {
  it('has at most seven handlers and fast properties, after a document is read and after one is refused', async () => {
    const on = vi.spyOn(SaxesParser.prototype, 'on');
    vi.resetModules();
    const { parseXml } = await import('../../src/xml/parse.js');
    expect(parseXml('<r a="1"><s/>text</r>').name).toBe('r');
    expect(() => parseXml('<r><s></r>')).toThrow(/Malformed XML/);
    expect(parseXml('<r/>').name).toBe('r');
    const parsers = new Set(on.mock.contexts as SaxesParser[]);
    expect(parsers.size).toBe(2);
    for (const parser of parsers) {
      expect(on.mock.calls.filter((_, i) => on.mock.contexts[i] === parser).length).toBeLessThanOrEqual(7);
      expect(hasFastProperties(parser)).toBe(true);
    }
    // The threshold this guards: the same parser given an eighth handler is no longer fast.
    const [first] = parsers;
    first!.on('comment', () => undefined);
    expect(hasFastProperties(first!)).toBe(false);
    on.mockRestore();
  });
});
