/**
 * Path building (RFC 4158 style): depth-first from the leaf through the presented certificates (unordered,
 * possibly with decoys, duplicates and cycles) to a trust anchor, validating each link as it is added and
 * each complete path before accepting it, and backtracking to the next candidate on any failure.
 *
 * Bounded: at most `maxDepth` certificates in a path (anchor included), at most `maxSignatures` signature
 * checks whose cost, weighted by key type and size, stays within `maxSignatureWork`, 1000 visited
 * candidates per call, and a name-constraint comparison budget. Reaching a bound refuses the chain.
 * @module
 */
import type { ChainCert } from './chain-cert.js';
import { ChainFailure, describePosition } from './chain-failure.js';
import { issuerFailure, pathFailure, signatureCost, signatureValid, type RuleContext } from './chain-rules.js';
import type { Budget } from './name-constraints.js';
import type { TrustStore } from './trust-store.js';
import { sameBytes } from '../der/x509.js';
import { groupBy } from './group.js';

/** Limits and hooks for one build. */
export interface BuildContext extends RuleContext {
  readonly store: TrustStore;
  readonly maxDepth: number;
  readonly maxSignatures: number;
  /** Most signature-check work per build, in RSA-2048 checks (an RSA-2048 check costs 1, P-521 10). */
  readonly maxSignatureWork: number;
  /** Extra whole-path check (revocation); returns a failure or the time until which the path stays valid. */
  readonly finalCheck: (path: readonly ChainCert[]) => ChainFailure | number;
}

/** A path found: leaf first, anchor last, and when the answer expires (epoch ms). */
export interface BuiltPath {
  readonly path: readonly ChainCert[];
  readonly expires: number;
}

/** Thrown to stop the search when a work bound is reached; the message is the refusal's. */
class Abort extends Error {}

// Nodes visited per build. Memoised signature results cost no budget, so a graph of validly cross-signed
// CAs could otherwise be walked path by path; real chains visit a handful.
const MAX_STEPS = 1000;

// Name-constraint comparisons per build: a quarter of OpenSSL's NAME_CHECK_MAX, so that a certificate
// crafted to maximise them costs about as much as the signature-work bound allows; real paths need a
// few hundred.
const NAME_COMPARISONS = 1 << 18;

class Builder {
  readonly #ctx: BuildContext;
  readonly #pool: Map<string, ChainCert[]>;
  readonly #signatures = new Map<string, boolean>();
  readonly #ids = new Map<ChainCert, number>();
  readonly #budget: Budget = { left: NAME_COMPARISONS };
  #signaturesLeft: number;
  #workLeft: number;
  #steps = 0;
  #best: { failure: ChainFailure; score: number } | undefined;

  constructor(ctx: BuildContext, presented: readonly ChainCert[]) {
    this.#ctx = ctx;
    this.#signaturesLeft = ctx.maxSignatures;
    this.#workLeft = ctx.maxSignatureWork;
    const unique: ChainCert[] = [];
    for (const cert of presented) if (!unique.some((u) => sameBytes(u.s.der, cert.s.der))) unique.push(cert);
    this.#pool = groupBy(unique, (cert) => cert.subjectKey);
  }

  #record(failure: ChainFailure, score: number): void {
    if (!this.#best || score > this.#best.score) this.#best = { failure, score };
  }

  /**
   * Anchors first (a path should end as soon as it can), then presented certificates. A CA whose subject key
   * identifier differs from the child's authority key identifier did not issue it (RFC 5280 4.2.1.1, as
   * OpenSSL's "authority and subject key identifier mismatch"), so it is no candidate.
   */
  #candidates(child: ChainCert, path: readonly ChainCert[]): ChainCert[] {
    const seen = new Set(path.map((c) => c.identity));
    const aki = child.info.akiKeyId;
    const keyAgrees = (c: ChainCert): boolean => aki === undefined || c.info.ski === undefined || sameBytes(aki, c.info.ski);
    return [...this.#ctx.store.issuersOf(child.issuerKey), ...(this.#pool.get(child.issuerKey) ?? [])]
      .filter((c) => !seen.has(c.identity) && keyAgrees(c));
  }

