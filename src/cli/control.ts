/**
 * The subcommands that talk to a running gateway's control API (DESIGN.md "Control API"): `state`, `traffic`,
 * `scenario`. Each prints the API's JSON answer on stdout. A gateway that does not answer, or an error answer, is
 * one line on stderr and exit code 1.
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';

/** The control API of a gateway on this machine with the default or CCGATE_HTTP_PORT's port. */
export function defaultUrl(env: Record<string, string | undefined> = process.env): string {
  return `http://127.0.0.1:${env['CCGATE_HTTP_PORT'] || '8080'}`;
}

export class CliError extends Error {}

/** What went wrong connecting to `origin`, in words (undici's error codes; a name for anything else). */
function connectionProblem(err: unknown, origin: string): string {
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused at ${origin}: is the gateway running there? (--url)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${origin} does not resolve (--url)`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `${origin} did not answer within 10 s`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${origin} closed the connection without an answer`;
    default:
      return `no gateway answers at ${origin} (${code ?? (err as Error).message}); is it running? (--url)`;
  }
}

/**
 * One control API call; resolves with the JSON answer, throws CliError with a one-line reason. undici's request
 * rather than fetch: fetch refuses the "bad ports" of the Fetch standard (1, 9, …) with a bare TypeError.
 */
export async function callApi(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new CliError(`--url must be an absolute http(s) URL, got "${base}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--url must be an absolute http(s) URL, got "${base}"`);
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw new CliError(connectionProblem(err, url.origin));
  }
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    throw new CliError(`${method} ${url.pathname}: HTTP ${status}, not a JSON answer`);
  }
  if (status >= 300) {
    const e = json as { error?: string; message?: string } | null;
    throw new CliError(`${method} ${url.pathname}: HTTP ${status} ${e?.error ?? ''}${e?.message ? `: ${e.message}` : ''}`.trim());
  }
  return json;
}

export function print(json: unknown): void {
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

export async function stateCommand(opts: { url: string }): Promise<void> {
  print(await callApi(opts.url, 'GET', 'api/v1/state'));
}

export interface TrafficStartOptions {
  url: string;
  callsPerMinute: number;
  handleSeconds: number;
  queue?: string[];
  patienceSeconds?: number;
}

export async function trafficStart(opts: TrafficStartOptions): Promise<void> {
  const body = {
    callsPerMinute: opts.callsPerMinute,
    handleSeconds: opts.handleSeconds,
    ...(opts.queue && opts.queue.length > 0 ? { queues: opts.queue } : {}),
    ...(opts.patienceSeconds !== undefined ? { patienceSeconds: opts.patienceSeconds } : {}),
  };
  print(await callApi(opts.url, 'POST', 'api/v1/traffic', body));
}

export async function trafficStop(opts: { url: string }): Promise<void> {
  print(await callApi(opts.url, 'DELETE', 'api/v1/traffic'));
}

interface ScenarioRun {
  scenarioId?: string;
  steps: number;
  done: number;
  results: { ok: boolean }[];
}

/**
 * Posts a scenario file (`{"name"?, "steps":[…]}`); with `wait`, follows its progress until every step has run and
 * fails (exit 1) when a step failed.
 */
export async function scenarioCommand(file: string, opts: { url: string; wait?: boolean }): Promise<void> {
  let scenario: unknown;
  try {
    scenario = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const started = (await callApi(opts.url, 'POST', 'api/v1/scenarios', scenario)) as { scenarioId: string; steps: number };
  if (!opts.wait) {
    print(started);
    return;
  }
  // A remote gateway has no push channel for scenario progress: ask every 200 ms (a client of a remote API).
  for (;;) {
    const run = (await callApi(opts.url, 'GET', `api/v1/scenarios/${encodeURIComponent(started.scenarioId)}`)) as ScenarioRun;
    if (run.done >= run.steps) {
      print(run);
      if (run.results.some((r) => !r.ok)) throw new CliError('scenario: some steps failed (see results)');
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
