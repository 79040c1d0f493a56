/**
 * RFC 5280 section 6 path validation for client certificates: the pure core of passthrough mode.
 * `verifyChain` takes parsed certificates and a trust store and returns a verdict; it never throws for
 * certificate contents, does no I/O and keeps no state between calls.
 * @module
 */
import { ChainCert } from './chain-cert.js';
import { ChainFailure, describePosition } from './chain-failure.js';
import { buildPath } from './chain-build.js';
import { validityFailure, type RuleContext } from './chain-rules.js';
import { KU, type KeyUsageName } from '../der/cert-extensions.js';
import { revocationFailure } from './crl-check.js';
import type { CrlSet } from './crl.js';
import { DerError, encoding } from '../der/der.js';
import { checkSpki, UnsupportedAlgorithmError, WeakKeyError } from '../der/public-key.js';
import type { TrustStore } from './trust-store.js';
import type { CertificateStructure } from '../der/x509.js';

/** The SSL client bit of the Netscape certificate type extension (bit 0, as decoded by `decodeKeyUsage`). */
const NETSCAPE_SSL_CLIENT = 1;

/** id-kp-clientAuth (RFC 5280 4.2.1.12). */
export const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** Default `maxSignatureWork`: see {@link ChainPolicy.maxSignatureWork}. */
export const DEFAULT_SIGNATURE_WORK = 20;

/** What `verifyChain` checks, beyond RFC 5280's fixed rules. */
export interface ChainPolicy {
  /** Validation time, epoch milliseconds. Fractions of a second are ignored (certificate times have none). */
  readonly now: number;
  /** Seconds of clock skew allowed on every validity and CRL time check. Default 0. */
  readonly clockTolerance?: number;
  /** Check the leaf's own validity period (CA validity is always checked). Default `true`. */
  readonly checkLeafValidity?: boolean;
  /**
   * EKU that every certificate of the path carrying an extKeyUsage extension must list (OpenSSL applies
   * `-purpose sslclient` to CAs as well; anyExtendedKeyUsage does not count, as in OpenSSL). Default
   * clientAuth; `null` disables EKU checks.
   */
  readonly requiredEku?: string | null;
  /** The leaf's keyUsage, when present, must assert one of these. Default `['digitalSignature', 'keyAgreement']`
   * (what a TLS client key needs, as OpenSSL's sslclient purpose); `null` disables the check. */
  readonly requiredKeyUsage?: readonly KeyUsageName[] | null;
  /** CRLs to check the path against: every certificate whose issuer has a CRL, and a trust anchor that is not
   * self-issued whose issuer has one (see `revocationFailure`). */
  readonly crls?: CrlSet;
  /** A CRL past its nextUpdate: `'reject'` (default) refuses, `'ignore'` uses it anyway. */
  readonly crlStale?: 'reject' | 'ignore';
  /** At most this many non-self-issued intermediates (an implicit pathLenConstraint). Default unlimited. */
  readonly maxIntermediates?: number;
  /** At most this many certificates in a path, anchor included. Default 8. */
  readonly maxDepth?: number;
  /** At most this many signature verifications while building. Default 50. */
  readonly maxSignatureChecks?: number;
  /**
   * At most this much signature-check work while building, in units of one RSA-2048 check (key import
   * included): RSA up to 4096 bits costs 1 to 1.3, RSA-8192 3, P-256 1.5, P-384 5.5, P-521 10, Ed25519 1.5,
   * Ed448 2.5. Default 20: under ten times an ordinary three-certificate verification, enough for any path
   * of RSA or P-256 keys up to the maximum depth, four P-384 certificates or three P-521 ones.
   */
  readonly maxSignatureWork?: number;
}

/** The verdict of {@link verifyChain}. */
export type ChainResult =
  | {
    readonly ok: true;
    /** The validated path: leaf first, trust anchor last. */
    readonly path: readonly ChainCert[];
    /** Epoch ms until which this verdict holds (earliest CA notAfter, CRL nextUpdate), tolerance included. */
    readonly expires: number;
  }
  | { readonly ok: false; readonly failure: ChainFailure };

/** The leaf's key proves the client's identity in the TLS handshake: it must meet the same bar as CA keys. */
function leafKeyFailure(leaf: ChainCert): ChainFailure | undefined {
  try {
    checkSpki(encoding(leaf.s.der, leaf.s.spki));
    return undefined;
  } catch (error) {
    if (error instanceof WeakKeyError) return new ChainFailure('weak-key', 0, `leaf certificate: ${error.message}`);
    if (error instanceof UnsupportedAlgorithmError) return new ChainFailure('unsupported-algorithm', 0, `leaf certificate: ${error.message}`);
    if (error instanceof DerError) return new ChainFailure('malformed', 0, 'leaf certificate has an unreadable public key');
    throw error;
  }
}

