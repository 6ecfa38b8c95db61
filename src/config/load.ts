/** Builds the effective configuration; a bad setting stops start-up with one line naming the key and the problem. */
import { readFileSync } from 'node:fs';
import { ConfigSchema, type Config, type ConfigInput } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** DESIGN.md's environment variables and where each lands in the schema. */
export const ENV_KEYS: { env: string; path: string[]; kind: 'string' | 'int' }[] = [
  { env: 'CCGATE_HOST', path: ['host'], kind: 'string' },
  { env: 'CCGATE_HTTP_PORT', path: ['http', 'port'], kind: 'int' },
  { env: 'CCGATE_TELSERVICES_PORT', path: ['telservices', 'port'], kind: 'int' },
  { env: 'CCGATE_QM_DESKTOP_PORT', path: ['ciscoqm', 'desktopPort'], kind: 'int' },
  { env: 'CCGATE_QM_NETWORK_PORT', path: ['ciscoqm', 'networkPort'], kind: 'int' },
  { env: 'CCGATE_DATA_DIR', path: ['dataDir'], kind: 'string' },
  { env: 'CCGATE_LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { env: 'CCGATE_SMTP_URL', path: ['smtpUrl'], kind: 'string' },
  { env: 'CCGATE_QM_ADMIN_PASSWORD', path: ['ciscoqm', 'adminPassword'], kind: 'string' },
];

type Obj = { [k: string]: unknown };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setPath(target: Obj, path: string[], value: unknown): void {
  let o = target;
  for (const k of path.slice(0, -1)) {
    const next = o[k];
    if (!isObj(next)) o[k] = {};
    o = o[k] as Obj;
  }
  const last = path[path.length - 1];
  if (last !== undefined) o[last] = value;
}

function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const b = out[k];
    out[k] = isObj(b) && isObj(v) ? merge(b, v) : v;
  }
  return out;
}

export function loadConfig(opts: { env?: Env; overrides?: ConfigInput } = {}): Config {
  const env = opts.env ?? process.env;
  let input: Obj = {};
  const file = env['CCGATE_CONFIG'];
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`CCGATE_CONFIG: cannot read ${file}: ${(e as Error).message}`);
    }
    if (!isObj(raw)) throw new ConfigError(`CCGATE_CONFIG: ${file} must hold a JSON object`);
    input = raw;
  }
  for (const k of ENV_KEYS) {
    const v = env[k.env];
    if (v === undefined || v === '') continue;
    if (k.kind === 'int') {
      if (!/^\d+$/.test(v.trim())) throw new ConfigError(`${k.env}: expected a whole number, got "${v}"`);
      setPath(input, k.path, Number(v.trim()));
    } else {
      setPath(input, k.path, v);
    }
  }
  if (opts.overrides) input = merge(input, opts.overrides as Obj);
  const r = ConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    const envName = ENV_KEYS.find((k) => k.path.join('.') === key)?.env;
    throw new ConfigError(`${envName ?? key}: ${issue?.message ?? 'invalid setting'}`);
  }
  return r.data;
}

export const DEFAULT_QM_ADMIN_PASSWORD = 'qmadmin';
