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