function leafFailure(leaf: ChainCert, policy: ChainPolicy, requiredEku: string | null): ChainFailure | undefined {
  const pos = describePosition(0, false);
  const { info } = leaf;
  if (info.problem) return new ChainFailure(info.problem.reason, 0, `${pos} ${info.problem.message}`);
  const keyProblem = leafKeyFailure(leaf);
  if (keyProblem) return keyProblem;
  if (requiredEku !== null && info.extKeyUsage && !info.extKeyUsage.includes(requiredEku)) {
    return new ChainFailure('eku', 0, `${pos} has an extendedKeyUsage without the required purpose`);
  }
  // The legacy Netscape certificate type narrows a certificate's purposes as EKU does; OpenSSL's client
  // purpose honours it, and so does this library.
  if (requiredEku === CLIENT_AUTH && info.netscapeCertType !== undefined && (info.netscapeCertType & NETSCAPE_SSL_CLIENT) === 0) {
    return new ChainFailure('eku', 0, `${pos} has a Netscape certificate type without SSL client`);
  }
  const usages = policy.requiredKeyUsage === undefined ? ['digitalSignature', 'keyAgreement'] as const : policy.requiredKeyUsage;
  if (usages && info.keyUsage !== undefined && !usages.some((u) => (info.keyUsage! & KU[u]) !== 0)) {
    return new ChainFailure('key-usage', 0, `${pos} has a keyUsage that does not allow client authentication`);
  }
  return undefined;
}

/**
 * A certificate of the trust store presented as the leaf: a CA authenticating as a client. Its path would be
 * the anchor alone (or, for an intermediate anchor, its issuer in the store), which vouches for no client.
 */
function leafIsAnchor(leaf: ChainCert, store: TrustStore): ChainFailure | undefined {
  if (!store.holds(leaf)) return undefined;
  return new ChainFailure('untrusted', 0, 'leaf certificate is a trust anchor (same name and key): a CA certificate ' +
    'of the trust store cannot authenticate a client');
}

/**
 * Keys whose check would be expensive (an RSA exponent or modulus no CA uses) are refused in every presented
 * certificate before any signature is checked: a client would otherwise choose what each check costs.
 */
function weakKeyFailure(certs: readonly CertificateStructure[]): ChainFailure | undefined {
  for (const [i, s] of certs.entries()) {
    try {
      checkSpki(encoding(s.der, s.spki));
    } catch (error) {
      if (error instanceof WeakKeyError) {
        return new ChainFailure('weak-key', i === 0 ? 0 : -1, `${i === 0 ? 'leaf certificate' : 'a presented certificate'}: ${error.message}`);
      }
    }
  }
  return undefined;
}

function prepare(leaf: CertificateStructure, presented: readonly CertificateStructure[]): ChainCert[] | ChainFailure {
  const weak = weakKeyFailure([leaf, ...presented]);
  if (weak) return weak;
  const certs: ChainCert[] = [];
  for (const [i, s] of [leaf, ...presented].entries()) {
    try {
      certs.push(new ChainCert(s));
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      return new ChainFailure('malformed', i === 0 ? 0 : -1, `a presented certificate has a malformed name (${error.message})`);
    }
  }
  return certs;
}

/**
 * Validates a client certificate path per RFC 5280 section 6: builds a path from `leaf` through
 * `presented` (any order, decoys and cycles tolerated) to an anchor of `store`, checking signatures,
 * validity, basicConstraints, pathLenConstraint, keyUsage, extKeyUsage, name constraints, critical
 * extensions, explicit-policy requirements and, when given, CRLs.
 * @returns `{ ok: true, path, expires }` or `{ ok: false, failure }`, where `failure.reason` is stable.
 * @throws TypeError for a non-finite `policy.now` or a bad `clockTolerance` (a caller bug, not input).
 */
export function verifyChain(leaf: CertificateStructure, presented: readonly CertificateStructure[], store: TrustStore,
  policy: ChainPolicy): ChainResult {
  // A NaN time or tolerance would make every validity comparison false, that is, everything valid.
  if (!Number.isFinite(policy.now) || !(Number.isFinite(policy.clockTolerance ?? 0) && (policy.clockTolerance ?? 0) >= 0)) {
    throw new TypeError('verifyChain: policy.now must be epoch milliseconds and clockTolerance a non-negative number');
  }
  const prepared = prepare(leaf, presented);
  if (prepared instanceof ChainFailure) return { ok: false, failure: prepared };
  const [leafCert, ...others] = prepared as [ChainCert, ...ChainCert[]];
  const tolerance = (policy.clockTolerance ?? 0) * 1000;
  const now = Math.floor(policy.now / 1000) * 1000;
  const requiredEku = policy.requiredEku === undefined ? CLIENT_AUTH : policy.requiredEku;
  const early = leafFailure(leafCert, policy, requiredEku) ?? leafIsAnchor(leafCert, store);
  if (early) return { ok: false, failure: early };
  const rules: RuleContext = { now, tolerance, requiredEku, maxIntermediates: policy.maxIntermediates ?? Infinity };
  const crls = policy.crls;
  const stale = policy.crlStale ?? 'reject';
  const built = buildPath(leafCert, others, {
    ...rules,
    store,
    maxDepth: policy.maxDepth ?? 8,
    maxSignatures: policy.maxSignatureChecks ?? 50,
    maxSignatureWork: policy.maxSignatureWork ?? DEFAULT_SIGNATURE_WORK,
    finalCheck: (path) => (crls ? revocationFailure(path, { crls, store, stale, now, tolerance }) : Infinity),
  });
  if (built instanceof ChainFailure) return { ok: false, failure: built };
  const leafValidity = policy.checkLeafValidity === false ? undefined : validityFailure(leafCert, 0, rules, true);
  if (leafValidity) return { ok: false, failure: leafValidity };
  return { ok: true, path: built.path, expires: built.expires };
}