  #signed(child: ChainCert, issuer: ChainCert, depth: number): boolean {
    const id = (c: ChainCert): number => this.#ids.get(c) ?? (this.#ids.set(c, this.#ids.size), this.#ids.size - 1);
    const key = `${id(child)}>${id(issuer)}`;
    let ok = this.#signatures.get(key);
    if (ok === undefined) {
      if (--this.#signaturesLeft < 0) throw new Abort(`path building exceeded ${this.#ctx.maxSignatures} signature checks`);
      // Counting checks is not enough: the attacker picks the keys, and a P-521 check costs ten RSA-2048 ones.
      this.#workLeft -= signatureCost(issuer, depth);
      if (this.#workLeft < 0) throw new Abort('path building exceeded its signature-check work bound');
      ok = signatureValid(child, issuer, depth);
      this.#signatures.set(key, ok);
    }
    return ok;
  }

  #linkFailure(child: ChainCert, issuer: ChainCert, depth: number): ChainFailure | undefined {
    const failure = issuerFailure(issuer, depth, this.#ctx);
    if (failure) return failure;
    if (this.#signed(child, issuer, depth)) return undefined;
    return new ChainFailure('bad-signature', depth - 1,
      `the signature of the ${describePosition(depth - 1, false)} does not verify with its issuer's key`);
  }

  #complete(path: readonly ChainCert[]): BuiltPath | undefined {
    const failure = pathFailure(path, this.#ctx, this.#budget);
    const final = failure ?? this.#ctx.finalCheck(path);
    if (final instanceof ChainFailure) {
      this.#record(final, 1000 + path.length);
      return undefined;
    }
    let expires = final;
    for (const cert of path.slice(1)) expires = Math.min(expires, cert.s.notAfter.getTime() + this.#ctx.tolerance);
    return { path, expires };
  }

  extend(path: ChainCert[]): BuiltPath | undefined {
    if (++this.#steps > MAX_STEPS) throw new Abort(`path building visited more than ${MAX_STEPS} candidates`);
    const child = path[path.length - 1]!;
    const depth = path.length;
    const candidates = this.#candidates(child, path);
    if (candidates.length === 0) {
      this.#record(new ChainFailure('untrusted', depth - 1,
        `no trust anchor or presented CA issued the ${describePosition(depth - 1, false)} (untrusted root)`), depth);
      return undefined;
    }
    if (depth >= this.#ctx.maxDepth) {
      this.#record(new ChainFailure('limits', depth, `no path within ${this.#ctx.maxDepth} certificates`), depth);
      return undefined;
    }
    for (const issuer of candidates) {
      let failure: ChainFailure | undefined;
      try {
        failure = this.#linkFailure(child, issuer, depth);
      } catch (error) {
        if (!(error instanceof ChainFailure)) throw error;
        failure = error;
      }
      if (failure) {
        this.#record(failure, depth);
        continue;
      }
      const found = issuer.anchor ? this.#complete([...path, issuer]) : this.extend([...path, issuer]);
      if (found) return found;
    }
    return undefined;
  }

  get best(): ChainFailure {
    return this.#best?.failure ?? new ChainFailure('untrusted', 0, 'no path to a trust anchor');
  }
}

/**
 * Finds and validates a path from `leaf` to an anchor of `ctx.store`. Returns the first valid path found,
 * or the most advanced failure met on the way (a complete path's failure beats a dead end).
 */
export function buildPath(leaf: ChainCert, presented: readonly ChainCert[], ctx: BuildContext): BuiltPath | ChainFailure {
  const builder = new Builder(ctx, presented);
  try {
    return builder.extend([leaf]) ?? builder.best;
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    return new ChainFailure('limits', -1, error.message);
  }
}
