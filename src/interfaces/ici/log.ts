/**
 * ICI's logger: pino, counted per level for the status page's "Log statistics", "Last Err" and "Last Exc" (seed 002
 * §3.4.2), with a level SetLogLevel can change. OII's levels are EXC, ERR, INF, TRC, DBG; pino's fatal/error count as
 * ERR (EXC: errors that carried an exception), warn and info as INF, debug as TRC, trace as DBG.
 */
import type { Logger } from 'pino';

export const LOG_COUNTERS = ['EXC', 'ERR', 'INF', 'TRC', 'DBG'] as const;
export type LogCounter = (typeof LOG_COUNTERS)[number];

/** OII's level names (and pino's) → pino level. */
export const LEVELS: Readonly<Record<string, string>> = {
  error: 'error',
  exc: 'error',
  err: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  inf: 'info',
  trace: 'debug',
  trc: 'debug',
  debug: 'trace',
  dbg: 'trace',
  silent: 'silent',
};

/** pino level → how the status page shows it (`TRC (3)` in §3.4.2's example). */
export const LEVEL_LABELS: Readonly<Record<string, string>> = {
  fatal: 'EXC (0)',
  error: 'ERR (1)',
  warn: 'INF (2)',
  info: 'INF (2)',
  debug: 'TRC (3)',
  trace: 'DBG (4)',
  silent: 'OFF',
};

type Fields = Record<string, unknown>;

export class IciLog {
  readonly counts: Record<LogCounter, number> = { EXC: 0, ERR: 0, INF: 0, TRC: 0, DBG: 0 };
  lastErr = '';
  lastExc = '';

  constructor(readonly pino: Logger) {}

  get level(): string {
    return this.pino.level;
  }

  set level(level: string) {
    this.pino.level = level;
  }

  error(fields: Fields, msg: string): void {
    if (fields['err'] !== undefined) {
      this.counts.EXC += 1;
      this.lastExc = `${new Date().toISOString()} ${msg}`;
    } else {
      this.counts.ERR += 1;
      this.lastErr = `${new Date().toISOString()} ${msg}`;
    }
    this.pino.error(fields, msg);
  }

  warn(fields: Fields, msg: string): void {
    this.counts.INF += 1;
    this.pino.warn(fields, msg);
  }

  info(fields: Fields, msg: string): void {
    this.counts.INF += 1;
    this.pino.info(fields, msg);
  }

  debug(fields: Fields, msg: string): void {
    if (!this.pino.isLevelEnabled('debug')) return;
    this.counts.TRC += 1;
    this.pino.debug(fields, msg);
  }
}
