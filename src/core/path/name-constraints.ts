/**
 * nameConstraints (RFC 5280 4.2.1.10, 6.1.3 (b)-(c), 6.1.4 (g)): parsing and checking. Supported forms:
 * dNSName, rfc822Name, uniformResourceIdentifier, iPAddress, directoryName. A constraint on any other form
 * (otherName, x400Address, ediPartyName, registeredID) refuses every certificate that carries a name of
 * that form (we cannot evaluate it, so we fail closed); certificates without such names are unaffected.
 * @module
 */
import { DerError, TAG, children, type Tlv } from '../der/der.js';
import { decodeGeneralName, type GeneralName } from './general-names.js';
import { dnWithin, dnsMatches, emailMatches, ipMatches, isCidrMask, isHostName, parseMailbox, uriHost, uriMatches,
  type EmailSubtree } from './name-match.js';
import { readWhole } from '../der/x509.js';

/** One parsed GeneralSubtree base. */
export type Subtree =
  | { readonly kind: 'dns'; readonly base: string }
  | { readonly kind: 'email'; readonly email: EmailSubtree }
  | { readonly kind: 'uri'; readonly host: string; readonly sub: boolean }
  | { readonly kind: 'ip'; readonly addr: Uint8Array; readonly mask: Uint8Array }
  | { readonly kind: 'dn'; readonly rdns: readonly string[] }
  | { readonly kind: 'other' | 'x400' | 'edi' | 'rid' };

/** A parsed nameConstraints extension. */
export interface NameConstraints {
  readonly permitted: readonly Subtree[];
  readonly excluded: readonly Subtree[];
}

function hostSubtree(text: string): { host: string; sub: boolean } {
  const sub = text.startsWith('.');
  const host = (sub ? text.slice(1) : text).toLowerCase();
  if (!isHostName(host)) throw new DerError('malformed host name constraint');
  return { host, sub };
}

function toSubtree(name: GeneralName): Subtree {
  switch (name.kind) {
    case 'dns': {
      // RFC 5280 4.2.1.10 allows only a host name here: no leading period, no wildcard (OpenSSL is laxer).
      const base = name.value.toLowerCase();
      if (base !== '' && !isHostName(base)) throw new DerError('malformed dNSName constraint');
      return { kind: 'dns', base };
    }
    case 'email': {
      if (!name.value.includes('@')) return { kind: 'email', email: hostSubtree(name.value) };
      const mailbox = parseMailbox(name.value);
      if (!mailbox) throw new DerError('malformed rfc822Name constraint');
      return { kind: 'email', email: { mailbox } };
    }
    case 'uri':
      return { kind: 'uri', ...hostSubtree(name.value) };
    case 'ip': {
      const half = name.value.length / 2;
      if (half !== 4 && half !== 16) throw new DerError('iPAddress constraint is not address + mask');
      const mask = name.value.subarray(half);
      if (!isCidrMask(mask)) throw new DerError('iPAddress constraint mask is not CIDR');
      return { kind: 'ip', addr: name.value.subarray(0, half), mask };
    }
    case 'dn':
      return { kind: 'dn', rdns: name.rdns };
    default:
      return { kind: name.kind };
  }
}

function readSubtrees(der: Uint8Array, wrapper: Tlv): Subtree[] {
  const list = children(der, wrapper);
  if (list.length === 0) throw new DerError('empty GeneralSubtrees');
  return list.map((subtree) => {
    const parts = subtree.tag === TAG.SEQUENCE ? children(der, subtree) : [];
    // minimum MUST be zero (DER: absent) and maximum MUST be absent (4.2.1.10): anything else we refuse.
    if (parts.length !== 1) throw new DerError('GeneralSubtree with minimum/maximum is not supported');
    return toSubtree(decodeGeneralName(der, parts[0]!));
  });
}

/** Parses a nameConstraints extension value. Throws `DerError` when malformed or unsupported. */
export function parseNameConstraints(value: Uint8Array): NameConstraints {
  const seq = readWhole(value, TAG.SEQUENCE);
  const parts = children(value, seq);
  let permitted: Subtree[] = [];
  let excluded: Subtree[] = [];
  for (const part of parts) {
    if (part.tag === 0xa0 && permitted.length === 0 && excluded.length === 0) permitted = readSubtrees(value, part);
    else if (part.tag === 0xa1 && excluded.length === 0) excluded = readSubtrees(value, part);
    else throw new DerError('bad nameConstraints');
  }
  // "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (parts.length === 0) throw new DerError('empty nameConstraints');
  return { permitted, excluded };
}

/** One name a certificate asserts, with the subject's emailAddress attributes counted as rfc822Names. */
export type CertName = GeneralName;

function matches(name: CertName, subtree: Subtree, excluded: boolean): boolean {
  switch (name.kind) {
    case 'dns': {
      const host = name.value.toLowerCase();
      if (!isHostName(host, true)) return excluded;
      return subtree.kind === 'dns' && dnsMatches(host, subtree.base, excluded);
    }
    case 'email': {
      const mailbox = parseMailbox(name.value);
      if (!mailbox) return excluded;
      return subtree.kind === 'email' && emailMatches(mailbox, subtree.email);
    }
    case 'uri': {
      const host = uriHost(name.value);
      if (host === undefined) return excluded;
      return subtree.kind === 'uri' && uriMatches(host, subtree);
    }
    case 'ip':
      return subtree.kind === 'ip' && ipMatches(name.value, subtree);
    case 'dn':
      return subtree.kind === 'dn' && dnWithin(name.rdns, subtree.rdns);
    default:
      return excluded; // a form we cannot evaluate: never permitted, always excluded
  }
}

/** A work budget shared by every name-constraint comparison of one path (the nc-dos shapes). */
export interface Budget {
  left: number;
}

/**
 * Checks `names` against one CA's constraints. Returns a description of the first violation, or
 * `undefined`. Throws `RangeError` when the budget runs out: like OpenSSL, the budget is charged
 * names x constraints up front, whatever their forms, so a quadratic shape is refused before any work.
 */
export function violation(nc: NameConstraints, names: readonly CertName[], budget: Budget): string | undefined {
  budget.left -= names.length * (nc.permitted.length + nc.excluded.length);
  if (budget.left < 0) throw new RangeError('name constraint budget exhausted');
  for (const name of names) {
    const excluded = nc.excluded.filter((s) => s.kind === name.kind);
    const permitted = nc.permitted.filter((s) => s.kind === name.kind);
    if (excluded.some((s) => matches(name, s, true))) return `a ${name.kind} name is in an excluded subtree`;
    if (permitted.length > 0 && !permitted.some((s) => matches(name, s, false))) {
      return `a ${name.kind} name is outside the permitted subtrees`;
    }
  }
  return undefined;
}
