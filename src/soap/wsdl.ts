import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<repo>/wsdl`: the nearest ancestor of this module holding package.json (works from src/ and dist/src/). */
export function defaultWsdlDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'wsdl');
    const parent = dirname(dir);
    if (parent === dir) return resolve('wsdl');
    dir = parent;
  }
}

/** Reads a document once; relative names resolve against `dir`. */
export async function loadDocument(file: string, dir: string = defaultWsdlDir()): Promise<string> {
  return readFile(isAbsolute(file) ? file : join(dir, file), 'utf8');
}

// WSDL 1.1 §3.8 soap:address, WSDL SOAP 1.2 binding soap12:address, and the same element under any other prefix
// (wsdlsoap:, soap12:...): its location attribute is the endpoint a client will call.
const ADDRESS = /(<(?:[A-Za-z_][\w.-]*:)?address\b[^>]*?\blocation\s*=\s*)(["'])[^"']*\2/g;

// RFC 9110 §7.2 Host = uri-host [":" port]; anything else (quotes, angle brackets) is refused, not escaped,
// because it is about to become part of a document clients trust.
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

export function isValidHost(host: string): boolean {
  return HOST.test(host);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Points every SOAP address of a WSDL at `endpoint` (the URL the client actually used). */
export function rewriteAddresses(wsdl: string, endpoint: string): string {
  const value = escapeAttribute(endpoint);
  return wsdl.replace(ADDRESS, (_match, head: string, quote: string) => `${head}${quote}${value}${quote}`);
}

export interface SoapWsdlOptions {
  /** File name under `<repo>/wsdl/` (or `dir`), or an absolute path. */
  file: string;
  /** Query keys that ask for the WSDL, matched case-insensitively; default `['wsdl']`. */
  query?: string[];
  /** Further documents: `'xsd=api-schema.xsd'` → file, served for `?xsd=api-schema.xsd` as is. */
  extraDocs?: Record<string, string>;
  /** Directory relative names resolve against; default `<repo>/wsdl`. */
  dir?: string;
  /** Applied once to the loaded WSDL (an interface's settings may change what it describes). */
  transform?: (wsdl: string) => string;
  /**
   * The endpoint URL the documents are written with (e.g. `http://localhost/OpenMediaService`): every occurrence, in
   * the WSDL and in every extra document, is replaced by the URL the client used, as a WCF service writes its
   * `?xsd=xsdN` schema locations and its `?disco` references with the address it was reached at.
   */
  locationBase?: string;
}

/** The documents an endpoint serves on GET, read once at registration. */
export interface WsdlDocuments {
  /** The document a query string asks for; `isWsdl` when its addresses must be rewritten. */
  pick(query: unknown): { text: string; isWsdl: boolean } | undefined;
}

/** Reads the WSDL and its extra documents once; rejects (at registration) when a file cannot be read. */
export async function loadWsdlDocuments(wsdl: SoapWsdlOptions): Promise<WsdlDocuments> {
  const loaded = await loadDocument(wsdl.file, wsdl.dir);
  const main = wsdl.transform ? wsdl.transform(loaded) : loaded;
  const keys = (wsdl.query ?? ['wsdl']).map((k) => k.toLowerCase());
  const extras: { key: string; value: string; text: string }[] = [];
  for (const [spec, file] of Object.entries(wsdl.extraDocs ?? {})) {
    const eq = spec.indexOf('=');
    const key = (eq === -1 ? spec : spec.slice(0, eq)).toLowerCase();
    const value = eq === -1 ? '' : spec.slice(eq + 1).toLowerCase();
    extras.push({ key, value, text: await loadDocument(file, wsdl.dir) });
  }
  return {
    pick(query) {
      if (query === null || typeof query !== 'object') return undefined;
      // `?wsdl` and `?WSDL` are both in use (ASMX clients send either); so are mixed-case xsd names.
      const entries = Object.entries(query as Record<string, unknown>).map(
        ([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v.toLowerCase() : ''] as const,
      );
      if (entries.some(([k]) => keys.includes(k))) return { text: main, isWsdl: true };
      const extra = extras.find((x) => entries.some(([k, v]) => k === x.key && v === x.value));
      return extra === undefined ? undefined : { text: extra.text, isWsdl: false };
    },
  };
}
