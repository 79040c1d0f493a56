/**
 * Canonical forms used when a matcher's exact string is compared with a certificate value. Each field has a
 * canonicaliser for the configured string (which may be refused, with a hint) and one for the certificate's value
 * (which never throws: a value that cannot be canonicalised simply never equals anything).
 * @module
 */
import { canonicalIp } from '../der/ip.js';
import { normalizeSerial } from '../der/serial.js';
import { splitUri } from '../path/name-match.js';

/** How one field's exact strings are compared. */
export interface Canon {
  /** Canonical form of a configured string, or `undefined` when it is not a valid value of the field. */
  readonly config: (value: string) => string | undefined;
  /** Canonical form of a certificate's value, or `undefined` when it can equal nothing. */
  readonly cert: (value: string) => string | undefined;
  /** The fix shown when {@link Canon.config} refuses a string. */
  readonly hint: string;
}

const same = (value: string): string => value;

// ASCII-only case folding: String#toLowerCase would fold look-alikes such as U+212A KELVIN SIGN into "k".
const asciiLower = (value: string): string => value.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** Exact, case-sensitive comparison (DN attributes): no normalisation, so `ｃlientA` never equals `clientA`. */
export const EXACT: Canon = { config: same, cert: same, hint: '' };

/** Serial numbers as numbers: case, colons, spaces and leading zeros do not matter. */
export const SERIAL: Canon = {
  config: normalizeSerial,
  cert: normalizeSerial,
  hint: 'give the serial number in hex, as `openssl x509 -noout -serial` prints it (colons allowed)',
};

function normalizeFingerprint(value: string): string | undefined {
  const hex = value.replace(/[:\s]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}

/** SHA-256 fingerprints: case and colons do not matter; anything but 32 bytes of hex is refused. */
export const FINGERPRINT: Canon = {
  config: normalizeFingerprint,
  cert: normalizeFingerprint,
  hint: 'give the SHA-256 fingerprint (64 hex digits, colons allowed), as `openssl x509 -noout -fingerprint -sha256` prints it',
};

/** DNS names: case-insensitive (RFC 5280 4.2.1.6), ASCII only; a `*.` label compares literally. */
export const DNS: Canon = {
  config: (value) => (/^[\x21-\x7e]+$/.test(value) ? asciiLower(value) : undefined),
  cert: asciiLower,
  hint: 'give a DNS name in ASCII (IDNs in their xn-- form)',
};

function canonicalEmail(value: string): string | undefined {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return undefined;
  // RFC 5280 7.5: the local part is case-sensitive, the domain is not.
  return value.slice(0, at) + '@' + asciiLower(value.slice(at + 1));
}

/** rfc822Name SANs: exact local part, case-insensitive domain. */
export const EMAIL: Canon = {
  config: canonicalEmail,
  cert: canonicalEmail,
  hint: 'give a full mailbox such as `ops@example.com` (a bare domain is not supported; use a RegExp)',
};

/**
 * Lowercases the scheme and the host of a URI, nothing else: paths, queries and user info stay exact because
 * `new URL()`'s normalisation (dot segments, percent-encoding, default ports) would make distinct SANs equal.
 */
function canonicalUri(value: string): string | undefined {
  const parts = splitUri(value);
  if (parts === null) return undefined; // an authority parsers disagree on never matches
  if (parts === undefined) {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(value)?.[0];
    return scheme === undefined ? undefined : asciiLower(scheme) + value.slice(scheme.length);
  }
  return `${asciiLower(parts.scheme)}${parts.userinfo}${asciiLower(parts.host)}${parts.tail}`;
}

function configUri(value: string): string | undefined {
  try {
    new URL(value); // refuses what is not a URI at all; the comparison itself uses canonicalUri
  } catch {
    return undefined;
  }
  return canonicalUri(value);
}

/** URI SANs: case-insensitive scheme and host, everything else exact. */
export const URI: Canon = {
  config: configUri,
  cert: canonicalUri,
  hint: 'give an absolute URI such as `spiffe://example.org/ns/prod/sa/api`',
};

/** IP SANs in canonical text: RFC 5952 IPv6; an IPv4-mapped IPv6 address is not its IPv4 address. */
export const IP: Canon = {
  config: canonicalIp,
  cert: canonicalIp,
  hint: 'give one address such as `192.0.2.7` or `2001:db8::7` (no CIDR, no zone, no brackets; use a predicate for ranges)',
};
