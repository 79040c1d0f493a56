/**
 * Listener-rule conditions on mTLS certificate headers. ALB's default names (`x-amzn-mtls-*`), the names of
 * the `headerNames` option, and the names `albMtls()` records on each request (renamed headers) all count:
 * such a header means something only once `albMtls()` accepted the certificate it came with, and a wildcard
 * on it is a substring match on a DN, worth a warning.
 * @module
 */
import type { Request } from 'express';
import { hasWildcard } from './glob.js';
import type { CompiledCondition, RequestTest } from './conditions.js';
import type { Warn } from './options.js';
import { certificateHeadersOf, certificateOf } from '../request-state.js';

/** Code of the warning for a wildcard on an mTLS header. */
export const WILDCARD_DN_WARNING = 'EXPRESS_ALB_MTLS_WILDCARD_HEADER';

/** ALB's default names all start with it, and `albMtls()` owns (strips) every header that does. */
const MTLS_PREFIX = 'x-amzn-mtls-';

/** `true` for an mTLS header known without a request: ALB's prefix, or a name in `known` (`headerNames`). */
function isKnownMtlsHeader(header: string, known: ReadonlySet<string>): boolean {
  return header.startsWith(MTLS_PREFIX) || known.has(header);
}

/**
 * Builds, per `http-header` condition, the test of whether a request may be matched on that header at all.
 * An ordinary header always may. An mTLS header may only with a certificate `albMtls()` accepted, and only
 * if the configuration reads it: `albMtls()` strips the others, and a rule must not trust them either.
 * The test throws `ERR_MTLS_NOT_CONFIGURED` for an mTLS header when `albMtls()` did not run.
 * @param known Lowercase mTLS header names from the `headerNames` option.
 */
export function certificateHeaderGate(known: ReadonlySet<string>): (header: string) => RequestTest {
  return (header) => {
    const always = isKnownMtlsHeader(header, known);
    return (req) => {
      const read = certificateHeadersOf(req); // empty when albMtls() did not run
      if (!always && !read.has(header)) return true;
      return certificateOf(req) !== undefined && read.has(header);
    };
  };
}

/** A rule's label for messages and its compiled conditions. */
export interface LabelledConditions {
  readonly label: string;
  readonly conditions: readonly CompiledCondition[];
}

function riskyCondition(conditions: readonly CompiledCondition[], isMtls: (header: string) => boolean): CompiledCondition | undefined {
  return conditions.find((c) => c.header !== undefined && isMtls(c.header) && c.values.some((v) => hasWildcard(v)));
}

function message(label: string, risky: CompiledCondition): string {
  return `${label} matches ${risky.header} with a wildcard (${risky.values.join(', ')}). On a DN header a wildcard is a ` +
    'substring match: "*CN=clientA*" also accepts CN=clientAdmin and OU=CN=clientA. Authorize with a parsed matcher ' +
    "instead: requireCN('clientA'), or routeByCert([[{ cn: 'clientA' }, handler]]).";
}

/** A warning during a request: a throwing `onWarning` must not turn the request into a 500. */
function warnSafely(warn: Warn, text: string): void {
  try {
    warn(text, WILDCARD_DN_WARNING);
  } catch (error) {
    process.emitWarning(`onWarning threw: ${(error as Error)?.message ?? String(error)}`, { code: 'EXPRESS_ALB_MTLS_ONWARNING' });
    process.emitWarning(text, { code: WILDCARD_DN_WARNING });
  }
}

/**
 * Warns now, once per rule, about a wildcard on an mTLS header known at construction. Returns the check to
 * run on each request: renamed names are known once `albMtls()` has recorded them, so a rule with a
 * wildcard on one is warned about then (once per rule; each distinct set of names is examined once).
 */
export function wildcardWarnings(rules: readonly LabelledConditions[], known: ReadonlySet<string>, warn: Warn): (req: Request) => void {
  let pending = rules.filter((rule) => {
    const risky = riskyCondition(rule.conditions, (header) => isKnownMtlsHeader(header, known));
    if (risky !== undefined) warn(message(rule.label, risky), WILDCARD_DN_WARNING);
    return risky === undefined && riskyCondition(rule.conditions, () => true) !== undefined;
  });
  if (pending.length === 0) return () => undefined;
  const examined = new WeakSet<ReadonlySet<string>>();
  return (req) => {
    const read = certificateHeadersOf(req); // albMtls() hands every request the same set: examined once
    if (read.size === 0 || examined.has(read) || pending.length === 0) return;
    examined.add(read);
    pending = pending.filter((rule) => {
      const risky = riskyCondition(rule.conditions, (header) => read.has(header));
      if (risky !== undefined) warnSafely(warn, message(rule.label, risky));
      return risky === undefined;
    });
  };
}
