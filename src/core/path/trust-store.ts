/**
 * Trust anchors for passthrough mode: parsed, checked and their keys imported once, at construction.
 *
 * Choices (see CONFORMANCE.md): an anchor must be a CA certificate (basicConstraints cA) with a key we
 * accept, else `MtlsConfigError`. An anchor that is expired, or that breaks an RFC 5280 rule this library
 * enforces (say a critical extension it does not know), loads with a warning and refuses the paths that
 * end in it, at request time: OpenSSL and x509-limbo treat the anchor's own extensions as binding, and a
 * later clock or another anchor may still make the store useful. An anchor need not be self-signed: an
 * intermediate CA in the store ends the paths through it; its issuer, when the store also holds it, is
 * found at load (`issuerOfAnchor`) so that revocation checking can verify the issuer's CRLs.
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { ChainCert } from './chain-cert.js';
import { readConfigBlocks, type PemOrDerInput } from '../der/config-pem.js';
import { DerError } from '../der/der.js';
import { toPem } from '../der/pem.js';
import { UnsupportedAlgorithmError } from '../der/public-key.js';
import { verifySigned } from '../der/signature.js';
import { parseCertificateStructure, sameBytes } from '../der/x509.js';
import { groupBy } from './group.js';

/** A set of trust anchors built by {@link loadTrustStore}. Immutable. */
export class TrustStore {
  readonly #bySubject: Map<string, ChainCert[]>;
  readonly #issuerOf = new Map<ChainCert, ChainCert>();
  /** The anchors, as PEM, in the order given (duplicates removed). */
  readonly certificates: readonly string[];
  /** Anchors that load but will refuse paths, and expired anchors: log these at startup. */
  readonly warnings: readonly string[];
  /** @internal the prepared anchors. */
  readonly anchors: readonly ChainCert[];

  /** @internal use {@link loadTrustStore}. */
  constructor(anchors: readonly ChainCert[], warnings: readonly string[]) {
    this.anchors = Object.freeze([...anchors]);
    this.certificates = Object.freeze(anchors.map((a) => toPem(a.s.der)));
    this.warnings = Object.freeze([...warnings]);
    this.#bySubject = groupBy(anchors, (anchor) => anchor.subjectKey);
    for (const anchor of anchors) {
      const issuer = anchor.selfIssued ? undefined : this.issuersOf(anchor.issuerKey).find((c) => signs(c, anchor));
      if (issuer) this.#issuerOf.set(anchor, issuer);
    }
    Object.freeze(this);
  }

  /** Anchors whose subject equals `issuerKey` (canonical name form). */
  issuersOf(issuerKey: string): readonly ChainCert[] {
    return this.#bySubject.get(issuerKey) ?? [];
  }

  /**
   * The anchor of the store whose key signed `anchor`, for an anchor that is not self-issued (an intermediate
   * CA put in the store), or `undefined`: the CRLs of the anchor's issuer are verified with it.
   */
  issuerOfAnchor(anchor: ChainCert): ChainCert | undefined {
    return this.#issuerOf.get(anchor);
  }

  /** `true` when `cert` is one of the anchors (same name and key). */
  holds(cert: ChainCert): boolean {
    return this.issuersOf(cert.subjectKey).some((anchor) => anchor.identity === cert.identity);
  }
}

function signs(issuer: ChainCert, anchor: ChainCert): boolean {
  try {
    return verifySigned(anchor.signed(), issuer.key());
  } catch (error) {
    // A refused algorithm or an unreadable signature: that key cannot vouch for the anchor.
    if (error instanceof UnsupportedAlgorithmError || error instanceof DerError) return false;
    throw error;
  }
}

function prepareAnchor(der: Uint8Array, where: string, now: number, warnings: string[]): ChainCert {
  let anchor: ChainCert;
  try {
    anchor = new ChainCert(parseCertificateStructure(der), true);
    anchor.key();
  } catch (error) {
    if (error instanceof UnsupportedAlgorithmError) {
      throw new MtlsConfigError(where, `uses a public key this library refuses (${error.message})`);
    }
    if (!(error instanceof DerError)) throw error;
    throw new MtlsConfigError(where, `is not a valid DER X.509 certificate (${error.message})`);
  }
  if (!anchor.info.ca) {
    throw new MtlsConfigError(where, 'is not a CA certificate (no basicConstraints cA=TRUE): put the CA that ' +
      'issues your client certificates here, not the client certificates themselves');
  }
  if (anchor.info.problem) {
    warnings.push(`${where}: the anchor ${anchor.info.problem.message}; paths ending in it will be refused`);
  }
  if (anchor.s.notAfter.getTime() < now) warnings.push(`${where}: the anchor has expired; paths ending in it will be refused`);
  if (anchor.s.notBefore.getTime() > now) warnings.push(`${where}: the anchor is not valid yet`);
  return anchor;
}

/**
 * Loads trust anchors from PEM text (one or many `CERTIFICATE` blocks; comments between blocks are fine),
 * DER bytes, or an array of them (such as file contents read with `fs.readFileSync`). A `TrustStore` is
 * returned as is, so options may take either.
 * @param option the option name used in error messages.
 * @throws MtlsConfigError naming the option and the fix, for unreadable input, a certificate that is not a
 *   CA, a refused key (RSA under 2048 or over 8192 bits or with an exponent no CA uses, unknown curve), or an
 *   empty store.
 */
export function loadTrustStore(input: PemOrDerInput | TrustStore, option = 'trustStore'): TrustStore {
  if (input instanceof TrustStore) return input;
  const anchors: ChainCert[] = [];
  const warnings: string[] = [];
  const now = Date.now();
  for (const block of readConfigBlocks(input, option, 'CERTIFICATE')) {
    const anchor = prepareAnchor(block.der, block.where, now, warnings);
    if (!anchors.some((a) => sameBytes(a.s.der, anchor.s.der))) anchors.push(anchor);
  }
  return new TrustStore(anchors, warnings);
}
