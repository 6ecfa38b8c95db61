/**
 * One HTTP delivery attempt: POST, read a bounded answer, classify it. No retries and no subscriber state here;
 * the subscriber decides what a failure means.
 *
 * The attempt is its own undici dispatch handler rather than a `request()` call: an event answer is a few hundred
 * bytes, and request()'s response stream, async iteration, AbortSignal plumbing and per-attempt timer cost more main-
 * thread time than the HTTP exchange itself. Here the answer arrives as callbacks, stopping is a direct method call,
 * and the whole-attempt timeout is a deadline on the notifier's shared ticker (see deadlines.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { DeadlineTicker } from './deadlines.js';
import type { FlatHeaders } from './message.js';
import type { DeliveryPolicy } from './policy.js';
import type { HttpTarget } from './target.js';
import type { AnswerCheck } from './types.js';

export type AttemptOutcome =
  | { kind: 'delivered' }
  /**
   * `closedBeforeAnswer`: the connection was reset or closed by the peer before any byte of an answer arrived (on a
   * kept-alive connection this is the peer having closed it already, so the request was never read).
   */
  | { kind: 'failed'; reason: string; closedBeforeAnswer?: boolean }
  /** The receiver answered that this message must not be sent again (AnswerRefusal). */
  | { kind: 'refused'; reason: string }
  /** Stopped from outside (cancel, remove, close): neither a delivery nor a failure. */
  | { kind: 'aborted' };

export interface AttemptRequest {
  dispatcher: Dispatcher;
  target: HttpTarget;
  body: string | Buffer;
  /** Complete request headers, lower-case names; not modified. */
  headers: FlatHeaders;
  policy: Pick<DeliveryPolicy, 'attemptTimeoutMs' | 'maxResponseBytes' | 'pipelining'>;
  check?: AnswerCheck;
  deadlines: DeadlineTicker;
}

const DELIVERED: AttemptOutcome = Object.freeze({ kind: 'delivered' });
const ABORTED: AttemptOutcome = Object.freeze({ kind: 'aborted' });
const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});

export class HttpAttempt implements Dispatcher.DispatchHandler {
  /** Settles exactly once; never rejects. */
  readonly outcome: Promise<AttemptOutcome>;
  readonly deadline: number;
  private readonly req: AttemptRequest;
  private settle!: (outcome: AttemptOutcome) => void;
  private done = false;
  private result: AttemptOutcome | null = null;
  /** undici's handle on the request once it is on a connection; null while it still waits for one. */
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  /** Any byte of an answer (an interim 1xx included) has arrived. */
  private answerStarted = false;
  private headers: IncomingHttpHeaders = NO_HEADERS;
  /** The answer so far: one chunk in the common case, a list only when it arrives in pieces. */
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  private size = 0;

  /** Starts the attempt; `abort()` stops it from outside. */
  static start(req: AttemptRequest): HttpAttempt {
    const attempt = new HttpAttempt(req);
    req.deadlines.add(attempt, req.policy.attemptTimeoutMs);
    req.dispatcher.dispatch(
      {
        origin: req.target.origin,
        path: req.target.path,
        method: 'POST',
        // undici only reads the list (the type wants it mutable).
        headers: req.headers as string[],
        body: req.body,
        // undici defaults are 300 s each. At the attempt timeout they end a silent or stalled answer exactly; the
        // shared ticker is the real bound for the attempt as a whole.
        headersTimeout: req.policy.attemptTimeoutMs,
        bodyTimeout: req.policy.attemptTimeoutMs,
        // undici pipelines only requests marked idempotent (it cannot retry the others itself) and not blocking
        // (a POST is assumed to take long). The subscriber does the retrying, in queue order, and an event answer is
        // immediate, so with pipelining a POST may go behind another.
        idempotent: req.policy.pipelining > 1,
        blocking: req.policy.pipelining === 1,
      },
      attempt,
    );
    return attempt;
  }

