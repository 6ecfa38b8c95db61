/**
 * Shared by the benchmarks that run their load generator or receiver in a process of their own (a generator sharing
 * the server's event loop would measure itself). Not a benchmark: run.ts skips files starting with `_`.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** `--name <number>` from the benchmark's arguments, or `fallback` when absent or not a positive number. */
export function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** `code` (plain JS) in a node process of its own, talking over IPC; undici resolves from this project. */
export function child(code: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
}

/** Sends `msg` to `proc` and resolves with its next message. */
export function ask<T>(proc: ChildProcess, msg: string): Promise<T> {
  return new Promise((resolve) => {
    proc.once('message', (m) => resolve(m as T));
    proc.send(msg);
  });
}
