import { XmlInputError } from './types.js';

// The name check every element and attribute passes.

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses names that could reach an object's prototype if any consumer ever used them as keys. */
export function checkName(qualified: string): void {
  const colon = qualified.indexOf(':');
  const local = colon === -1 ? qualified : qualified.slice(colon + 1);
  if (FORBIDDEN_NAMES.has(local)) throw new XmlInputError('forbiddenName', `Forbidden XML name: ${local}`);
}
