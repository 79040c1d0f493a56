/**
 * Canonical text for IP addresses, so that `2001:DB8:0:0::1`, `2001:db8::1` and `2001:0db8::0:1` compare equal,
 * and an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) equals its IPv4 form.
 * Shared by the SAN reader (`ipFromBytes`) and the matchers (`canonicalIp`).
 * @module
 */
import { isIP } from 'node:net';

/**
 * Canonical text of an IP address: dotted-quad IPv4 as given, IPv6 in RFC 5952 form (lowercase, no leading
 * zeros, longest run of two or more zero groups shortened to `::`, the first one on a tie), and IPv4-mapped
 * IPv6 addresses (`::ffff:a.b.c.d`) as plain IPv4.
 * @returns `undefined` when `text` is not an IP address (Node's `isIP` rejects leading zeros in IPv4 and
 *   brackets); a zone identifier (`fe80::1%eth0`) is refused as well, since a certificate cannot carry one.
 */
export function canonicalIp(text: string): string | undefined {
  const kind = isIP(text);
  if (kind === 4) return text;
  if (kind !== 6 || text.includes('%')) return undefined;
  const groups = ipv6Groups(text);
  if (groups === undefined) return undefined;
  if (isV4Mapped(groups)) return v4FromGroups(groups[6] ?? 0, groups[7] ?? 0);
  return formatIpv6(groups);
}

/**
 * Text of an iPAddress SAN (4 or 16 octets): dotted IPv4, or RFC 5952 IPv6 (an IPv4-mapped address keeps
 * RFC 5952's mixed form `::ffff:192.0.2.1`, since the certificate does hold a 16-octet address).
 * @returns `undefined` for any other length (address-plus-mask forms belong to name constraints, not SANs).
 */
export function ipFromBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  if (isV4Mapped(groups)) return `::ffff:${v4FromGroups(groups[6] ?? 0, groups[7] ?? 0)}`;
  return formatIpv6(groups);
}

/** The eight 16-bit groups of an IPv6 address already accepted by `isIP`. */
function ipv6Groups(text: string): number[] | undefined {
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    // Embedded dotted IPv4 (`::1.2.3.4`, `::ffff:1.2.3.4`): two groups.
    const bytes = last.split('.').map(Number);
    tail.push(((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0), ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0));
    const prefix = body.slice(0, lastColon + 1);
    body = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const missing = 8 - tail.length - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  return [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
}

function isV4Mapped(groups: readonly number[]): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}

function v4FromGroups(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** RFC 5952 section 4 text form of eight groups. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1; // a single zero group is never shortened (RFC 5952 4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
