/**
 * `npm run bench -- <name> [...]`: runs bench/<name>.ts (each exports `run(args)`), or every benchmark without a name.
 * Benchmarks print their numbers; they assert nothing (performance is never a test assertion).
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// `npm run bench` runs the compiled benchmarks (dist/bench/*.js, what the product runs); tsx runs the .ts files.
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const available = readdirSync(here)
  .filter((f) => f.endsWith(ext) && f !== `run${ext}` && !f.startsWith('_'))
  .map((f) => f.slice(0, -ext.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
const names = name ? [name] : available;
for (const n of names) {
  if (!available.includes(n)) {
    process.stderr.write(`unknown benchmark "${n}"; available: ${available.join(', ')}\n`);
    process.exit(2);
  }
  const mod = (await import(pathToFileURL(`${here}/${n}${ext}`).href)) as { run: (args: string[]) => Promise<void> };
  process.stdout.write(`\n== ${n} ==\n`);
  await mod.run(args);
}
process.exit(0);
