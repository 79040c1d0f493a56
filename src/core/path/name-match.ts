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

const URI_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

/** The host of a URI with an authority, lowercased; `undefined` without one or for an IP literal. */
export function uriHost(uri: string): string | undefined {
  const authority = URI_AUTHORITY.exec(uri)?.[1];
  if (authority === undefined) return undefined;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) return undefined;
  const host = hostPort.replace(/:[0-9]*$/, '').toLowerCase();
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
