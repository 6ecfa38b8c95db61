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
