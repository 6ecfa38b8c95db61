/** Builds the effective configuration; a bad setting stops start-up with one line naming the key and the problem. */
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { readJsonSetting } from './files.js';
import { ConfigSchema, PORT_RULE, type Config, type ConfigInput } from './schema.js';

export { ConfigError };

type Env = Record<string, string | undefined>;

/** DESIGN.md's environment variables and where each lands in the schema. */
export const ENV_KEYS: { env: string; path: string[]; kind: 'string' | 'port' }[] = [
  { env: 'CCGATE_HOST', path: ['host'], kind: 'string' },
  { env: 'CCGATE_HTTP_PORT', path: ['http', 'port'], kind: 'port' },
  { env: 'CCGATE_TELSERVICES_PORT', path: ['telservices', 'port'], kind: 'port' },
  { env: 'CCGATE_QM_DESKTOP_PORT', path: ['ciscoqm', 'desktopPort'], kind: 'port' },
  { env: 'CCGATE_QM_NETWORK_PORT', path: ['ciscoqm', 'networkPort'], kind: 'port' },
  { env: 'CCGATE_OPENMEDIA_PORT', path: ['openmedia', 'port'], kind: 'port' },
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

export interface LoadOptions {
  env?: Env;
  /** Settings in code, over file and environment. */
  overrides?: ConfigInput;
  /** A config file named on the command line (`--config`): read instead of CCGATE_CONFIG, and named `--config` in errors. */
  configFile?: string;
}

/**
 * The settings from the config file (`configFile`, else CCGATE_CONFIG; JSON), environment variables over it, then
 * `overrides` (code). Throws ConfigError naming the key of the first problem: the config-file key (`http.port`) for
 * a value from the file or code, the variable (`CCGATE_HTTP_PORT`) for one from the environment, `--config` or
 * `CCGATE_CONFIG` (whichever named it) when the file cannot be read or is not a JSON object. An unknown key is an
 * error too (the schema is strict).
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  let input: Obj = {};
  const file = opts.configFile ?? env['CCGATE_CONFIG'];
  const fileKey = opts.configFile !== undefined ? '--config' : 'CCGATE_CONFIG';
  if (file) {
    const raw = readJsonSetting(fileKey, file);
    if (!isObj(raw)) throw new ConfigError(fileKey, `${file} must hold a JSON object`);
    input = raw;
  }
  /** Dotted paths whose value came from an environment variable, and which. */
  const fromEnv = new Map<string, string>();
  for (const k of ENV_KEYS) {
    const v = env[k.env];
    if (v === undefined || v === '') continue;
    if (k.kind === 'port') {
      const n = /^\d{1,5}$/.test(v.trim()) ? Number(v.trim()) : NaN;
      if (!(n <= 65535)) throw new ConfigError(k.env, `${PORT_RULE}, got "${v}"`);
      setPath(input, k.path, n);
    } else {
      setPath(input, k.path, v);
    }
    fromEnv.set(k.path.join('.'), k.env);
  }
  if (opts.overrides) {
    input = merge(input, opts.overrides as Obj);
    for (const path of leafPaths(opts.overrides as Obj)) fromEnv.delete(path);
  }
  const r = ConfigSchema.safeParse(input);
  if (!r.success) throw issueError(r.error.issues[0], fromEnv);
  checkDistinctPorts(r.data, fromEnv);
  return r.data;
}

/**
 * Two listeners of one protocol on one fixed port cannot both open it: said at start-up naming both settings, rather
 * than as "port in use" by the second listener (which would look like another process's doing). 0 (a free port) never
 * collides; a TCP and a UDP listener may share a number.
 */
function checkDistinctPorts(config: Config, fromEnv: Map<string, string>): void {
  const groups: [string, number][][] = [
    [['http.port', config.http.port], ['telservices.port', config.telservices.port], ['openmedia.port', config.openmedia.port]],
    [['ciscoqm.desktopPort', config.ciscoqm.desktopPort], ['ciscoqm.networkPort', config.ciscoqm.networkPort]],
  ];
  const named = (key: string): string => fromEnv.get(key) ?? key;
  for (const group of groups) {
    const seen = new Map<number, string>();
    for (const [key, port] of group) {
      if (port === 0) continue;
      const other = seen.get(port);
      if (other !== undefined) throw new ConfigError(named(key), `port ${port} is also ${named(other)}'s: each listener needs a port of its own`);
      seen.set(port, key);
    }
  }
}

/** The first schema issue as a ConfigError naming the key as the user wrote it. */
function issueError(issue: z.core.$ZodIssue | undefined, fromEnv: Map<string, string>): ConfigError {
  if (!issue) return new ConfigError('config', 'invalid setting');
  // An array entry (allow.qmi.2) is named by its list: that is the key a user finds in the file.
  const path = issue.path.filter((p): p is string => typeof p === 'string');
  if (issue.code === 'unrecognized_keys') {
    const key = [...path, issue.keys[0] ?? ''].join('.');
    return new ConfigError(key, issue.keys.length > 1 ? `unknown settings ${issue.keys.map((k) => [...path, k].join('.')).join(', ')}` : 'unknown setting');
  }
  const key = path.join('.') || 'config';
  return new ConfigError(fromEnv.get(key) ?? key, issue.message);
}

function leafPaths(o: Obj, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (isObj(v) ? leafPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

export const DEFAULT_QM_ADMIN_PASSWORD = 'qmadmin';
