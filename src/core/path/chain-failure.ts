/**
 * Why a certification path was refused. The message names the reason and the position in the path,
 * never certificate or header contents (names, serials), so it is safe for logs.
 * @module
 */

/** Stable reason codes carried by {@link ChainFailure}. */
export type ChainFailureReason =
  | 'malformed' // a certificate or extension is not valid DER / not the RFC 5280 syntax
  | 'profile' // an RFC 5280 "MUST" the certificate breaks (criticality, missing AKI/SKI, serial, empty names)
  | 'critical-extension' // a critical extension this library does not process
  | 'untrusted' // no path to a trust anchor
  | 'bad-signature'
  | 'unsupported-algorithm' // signature algorithm or key type refused (SHA-1, small RSA, unknown curve)
  | 'weak-key' // an RSA key with a public exponent or modulus no CA uses (even, < 3, > 2^32 - 1; > 8192 bits)
  | 'expired'
  | 'not-yet-valid'
  | 'not-ca' // issuer without basicConstraints cA
  | 'path-length' // pathLenConstraint (or the verifier's maximum) exceeded
  | 'key-usage' // keyUsage forbids the use (keyCertSign, cRLSign, leaf digitalSignature)
  | 'eku' // extendedKeyUsage lacks the required purpose
  | 'name-constraints'
  | 'policy' // certificate policy processing required but not supported
  | 'revoked'
  | 'crl' // a CRL that applies is unusable (bad signature, stale, unsupported)
  | 'limits' // the work bound was reached (depth, signature checks, name-constraint comparisons)
  | 'leaf-expired' // the path is valid but the leaf is expired
  | 'leaf-not-yet-valid'; // the path is valid but the leaf is not valid yet

/** A refused path: `reason` for programs, `message` for people, `depth` = 0 for the leaf, 1 for its issuer... */
export class ChainFailure extends Error {
  /** The reason code. */
  readonly reason: ChainFailureReason;
  /** Position in the path of the certificate at fault (0 = leaf), or -1 when not tied to one. */
  readonly depth: number;

  constructor(reason: ChainFailureReason, depth: number, message: string) {
    super(message);
    this.name = 'ChainFailure';
    this.reason = reason;
    this.depth = depth;
  }
}

/** "leaf certificate", "trust anchor", or "certificate at depth N" (1 = the leaf's issuer). */
export function describePosition(depth: number, anchor: boolean): string {
  if (anchor) return `trust anchor (depth ${depth})`;
  return depth === 0 ? 'leaf certificate' : `intermediate certificate (depth ${depth})`;
}

/** Throws a {@link ChainFailure}. */
export function refuse(reason: ChainFailureReason, depth: number, message: string): never {
  throw new ChainFailure(reason, depth, message);
}
