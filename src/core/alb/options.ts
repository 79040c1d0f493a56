/**
 * Option types, defaults, and their validation at construction time.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { MtlsError } from '../errors.js';
import { MtlsConfigError } from '../errors.js';
import { checkKnownKeys, headerNameOption, isOptionsObject, readOptions } from '../options/readers.js';
import { DEFAULT_HEADER_NAMES, type HeaderNames, type HeaderRole } from './headers.js';
import type { AnyClientCertificate } from '../types.js';
import type { CrlSet } from '../path/crl.js';
import type { TrustStore } from '../path/trust-store.js';

/** PEM text, or PEM/DER bytes; one item or several. */
export type PemInput = string | Buffer | Uint8Array | ReadonlyArray<string | Buffer | Uint8Array>;

/** What `onEvent` receives. Never raw header values. */
export type MtlsEvent =
  | { readonly type: 'accepted'; readonly req: IncomingMessage; readonly certificate: AnyClientCertificate; readonly cached: boolean }
  | { readonly type: 'rejected'; readonly req: IncomingMessage; readonly error: MtlsError }
  | {
    readonly type: 'stripped';
    readonly req: IncomingMessage;
    /**
     * `untrusted-peer`: the TCP peer is not a trusted proxy, so every certificate header was removed.
     * `unread`: certificate headers this configuration does not read (ALB's other mode, a front door's
     * default names while `headerNames` renames them, Traefik's info header), removed so nothing
     * downstream trusts them.
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
  /** Passthrough: CRLs (PEM or DER, or a `loadCrls()` result), checked for every certificate of the path whose
   * issuer has one, an intermediate CA in `trustStore` included. An indirect CRL throws `MtlsConfigError`. */
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

/** Validates the shape of `options` and its keys; returns its own properties. */
export function checkOptionsObject(options: unknown, kind: 'albMtls' | 'decodeAlbHeaders', extra: readonly string[] = []):
  Record<string, unknown> {
  return readOptions(options, [...(kind === 'albMtls' ? MIDDLEWARE_KEYS : DECODER_KEYS), ...extra]);
}

/** Header names: ALB's defaults overridden by `headerNames`, lowercase, validated, all distinct. */
export function headerNames(options: Record<string, unknown>): HeaderNames {
  const value = options.headerNames;
  if (value === undefined) return DEFAULT_HEADER_NAMES;
  if (!isOptionsObject(value)) throw new MtlsConfigError('headerNames', 'expected an object such as { subject: "x-client-subject" }.');
  const roles = Object.keys(DEFAULT_HEADER_NAMES);
  checkKnownKeys(value, roles, 'headerNames');
  const names: Record<string, string> = { ...DEFAULT_HEADER_NAMES };
  for (const [role, name] of Object.entries(value)) names[role] = headerNameOption(name, `headerNames.${role}`);
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
