/**
 * Name-constraint matching per name form (RFC 5280 4.2.1.10). Names and constraints that are not well
 * formed never match a permitted subtree and always count as excluded: fail closed.
 * @module
 */

// A host name label: letters, digits, hyphens, not at either end, 1-63 characters (RFC 1034 3.5, 5280 4.2.1.6).
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `true` for a syntactically valid host name (lowercase it first); `*` as the whole first label when `wildcard`. */
export function isHostName(name: string, wildcard = false): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  return labels.every((label, i) => LABEL.test(label) || (wildcard && i === 0 && label === '*' && labels.length > 2));
}

/** `name` is `base` or under it ("host.example.com" is within "example.com", "myexample.com" is not). */
export function dnsWithin(name: string, base: string): boolean {
  return base === '' || name === base || name.endsWith('.' + base);
}

/**
 * A dNSName against a dNSName subtree. A wildcard name `*.example.com` stands for every name one label
 * under example.com: it is permitted only if all of them are, and excluded if any of them is (the
 * CVE-2025-61727 reading: a wildcard must not slip past an exclusion of one of its instances).
 */
export function dnsMatches(name: string, base: string, excluded: boolean): boolean {
  if (!name.startsWith('*.')) return dnsWithin(name, base);
  const parent = name.slice(2);
  // Every instance `x.parent` is under `base` exactly when `parent` is.
  if (dnsWithin(parent, base)) return true;
  if (!excluded) return false;
  // Some instance is under `base` when base is exactly one label below parent.
  return base.endsWith('.' + parent) && !base.slice(0, -parent.length - 1).includes('.');
}

/** A parsed mailbox `local@domain`, or `undefined` when it is not one. */
export function parseMailbox(text: string): { local: string; domain: string } | undefined {
  const at = text.indexOf('@');
  if (at <= 0 || at !== text.lastIndexOf('@')) return undefined;
  const domain = text.slice(at + 1).toLowerCase();
  return isHostName(domain) ? { local: text.slice(0, at), domain } : undefined;
}

/** An rfc822Name constraint: a mailbox, a host, or `.domain` for every host under it. */
export type EmailSubtree = { readonly mailbox: { local: string; domain: string } } | { readonly host: string; readonly sub: boolean };

/** A mailbox against an rfc822Name subtree: local part case-sensitive, domain not (RFC 5280 7.5). */
export function emailMatches(mailbox: { local: string; domain: string }, subtree: EmailSubtree): boolean {
  if ('mailbox' in subtree) return subtree.mailbox.local === mailbox.local && subtree.mailbox.domain === mailbox.domain;
  return subtree.sub ? mailbox.domain.endsWith('.' + subtree.host) : mailbox.domain === subtree.host;
}

const URI_WITH_AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;
// RFC 3986 3.2: an authority holds unreserved characters, %HH, sub-delims, ':' and one '@' (userinfo),
// with '[' ']' only around an IP literal. Anything else (a backslash above all, which WHATWG URL parsing
// reads as a path separator) makes parsers disagree about the host, so such a URI has no host here.
const AUTHORITY = /^(?:([a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(\[[0-9a-f:.]+\]|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(:[0-9]*)?$/i;

/** A URI with an authority, split per RFC 3986. */
export interface UriParts {
  /** `scheme://` as written. */
  readonly scheme: string;
  /** `userinfo@` as written, or `''`. */
  readonly userinfo: string;
  /** The host as written (an IP literal keeps its brackets). */
  readonly host: string;
  /** `:port`, path, query and fragment as written. */
  readonly tail: string;
}

/**
 * Splits a URI that has an authority (`scheme://...`).
 * @returns `undefined` without an authority; `null` when the authority is not RFC 3986 syntax (such a URI
 *   never satisfies a name constraint or a matcher).
 */
export function splitUri(uri: string): UriParts | null | undefined {
  const whole = URI_WITH_AUTHORITY.exec(uri);
  if (whole === null) return undefined;
  const [, scheme, authority, rest] = whole as unknown as [string, string, string, string];
  const parts = AUTHORITY.exec(authority);
  if (parts === null) return null;
  const host = parts[2] ?? '';
  const userinfo = authority.slice(0, authority.length - host.length - (parts[3]?.length ?? 0));
  return { scheme, userinfo, host, tail: (parts[3] ?? '') + rest };
}

/** The host of a URI with an authority, lowercased; `undefined` without one, for an IP literal or a malformed authority. */
export function uriHost(uri: string): string | undefined {
  const parts = splitUri(uri);
  if (!parts || parts.host.startsWith('[')) return undefined;
  const host = parts.host.toLowerCase();
  return isHostName(host) ? host : undefined;
}

/** A URI host against a uniformResourceIdentifier subtree (`host` exactly, or `.domain` for hosts under it). */
export function uriMatches(host: string, subtree: { host: string; sub: boolean }): boolean {
  return subtree.sub ? host.endsWith('.' + subtree.host) : host === subtree.host;
}

/** An iPAddress (4 or 16 bytes) against an address + mask subtree of the same family. */
export function ipMatches(addr: Uint8Array, subtree: { addr: Uint8Array; mask: Uint8Array }): boolean {
  if (addr.length !== subtree.addr.length) return false;
  for (let i = 0; i < addr.length; i++) {
    if ((addr[i]! & subtree.mask[i]!) !== (subtree.addr[i]! & subtree.mask[i]!)) return false;
  }
  return true;
}

/** `true` when `mask` is a CIDR mask: ones, then zeros. */
export function isCidrMask(mask: Uint8Array): boolean {
  let zero = false;
  for (const byte of mask) {
    for (let bit = 0x80; bit > 0; bit >>= 1) {
      if (byte & bit) {
        if (zero) return false;
      } else {
        zero = true;
      }
    }
  }
  return true;
}

/** A directory name (canonical RDN keys, DER order) within a subtree: the subtree's RDNs are its prefix. */
export function dnWithin(rdns: readonly string[], base: readonly string[]): boolean {
  if (base.length > rdns.length) return false;
  return base.every((rdn, i) => rdns[i] === rdn);
}
