// `npm start` builds first when dist/ is missing or older than any source file (no watch, no surprises).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const out = 'dist/src/main.js';
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
if (!existsSync(out) || statSync(out).mtimeMs < newest('src')) {
  // The first build takes a while on a small machine: say what is happening instead of sitting silent.
  process.stderr.write(`ccgate: building dist/ from src/ (${existsSync(out) ? 'src/ changed' : 'first start'}; this can take a minute or two)\n`);
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  } catch {
    // tsc has printed its errors above; one line more says what failed, without this script's stack.
    process.stderr.write('ccgate: the build failed (see the TypeScript errors above); not starting\n');
    process.exit(2);
  }
}
