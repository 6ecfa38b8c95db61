/** Outbound event delivery: SOAP/HTTP callbacks and UDP datagrams, one ordered bounded queue per subscriber. */
export { DEFAULT_DRAIN_TIMEOUT_MS, Notifier } from './notifier.js';
export type { NotifierOptions, NotifierTls, NotifierTotals } from './notifier.js';
export type { HttpSubscriberOptions } from './http-subscriber.js';
export type { UdpSubscriberOptions } from './udp-subscriber.js';
export { DEFAULT_POLICY, resolvePolicy, backoffDelay } from './policy.js';
export type { DeliveryPolicy } from './policy.js';
export { redactUrl } from './target.js';
export type { Answer, AnswerCheck, AnswerRefusal, HttpMessage, Subscriber, SubscriberHealth, SubscriberState } from './types.js';
