/**
 * The golden-case driver for every interface (after node-soap's request-response-samples): one folder per case,
 * `test/golden/<interface>/<Operation>__<expectation>[-<note>]/`, holding the request as a client sends it
 * (`request.xml`, verbatim: seed examples keep their typos), the expected answer (`response.xml`) and the expected
 * events in order (`event.xml` when a case has one, else `event-1.xml`, `event-2.xml` …). Anything else a case needs
 * (a setup, a SOAPAction, a case.json) is the interface's to read through `GoldenCase.read`/`json`.
 *
 * The interface supplies only `exchange`: send the request over the real wire and return the answer and the events
 * it caused. The driver compares both with the files as canonical XML (test/golden/canonical.ts: prefixes,
 * whitespace between elements and attribute order never count), prints a line diff on a mismatch, and with
 * `UPDATE_GOLDEN=1` in the environment writes what it got instead (pretty-printed; review the diff before
 * committing).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convert } from 'xmlbuilder2';
import { canonicalLines, diffLines } from './canonical.js';

/** True when the run rewrites expected files (`UPDATE_GOLDEN=1`). */
export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/** One case folder. */
export interface GoldenCase {
  /** The folder name, e.g. `QMIQueryCallInfo__accepted-s4.3.6`. */
  name: string;
  /** Before `__`: the operation (`answerCall`, `QMIQueryCallInfo`). */
  operation: string;
  /** After `__`, up to the first `-`: the expected outcome (`standard`, `accepted`, `fault`). */
  expectation: string;
  /** Absolute path of the folder. */
  dir: string;
  /** `request.xml`, byte for byte. */
  request: Buffer;
  /** Expected event files present, in order (what `exchange` should wait for; empty when none is expected). */
  eventFiles: string[];
  /** Whether the folder holds `file`. */
  has(file: string): boolean;
  /** `file` as UTF-8 text; throws when absent. */
  read(file: string): string;
  /** `file` parsed as JSON, or `fallback` when absent. */
  json<T>(file: string, fallback: T): T;
}

/** What one exchange over the wire produced: the answer's text and the event messages that followed, in order. */
export interface GoldenOutcome {
  answer: string;
  /** Omitted: events are not compared for this case. */
  events?: string[];
  /**
   * Values the case's setup captured from the gateway (generated ids), by name: `{{name}}` in the expected files
   * stands for them when comparing, and they are written back as `{{name}}` under UPDATE_GOLDEN.
   */
  captured?: Readonly<Record<string, string>>;
}

/** How one message is compared with, or written to, its expected file. */
export interface GoldenCompareOptions {
  /** Element local names whose text is not compared (times, generated ids). */
  mask?: readonly string[];
  /** Captured values standing for `{{name}}` in the expected file (see GoldenOutcome.captured). */
  captured?: Readonly<Record<string, string>>;
  /** How an expected file is written under UPDATE_GOLDEN (default prettyXml). */
  format?(xml: string): string;
  /** Events only: under UPDATE_GOLDEN name a lone event `event-1.xml` too, never `event.xml`. */
  numberedEvents?: boolean;
}

export interface GoldenSuiteOptions {
  /** The interface's folder of cases (a path or a file: URL). */
  dir: string | URL;
  /** Sends the case's request over the real wire; may assert protocol rules of its own with `expect`. */
  exchange(c: GoldenCase): Promise<GoldenOutcome>;
  /** Element local names whose text is not compared (times, generated ids), for every case or per case. */
  mask?: readonly string[] | ((c: GoldenCase) => readonly string[]);
  /** Applied to every actual message before it is compared or written (e.g. a generated id back to `{{callId}}`). */
  normalise?(xml: string, c: GoldenCase): string;
  /** Only the folders this accepts (default: every folder holding request.xml). */
  filter?(name: string): boolean;
  /** Per-case test timeout (ms), for cases that start a gateway of their own. */
  timeoutMs?: number;
  /** How expected files are written under UPDATE_GOLDEN (default prettyXml), to keep an interface's recorded form. */
  format?(xml: string): string;
  /** Under UPDATE_GOLDEN, name a lone event `event-1.xml` too (default: `event.xml` unless the case had `event-1.xml`). */
  numberedEvents?: boolean;
}

const EVENT_FILE = /^event(?:-(\d+))?\.xml$/;

function caseOf(root: string, name: string): GoldenCase {
  const dir = join(root, name);
  const [operation = '', rest = ''] = name.split('__');
  const files = readdirSync(dir);
  const eventFiles = files.filter((f) => EVENT_FILE.test(f)).sort((a, b) => Number(EVENT_FILE.exec(a)?.[1] ?? 0) - Number(EVENT_FILE.exec(b)?.[1] ?? 0));
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    name,
    operation,
    expectation: rest.split('-')[0] ?? '',
    dir,
    request: readFileSync(join(dir, 'request.xml')),
    eventFiles,
    has: (file) => existsSync(join(dir, file)),
    read,
    json: <T>(file: string, fallback: T): T => (existsSync(join(dir, file)) ? (JSON.parse(read(file)) as T) : fallback),
  };
}

