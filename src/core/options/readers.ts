/**
 * The one set of option readers every factory uses: known keys with "did you mean", booleans, functions,
 * enums, whole numbers in a range and header names. They read own properties only (see `ownOptions`) and
 * throw `MtlsConfigError` naming the option's path, what was expected and, for a typo, the fix.
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { ownOptions } from './own.js';
import { didYouMean } from './suggest.js';

/** Header field-name characters (RFC 9110 token): what a configured header name may consist of. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A short description of a value's type for error messages (never its content). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof RegExp) return 'a RegExp';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `true` for a non-null, non-array object. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws for an own key of `options` that is not in `known`, naming `path.key`, the known keys and the closest one. */
export function checkKnownKeys(options: object, known: readonly string[], path: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new MtlsConfigError(`${path}.${key}`, `is not supported; use ${known.join(', ')}.${didYouMean(key, known)}`);
    }
  }
}

/**
 * An options argument: `undefined` or an object with only `known` keys, returned as a prototype-free copy of
 * its own properties.
 */
export function readOptions(value: unknown, known: readonly string[], path = 'options'): Record<string, unknown> {
  if (value === undefined) return ownOptions({});
  if (!isOptionsObject(value)) throw new MtlsConfigError(path, `expected an object (${known.join(', ')}), got ${describe(value)}.`);
  checkKnownKeys(value, known, path);
  return ownOptions(value);
}

/** An optional boolean. */
export function booleanOption(options: Record<string, unknown>, key: string, fallback: boolean, path = key): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new MtlsConfigError(path, `expected true or false, got ${describe(value)}.`);
  return value;
}

/** An optional function. */
export function functionOption<T extends (...args: never[]) => unknown>(options: Record<string, unknown>, key: string,
  path = key): T | undefined {
  const value = options[key];
  if (value !== undefined && typeof value !== 'function') throw new MtlsConfigError(path, `expected a function, got ${describe(value)}.`);
  return value as T | undefined;
}

/** An optional string that must be one of `allowed`. */
export function enumOption<T extends string>(options: Record<string, unknown>, key: string, allowed: readonly T[], fallback: T,
  path = key): T {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
    throw new MtlsConfigError(path, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.${hint}`);
  }
  return value as T;
}

/** An optional whole number from `min` to `max`. */
export function integerOption(options: Record<string, unknown>, key: string, range: { min: number; max: number; fallback: number },
  path = key): number {
  const value = options[key];
  if (value === undefined) return range.fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new MtlsConfigError(path, `expected a whole number from ${range.min} to ${range.max}.`);
  }
  return value;
}

/** A configured HTTP header name, lowercased. */
export function headerNameOption(value: unknown, path: string): string {
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    throw new MtlsConfigError(path, 'expected an HTTP header name (letters, digits, "-").');
  }
  return value.toLowerCase();
}

/** `clockTolerance`: seconds of clock skew allowed (0 to 86400), returned in milliseconds. */
export function clockToleranceOption(options: Record<string, unknown>): number {
  const value = options.clockTolerance;
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 86_400) {
    throw new MtlsConfigError('clockTolerance', 'expected a number of seconds from 0 to 86400.');
  }
  return value * 1000;
}

/** `cache`: `{ max }` (entries, default 1000) or `false`; returned as the entry limit or `false`. */
export function cacheOption(options: Record<string, unknown>): number | false {
  const value = options.cache;
  if (value === false) return false;
  if (value !== undefined && !isOptionsObject(value)) throw new MtlsConfigError('cache', 'expected { max: number } or false.');
  const cache = readOptions(value, ['max'], 'cache');
  return integerOption(cache, 'max', { min: 1, max: 10_000_000, fallback: 1000 }, 'cache.max');
}
