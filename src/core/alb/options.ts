/**
 * Option types, defaults, and their validation at construction time.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { MtlsError } from '../errors.js';
import { MtlsConfigError } from '../errors.js';
import { DEFAULT_HEADER_NAMES, type HeaderNames, type HeaderRole } from './headers.js';
import type { ClientCertificate } from '../types.js';
import type { CrlSet } from '../path/crl.js';
import type { TrustStore } from '../path/trust-store.js';
import { didYouMean } from '../suggest.js';
import { ownOptions } from '../own-options.js';

/** PEM text, or PEM/DER bytes; one item or several. */
export type PemInput = string | Buffer | Uint8Array | ReadonlyArray<string | Buffer | Uint8Array>;

/** What `onEvent` receives. Never raw header values. */
export type MtlsEvent =
  | { readonly type: 'accepted'; readonly req: IncomingMessage; readonly certificate: ClientCertificate; readonly cached: boolean }
  | { readonly type: 'rejected'; readonly req: IncomingMessage; readonly error: MtlsError }
  | {
    readonly type: 'stripped';
    readonly req: IncomingMessage;
    /**
     * `untrusted-peer`: the TCP peer is not a trusted proxy, so every mTLS header was removed.
     * `unread`: certificate headers this configuration does not read (the other mode's header, or ALB's
     * default names while `headerNames` renames them), removed so nothing downstream trusts them.
     */
    readonly reason: 'untrusted-peer' | 'unread';
    /** Names (lowercase) of the headers removed. */
    readonly headers: readonly string[];
    /** The TCP peer's address. */
    readonly peer: string | undefined;
  };

/** Options of the framework-free decoder ({@link decodeAlbHeaders}) and of `albMtls()`. */
export interface DecoderOptions {
  /** The ALB listener's mTLS mode. Default `'verify'`. */
  mode?: 'verify' | 'passthrough';
  /** Passthrough: trusted CA certificates (or a `loadTrustStore()` result). Required in passthrough mode. */
  trustStore?: PemInput | TrustStore;
  /** Passthrough: CRLs (PEM or DER, or a `loadCrls()` result) checked for every certificate of the path. */
  crls?: PemInput | CrlSet;
  /** Passthrough: what to do with a CRL past its nextUpdate. Default `'reject'`. */
  crlStale?: 'reject' | 'ignore';
  /** Passthrough without a trust store: decode the chain, verify nothing (`verifiedBy: 'none'`). Default `false`. */
  dangerouslySkipChainVerification?: boolean;
  /** Reject expired / not-yet-valid certificates. Default `true`. */
  checkValidity?: boolean;
  /** Seconds of clock skew allowed in validity checks. Default `0`. */
  clockTolerance?: number;
  /** Verify mode: compare the leaf with the subject, issuer, serial and validity headers. Default `true`. */
  crossCheck?: boolean;
  /** Renamed headers (listener attributes `routing.http.request.x_amzn_mtls_clientcert_*.header_name`). */
  headerNames?: Partial<Record<HeaderRole, string>>;
  /** Bounded cache of decoded certificates / verified chains: `{ max }` (default 1000) or `false`. */
  cache?: { max?: number } | false;
}

/** Options of `albMtls()`. */
export interface AlbMtlsOptions extends DecoderOptions {
  /**
   * Which TCP peers may send mTLS headers: `proxy-addr` syntax (names `loopback`, `linklocal`,
   * `uniquelocal`, addresses, CIDRs) or a function. Default `'loopback, linklocal, uniquelocal'`.
   */
  trustedProxies?: string | readonly string[] | ((address: string | undefined) => boolean);
  /** Reject requests without a certificate (401). Default `false`. */
  required?: boolean;
  /** Requests to leave alone, such as health checks: `(req) => boolean`. */
  skip?: (req: IncomingMessage) => boolean;
  /** Called for accepted, rejected and stripped requests (logs, metrics). */
  onEvent?: (event: MtlsEvent) => void;
}

const DECODER_KEYS = ['mode', 'trustStore', 'crls', 'crlStale', 'dangerouslySkipChainVerification', 'checkValidity',
  'clockTolerance', 'crossCheck', 'headerNames', 'cache'] as const satisfies ReadonlyArray<keyof DecoderOptions>;
const MIDDLEWARE_KEYS = [...DECODER_KEYS, 'trustedProxies', 'required', 'skip', 'onEvent'] as const satisfies
  ReadonlyArray<keyof AlbMtlsOptions>;

