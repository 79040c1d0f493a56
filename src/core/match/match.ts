/**
 * Certificate matchers: the one evaluation shared by guards, `certRouter` and `routeByCert`. Framework-free
 * (never imports express): `req` is opaque here and only handed to `custom` predicates.
 *
 * A matcher is compiled once ({@link compileMatcher}) into a plain predicate; every mistake is a
 * `MtlsConfigError` at that moment, never a surprise during a request.
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { allParts, compileFields, hasAmbiguousCn, isPlainObject, type CertTest, type CompiledFields } from './match-compile.js';
import { describeValue, type ValueMatchers } from './match-values.js';
import type { AnyClientCertificate } from '../types.js';
import { fieldsRead, lacksAnyField, mayBeMissing } from './partial.js';

export type { ValueMatcher, ValueMatchers, ValuePredicate } from './match-values.js';
export { regExpProblem } from './match-values.js';

/** Subject alternative name tests: every given kind must match; within a kind, any SAN value may. */
export interface SanMatcher {
  /** dNSName, compared case-insensitively (ASCII); `*.example.com` compares literally. */
  readonly dns?: ValueMatchers;
  /** rfc822Name: exact local part, case-insensitive domain. */
  readonly email?: ValueMatchers;
  /** URI: case-insensitive scheme and host, the rest exact. */
  readonly uri?: ValueMatchers;
  /** iPAddress in canonical form (RFC 5952 IPv6; IPv4-mapped in the mixed form `::ffff:192.0.2.1`). */
  readonly ip?: ValueMatchers;
}

/** Attribute tests on a DN, keyed by type: short name (`CN`), long name (`commonName`) or OID (`2.5.4.3`). */
export type AttributeMatchers = Readonly<Record<string, ValueMatchers>>;

/**
 * Fields of a certificate matcher. All given fields must match (AND); an array value means any of (OR).
 * Strings are exact and case-sensitive (no Unicode normalisation), RegExps must be anchored, predicates must
 * return `true`. `Req` is the request type handed to `custom`.
 */
export interface CertMatcherFields<Req = unknown> {
  /**
   * The subject CN. A subject with more than one CN is an ambiguous identity: a matcher that reads the CN
   * anywhere (here or in `subject`) refuses it as a whole, whatever the combinators (`not()` included).
   */
  readonly cn?: ValueMatchers;
  /** Any subject OU. */
  readonly ou?: ValueMatchers;
  /** Any subject O. */
  readonly o?: ValueMatchers;
  /** Subject attributes by type; a CN here follows the same one-CN rule as `cn`. */
  readonly subject?: AttributeMatchers;
  /** Issuer attributes by type. */
  readonly issuer?: AttributeMatchers;
  /** Serial number; exact strings compare as hex numbers (case, colons and leading zeros ignored). */
  readonly serialNumber?: ValueMatchers;
  /** SHA-256 fingerprint; exact strings compare without case or colons. */
  readonly fingerprint256?: ValueMatchers;
  /** Subject alternative names. */
  readonly san?: SanMatcher;
  /** Anything else; must return `true` synchronously. Exceptions propagate to the caller. */
  readonly custom?: (cert: AnyClientCertificate, req: Req) => boolean;
}

/** What a combinator does with its operands. */
export type CombinatorKind = 'allOf' | 'anyOf' | 'not';

/** A matcher built by {@link allOf}, {@link anyOf} or {@link not}. Immutable. */
export class MatcherCombination<Req = unknown> {
  /** The combinator. */
  readonly kind: CombinatorKind;
  /** Its operands (one for `not`). */
  readonly operands: readonly CertMatcher<Req>[];

  /** Use {@link allOf}, {@link anyOf} or {@link not} rather than this constructor. */
  constructor(kind: CombinatorKind, operands: readonly CertMatcher<Req>[]) {
    this.kind = kind;
    this.operands = Object.freeze([...operands]);
    Object.freeze(this);
  }
}

/** A certificate matcher: an object of fields, or a combination. */
export type CertMatcher<Req = unknown> = CertMatcherFields<Req> | MatcherCombination<Req>;

/** A compiled matcher: `false` for a missing certificate. */
export type CompiledMatcher<Req = unknown> = (cert: AnyClientCertificate | undefined, req: Req) => boolean;

/** Matches when every operand matches. Checked when compiled (at least one operand). */
export function allOf<Req = unknown>(...matchers: CertMatcher<Req>[]): MatcherCombination<Req> {
  return new MatcherCombination('allOf', matchers);
}

