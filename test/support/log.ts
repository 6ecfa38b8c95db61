/** A logger whose lines a test can read: pino at debug, writing JSON lines to memory (synchronously). */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's numeric levels. */
export const WARN = 40;
export const ERROR = 50;

export function captureLogger(level = 'debug'): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level },
    {
      write(s: string) {
        raw.push(s);
        lines.push(JSON.parse(s) as LogLine);
      },
    },
  );
  return { logger, lines, raw };
}

/**
 * Calls `each` with every JSON log line a child process writes (pino on its stdout), as the lines arrive; lines that
 * are not JSON objects (npm's own banner) are skipped.
 */
export function onLogLines(stdout: Readable, each: (line: LogLine) => void): void {
  createInterface({ input: stdout }).on('line', (text) => {
    if (text.startsWith('{')) each(JSON.parse(text) as LogLine);
  });
}