  private constructor(req: AttemptRequest) {
    this.req = req;
    this.deadline = DeadlineTicker.now() + req.policy.attemptTimeoutMs;
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** Stopped from outside: settles as aborted at once and drops the connection if the request is on one. */
  abort(): void {
    if (this.done) return;
    this.finish(ABORTED);
    this.controller?.abort(new Error('delivery stopped'));
  }

  /** Deadline passed (called by the ticker). */
  expire(): void {
    if (this.done) return;
    this.finish(this.timeout());
    this.controller?.abort(new Error('attempt timed out'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Stopped or timed out while waiting for a connection: it must not be sent late.
    if (this.done) controller.abort(new Error('attempt already ended'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.answerStarted = true;
    // 1xx are interim answers; the final one follows on the same request.
    if (this.done || statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    const cap = this.req.policy.maxResponseBytes;
    if (this.size + chunk.length > cap) {
      this.append(chunk.subarray(0, cap - this.size));
      this.answered();
      // Closes this connection instead of draining an arbitrarily large body.
      controller.abort(new Error('answer larger than maxResponseBytes'));
      return;
    }
    this.append(chunk);
  }

  onResponseEnd(): void {
    if (!this.done) this.answered();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.done) return;
    const code = errorCode(err);
    // Both are set to the attempt timeout, so either firing means the attempt as a whole took that long.
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') this.finish(this.timeout());
    else if (!this.answerStarted && code !== undefined && CLOSED_BY_PEER.has(code)) this.finish({ kind: 'failed', reason: describeError(err), closedBeforeAnswer: true });
    else this.finish({ kind: 'failed', reason: describeError(err) });
  }

  /** The outcome once settled, null before: read without waiting for the promise. */
  get settled(): AttemptOutcome | null {
    return this.result;
  }

  /** An answer (its status line at least) was received: the connection carried a whole exchange. */
  get hadAnswer(): boolean {
    return this.answerStarted;
  }

  private append(chunk: Buffer): void {
    if (this.first === null) this.first = chunk;
    else (this.rest ??= []).push(chunk);
    this.size += chunk.length;
  }

  private answered(): void {
    const status = this.status;
    const body = this.bodyText();
    if (status >= 300 && status < 400) {
      // A redirected callback is a misconfigured subscriber; following it could post events to a third party.
      this.finish({ kind: 'failed', reason: `redirect (HTTP ${status}), not followed` });
      return;
    }
    const verdict = runCheck(this.req.check, { status, body, headers: this.headers });
    if (typeof verdict === 'object' && verdict !== null) {
      this.finish({ kind: 'refused', reason: status >= 200 && status < 300 ? verdict.reason : `HTTP ${status}: ${verdict.reason}` });
    } else if (status < 200 || status >= 300) {
      const reason = verdict === true || verdict === null ? `HTTP ${status}` : `HTTP ${status}: ${verdict}`;
      this.finish({ kind: 'failed', reason });
    } else if (verdict === true || verdict === null) {
      this.finish(DELIVERED);
    } else {
      this.finish({ kind: 'failed', reason: verdict });
    }
  }

  private bodyText(): string {
    if (this.first === null) return '';
    if (this.rest === null) return this.first.toString('utf8');
    return Buffer.concat([this.first, ...this.rest], this.size).toString('utf8');
  }

  private timeout(): AttemptOutcome {
    return { kind: 'failed', reason: `timeout after ${this.req.policy.attemptTimeoutMs} ms` };
  }

  private finish(outcome: AttemptOutcome): void {
    if (this.done) return;
    this.done = true;
    this.result = outcome;
    this.req.deadlines.delete(this);
    // The answer is classified; the chunks need not live as long as the settled promise.
    this.first = null;
    this.rest = null;
    this.settle(outcome);
  }
}

/** null = no check configured (status decides); a throwing check is a failure, not a crash of the delivery loop. */
function runCheck(check: AnswerCheck | undefined, answer: Parameters<AnswerCheck>[0]): ReturnType<AnswerCheck> | null {
  if (!check) return null;
  try {
    return check(answer);
  } catch (err) {
    return `answer check threw: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * How a peer's close of an idle keep-alive connection shows when a request is written to it anyway: a reset (RST
 * answering the data), a broken pipe, or undici seeing the socket end with the request outstanding.
 */
const CLOSED_BY_PEER = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

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
