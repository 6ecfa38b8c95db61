import type { XmlElement } from './types.js';

// Tolerant reader (DESIGN "Principles"): seeds spell the same element with different case
// (`SessionId` vs `SessionID`), so an exact local-name match wins and a case-insensitive one is the fallback.

function matchesExactly(el: XmlElement, names: readonly string[]): boolean {
  return names.includes(el.name);
}

function matchesLoosely(el: XmlElement, lowered: readonly string[]): boolean {
  return lowered.includes(el.name.toLowerCase());
}

/** First child whose local name equals one of `names`; if there is none, the first case-insensitive match. */
export function child(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  if (el === undefined || names.length === 0) return undefined;
  const exact = el.children.find((c) => matchesExactly(c, names));
  if (exact !== undefined) return exact;
  const lowered = names.map((n) => n.toLowerCase());
  return el.children.find((c) => matchesLoosely(c, lowered));
}

/** Every child with local name `name`; if there is none, every case-insensitive match. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  if (el === undefined) return [];
  const exact = el.children.filter((c) => c.name === name);
  if (exact.length > 0) return exact;
  const lowered = [name.toLowerCase()];
  return el.children.filter((c) => matchesLoosely(c, lowered));
}

/** `path(el, 'a', 'b')` is `child(child(el, 'a'), 'b')`. */
export function path(el: XmlElement | undefined, ...steps: string[]): XmlElement | undefined {
  let current = el;
  for (const step of steps) {
    current = child(current, step);
    if (current === undefined) return undefined;
  }
  return current;
}

/** Trimmed direct text of the first matching child, `undefined` when the child is absent. */
export function textOf(el: XmlElement | undefined, ...names: string[]): string | undefined {
  return child(el, ...names)?.text.trim();
}

/**
 * The value of the attribute `local` in one of `namespaces` (exact URIs), `undefined` when the element has none: for
 * attributes whose namespace carries the meaning (SOAP 1.1 §4.2 and SOAP 1.2 Part 1 §5.2 header attributes, XML Schema
 * §2.6 xsi:nil), whatever other attributes of that local name the element also has.
 */
export function attributeIn(el: XmlElement | undefined, namespaces: readonly string[], local: string): string | undefined {
  if (el === undefined) return undefined;
  for (const a of el.qualifiedAttributes) if (a.name === local && namespaces.includes(a.ns)) return a.value;
  return undefined;
}

/** The XML Schema instance namespace of 2001, and the 1999 and 2000 drafts older SOAP toolkits still write. */
export const XSI_NAMESPACES: readonly string[] = [
  'http://www.w3.org/2001/XMLSchema-instance',
  'http://www.w3.org/2000/10/XMLSchema-instance',
  'http://www.w3.org/1999/XMLSchema-instance',
];

/** XML Schema §2.6.2: `xsi:nil="true"` (or `1`) in an XML Schema instance namespace. */
export function isNil(el: XmlElement | undefined): boolean {
  const v = attributeIn(el, XSI_NAMESPACES, 'nil')?.trim();
  return v === 'true' || v === '1';
}
