/**
 * The SOAP load generator the benchmarks share: `concurrency` loops POSTing one SOAP request with undici for `ms`
 * milliseconds, in a node process of its own (so the benchmark process's CPU time is the server's alone). Not a
 * benchmark itself (bench/run.ts skips files starting with `_`).
 */
import { spawn } from 'node:child_process';

/** What one load run did: answers that matched `success`, other answers and errors, wall seconds, one bad answer. */
export interface Load {
  ok: number;
  other: number;
  seconds: number;
  sample: string;
}

export interface LoadOptions {
  /** `http://host:port` */
  origin: string;
  path: string;
  concurrency: number;
  ms: number;
  /** The SOAP envelope, sent as is. */
  body: string;
  /** The SOAPAction header value, quotes included. */
  action: string;
  /** A regular expression (source) a successful answer's text matches; the status must also be 200. */
  success: string;
}

/** Plain JS for the child process; undici resolves from this project. */
const LOADER = `
const { origin, path, concurrency, ms, body, action, success } = JSON.parse(process.env.BENCH_LOAD);
const { Pool } = require('undici');
const pool = new Pool(origin, { connections: concurrency });
const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: action };
const good = new RegExp(success);
let ok = 0, other = 0, sample = '';
const started = performance.now();
const end = started + ms;
Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < end) {
    try {
      const r = await pool.request({ path, method: 'POST', headers, body });
      const text = await r.body.text();
      if (r.statusCode === 200 && good.test(text)) ok++; else { other++; sample = sample || r.statusCode + ' ' + text.slice(0, 300); }
    } catch (e) { other++; sample = sample || String(e); }
  }
})).then(async () => { const seconds = (performance.now() - started) / 1000; await pool.close(); process.send({ ok, other, seconds, sample }, () => process.exit(0)); });
`;

/** Runs one load and answers its counts once the child reports them. */
export function soapLoad(options: LoadOptions): Promise<Load> {
  const proc = spawn(process.execPath, ['-e', LOADER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_LOAD: JSON.stringify(options) },
  });
  return new Promise((resolve) => proc.once('message', (m) => resolve(m as Load)));
}