/** The case folders under `dir` (those holding request.xml), sorted by name. */
export function goldenCases(dir: string | URL, filter: (name: string) => boolean = () => true): GoldenCase[] {
  const root = typeof dir === 'string' ? dir : fileURLToPath(dir);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'request.xml')) && filter(d.name))
    .map((d) => d.name)
    .sort()
    .map((name) => caseOf(root, name));
}

/**
 * `xml` indented two spaces per level, ending in a newline, its XML declaration (if any) kept as sent: how expected
 * files are written.
 */
export function prettyXml(xml: string): string {
  const declaration = /^\s*(<\?xml[^>]*\?>)/.exec(xml)?.[1];
  const body = convert(xml.replace(/>\s+</g, '><').trim(), { format: 'xml', prettyPrint: true, headless: true });
  return `${declaration ? `${declaration}\n` : ''}${body}\n`;
}

/** `{{name}}` in `text` replaced by `captured[name]` (left as it is when nothing was captured under that name). */
export function substituteCaptured(text: string, captured: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => captured[k] ?? m);
}

/** Every occurrence of a captured value in `text` replaced by `{{name}}`: the inverse of substituteCaptured. */
export function unsubstituteCaptured(text: string, captured: Readonly<Record<string, string>>): string {
  return Object.entries(captured).reduce((t, [k, v]) => t.split(v).join(`{{${k}}}`), text);
}

const isMask = (o: readonly string[] | GoldenCompareOptions): o is readonly string[] => Array.isArray(o);
const compareOptions = (o: readonly string[] | GoldenCompareOptions): GoldenCompareOptions => (isMask(o) ? { mask: o } : o);

/**
 * Compares `actual` with the file at `expectedPath` as canonical XML (its `{{name}}` placeholders filled from
 * `captured`, `mask`ed elements' text left out) and fails with a line diff when they differ; under UPDATE_GOLDEN
 * writes `actual` instead (`format`ted, default prettyXml, captured values put back as `{{name}}`). The third argument
 * is the options or, as before, just the mask.
 */
export function expectSameXml(actual: string, expectedPath: string, options: readonly string[] | GoldenCompareOptions = {}): void {
  const { mask = [], captured = {}, format = prettyXml } = compareOptions(options);
  if (UPDATE_GOLDEN) {
    writeFileSync(expectedPath, unsubstituteCaptured(format(actual), captured));
    return;
  }
  if (!existsSync(expectedPath)) expect.fail(`${expectedPath} is missing (UPDATE_GOLDEN=1 writes it)`);
  const want = canonicalLines(substituteCaptured(readFileSync(expectedPath, 'utf8'), captured), mask);
  const got = canonicalLines(actual, mask);
  if (want.join('\n') !== got.join('\n')) expect.fail(`${expectedPath} differs (- expected, + actual):\n${diffLines(want, got)}`);
}

/**
 * Compares the events of one case with its event files in order; under UPDATE_GOLDEN rewrites them (`event.xml`
 * for a single event where the case had it or had none and `numberedEvents` is not set, else `event-N.xml`) and
 * removes files beyond the count. The third argument is as expectSameXml's.
 */
export function expectSameEvents(
  c: GoldenCase,
  events: readonly string[],
  options: readonly string[] | GoldenCompareOptions = {},
): void {
  const o = compareOptions(options);
  if (UPDATE_GOLDEN) {
    const single = !o.numberedEvents && events.length === 1 && (c.eventFiles.length === 0 || c.eventFiles[0] === 'event.xml');
    const names = events.map((_e, i) => (single ? 'event.xml' : `event-${i + 1}.xml`));
    for (const f of c.eventFiles.filter((f) => !names.includes(f))) rmSync(join(c.dir, f));
    events.forEach((e, i) => expectSameXml(e, join(c.dir, names[i] ?? ''), o));
    return;
  }
  expect(events.length, `${c.name}: ${events.length} event(s) where ${c.eventFiles.join(', ') || 'none'} expected`).toBe(c.eventFiles.length);
  events.forEach((e, i) => expectSameXml(e, join(c.dir, c.eventFiles[i] ?? ''), o));
}

/**
 * Declares, inside a `describe(title)`, one test per case folder: `exchange`, then the answer compared with
 * `response.xml` and the events (when returned) with the event files. Returns the cases (for coverage checks).
 */
export function describeGolden(title: string, o: GoldenSuiteOptions): GoldenCase[] {
  const cases = goldenCases(o.dir, o.filter);
  describe(title, () => {
    for (const c of cases) {
      it(
        c.name,
        async () => {
          const mask = typeof o.mask === 'function' ? o.mask(c) : (o.mask ?? []);
          const norm = (xml: string): string => (o.normalise ? o.normalise(xml, c) : xml);
          const got = await o.exchange(c);
          const compare = { mask, captured: got.captured ?? {}, ...(o.format ? { format: o.format } : {}) };
          expectSameXml(norm(got.answer), join(c.dir, 'response.xml'), compare);
          if (got.events) expectSameEvents(c, got.events.map(norm), { ...compare, numberedEvents: o.numberedEvents ?? false });
        },
        o.timeoutMs,
      );
    }
  });
  return cases;
}
