/**
 * The RFC 5280 section 6 rules, split into the checks of one issuer -> subject link (run while building,
 * so a bad candidate is dropped early) and the checks that need the whole path (run on each complete path).
 * @module
 */
import type { ChainCert } from './chain-cert.js';
import { ChainFailure, describePosition } from './chain-failure.js';
import { KU } from '../der/cert-extensions.js';
import { DerError } from '../der/der.js';
import { violation, type Budget } from './name-constraints.js';
import { UnsupportedAlgorithmError, WeakKeyError } from '../der/public-key.js';
import { verifySigned } from '../der/signature.js';

/** The normalised policy the rules read. */
export interface RuleContext {
  /** Validation time, epoch ms, truncated to whole seconds (certificate times have no fractions). */
  readonly now: number;
  /** Clock tolerance in ms. */
  readonly tolerance: number;
  /** EKU OID every certificate with an extKeyUsage must list, or `null` for no EKU requirement. */
  readonly requiredEku: string | null;
  /** Implicit pathLenConstraint above the anchor (x509-limbo's max_chain_depth), or `Infinity`. */
  readonly maxIntermediates: number;
}

/** Checks a certificate's validity period at `ctx.now` (RFC 5280 6.1.3 (a)(2); both ends inclusive). */
export function validityFailure(cert: ChainCert, depth: number, ctx: RuleContext, leafReasons = false): ChainFailure | undefined {
  const pos = describePosition(depth, cert.anchor);
  if (ctx.now + ctx.tolerance < cert.s.notBefore.getTime()) {
    return new ChainFailure(leafReasons ? 'leaf-not-yet-valid' : 'not-yet-valid', depth, `${pos} is not valid yet`);
  }
  if (ctx.now - ctx.tolerance > cert.s.notAfter.getTime()) {
    return new ChainFailure(leafReasons ? 'leaf-expired' : 'expired', depth, `${pos} has expired`);
  }
  return undefined;
}

/** Checks what an issuer must be, whoever it issued (6.1.4 (k), (n); EKU as OpenSSL applies it to CAs). */
export function issuerFailure(issuer: ChainCert, depth: number, ctx: RuleContext): ChainFailure | undefined {
  const pos = describePosition(depth, issuer.anchor);
  const { info } = issuer;
  if (info.problem) return new ChainFailure(info.problem.reason, depth, `${pos} ${info.problem.message}`);
  if (!info.ca) return new ChainFailure('not-ca', depth, `${pos} is not a CA (basicConstraints cA is not set)`);
  if (info.keyUsage !== undefined && (info.keyUsage & KU.keyCertSign) === 0) {
    return new ChainFailure('key-usage', depth, `${pos} has a keyUsage without keyCertSign`);
  }
  if (ctx.requiredEku !== null && info.extKeyUsage && !info.extKeyUsage.includes(ctx.requiredEku)) {
    return new ChainFailure('eku', depth, `${pos} restricts extendedKeyUsage and does not allow the required purpose`);
  }
  return validityFailure(issuer, depth, ctx);
}

/**
 * `true` when `issuer`'s key verifies `child`'s signature. Throws `ChainFailure` for an unreadable key or a
 * refused algorithm (those do not depend on which path we are on).
 */
export function signatureValid(child: ChainCert, issuer: ChainCert, depth: number): boolean {
  return withKeyFailures(issuer, depth, () => verifySigned(child.signed(), issuer.key()));
}

/** What checking a signature with `issuer`'s key costs (see ChainCert.keyCost), or a ChainFailure for a refused key. */
export function signatureCost(issuer: ChainCert, depth: number): number {
  return withKeyFailures(issuer, depth, () => issuer.keyCost());
}

/** Runs `use` on `issuer`'s key and turns a refused or unreadable key into the ChainFailure that says so. */
function withKeyFailures<T>(issuer: ChainCert, depth: number, use: () => T): T {
  try {
    return use();
  } catch (error) {
    const pos = describePosition(depth, issuer.anchor);
    if (error instanceof WeakKeyError) throw new ChainFailure('weak-key', depth, `${pos}: ${error.message}`);
    if (error instanceof UnsupportedAlgorithmError) {
      throw new ChainFailure('unsupported-algorithm', depth, `${pos}: ${error.message}`);
    }
    if (error instanceof DerError) throw new ChainFailure('malformed', depth, `${pos}: unreadable key or signature`);
    throw error;
  }
}

/** pathLenConstraint (6.1.4 (l), (m)); the anchor's own constraint applies too, as in OpenSSL. */
function pathLengthFailure(path: readonly ChainCert[], ctx: RuleContext): ChainFailure | undefined {
  const anchor = path[path.length - 1]!;
  let max = Math.min(ctx.maxIntermediates, anchor.info.pathLen ?? Infinity);
  for (let i = path.length - 2; i >= 1; i--) {
    const cert = path[i]!;
    if (!cert.selfIssued) {
      if (max <= 0) return new ChainFailure('path-length', i, `${describePosition(i, false)} exceeds a pathLenConstraint`);
      max--;
    }
    max = Math.min(max, cert.info.pathLen ?? Infinity);
  }
  return undefined;
}

/** Name constraints of every CA (anchor included) over the certificates below it (6.1.3 (b), (c)). */
function nameConstraintFailure(path: readonly ChainCert[], budget: Budget): ChainFailure | undefined {
  for (let j = path.length - 1; j >= 1; j--) {
    const nc = path[j]!.info.nameConstraints;
    if (!nc) continue;
    for (let i = j - 1; i >= 0; i--) {
      // Self-issued intermediates are exempt; the leaf never is.
      if (i > 0 && path[i]!.selfIssued) continue;
      let problem: string | undefined;
      try {
        problem = violation(nc, path[i]!.info.names, budget);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        return new ChainFailure('limits', i, 'name constraint checking exceeded its work bound');
      }
      if (problem) return new ChainFailure('name-constraints', i, `${describePosition(i, false)}: ${problem}`);
    }
  }
  return undefined;
}

/**
 * explicit_policy (6.1.2 (d), 6.1.4 (h)(i), 6.1.5 (a)(b)): when it reaches 0 the path needs a non-empty
 * policy tree, which this library does not compute, so such a path is refused (fail closed).
 */
function policyFailure(path: readonly ChainCert[]): ChainFailure | undefined {
  let explicit = path.length; // n + 1, n = certificates below the anchor
  for (let i = path.length - 1; i >= 1; i--) {
    const cert = path[i]!;
    if (!cert.anchor && !cert.selfIssued && explicit > 0) explicit--;
    explicit = Math.min(explicit, cert.info.requireExplicitPolicy ?? Infinity);
  }
  if (explicit > 0) explicit--;
  if (path[0]!.info.requireExplicitPolicy === 0) explicit = 0;
  if (explicit > 0) return undefined;
  return new ChainFailure('policy', -1, 'the path requires an explicit certificate policy (requireExplicitPolicy), ' +
    'which this library does not process');
}

/** The whole-path rules, in order; the first failure, or `undefined`. */
export function pathFailure(path: readonly ChainCert[], ctx: RuleContext, budget: Budget): ChainFailure | undefined {
  return pathLengthFailure(path, ctx) ?? nameConstraintFailure(path, budget) ?? policyFailure(path);
}
