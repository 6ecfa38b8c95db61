/**
 * The "documented response shape" of an ICI message: the set of element paths (local names, namespaces ignored) under
 * the SOAP Body, e.g. `getCallsResponse/response/item/callStatus/id`. The seed's examples spell a few names
 * differently from one another (INVENTORY 3.13): `Item`/`item` (arrays), `dialledNumber`/`dialNumber`/`dialedNumber`
 * (the schema's, 10.12.4), `applds`/`appIds`; those compare as one.
 */
import { child, parseXml, type XmlElement } from '../../src/xml/index.js';

const SAME: Record<string, string> = { Item: 'item', dialledNumber: 'dialedNumber', dialNumber: 'dialedNumber', applds: 'appIds' };

/** Every element path under the Body of a SOAP message (the Body's children and all their descendants). */
export function elementPaths(xml: string): string[] {
  const body = child(parseXml(xml), 'Body');
  const out = new Set<string>();
  const walk = (el: XmlElement, prefix: string): void => {
    const p = `${prefix}${SAME[el.name] ?? el.name}`;
    out.add(p);
    for (const c of el.children) walk(c, `${p}/`);
  };
  for (const c of body?.children ?? []) walk(c, '');
  return [...out].sort();
}

/** The paths of `documented` that `actual` lacks. */
export function missingPaths(documented: readonly string[], actual: readonly string[]): string[] {
  const have = new Set(actual);
  return documented.filter((p) => !have.has(p));
}
