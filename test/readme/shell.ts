/**
 * Runs the README's examples as a newcomer would paste them: the `curl` lines of a fenced block, with the little shell
 * they use (quotes, `$VAR`, `VAR=$(curl … | sed -E 's/…/…/')`), against a gateway on a test port. Written here rather
 * than spawning bash and curl so the suite needs neither; anything else in a block is an error, so the README cannot
 * drift into commands this runner does not understand.
 */
import { readFileSync } from 'node:fs';

/** The fenced code blocks between `<!-- readme-example: name -->` and `<!-- /readme-example -->`, by language. */
export function readmeExample(name: string): { sh: string[][]; xml: string[] } {
  const text = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = text.indexOf(`<!-- readme-example: ${name} -->`);
  const end = text.indexOf('<!-- /readme-example -->', start);
  if (start < 0 || end < 0) throw new Error(`README has no example ${name}`);
  const sh: string[][] = [];
  const xml: string[] = [];
  for (const m of text.slice(start, end).matchAll(/```(\w+)\n([\s\S]*?)```/g)) {
    if (m[1] === 'sh') sh.push((m[2] ?? '').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')));
    else if (m[1] === 'xml') xml.push((m[2] ?? '').trim());
  }
  return { sh, xml };
}

/** Shell words of one line: '…' literal, "…" with \" \\ \$ escapes and $VAR, bare words with $VAR; `|` alone. */
export function shellWords(line: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let word: string | undefined;
  const add = (s: string) => (word = (word ?? '') + s);
  const expand = (i: number): [string, number] => {
    const m = /^\$(\w+)|^\$\{(\w+)\}/.exec(line.slice(i));
    if (!m) return ['$', i + 1];
    const name = m[1] ?? m[2] ?? '';
    if (!(name in vars)) throw new Error(`$${name} is not set`);
    return [vars[name] ?? '', i + m[0].length];
  };
  for (let i = 0; i < line.length; ) {
    const c = line[i] ?? '';
    if (c === ' ' || c === '\t') {
      if (word !== undefined) out.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed ' in ${line}`);
      add(line.slice(i + 1, close));
      i = close + 1;
    } else if (c === '"') {
      add('');
      for (i++; i < line.length && line[i] !== '"'; ) {
        if (line[i] === '\\' && '"\\$'.includes(line[i + 1] ?? '')) {
          add(line[i + 1] ?? '');
          i += 2;
        } else if (line[i] === '$') {
          const [v, next] = expand(i);
          add(v);
          i = next;
        } else add(line[i++] ?? '');
      }
      if (line[i] !== '"') throw new Error(`unclosed " in ${line}`);
      i++;
    } else if (c === '$') {
      const [v, next] = expand(i);
      add(v);
      i = next;
    } else if (c === '|' && word === undefined) {
      out.push('|');
      i++;
    } else add(line[i++] ?? '');
  }
  if (word !== undefined) out.push(word);
  return out;
}

export interface CurlResult {
  line: string;
  status: number;
  body: string;
}

async function curl(words: string[], base: string): Promise<{ status: number; body: string }> {
  if (words[0] !== 'curl') throw new Error(`not a curl command: ${words.join(' ')}`);
  let method: string | undefined;
  let data: string | undefined;
  let url: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '-s') continue;
    if (w === '-X') method = words[++i];
    else if (w === '-H') {
      const h = words[++i] ?? '';
      const colon = h.indexOf(':');
      headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else if (w === '-d') data = words[++i];
    else if (w.startsWith('-')) throw new Error(`curl option ${w} is not understood by this runner`);
    else url = w;
  }
  if (!url) throw new Error('curl without a URL');
  const target = `${base}${url.replace(/^(https?:\/\/)?localhost:8080/, '')}`;
  if (data !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(target, { method: method ?? (data === undefined ? 'GET' : 'POST'), headers, ...(data === undefined ? {} : { body: data }) });
  return { status: res.status, body: await res.text() };
}

/** `sed -E 's/PATTERN/REPLACEMENT/'` on text (ERE ≈ JavaScript RegExp for what the README uses). */
function sed(words: string[], text: string): string {
  const script = words[2] ?? '';
  if (words[0] !== 'sed' || words[1] !== '-E' || !script.startsWith('s/')) throw new Error(`sed form not understood: ${words.join(' ')}`);
  const [, pattern = '', replacement = ''] = script.split(/(?<!\\)\//);
  return text.trim().replace(new RegExp(pattern), replacement.replace(/\\(\d)/g, '$$$1'));
}

/**
 * Runs the lines against `base` (http://host:port); `rewrite` may change a line first (e.g. a callback URL). Each
 * curl's status and body is returned in order (an assignment's curl included, before its sed).
 */
export async function runExample(lines: string[], base: string, rewrite: (line: string) => string = (l) => l): Promise<CurlResult[]> {
  const vars: Record<string, string> = {};
  const results: CurlResult[] = [];
  for (const raw of lines) {
    const line = rewrite(raw);
    const assign = /^(\w+)=\$\((.*)\)$/.exec(line);
    const words = shellWords(assign ? (assign[2] ?? '') : line, vars);
    const pipe = words.indexOf('|');
    const r = await curl(pipe < 0 ? words : words.slice(0, pipe), base);
    results.push({ line: raw, ...r });
    if (assign) vars[assign[1] ?? ''] = pipe < 0 ? r.body : sed(words.slice(pipe + 1), r.body);
  }
  return results;
}