/** Matches when at least one operand matches. Checked when compiled (at least one operand). */
export function anyOf<Req = unknown>(...matchers: CertMatcher<Req>[]): MatcherCombination<Req> {
  return new MatcherCombination('anyOf', matchers);
}

/**
 * Matches a certificate the operand does not match. A request without a certificate still never matches:
 * `not({ cn: 'x' })` means "a certificate whose CN is not x", not "anything but x". Neither does a subject
 * with two CNs when the matcher reads the CN: `not({ cn: 'x' })` refuses `CN=x,CN=y` (see `cn`).
 */
export function not<Req = unknown>(matcher: CertMatcher<Req>): MatcherCombination<Req> {
  return new MatcherCombination('not', [matcher]);
}

function compileCombination(combination: MatcherCombination<unknown>, path: string): CompiledFields {
  const { kind, operands } = combination;
  if (operands.length === 0) throw new MtlsConfigError(path, `${kind}() has no operands; give at least one matcher`);
  if (kind === 'not' && operands.length !== 1) throw new MtlsConfigError(path, 'not() takes exactly one matcher');
  const compiled = operands.map((m, i) => compileAny(m, kind === 'not' ? `${path}.not` : `${path}.${kind}[${i}]`));
  const readsCn = compiled.some((c) => c.readsCn);
  const pure = compiled.every((c) => c.pure);
  const tests = compiled.map((c) => c.test);
  if (kind === 'not') {
    const [inner] = tests as [CertTest];
    return { test: (cert, req) => !inner(cert, req), readsCn, pure };
  }
  if (kind === 'anyOf') return { test: (cert, req) => tests.some((t) => t(cert, req)), readsCn, pure };
  return { ...allParts(compiled), readsCn };
}

function compileAny(matcher: unknown, path: string): CompiledFields {
  if (matcher instanceof MatcherCombination) return compileCombination(matcher as MatcherCombination<unknown>, path);
  if (isPlainObject(matcher)) return compileFields(matcher, path);
  const hint = typeof matcher === 'string' ? ` such as { cn: '${matcher.slice(0, 40)}' }`
    : Array.isArray(matcher) ? '; for "any of these", use anyOf(...)'
      : typeof matcher === 'function' ? '; wrap a predicate as { custom: (cert, req) => boolean }' : '';
  throw new MtlsConfigError(path, `is ${describeValue(matcher)}; expected a matcher object${hint}`);
}

/**
 * Compiles a matcher once into a fast predicate. Call it at construction time, never per request.
 * The predicate is `false` without a certificate, and `false` for a subject with two or more CNs when the
 * matcher reads the CN anywhere (`cn`, `subject.CN`/`commonName`/`2.5.4.3`), whatever its combinators.
 * @param path Name used in error messages, such as `matcher` or `rules[2][0]`.
 * @throws MtlsConfigError naming the offending path (`matcher.san.dns[2]`) and the fix.
 */
export function compileMatcher<Req = unknown>(matcher: CertMatcher<Req>, path = 'matcher'): CompiledMatcher<Req> {
  return compileRule(matcher, path).test;
}

/**
 * {@link compileMatcher}, and whether the matcher is pure: free of predicates, so that its answer for one
 * certificate object is the same on every request and may be remembered.
 * @internal
 */
export function compileRule<Req = unknown>(matcher: CertMatcher<Req>, path: string): { test: CompiledMatcher<Req>; pure: boolean } {
  const { test, readsCn, pure } = compileAny(matcher, path);
  const reads = fieldsRead(matcher);
  const partialMayLack = [...reads].some(mayBeMissing);
  // Refused here, above every combinator: inside not() a CN test's own `false` would become a match, and so
  // would a test of a field a partial certificate lacks.
  const usable = (cert: AnyClientCertificate | undefined): cert is AnyClientCertificate =>
    cert !== undefined && (!partialMayLack || cert.complete || !lacksAnyField(cert, reads));
  if (readsCn) return { test: (cert, req) => usable(cert) && !hasAmbiguousCn(cert) && test(cert, req), pure };
  return { test: (cert, req) => usable(cert) && test(cert, req), pure };
}

/**
 * `true` when `cert` satisfies `matcher`; `false` when `cert` is `undefined`. Compiles the matcher on every
 * call: for a hot path, keep the result of {@link compileMatcher} instead.
 * @throws MtlsConfigError for a bad matcher; whatever a `custom` predicate throws.
 */
export function matchCert<Req = unknown>(cert: AnyClientCertificate | undefined, matcher: CertMatcher<Req>, req?: Req): boolean {
  return compileMatcher(matcher)(cert, req as Req);
}
