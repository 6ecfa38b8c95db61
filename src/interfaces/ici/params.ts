/**
 * Reading ICI request parameters as SAP CRM and generated clients write them (INVENTORY 3.1, 3.13): by local name in
 * any namespace (`xmlns=""`, qualified, or the other bean's, as §9.1.3 puts `userId` in urn:IciUserInterface), the
 * seed's capitalised spellings, `xsi:type` annotations ignored, `xsi:nil="true"` members as absent (clients generated
 * from `nillable="true"` parameters send them), arrays of `item` or `Item`. A missing or malformed value is an
 * IciError (area 1), thrown before anything changes.
 */
import { child, children, isNil, type XmlElement } from '../../xml/index.js';
import { badRequest } from './faults.js';

/** Longest identifier, URL or number accepted (the seed's are a few dozen characters). */
export const MAX_VALUE = 2048;

/** The trimmed text of the first child named one of `names`; undefined when absent or nil. */
export function optText(parent: XmlElement | undefined, ...names: string[]): string | undefined {
  const el = child(parent, ...names);
  if (el === undefined || isNil(el)) return undefined;
  const text = el.text.trim();
  if (text.length > MAX_VALUE) throw badRequest(`${names[0]} is longer than ${MAX_VALUE} characters`);
  return text;
}

/** The trimmed text of a required parameter; missing, nil or empty is a bad request naming it. */
export function reqText(parent: XmlElement | undefined, ...names: string[]): string {
  const text = optText(parent, ...names);
  if (text === undefined || text === '') throw badRequest(`Missing ${names[0]}`);
  return text;
}

/** The `item`/`Item` children of an array parameter; [] when the array is absent, nil or empty. */
export function arrayItems(parent: XmlElement | undefined, name: string): XmlElement[] {
  const array = child(parent, name);
  if (array === undefined || isNil(array)) return [];
  return children(array, 'item').filter((el) => !isNil(el));
}

/** The texts of a string array (`item` or `Item`). */
export function arrayTexts(parent: XmlElement | undefined, name: string): string[] {
  return arrayItems(parent, name).map((el) => {
    const text = el.text.trim();
    if (text.length > MAX_VALUE) throw badRequest(`an item of ${name} is too long`);
    return text;
  });
}

/** A required integer parameter among `allowed`. */
export function reqChoice<T extends number>(parent: XmlElement | undefined, name: string, allowed: readonly T[]): T {
  const text = reqText(parent, name);
  const n = /^[0-9]{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(allowed as readonly number[]).includes(n)) throw badRequest(`${name} must be one of ${allowed.join(', ')}`);
  return n as T;
}

/** An optional boolean (`true`/`false`, `1`/`0`, any case); undefined when absent. */
export function optBoolean(parent: XmlElement | undefined, name: string): boolean | undefined {
  const text = optText(parent, name);
  if (text === undefined || text === '') return undefined;
  const t = text.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw badRequest(`${name} must be true or false`);
}

/** An optional non-negative integer (`maxhits`); undefined when absent or empty. */
export function optCount(parent: XmlElement | undefined, name: string, max: number): number | undefined {
  const text = optText(parent, name);
  if (text === undefined || text === '') return undefined;
  if (!/^[0-9]{1,9}$/.test(text)) throw badRequest(`${name} must be a whole number`);
  return Math.min(Number(text), max);
}
