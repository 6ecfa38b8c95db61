/**
 * The callback-address check every interface that posts to a client-supplied URL uses (QMI's CallbackUrl, ICI's
 * appUrl): the URL must be http(s), and every address its host stands for must be in the interface's allow-list.
 * QMI 1.1 says the interface has no authentication and "allows access to the RTP stream of any call", and a
 * gateway that posts wherever a client says is a request-forgery relay, so by default only loopback and private
 * networks are allowed.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressCheck } from './cidr.js';

/**
 * Loopback and private networks (RFC 1918, RFC 4193): the default allow-list for callbacks and RTP destinations.
 * Link-local (169.254.0.0/16, where cloud metadata services live) and public addresses need explicit configuration.
 */
export const LOCAL_NETWORKS = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] as const;

/** An interface's callback allow-list: the predicate and the setting it came from, which refusals name. */
export interface CallbackAllowList {
  readonly allowed: AddressCheck;
  /** The setting, e.g. `qmi.callbackAllow`. */
  readonly key: string;
}

export type CallbackVerdict = { ok: true } | { ok: false; reason: string };

/** A callback URL that can never be used (not absolute, not http or https); the message never echoes the URL. */
export class CallbackUrlError extends Error {}

export interface CallbackTarget {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  /** The host is an IP literal: it can be checked at once, without resolving. */
  literal: boolean;
}

/** The host of a URL without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Parses a callback URL. Throws CallbackUrlError when it is not an absolute http or https URL, or carries userinfo. */
export function parseCallbackUrl(raw: string, name = 'CallbackUrl'): CallbackTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CallbackUrlError(`${name} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CallbackUrlError(`${name} must be an http or https URL`);
  // RFC 9110 §4.2.4: userinfo in an http(s) URI is deprecated; a password there would be stored, logged and shown
  // (state, health) like any part of the URL. Refused rather than redacted.
  if (url.username !== '' || url.password !== '') throw new CallbackUrlError(`${name} must not carry credentials (user:password@)`);
  const host = urlHost(url);
  return { url, host, literal: isIP(host) !== 0 };
}

/** The check of an IP literal, synchronous: a refusal can be the answer to the request that named it. */
export function checkCallbackAddress(address: string, list: CallbackAllowList): CallbackVerdict {
  return list.allowed(address) ? { ok: true } : { ok: false, reason: `callback address ${address} is not in ${list.key}` };
}

const LOOKUP_TIMEOUT_MS = 5000;

/**
 * Every address the callback host resolves to must be allowed (a name that also resolves to a public address is
 * refused). Resolution failure, or no answer within 5 s, is a refusal too: an address that cannot be checked is not
 * used. An IP literal is checked without resolving. Never rejects.
 */
export async function checkCallbackHost(host: string, list: CallbackAllowList): Promise<CallbackVerdict> {
  if (isIP(host) !== 0) return checkCallbackAddress(host, list);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), LOOKUP_TIMEOUT_MS);
      timer.unref();
    });
    const addresses = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    if (addresses.length === 0) return { ok: false, reason: `callback host ${host} has no address` };
    const refused = addresses.find((a) => !list.allowed(a.address));
    if (refused) return { ok: false, reason: `callback host ${host} resolves to ${refused.address}, not in ${list.key}` };
    return { ok: true };
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : err instanceof Error ? err.message : 'error';
    return { ok: false, reason: `callback host ${host} could not be resolved (${code})` };
  } finally {
    clearTimeout(timer);
  }
}
