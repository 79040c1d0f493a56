/**
 * Certificate revocation lists given as the `crls` option: parsed once at construction, indexed by issuer
 * name, their signatures checked against the issuing CA of the path when first used (that CA may be an
 * intermediate the client presents), and the result remembered per issuer key.
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { readConfigBlocks, type PemOrDerInput } from '../der/config-pem.js';
import { parseCrl, type CrlScope } from './crl-parse.js';
import { DerError } from '../der/der.js';
import { canonicalName } from '../dn/name-canon.js';
import type { PublicKey } from '../der/public-key.js';
import { verifySigned } from '../der/signature.js';
import { groupBy } from './group.js';

/** One CRL, ready for revocation checks. */
export class Crl {
  /** Canonical issuer name (RFC 5280 7.1), matched against certificates' issuer names. */
  readonly issuerKey: string;
  /** thisUpdate. */
  readonly thisUpdate: Date;
  /** nextUpdate (a CRL without one has a `problem`). */
  readonly nextUpdate: Date | undefined;
  /** Which certificates the CRL covers (issuingDistributionPoint). */
  readonly scope: CrlScope;
  /** Why the CRL cannot show a certificate unrevoked, when it cannot: the certificates it covers are then
   * refused unless another CRL of their issuer clears them (a serial it lists is revoked all the same). */
  readonly problem: string | undefined;
  /** An indirect CRL ({@link loadCrls} refuses those). */
  readonly indirect: boolean;
  readonly #revoked: ReadonlySet<string>;
  readonly #parsed: ReturnType<typeof parseCrl>;
  // Signature results per issuer key: a handful of entries at most (one CA, maybe a re-keyed one).
  readonly #verified = new Map<PublicKey, boolean>();

  /** @throws DerError when `der` is not a DER CRL. */
  constructor(der: Uint8Array) {
    const parsed = parseCrl(der);
    this.#parsed = parsed;
    this.issuerKey = canonicalName(der, parsed.issuer);
    this.thisUpdate = parsed.thisUpdate;
    this.nextUpdate = parsed.nextUpdate;
    this.scope = parsed.scope;
    this.problem = parsed.problem;
    this.indirect = parsed.indirect;
    this.#revoked = parsed.revoked;
  }

  /** `true` when `serial` (formatted as `CertificateStructure.serialNumber`) is listed. */
  lists(serial: string): boolean {
    return this.#revoked.has(serial);
  }

  /** Number of revoked entries. */
  get size(): number {
    return this.#revoked.size;
  }

  /** `true` when `key` signed this CRL. Throws `UnsupportedAlgorithmError` for a refused algorithm. */
  signedBy(key: PublicKey): boolean {
    let ok = this.#verified.get(key);
    if (ok === undefined) {
      ok = verifySigned(this.#parsed.signed, key);
      if (this.#verified.size > 8) this.#verified.clear();
      this.#verified.set(key, ok);
    }
    return ok;
  }
}

// An indirect CRL lists certificates of other CAs too: filed under its own issuer, those would go unchecked,
// and applied to them, its entries' issuers would have to be tracked. Neither is done, so it is refused.
const INDIRECT = 'is an indirect CRL (indirectCRL in its issuingDistributionPoint, or certificateIssuer entries), ' +
  'which this library does not support: the certificates of other CAs it covers would go unchecked. Configure the ' +
  'complete CRL of each issuing CA instead';

/** CRLs by issuer, built by {@link loadCrls}. Immutable. */
export class CrlSet {
  readonly #byIssuer: Map<string, Crl[]>;
  /** Every CRL, in the order given. */
  readonly crls: readonly Crl[];
  /** Human-readable notes about CRLs that will refuse the certificates they cover (log them at startup). */
  readonly warnings: readonly string[];

  /** @internal use {@link loadCrls}. */
  constructor(crls: readonly Crl[], warnings: readonly string[]) {
    this.crls = Object.freeze([...crls]);
    this.warnings = Object.freeze([...warnings]);
    this.#byIssuer = groupBy(crls, (crl) => crl.issuerKey);
    Object.freeze(this);
  }

  /** CRLs whose issuer name equals `issuerKey` (canonical form). */
  forIssuer(issuerKey: string): readonly Crl[] {
    return this.#byIssuer.get(issuerKey) ?? [];
  }
}

/**
 * Loads CRLs from PEM text (`-----BEGIN X509 CRL-----`, one or many blocks) or DER bytes, or an array of
 * them. Each CRL is parsed here, once. A CRL this library cannot rely on (no CRLNumber, no nextUpdate, a
 * delta CRL, one for some revocation reasons only, an unsupported critical extension) loads, is reported in
 * `warnings`, and cannot clear the certificates it covers (fail closed); a serial it lists is still revoked.
 * A `CrlSet` is returned as is.
 * @param option the option name used in error messages.
 * @throws MtlsConfigError when the input is not PEM/DER CRLs, or holds an indirect CRL.
 */
export function loadCrls(input: PemOrDerInput | CrlSet, option = 'crls'): CrlSet {
  if (input instanceof CrlSet) return input;
  const crls: Crl[] = [];
  const warnings: string[] = [];
  for (const block of readConfigBlocks(input, option, 'X509 CRL')) {
    try {
      const crl = new Crl(block.der);
      if (crl.indirect) throw new MtlsConfigError(block.where, INDIRECT);
      if (crl.problem) {
        warnings.push(`${block.where}: the CRL ${crl.problem}; it cannot clear the certificates it covers, which will be ` +
          'refused unless another CRL of their issuer clears them (a serial it lists is revoked)');
      }
      crls.push(crl);
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      throw new MtlsConfigError(block.where, `is not a DER X.509 CRL (${error.message}): export it with ` +
        '`openssl crl -outform PEM`');
    }
  }
  return new CrlSet(crls, warnings);
}
