/**
 * Revocation checking of a complete path against the configured CRLs (RFC 5280 6.3, simplified to
 * complete CRLs issued by the certificate's own issuer and signed with the issuer's key).
 *
 * Every certificate of the path whose issuer has a configured CRL is checked, and so is a trust anchor that
 * is not self-issued (an intermediate CA in the trust store) when its issuer has one; an issuer without CRLs
 * is not (configure a CRL per issuing CA). Fail closed: the path is refused when the issuer's CRLs all leave
 * the certificate out of their scope (as OpenSSL's "different CRL scope") or none that covers it can be
 * used, and a serial listed by any CRL the issuer signed is revoked, even by a CRL that cannot clear
 * certificates (a delta CRL, one for some reasons only).
 * @module
 */
import type { ChainCert } from './chain-cert.js';
import { ChainFailure, describePosition } from './chain-failure.js';
import { KU, OID } from '../der/cert-extensions.js';
import type { Crl, CrlSet } from './crl.js';
import { fullNames } from './crl-parse.js';
import { DerError, TAG, children, readTlv } from '../der/der.js';
import { UnsupportedAlgorithmError } from '../der/public-key.js';
import type { TrustStore } from './trust-store.js';

/** What revocation checking needs. */
export interface CrlContext {
  readonly crls: CrlSet;
  /** Where the issuer of an anchor that is not self-issued is found, to verify that issuer's CRLs. */
  readonly store: TrustStore;
  /** `'reject'`: a CRL past its nextUpdate refuses the certificates it covers; `'ignore'`: it is used anyway. */
  readonly stale: 'reject' | 'ignore';
  readonly now: number;
  readonly tolerance: number;
}

function distributionPoints(cert: ChainCert): Set<string> {
  const names = new Set<string>();
  const ext = cert.s.extensions.find((e) => e.oid === OID.CRL_DP);
  if (!ext) return names;
  const seq = readTlv(ext.value, 0, ext.value.length);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== ext.value.length) throw new DerError('bad cRLDistributionPoints');
  for (const dp of children(ext.value, seq)) {
    const wrapper = children(ext.value, dp).find((t) => t.tag === 0xa0);
    for (const name of wrapper ? fullNames(ext.value, wrapper) ?? [] : []) names.add(name);
  }
  return names;
}

/** issuingDistributionPoint scope (5.2.5) against the certificate (6.3.3 (b)). */
function inScope(crl: Crl, cert: ChainCert): boolean {
  const { only, distributionPoint } = crl.scope;
  if (only === 'none' || (only === 'user' && cert.info.ca) || (only === 'ca' && !cert.info.ca)) return false;
  if (!distributionPoint) return true;
  const mine = distributionPoints(cert);
  for (const name of distributionPoint) if (mine.has(name)) return true;
  return false;
}

/** Why `crl` is not the word of `issuer`, or `undefined` when it is (6.3.3 (f), (g)). */
function notFromIssuer(crl: Crl, issuer: ChainCert): string | undefined {
  // 6.3.3 (f): a CRL issuer with a keyUsage extension must assert cRLSign.
  if (issuer.info.keyUsage !== undefined && (issuer.info.keyUsage & KU.cRLSign) === 0) {
    return 'is signed by a CA whose keyUsage lacks cRLSign';
  }
  try {
    return crl.signedBy(issuer.key()) ? undefined : 'has a signature that does not verify with the issuer key';
  } catch (error) {
    if (error instanceof UnsupportedAlgorithmError) return `uses a refused algorithm (${error.message})`;
    throw error;
  }
}

function fresh(crl: Crl, ctx: CrlContext): boolean {
  const next = crl.nextUpdate?.getTime() ?? -Infinity;
  return crl.thisUpdate.getTime() <= ctx.now + ctx.tolerance && ctx.now - ctx.tolerance <= next;
}

