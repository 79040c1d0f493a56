/**
 * A certificate as path building sees it: parsed structure, canonical names, decoded constraints, and the
 * public key and signed parts imported on first use (so an unused decoy costs no crypto).
 * @module
 */
import { certInfo, type CertInfo } from './cert-constraints.js';
import { encoding, toHex } from '../der/der.js';
import { canonicalRdns, canonicalName } from '../dn/name-canon.js';
import { importPublicKey, keyProfile, type PublicKey } from '../der/public-key.js';
import { signedParts, type Signed } from '../der/signature.js';
import type { CertificateStructure } from '../der/x509.js';

/** A certificate prepared for path building and validation. */
export class ChainCert {
  /** The parsed certificate. */
  readonly s: CertificateStructure;
  /** Canonical subject name (RFC 5280 7.1). */
  readonly subjectKey: string;
  /** Canonical issuer name. */
  readonly issuerKey: string;
  /** Subject and issuer names are equal (RFC 5280 6.1: "self-issued"). */
  readonly selfIssued: boolean;
  /** Decoded extensions and the first profile problem, if any. */
  readonly info: CertInfo;
  /** `true` for a trust anchor from the trust store. */
  readonly anchor: boolean;
  #key: PublicKey | undefined;
  #signed: Signed | undefined;
  #keyCost: number | undefined;
  #identity: string | undefined;

  /**
   * @throws DerError when the subject or issuer Name is not valid DER (the certificate is unusable).
   */
  constructor(s: CertificateStructure, anchor = false) {
    this.s = s;
    this.anchor = anchor;
    const subjectRdns = canonicalRdns(s.der, s.subject);
    this.subjectKey = subjectRdns.join('\n');
    this.issuerKey = canonicalName(s.der, s.issuer);
    this.selfIssued = this.subjectKey === this.issuerKey;
    this.info = certInfo(s, subjectRdns, this.selfIssued, anchor);
  }

  /** The subject public key, imported once (and cached across requests). Throws `DerError` / `UnsupportedAlgorithmError`. */
  key(): PublicKey {
    return (this.#key ??= importPublicKey(encoding(this.s.der, this.s.spki)));
  }

  /**
   * What a signature check with this certificate's key costs, relative to RSA-2048, read from the DER without
   * importing the key. Throws `DerError` / `UnsupportedAlgorithmError` (`WeakKeyError` included).
   */
  keyCost(): number {
    return (this.#keyCost ??= keyProfile(encoding(this.s.der, this.s.spki)).cost);
  }

  /** TBS bytes, algorithm and signature, split once. */
  signed(): Signed {
    return (this.#signed ??= signedParts(this.s.der));
  }

  /** Same subject and same key means the same CA for loop detection (RFC 4158 5.2). */
  get identity(): string {
    return (this.#identity ??= `${this.subjectKey}\u0000${toHex(encoding(this.s.der, this.s.spki))}`);
  }

  /** The earliest of its validity end, as epoch milliseconds. */
  get notAfterMs(): number {
    return this.s.notAfter.getTime();
  }
}
