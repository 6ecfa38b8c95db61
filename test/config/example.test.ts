/** config/example.json: every setting, each at its default, loadable as it is; a new setting without an entry fails here. */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { buildGateway } from '../../src/gateway.js';

const EXAMPLE = 'config/example.json';

/** Dotted paths of every leaf setting in the schema. */
function schemaKeys(schema: z.ZodType, prefix = ''): string[] {
  let s = schema as z.ZodType & { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: Record<string, z.ZodType> } } };
  for (;;) {
    const def = s._zod.def;
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable'].includes(def.type)) s = def.innerType as typeof s;
    else if (def.type === 'pipe' && def.in) s = def.in as typeof s;
    else break;
  }
  const shape = s._zod.def.shape;
  if (s._zod.def.type !== 'object' || !shape) return [prefix.slice(0, -1)];
  return Object.entries(shape).flatMap(([k, v]) => schemaKeys(v, `${prefix}${k}.`));
}

/** Whether the example names `path`, or sets an optional section above it to null (not set). */
function covers(example: unknown, path: string): boolean {
  let node: unknown = example;
  for (const part of path.split('.')) {
    if (node === null) return true;
    if (typeof node !== 'object' || !(part in (node as object))) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

describe('config/example.json', () => {
  const example: unknown = JSON.parse(readFileSync(EXAMPLE, 'utf8'));

  it('lists every setting', () => {
    const missing = schemaKeys(ConfigSchema).filter((k) => !covers(example, k));
    expect(missing).toEqual([]);
  });

  it('loads as it is, and each value is the default', () => {
    expect(loadConfig({ env: { CCGATE_CONFIG: EXAMPLE } })).toEqual(loadConfig({ env: {} }));
  });

  it('runs a gateway', async () => {
    const gw = await buildGateway({
      env: { CCGATE_CONFIG: EXAMPLE, CCGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'ccgate-example-')), CCGATE_LOG_LEVEL: 'silent' },
      config: { http: { port: 0 }, telservices: { port: 0 }, ciscoqm: { desktopPort: 0, networkPort: 0 }, openmedia: { port: 0 } },
    });
    try {
      await gw.listen();
      const res = await fetch(`${gw.baseUrl}/health`);
      expect(res.status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});
