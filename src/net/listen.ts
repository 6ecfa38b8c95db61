/**
 * Listener failures at start-up, in the user's terms: which setting holds the port that is taken, or that the host
 * cannot be bound. Node reports them as errors of `listen` (TCP) or `bind` (UDP) carrying `code`, `address` and
 * `port`, or of `getaddrinfo` when the host is a name that does not resolve.
 */
import { ConfigError } from '../config/errors.js';

/** A port setting: its config-file key, its environment variable and its configured value. */
export interface PortSetting {
  key: string;
  env?: string;
  port: number;
}

const HOST_CODES = new Set(['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAFNOSUPPORT']);

/**
 * The ConfigError for a listener that could not open, or undefined when `err` is not a listen/bind problem (a bug,
 * left to propagate). `settings` are the candidates; the one whose port the error names is blamed, else the first.
 * `host` is the configured address (setting `host`, CCGATE_HOST).
 */
export function listenError(err: unknown, settings: readonly PortSetting[], host: string): ConfigError | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number };
  const code = e?.code;
  if (typeof code !== 'string') return undefined;
  if (HOST_CODES.has(code)) {
    const why = code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : code === 'EAFNOSUPPORT' ? 'is of an address family this machine does not support' : 'does not resolve to an address';
    return new ConfigError('host', `cannot listen on "${host}": it ${why} (${code}); set host or CCGATE_HOST`, { cause: err });
  }
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return undefined;
  const setting = settings.find((s) => s.port === e.port) ?? settings[0];
  if (!setting) return undefined;
  const named = setting.env ? `${setting.key} (${setting.env})` : setting.key;
  const what = code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user (ports below 1024 need privileges)';
  return new ConfigError(setting.key, `port ${setting.port} on ${host} ${what}; change ${named}, or use 0 for any free port`, { cause: err });
}
