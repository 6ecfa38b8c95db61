/**
 * Where a subscription's events go (seed 002 §4.4): the appUrl CRM sent, rewritten by OII.MapSubscribeUrl
 * (`ici.mapSubscribeUrl`: "<subscribed host:port>, <real host:port>[, …]", §4.4.1) or, for an IP address,
 * OII.ReverseDnsSubscribeUrl (`ici.reverseDnsSubscribeUrl`: its reverse-DNS name, for HTTPS certificates, §4.4.2),
 * then checked with the callback-address check every interface uses (src/net/callback.ts): http(s) only, every
 * address of its host in `ici.appUrlAllow`. A refusal answers the subscribe with a fault and changes nothing.
 */
import { reverse } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CallbackUrlError, checkCallbackHost, parseCallbackUrl, urlHost, type CallbackAllowList } from '../../net/callback.js';
import { IciError, ICI_ERRORS } from './faults.js';

/** `ici.mapSubscribeUrl` as pairs, `host:port` (lower case) → `host:port`. */
export function parseUrlMap(value: string): Map<string, string> {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) map.set((parts[i] as string).toLowerCase(), parts[i + 1] as string);
  return map;
}

export interface AppUrlSettings {
  map: ReadonlyMap<string, string>;
  reverseDns: boolean;
  allow: CallbackAllowList;
  /** Tests replace DNS. */
  lookupName?: (ip: string) => Promise<string | undefined>;
  checkHost?: typeof checkCallbackHost;
}

const REVERSE_TIMEOUT_MS = 5000;

async function reverseName(ip: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), REVERSE_TIMEOUT_MS);
    timer.unref();
  });
  try {
    const names = await Promise.race([reverse(ip), timeout]);
    return names?.[0];
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The URL events for `appUrl` are posted to; throws IciError (area 2, appUrl refused) when it may not be used. */
export async function resolveTarget(appUrl: string, s: AppUrlSettings): Promise<string> {
  let url: URL;
  try {
    url = parseCallbackUrl(appUrl, 'appUrl').url;
  } catch (err) {
    if (err instanceof CallbackUrlError) throw new IciError(ICI_ERRORS.appUrlRefused, err.message);
    throw err;
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const mapped = s.map.get(`${url.hostname}:${port}`.toLowerCase());
  if (mapped !== undefined) {
    url.host = mapped;
  } else if (s.reverseDns && isIP(urlHost(url)) !== 0) {
    const name = await (s.lookupName ?? reverseName)(urlHost(url));
    if (name !== undefined && name !== '') url.hostname = name;
  }
  const verdict = await (s.checkHost ?? checkCallbackHost)(urlHost(url), s.allow);
  if (!verdict.ok) throw new IciError(ICI_ERRORS.appUrlRefused, verdict.reason);
  return url.href;
}
