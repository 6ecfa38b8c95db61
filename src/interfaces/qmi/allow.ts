/**
 * Safety allow-lists (qmi.callbackAllow, qmi.rtpAllow). QMI 1.1 says the interface "allows access to the RTP stream of
 * any call" and has no authentication, so ccgate refuses to post events or stream RTP anywhere outside the configured
 * networks. An empty list allows every address; the default (src/config/schema.ts) is loopback and private ranges.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressCheck } from '../../net/cidr.js';

/** The host of a URL without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export type CallbackVerdict = { ok: true } | { ok: false; reason: string };

const LOOKUP_TIMEOUT_MS = 5000;

/**
 * Every address the callback host resolves to must be allowed (a name that also resolves to a public address is
 * refused). Resolution failure is a refusal too: an address that cannot be checked is not used.
 */
export async function checkCallbackHost(host: string, allowed: AddressCheck): Promise<CallbackVerdict> {
  if (isIP(host) !== 0) return allowed(host) ? { ok: true } : { ok: false, reason: `callback address ${host} is not in qmi.callbackAllow` };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), LOOKUP_TIMEOUT_MS);
      timer.unref();
    });
    const addresses = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    if (addresses.length === 0) return { ok: false, reason: `callback host ${host} has no address` };
    const refused = addresses.find((a) => !allowed(a.address));
    if (refused) return { ok: false, reason: `callback host ${host} resolves to ${refused.address}, not in qmi.callbackAllow` };
    return { ok: true };
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : err instanceof Error ? err.message : 'error';
    return { ok: false, reason: `callback host ${host} could not be resolved (${code})` };
  } finally {
    clearTimeout(timer);
  }
}