/** Header token characters (RFC 9110): what a renamed header may consist of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Throws for keys not in `known`, with a suggestion. */
export function checkKeys(options: object, known: readonly string[], path: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new MtlsConfigError(`${path}.${key}`, `unknown option.${didYouMean(key, known)} Known: ${known.join(', ')}.`);
    }
  }
}

/** Validates the plain-object shape of `options` and its keys. */
export function checkOptionsObject(options: unknown, kind: 'albMtls' | 'decodeAlbHeaders', extra: readonly string[] = []):
  Record<string, unknown> {
  if (options === undefined) return ownOptions({});
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MtlsConfigError('options', `expected an object or nothing, got ${describe(options)}.`);
  }
  checkKeys(options, [...(kind === 'albMtls' ? MIDDLEWARE_KEYS : DECODER_KEYS), ...extra], 'options');
  return ownOptions(options as Record<string, unknown>);
}

/** A short description of a value's type for error messages (never its content). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof RegExp) return 'a RegExp';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Reads an optional boolean option. */
export function booleanOption(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new MtlsConfigError(key, `expected true or false, got ${describe(value)}.`);
  return value;
}

/** Reads an optional option that must be one of `allowed`. */
export function enumOption<T extends string>(options: Record<string, unknown>, key: string, allowed: readonly T[], fallback: T): T {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
    throw new MtlsConfigError(key, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.${hint}`);
  }
  return value as T;
}

/** `clockTolerance` in milliseconds. */
export function clockToleranceMs(options: Record<string, unknown>): number {
  const value = options.clockTolerance;
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 86_400) {
    throw new MtlsConfigError('clockTolerance', 'expected a number of seconds from 0 to 86400.');
  }
  return value * 1000;
}

/** `cache` as an entry limit, or `false`. */
export function cacheMax(options: Record<string, unknown>): number | false {
  const value = options.cache;
  if (value === undefined) return 1000;
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MtlsConfigError('cache', 'expected { max: number } or false.');
  }
  checkKeys(value, ['max'], 'cache');
  const max = ownOptions(value as { max?: unknown }).max ?? 1000;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10_000_000) {
    throw new MtlsConfigError('cache.max', 'expected a whole number from 1 to 10000000 (or cache: false).');
  }
  return max;
}

/** Header names: ALB's defaults overridden by `headerNames`, lowercase, validated, all distinct. */
export function headerNames(options: Record<string, unknown>): HeaderNames {
  const value = options.headerNames;
  if (value === undefined) return DEFAULT_HEADER_NAMES;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MtlsConfigError('headerNames', 'expected an object such as { subject: "x-client-subject" }.');
  }
  const roles = Object.keys(DEFAULT_HEADER_NAMES);
  checkKeys(value, roles, 'headerNames');
  const names: Record<string, string> = { ...DEFAULT_HEADER_NAMES };
  for (const [role, name] of Object.entries(value)) {
    if (typeof name !== 'string' || !TOKEN.test(name)) {
      throw new MtlsConfigError(`headerNames.${role}`, 'expected an HTTP header name (letters, digits, "-").');
    }
    names[role] = name.toLowerCase();
  }
  if (new Set(Object.values(names)).size !== roles.length) {
    throw new MtlsConfigError('headerNames', 'two roles share one header name; each needs its own.');
  }
  return Object.freeze(names) as HeaderNames;
}

/** `trustedProxies` compiled to a predicate on the TCP peer address. */
export function trustedProxies(options: Record<string, unknown>): (address: string | undefined) => boolean {
  const value = options.trustedProxies ?? 'loopback, linklocal, uniquelocal';
  if (typeof value === 'function') {
    const fn = value as (address: string | undefined) => unknown;
    return (address) => fn(address) === true;
  }
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new MtlsConfigError('trustedProxies', 'expected a proxy-addr string or array (e.g. "10.0.0.0/8") or a function.');
  }
  let trust: (address: string, i: number) => boolean;
  try {
    trust = proxyAddr.compile(list as string[]);
  } catch (error) {
    throw new MtlsConfigError('trustedProxies', `${(error as Error).message}; use names (loopback, linklocal, uniquelocal), addresses or CIDRs.`);
  }
  // Parsing the address costs more than the rest of a warm request; ALB has a handful of node addresses.
  const seen = new Map<string, boolean>();
  return (address) => {
    if (address === undefined) return false;
    let trusted = seen.get(address);
    if (trusted === undefined) {
      trusted = trust(address, 0);
      if (seen.size >= 1024) seen.clear();
      seen.set(address, trusted);
    }
    return trusted;
  };
}
