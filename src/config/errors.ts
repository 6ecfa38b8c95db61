/**
 * The one start-up error: a setting, a fixture section or a listener that cannot be used. The gateway converts every
 * start-up failure it can attribute to configuration into this type, and `ccgate` prints it as one line naming the
 * key (and the port, for a listener) and exits with code 2, never with a stack trace.
 */
export class ConfigError extends Error {
  /**
   * What to fix, as the user wrote it: a config-file key (`http.port`, `allow.qmi`, `telservices.timeZone`), an
   * environment variable (`CCGATE_HTTP_PORT`) when the value came from there, `CCGATE_CONFIG` for the file itself,
   * `center.fixture`/`fixture` for the contact-center fixture.
   */
  readonly key: string;
  /** The problem alone, without the key. */
  readonly problem: string;

  constructor(key: string, problem: string, options?: { cause?: unknown }) {
    // Printed as one line whatever the problem quotes.
    const line = problem.replace(/\s*\n\s*/g, ' ');
    super(`${key}: ${line}`, options);
    this.name = 'ConfigError';
    this.key = key;
    this.problem = line;
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

/**
 * Runs `fn` (a start-up step that reads `key`'s value) and turns any failure into a ConfigError naming `key`; a
 * ConfigError thrown inside keeps its own key.
 */
export function underKey<T>(key: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(key, plainReason(err), { cause: err });
  }
}

/**
 * The reason of a Node error in words, without a stack: `ENOENT` becomes "no such file: <path>". `path` is the file
 * the caller was working on (Node leaves it out of some errors, e.g. reading a directory).
 */
export function plainReason(err: unknown, path?: string): string {
  const e = err as NodeJS.ErrnoException;
  const p = e?.path ?? path;
  const on = (what: string) => (p ? `${what}: ${p}` : what);
  switch (e?.code) {
    case 'ENOENT':
      return on('no such file');
    case 'EACCES':
    case 'EPERM':
      return e.syscall === 'listen' || e.syscall === 'bind' ? 'permission denied' : on('permission denied');
    case 'EISDIR':
      return on('is a directory, not a file');
    case 'EEXIST':
      return on('is a file, not a directory');
    case 'ENOTDIR':
      return on('a part of the path is a file, not a directory');
    case 'EROFS':
      return on('is on a read-only file system');
    default:
      // One line: some messages (OpenSSL's, JSON's) span several.
      return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
  }
}
