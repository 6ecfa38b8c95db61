/** IP allow-lists from CIDR ranges (ipaddr.js), shared by the per-interface client lists and the callback checks. */
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../config/errors.js';

/** true when `ip` (an IPv4 or IPv6 literal) may be used. */
export type AddressCheck = (ip: string) => boolean;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A CIDR range, or a bare address as a single-host range; undefined when `text` is neither. */
function parseRange(text: string): Range | undefined {
  try {
    return ipaddr.parseCIDR(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  } catch {
    return undefined;
  }
}

/** Whether `text` is an address or a CIDR range compileCidrs() accepts (the config schema checks entries with it). */
export function isCidr(text: string): boolean {
  return parseRange(text) !== undefined;
}

/**
 * A predicate for "this address is in one of the ranges". An empty list allows every address. A bare address is a
 * single-host range. A bad entry throws ConfigError naming the setting (`key`, e.g. `allow.qmi`) and the entry.
 */
export function compileCidrs(cidrs: readonly string[], key: string): AddressCheck {
  if (cidrs.length === 0) return () => true;
  const ranges = cidrs.map((c) => {
    const range = parseRange(c);
    if (!range) throw new ConfigError(key, `"${c}" is not an address or CIDR range`);
    return range;
  });
  return (ip) => {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      // process(): an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it is.
      addr = ipaddr.process(ip);
    } catch {
      return false;
    }
    return ranges.some(([range, bits]) => addr.kind() === range.kind() && addr.match([range, bits] as [typeof addr, number]));
  };
}
