/**
 * One HTTP delivery attempt: POST, read a bounded answer, classify it. No retries and no state here; the
 * subscriber decides what a failure means.
 */
import type { Dispatcher } from 'undici';
import type { DeliveryPolicy } from './policy.js';
import type { HttpTarget } from './target.js';
import type { AnswerCheck } from './types.js';

export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'failed'; reason: string }
  /** Stopped from outside (cancel, remove, close): neither a delivery nor a failure. */
  | { kind: 'aborted' };

export interface AttemptRequest {
  dispatcher: Dispatcher;
  target: HttpTarget;
  body: string | Buffer;
  headers: Record<string, string>;
  policy: Pick<DeliveryPolicy, 'attemptTimeoutMs' | 'maxResponseBytes'>;
  check?: AnswerCheck;
  /** Aborted when the subscriber stops; the attempt then ends at once. */
  signal: AbortSignal;
}

export async function attemptDelivery(req: AttemptRequest): Promise<AttemptOutcome> {
  if (req.signal.aborted) return { kind: 'aborted' };
  const { attemptTimeoutMs, maxResponseBytes } = req.policy;
  const controller = new AbortController();
  let timedOut = false;
  // Our own timer rather than AbortSignal.timeout(): it is cleared when the attempt ends, so nothing outlives close().
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, attemptTimeoutMs);
  const onOuterAbort = (): void => controller.abort();
  req.signal.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const response = await req.dispatcher.request({
      origin: req.target.origin,
      path: req.target.path,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      // undici defaults are 300 s each; the attempt timer is the real bound, these only make undici agree with it.
      headersTimeout: attemptTimeoutMs,
      bodyTimeout: attemptTimeoutMs,
    });
    // Always read (bounded) so a keep-alive connection is either reusable or destroyed, never left half-read.
    const body = await readCapped(response.body, maxResponseBytes);
    const status = response.statusCode;
    if (status >= 300 && status < 400) {
      // A redirected callback is a misconfigured subscriber; following it could post events to a third party.
      return { kind: 'failed', reason: `redirect (HTTP ${status}), not followed` };
    }
    const verdict = runCheck(req.check, { status, body, headers: response.headers });
    if (status < 200 || status >= 300) {
      return { kind: 'failed', reason: verdict === true || verdict === null ? `HTTP ${status}` : `HTTP ${status}: ${verdict}` };
    }
    if (verdict === true || verdict === null) return { kind: 'delivered' };
    return { kind: 'failed', reason: verdict };
  } catch (err) {
    if (req.signal.aborted) return { kind: 'aborted' };
    if (timedOut) return { kind: 'failed', reason: `timeout after ${attemptTimeoutMs} ms` };
    return { kind: 'failed', reason: describeError(err) };
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener('abort', onOuterAbort);
  }
}

/** null = no check configured (status decides); a throwing check is a failure, not a crash of the delivery loop. */
function runCheck(check: AnswerCheck | undefined, answer: Parameters<AnswerCheck>[0]): true | string | null {
  if (!check) return null;
  try {
    return check(answer);
  } catch (err) {
    return `answer check threw: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Reads at most `cap` bytes. Leaving the loop early destroys the stream (async-iterator return), which makes undici
 * close that connection instead of draining an arbitrarily large body.
 */
async function readCapped(body: AsyncIterable<Buffer | string>, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const raw of body) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (size + chunk.length > cap) {
      chunks.push(chunk.subarray(0, cap - size));
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

const TIMEOUT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout waiting for response headers',
  UND_ERR_BODY_TIMEOUT: 'timeout reading response body',
};

/** Short, stable reasons for logs and health; never the request URL (it could carry credentials). */
export function describeError(err: unknown): string {
  const code = errorCode(err);
  if (code && TIMEOUT_CODES[code]) return TIMEOUT_CODES[code];
  if (code === 'UND_ERR_SOCKET') return 'connection error: socket closed';
  if (code && /^E[A-Z]+$/.test(code)) return `connection error: ${code}`;
  if (code) return `error: ${code}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
