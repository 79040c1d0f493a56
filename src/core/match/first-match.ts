/**
 * Ordered rules, first match wins (`routeByCert`), with the pure rules' answer remembered per certificate.
 * `albMtls()` hands every request with the same certificate the same, immutable certificate object, and a
 * pure rule (no predicate) answers the same for it every time, so fifty rules cost one WeakMap lookup on
 * a warm request instead of fifty tests. Rules with predicates are still asked on every request, in order.
 * @module
 */
import type { CompiledMatcher } from './match.js';
import type { AnyClientCertificate } from '../types.js';

/** A compiled rule: its test, and whether the answer depends on the certificate alone. */
export interface CompiledRule<Req> {
  readonly test: CompiledMatcher<Req>;
  readonly pure: boolean;
}

/** Index of the first rule matching `cert`, -1 for none: every rule asked, in order. */
function scan<Req>(rules: readonly CompiledRule<Req>[], cert: AnyClientCertificate, req: Req): number {
  for (let i = 0; i < rules.length; i++) if (rules[i]!.test(cert, req)) return i;
  return -1;
}

/** Index of the first pure rule matching `cert`, -1 for none. */
function firstPure<Req>(rules: readonly CompiledRule<Req>[], cert: AnyClientCertificate, req: Req): number {
  for (let i = 0; i < rules.length; i++) if (rules[i]!.pure && rules[i]!.test(cert, req)) return i;
  return -1;
}

/**
 * A function giving the index of the first rule that matches a certificate (-1 for none), with exactly the
 * answer of asking every rule in order. Impure rules before the first matching pure rule are still asked,
 * on every request. A certificate whose pure rules throw (a malformed leaf read lazily) is never
 * remembered: it is asked in order, so the error surfaces where it would have.
 */
export function firstMatchFinder<Req>(rules: readonly CompiledRule<Req>[]): (cert: AnyClientCertificate, req: Req) => number {
  const impure = rules.flatMap((rule, i) => (rule.pure ? [] : [i]));
  if (impure.length === rules.length) return (cert, req) => scan(rules, cert, req);
  const remembered = new WeakMap<AnyClientCertificate, number>();
  return (cert, req) => {
    let pure = remembered.get(cert);
    if (pure === undefined) {
      try {
        pure = firstPure(rules, cert, req);
      } catch {
        return scan(rules, cert, req);
      }
      remembered.set(cert, pure);
    }
    for (const i of impure) {
      if (pure !== -1 && i > pure) break;
      if (rules[i]!.test(cert, req)) return i;
    }
    return pure;
  };
}
