/**
 * Delivery of IciEvents to appUrls through the notifier: one subscriber per URL, so events to one URL go in order,
 * each after CRM has answered the one before or after SOAP_WAIT_MS (seed 002 §4.2, `ici.soapWaitMs`, 250 ms) without
 * that answer, whichever comes first; each waits for its own answer up to SOAP_TIMEOUT_MS (`ici.soapTimeoutMs`). One
 * slow CRM never holds up another.
 *
 * How CRM's answer is judged (`checkCrmAnswer`): `<…Response>` (any 2xx without a Fault) is delivered; a Fault whose
 * detail is an ICI SoapException is counted as failed and retried only when its `errorRetry` is true (otherwise the
 * event is dropped, counted, and the next one goes); a Fault without one is retried when its faultcode is Server and
 * dropped otherwise. No answer, a timeout, a connection error or any other 5xx is retried with backoff
 * (`notify.*`); a URL that stays unreachable is cancelled by the notifier and its subscriptions end (the interface's
 * `onCancelled`, logged with the reason).
 */
import type { Logger } from 'pino';
import type { AnswerCheck, HttpMessage, Notifier, Subscriber, SubscriberHealth } from '../../notify/index.js';
import { child, parseXmlText, path, textOf, type XmlElement } from '../../xml/index.js';
import type { IciEventMessage } from './events.js';

const FAULT = /<(?:[A-Za-z_][\w.-]*:)?Fault[\s/>]/;

function findFault(el: XmlElement): XmlElement | undefined {
  return path(el, 'Body', 'Fault') ?? child(child(el, 'Body'), 'Fault');
}

/** See the file comment. Never throws: an answer that cannot be read is judged by its HTTP status. */
export const checkCrmAnswer: AnswerCheck = (answer) => {
  if (!FAULT.test(answer.body)) return true;
  let fault: XmlElement | undefined;
  try {
    fault = findFault(parseXmlText(answer.body, { maxBytes: 64 * 1024 }));
  } catch {
    return 'unreadable SOAP fault';
  }
  if (fault === undefined) return true;
  const codes = child(child(fault, 'detail', 'Detail'), 'IciErrorCodes', 'SoapException');
  if (codes !== undefined) {
    const text = `ICI fault ${textOf(codes, 'areaCode') ?? '?'}/${textOf(codes, 'errorCode') ?? '?'}${textOf(codes, 'errorText') ? `: ${textOf(codes, 'errorText')?.slice(0, 200)}` : ''}`;
    // §1.2 SoapException errorRetry: the sender may send it again only when CRM says so.
    return (textOf(codes, 'errorRetry') ?? '').toLowerCase() === 'true' ? text : { reason: text, retry: false };
  }
  const faultcode = (textOf(fault, 'faultcode') ?? textOf(child(fault, 'Code'), 'Value') ?? '').replace(/^.*:/, '');
  const text = `SOAP fault ${faultcode || '(no code)'}`;
  return faultcode === 'Server' || faultcode === 'Receiver' ? text : { reason: text, retry: false };
};

export interface TargetsDeps {
  notifier: Notifier;
  log: Logger;
  soapTimeoutMs: number;
  /** SOAP_WAIT_MS (0: the next event waits for the answer however long it takes). */
  soapWaitMs: number;
  /** The notifier gave a URL up: the interface ends its subscriptions and may return a last message for it. */
  onCancelled(target: string, reason: string): HttpMessage | undefined;
}

/** How long the last message to a URL nobody subscribes to any more may take before its subscriber is removed. */
const RETIRE_MS = 10_000;
/** IciEvent names no SOAPAction (§7.1); SOAP 1.1 §6.1.1 `""` means the request URI. */
const HEADERS: Readonly<Record<string, string>> = { soapaction: '""' };

export function subscriberId(target: string): string {
  return `ici:${target}`;
}

/** The notifier subscribers of the appUrls ICI posts to. */
export class Targets {
  private readonly subscribers = new Map<string, Subscriber>();

  constructor(private readonly deps: TargetsDeps) {}

  /** The URL's subscriber, made (or remade after a cancellation) when needed. */
  open(target: string): Subscriber {
    const existing = this.subscribers.get(target);
    if (existing !== undefined && existing.health().state !== 'cancelled') return existing;
    const sub = this.deps.notifier.addHttp({
      id: subscriberId(target),
      interfaceName: 'ici',
      url: target,
      policy: { attemptTimeoutMs: this.deps.soapTimeoutMs, sendNextAfterMs: this.deps.soapWaitMs },
      check: checkCrmAnswer,
      onCancel: (reason) => this.deps.onCancelled(target, reason),
    });
    this.subscribers.set(target, sub);
    return sub;
  }

  /** Queues an event for the URL's appIds; false when it was not accepted (the URL was cancelled or overflowed). */
  send(target: string, appIds: readonly string[], msg: IciEventMessage): boolean {
    const sub = this.subscribers.get(target);
    if (sub === undefined) return false;
    // Encoded here once: undici would encode a string body anyway, and the queue's byte count then reads its length.
    return sub.enqueue({ body: Buffer.from(msg.render(appIds), 'utf8'), label: msg.name, headers: HEADERS });
  }

  /** Nobody subscribes at the URL any more: its subscriber goes once what is queued (a goodbye) is delivered. */
  release(target: string): void {
    const sub = this.subscribers.get(target);
    if (sub === undefined) return;
    this.subscribers.delete(target);
    void this.deps.notifier.removeWhenDrained(sub.id, RETIRE_MS);
  }

  /** Forgets a cancelled URL's subscriber (it stays visible in the notifier's health until the URL is used again). */
  forget(target: string): void {
    this.subscribers.delete(target);
  }

  health(target: string): SubscriberHealth | undefined {
    return this.subscribers.get(target)?.health();
  }

  healthAll(): SubscriberHealth[] {
    return [...this.subscribers.values()].map((s) => s.health());
  }
}
