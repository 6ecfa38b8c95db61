/** Locations of the files ccgate ships (fixtures, WSDL), found from this module whether it runs from src/ or dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('ccgate: cannot find the project root (package.json with fixtures/)');
}

export const PROJECT_ROOT = findRoot();
export const FIXTURES_DIR = join(PROJECT_ROOT, 'fixtures');
export const WSDL_DIR = join(PROJECT_ROOT, 'wsdl');
export const DEFAULT_CENTER_FIXTURE = join(FIXTURES_DIR, 'default-center.json');