/** What the CRLs that leave `cert` out cover instead, for the refusal's message. */
function scopesOf(crls: readonly Crl[]): string {
  const covers = new Set(crls.map(({ scope }) => (scope.only === 'ca' ? 'only CA certificates'
    : scope.only === 'user' ? 'only end-entity certificates' : scope.only === 'none' ? 'only attribute certificates'
      : 'only other distribution points')));
  return [...covers].join(', ');
}

function checkOne(cert: ChainCert, issuer: ChainCert, depth: number, ctx: CrlContext): number {
  const all = ctx.crls.forIssuer(cert.issuerKey);
  if (all.length === 0) return Infinity;
  const pos = describePosition(depth, cert.anchor);
  const crls = all.filter((crl) => inScope(crl, cert));
  if (crls.length === 0) {
    throw new ChainFailure('crl', depth, `${pos}: no CRL of its issuer covers it (they cover ${scopesOf(all)})`);
  }
  const authority = crls.map((crl) => notFromIssuer(crl, issuer));
  const signed = crls.filter((_, i) => authority[i] === undefined);
  // A CRL that cannot clear a certificate (delta, some reasons only) still speaks for its issuer when it
  // lists one: ignoring it would accept a certificate the CA revoked.
  if (signed.some((crl) => crl.lists(cert.s.serialNumber))) throw new ChainFailure('revoked', depth, `${pos} is revoked`);
  const usable = signed.filter((crl) => crl.problem === undefined);
  if (usable.length === 0) {
    throw new ChainFailure('crl', depth, `${pos}: the CRL of its issuer ${signed[0]?.problem ?? authority[0]!}`);
  }
  const current = usable.filter((crl) => fresh(crl, ctx));
  if (ctx.stale === 'ignore') return Infinity;
  if (current.length === 0) throw new ChainFailure('crl', depth, `${pos}: the CRL of its issuer is out of date`);
  return Math.max(...current.map((crl) => crl.nextUpdate!.getTime()));
}

/**
 * An intermediate CA in the trust store ends the path, yet its issuer may have revoked it (OpenSSL
 * -crl_check_all refuses such a path): it is checked against its issuer's CRLs, verified with that issuer
 * from the store, and so on up while the store holds the next issuer. Without that issuer in the store the
 * CRLs cannot be verified, so the path is refused.
 */
function checkAnchor(anchor: ChainCert, depth: number, ctx: CrlContext): number {
  let until = Infinity;
  const seen = new Set<ChainCert>();
  for (let cert: ChainCert | undefined = anchor, d = depth; cert && !cert.selfIssued && !seen.has(cert); d++) {
    seen.add(cert);
    const issuer = ctx.store.issuerOfAnchor(cert);
    if (ctx.crls.forIssuer(cert.issuerKey).length > 0) {
      if (!issuer) {
        throw new ChainFailure('crl', d, `${describePosition(d, true)}: its issuer has CRLs, but the trust store holds ` +
          'no certificate of that issuer to verify them with');
      }
      until = Math.min(until, checkOne(cert, issuer, d, ctx));
    }
    cert = issuer;
  }
  return until;
}

/**
 * Checks every certificate below the anchor, and the anchor when it is not self-issued. Returns the time
 * (epoch ms) until which the answer holds (the CRLs' nextUpdate; `Infinity` without CRLs or with
 * `stale: 'ignore'`), or the failure.
 */
export function revocationFailure(path: readonly ChainCert[], ctx: CrlContext): ChainFailure | number {
  let until = Infinity;
  try {
    for (let i = 0; i < path.length - 1; i++) until = Math.min(until, checkOne(path[i]!, path[i + 1]!, i, ctx));
    until = Math.min(until, checkAnchor(path[path.length - 1]!, path.length - 1, ctx));
  } catch (error) {
    if (error instanceof ChainFailure) return error;
    if (error instanceof DerError) return new ChainFailure('crl', -1, 'a cRLDistributionPoints extension is malformed');
    throw error;
  }
  return until;
}
