// `npm start` builds first when dist/ is missing or older than any source file (no watch, no surprises).
// `npm run bench` does the same with `--bench`: benchmarks measure the compiled code the product runs, not tsx's.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const bench = process.argv.includes('--bench');
const out = bench ? 'dist/bench/run.js' : 'dist/src/main.js';
const project = bench ? 'tsconfig.bench.json' : 'tsconfig.build.json';
const sources = bench ? ['src', 'bench'] : ['src'];
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
if (!existsSync(out) || statSync(out).mtimeMs < Math.max(...sources.map(newest))) {
  // The first build takes a while on a small machine: say what is happening instead of sitting silent.
  process.stderr.write(`ccgate: building dist/ from ${sources.join('/ and ')}/ (${existsSync(out) ? 'sources changed' : 'first run'}; this can take a minute or two)\n`);
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
  } catch {
    // tsc has printed its errors above; one line more says what failed, without this script's stack.
    process.stderr.write('ccgate: the build failed (see the TypeScript errors above); not running\n');
    process.exit(2);
  }
}
