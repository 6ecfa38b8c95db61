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
    super(`${key}: ${problem}`, options);
    this.name = 'ConfigError';
    this.key = key;
    this.problem = problem;
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

/** The reason of a Node error in words, without a path to a stack: `ENOENT` becomes "no such file". */
export function plainReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return `no such file: ${e.path ?? ''}`.trim();
    case 'EACCES':
      return e.syscall === 'listen' || e.syscall === 'bind' ? 'permission denied' : `permission denied: ${e.path ?? ''}`.trim();
    case 'EISDIR':
      return `is a directory, not a file: ${e.path ?? ''}`.trim();
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
