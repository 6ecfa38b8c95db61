/** IP allow-lists from CIDR ranges (ipaddr.js), shared by the per-interface client lists and QMI's target lists. */
import ipaddr from 'ipaddr.js';

export type AddressCheck = (ip: string) => boolean;

/**
 * A predicate for "this address is in one of the ranges". An empty list allows every address. A bare address is a
 * single-host range. A bad entry throws, naming the setting (`key`) and the entry.
 */
export function compileCidrs(cidrs: readonly string[], key: string): AddressCheck {
  if (cidrs.length === 0) return () => true;
  const ranges = cidrs.map((c) => {
    try {
      return ipaddr.parseCIDR(c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`);
    } catch {
      throw new Error(`${key}: "${c}" is not an address or CIDR range`);
    }
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
