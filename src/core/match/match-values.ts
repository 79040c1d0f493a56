/**
 * Compiling the value part of a matcher (`cn: ['a', /^b-\d+$/, (v) => ...]`) into one test, once, at
 * construction: exact strings go into a set of canonical forms, RegExps are checked for anchors, and every
 * mistake is a `MtlsConfigError` naming the path.
 * @module
 */
import { types } from 'node:util';
import { MtlsConfigError } from '../errors.js';
import { EXACT, type Canon } from './match-canon.js';

/** A predicate over one value of a field (a CN, an OU, a DNS SAN...). Only a return of `true` matches. */
export type ValuePredicate = (value: string) => boolean;

/** One accepted value: an exact string, an anchored RegExp (`/^...$/`), or a predicate. */
export type ValueMatcher = string | RegExp | ValuePredicate;

/** A value, or an array of values of which any may match (OR). */
export type ValueMatchers = ValueMatcher | readonly ValueMatcher[];

/** A compiled value test. */
export type ValueTest = (value: string) => boolean;

/** A compiled value test, and whether its answer depends on the value alone (no predicate functions). */
export interface CompiledValues {
  readonly test: ValueTest;
  /** `false` when a predicate is among the values: its answer may change from one call to the next. */
  readonly pure: boolean;
}

/** Short description of a wrong value for error messages (never the whole value: it may be large). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Splits a RegExp source at its top-level `|`, skipping escapes, groups and character classes. */
function topLevelBranches(source: string, unicodeSets: boolean): string[] {
  const branches: string[] = [];
  let depth = 0;
  let classDepth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[' && (classDepth === 0 || unicodeSets)) classDepth++;
    else if (c === ']' && classDepth > 0) classDepth--;
    else if (classDepth > 0) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      branches.push(source.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(source.slice(start));
  return branches;
}

function endsWithAnchor(branch: string): boolean {
  if (!branch.endsWith('$')) return false;
  let slashes = 0;
  for (let i = branch.length - 2; i >= 0 && branch[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0; // an odd count means `\$`, a literal dollar
}

/**
 * Why `re` may not be used as a matcher value, or `undefined` when it is anchored and stateless: every
 * top-level alternative starts with `^` and ends with an unescaped `$` (so `/^a|b$/` is refused), and it has
 * no `g`/`y` flag (`test()` would carry `lastIndex` from one request to the next) and no `m` flag (`^`/`$`
 * would match at line breaks).
 */
export function regExpProblem(re: RegExp): string | undefined {
  if (re.global || re.sticky) {
    return `has the ${re.global ? 'g' : 'y'} flag: RegExp#test then keeps state in lastIndex between requests; remove the flag`;
  }
  if (re.multiline) return 'has the m flag: ^ and $ would then match at line breaks; remove the flag';
  const branches = topLevelBranches(re.source, re.flags.includes('v'));
  if (branches.every((b) => b.startsWith('^') && endsWithAnchor(b))) return undefined;
  const why = branches.length > 1 ? 'has a top-level | that escapes the anchors' : 'is not anchored';
  // A plain word makes the danger concrete with the user's own pattern; other patterns get the rule alone.
  const example = /^[\w.@-]+$/.test(re.source) ? ` (such as "${re.source}-x" or "x${re.source}")` : '';
  return `${why}: it would accept any value that merely contains a match${example}; write ${anchoredSuggestion(re)}`;
}

/**
 * `re` wrapped as `/^(?:...)$/` with its flags. Only a leading `^` and an unescaped trailing `$` (anchors)
 * are dropped: stripping the `$` of `\$` would leave a dangling backslash that escapes the `)`.
 */
function anchoredSuggestion(re: RegExp): string {
  let body = re.source.startsWith('^') ? re.source.slice(1) : re.source;
  if (endsWithAnchor(body)) body = body.slice(0, -1);
  return `/^(?:${body})$/${re.flags}`;
}

/** Adds one value to `exact` or `tests`; returns `true` for a predicate (an impure test). */
function compileOne(item: unknown, path: string, canon: Canon, exact: Set<string>, tests: ValueTest[]): boolean {
  if (typeof item === 'string') {
    if (item === '') throw new MtlsConfigError(path, 'is an empty string, which identifies nothing; give a value');
    const canonical = canon.config(item);
    if (canonical === undefined) throw new MtlsConfigError(path, `is not a valid value: ${canon.hint}`);
    exact.add(canonical);
    return false;
  }
  if (item instanceof RegExp) {
    // Copied first, then checked: the caller's object (its getters included) is read once, so what was
    // checked is what runs, and later changes to it cannot reach us.
    const copy = new RegExp(item.source, item.flags);
    const problem = regExpProblem(copy);
    if (problem !== undefined) throw new MtlsConfigError(path, `RegExp ${copy} ${problem}`);
    tests.push((value) => copy.test(value));
    return false;
  }
  if (typeof item === 'function') {
    if (types.isAsyncFunction(item)) {
      throw new MtlsConfigError(path, 'is an async function; a predicate must return a boolean synchronously');
    }
    const fn = item as ValuePredicate;
    tests.push((value) => fn(value) === true);
    return true;
  }
  if (item === undefined) {
    throw new MtlsConfigError(path, 'is undefined (a missing environment variable?); give a value or remove the key');
  }
  throw new MtlsConfigError(path, `is ${describeValue(item)}; expected a string, an anchored RegExp or a predicate (value) => boolean`);
}

/**
 * Compiles a value or an array of values (any may match) into one test. Exact strings compare in the
 * canonical form of `canon`; RegExps and predicates see the value as the certificate holds it.
 * @throws MtlsConfigError naming `path` (`matcher.san.dns[2]`) for an empty array, an empty string, an
 *   invalid value, an unanchored or stateful RegExp, an async predicate, or a value of another type.
 */
export function compileValues(value: unknown, path: string, canon: Canon = EXACT): CompiledValues {
  const exact = new Set<string>();
  const tests: ValueTest[] = [];
  let predicates = false;
  if (Array.isArray(value)) {
    if (value.length === 0) throw new MtlsConfigError(path, 'is an empty array, which matches nothing; give at least one value');
    value.forEach((item: unknown, i) => {
      if (Array.isArray(item)) throw new MtlsConfigError(`${path}[${i}]`, 'is a nested array; flatten it');
      if (compileOne(item, `${path}[${i}]`, canon, exact, tests)) predicates = true;
    });
  } else {
    predicates = compileOne(value, path, canon, exact, tests);
  }
  const test: ValueTest = (certValue) => {
    if (exact.size > 0) {
      const canonical = canon.cert(certValue);
      if (canonical !== undefined && exact.has(canonical)) return true;
    }
    for (const one of tests) if (one(certValue)) return true;
    return false;
  };
  return { test, pure: !predicates };
}
