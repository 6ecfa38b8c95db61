/**
 * Canonical form of an XML message for golden-file diffs (after node-soap's request-response-samples driver): one
 * line per element, `{namespace}local`, attributes sorted (namespace declarations are not attributes), text trimmed.
 * Prefixes, whitespace between elements and attribute order never make two messages differ.
 */
import { parseXml, type XmlElement } from '../../src/xml/index.js';

export function canonicalLines(xml: string, mask: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (el: XmlElement, depth: number): void => {
    const attrs = Object.keys(el.attributes)
      .sort()
      .map((k) => ` ${k}="${el.attributes[k]}"`)
      .join('');
    const text = el.children.length === 0 ? el.text.trim() : '';
    out.push(`${'  '.repeat(depth)}{${el.ns}}${el.name}${attrs}${text === '' ? '' : ` = ${mask.includes(el.name) ? '<masked>' : text}`}`);
    for (const c of el.children) walk(c, depth + 1);
  };
  walk(parseXml(xml), 0);
  return out;
}

/** A small line diff for failure messages: '-' expected only, '+' actual only. */
export function diffLines(expected: string[], actual: string[]): string {
  const lines: string[] = [];
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] === actual[i]) lines.push(`  ${expected[i]}`);
    else {
      if (expected[i] !== undefined) lines.push(`- ${expected[i]}`);
      if (actual[i] !== undefined) lines.push(`+ ${actual[i]}`);
    }
  }
  return lines.join('\n');
}
