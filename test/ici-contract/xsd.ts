/**
 * Validation of ICI messages against the XML Schema a WSDL embeds, with xmllint (libxml2-utils): the schemas of
 * `<wsdl:types>` are written to files (the one a schema imports given its schemaLocation), and the Body element of
 * each message, as a document of its own, is validated against the bean's schema.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const SCHEMA = /<s1:schema\b[^>]*targetNamespace="([^"]+)"[^>]*>[\s\S]*?<\/s1:schema>/g;

/** Writes the WSDL's schemas to a fresh directory; returns the path of the first (the bean's namespace). */
export function schemaFiles(wsdl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ici-xsd-'));
  const schemas = [...wsdl.matchAll(SCHEMA)].map((m) => ({ ns: m[1]!, text: m[0] }));
  const fileOf = (ns: string): string => `schema-${schemas.findIndex((s) => s.ns === ns)}.xsd`;
  schemas.forEach((s, i) => {
    // xmllint needs the namespace declarations the WSDL root carries, and a location for each import.
    const text = s.text
      .replace('<s1:schema', `<s1:schema xmlns:s1="http://www.w3.org/2001/XMLSchema" xmlns:s0="${schemas[0]!.ns}" xmlns:s2="urn:IciUserInterface"`)
      .replace(/<s1:import namespace="([^"]+)" \/>/g, (_m, ns: string) => `<s1:import namespace="${ns}" schemaLocation="${fileOf(ns)}" />`);
    writeFileSync(join(dir, `schema-${i}.xsd`), `<?xml version="1.0" encoding="utf-8"?>\n${text}\n`);
  });
  return join(dir, 'schema-0.xsd');
}

const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: true, parseTagValue: false, trimValues: false });
const builder = new XMLBuilder({ ignoreAttributes: false, preserveOrder: true, suppressEmptyNode: true });

/**
 * The Body's first element of a SOAP message as a standalone document. Namespace declarations in scope on the
 * envelope are copied onto it, so prefixes and xsi:nil keep their meaning.
 */
export function bodyDocument(message: string): string {
  const tree = parser.parse(message) as Record<string, unknown>[];
  const envelope = tree.find((n) => Object.keys(n).some((k) => k.endsWith('Envelope')));
  if (!envelope) throw new Error('not a SOAP envelope');
  const envKey = Object.keys(envelope).find((k) => k.endsWith('Envelope'))!;
  const inScope = Object.entries((envelope[':@'] ?? {}) as Record<string, string>).filter(([k]) => k.startsWith('@_xmlns'));
  const body = (envelope[envKey] as Record<string, unknown>[]).find((n) => Object.keys(n).some((k) => k.endsWith('Body')));
  const bodyKey = Object.keys(body ?? {}).find((k) => k.endsWith('Body'));
  const op = ((body?.[bodyKey ?? ''] ?? []) as Record<string, unknown>[]).find((n) => !('#text' in n));
  if (!op) throw new Error('empty SOAP Body');
  const bodyScope = Object.entries((body?.[':@'] ?? {}) as Record<string, string>).filter(([k]) => k.startsWith('@_xmlns'));
  const attrs = { ...Object.fromEntries([...inScope, ...bodyScope]), ...((op[':@'] ?? {}) as Record<string, string>) };
  return builder.build([{ ...op, ':@': attrs }]) as string;
}

/** xmllint's complaints about `documents` against the schema file ('' when every one is valid). */
export function xsdComplaints(schemaFile: string, documents: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ici-docs-'));
  const files = documents.map((doc, i) => {
    const file = join(dir, `doc-${i}.xml`);
    writeFileSync(file, doc);
    return file;
  });
  try {
    execFileSync('xmllint', ['--noout', '--schema', schemaFile, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.endsWith(' validates'))
      .join('\n');
  }
}
