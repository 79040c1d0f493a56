/**
 * Canonical text for IP addresses, so that `2001:DB8:0:0::1`, `2001:db8::1` and `2001:0db8::0:1` compare equal.
 * Shared by the SAN reader (`ipFromBytes`) and the matchers (`canonicalIp`). An IPv4-mapped IPv6 SAN
 * (`::ffff:192.0.2.1`) stays an IPv6 address, as name constraints treat it (RFC 5280 and OpenSSL compare
 * iPAddress constraints per family), so a matcher never grants it what a constraint on IPv4 did not check.
 * Client socket addresses, where dual-stack servers report IPv4 peers in mapped form, use `canonicalPeerIp`.
 * @module
 */
import { isIP } from 'node:net';

/**
 * Canonical text of an IP address: dotted-quad IPv4 as given, IPv6 in RFC 5952 form (lowercase, no leading
 * zeros, longest run of two or more zero groups shortened to `::`, the first one on a tie), IPv4-mapped IPv6
 * addresses in RFC 5952's mixed form `::ffff:a.b.c.d`.
 * @returns `undefined` when `text` is not an IP address (Node's `isIP` rejects leading zeros in IPv4 and
 *   brackets); a zone identifier (`fe80::1%eth0`) is refused as well, since a certificate cannot carry one.
 */
export function canonicalIp(text: string): string | undefined {
  const kind = isIP(text);
  if (kind === 4) return text;
  if (kind !== 6 || text.includes('%')) return undefined;
  const groups = ipv6Groups(text);
  if (groups === undefined) return undefined;
  if (isV4Mapped(groups)) return `::ffff:${v4FromGroups(groups[6] ?? 0, groups[7] ?? 0)}`;
  return formatIpv6(groups);
}

/**
 * Canonical text of a client's socket address: as {@link canonicalIp}, except that an IPv4-mapped address
 * (how a dual-stack server reports an IPv4 peer) is the IPv4 address it carries.
 */
export function canonicalPeerIp(text: string): string | undefined {
  const ip = canonicalIp(text);
  return ip?.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
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
