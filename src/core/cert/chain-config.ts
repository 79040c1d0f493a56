/**
 * Configuration of the passthrough engine, validated once at construction (`MtlsConfigError` names the
 * option and the fix).
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { booleanOption, cacheOption, clockToleranceOption, enumOption, integerOption, readOptions } from '../options/readers.js';
import { CLIENT_AUTH } from '../path/chain.js';
import { loadCrls, type CrlSet } from '../path/crl.js';
import type { PemOrDerInput } from '../der/config-pem.js';
import { loadTrustStore, type TrustStore } from '../path/trust-store.js';

/** Options of the unverified decoder (`dangerouslySkipChainVerification`). */
export interface UnverifiedConfig {
  /** Seconds of clock skew allowed on validity checks. Default 0. */
  readonly clockTolerance?: number;
  /** Check the leaf's validity period (CA validity is always checked). Default `true`. */
  readonly checkValidity?: boolean;
  /** Verdict cache: `{ max }` entries (default 1000), or `false` for none. */
  readonly cache?: { readonly max?: number } | false;
  /** Most certificates accepted in the header. Default 10. */
  readonly maxCertificates?: number;
  /** Longest accepted header value, in bytes. Default 65536 (ALB's limit for all request headers). */
  readonly maxHeaderBytes?: number;
}

/** Options of {@link createPassthroughVerifier}. */
export interface PassthroughConfig extends UnverifiedConfig {
  /** Trust anchors: a `TrustStore` from `loadTrustStore`, or what `loadTrustStore` accepts. */
  readonly trustStore: TrustStore | PemOrDerInput;
  /** CRLs: a `CrlSet` from `loadCrls`, or what `loadCrls` accepts. */
  readonly crls?: CrlSet | PemOrDerInput | undefined;
  /** A CRL past its nextUpdate: `'reject'` (default, fail closed) or `'ignore'` (use it anyway). */
  readonly crlStale?: 'reject' | 'ignore';
  /** EKU the leaf (and any CA with an EKU extension) must list. Default clientAuth; `null` for none. */
  readonly requiredEku?: string | null;
}

/** The validated decoding options. */
export interface ReadDecodeConfig {
  readonly clockToleranceMs: number;
  readonly checkValidity: boolean;
  readonly cacheMax: number | false;
  readonly maxCertificates: number;
  readonly maxHeaderBytes: number;
}

/** The validated verifier configuration. */
export interface ReadConfig extends ReadDecodeConfig {
  readonly trustStore: TrustStore;
  readonly crls: CrlSet | undefined;
  readonly crlStale: 'reject' | 'ignore';
  readonly requiredEku: string | null;
  /** Certificates in a path, anchor included: ALB allows depth 4; we allow the leaf, 6 CAs and the anchor. */
  readonly maxDepth: number;
}

const DECODE_KEYS = ['clockTolerance', 'checkValidity', 'cache', 'maxCertificates', 'maxHeaderBytes'];
const KEYS = [...DECODE_KEYS, 'trustStore', 'crls', 'crlStale', 'requiredEku'];

function readEku(value: unknown): string | null {
  if (value === undefined) return CLIENT_AUTH;
  if (value === null) return null;
  if (typeof value !== 'string' || !/^[0-2](\.(0|[1-9][0-9]*))+$/.test(value)) {
    throw new MtlsConfigError('requiredEku', `expected a dotted OID such as '${CLIENT_AUTH}' (clientAuth), or null.`);
  }
  return value;
}

function readStore(config: Record<string, unknown>): { trustStore: TrustStore; crls: CrlSet | undefined } {
  const { trustStore, crls } = config;
  if (trustStore === undefined) {
    throw new MtlsConfigError('trustStore', 'is required: pass the CA certificates that issue your client certificates.');
  }
  return {
    trustStore: loadTrustStore(trustStore as PemOrDerInput | TrustStore),
    crls: crls === undefined ? undefined : loadCrls(crls as PemOrDerInput | CrlSet),
  };
}

function readCommon(raw: Record<string, unknown>): ReadDecodeConfig {
  return {
    clockToleranceMs: clockToleranceOption(raw),
    checkValidity: booleanOption(raw, 'checkValidity', true),
    cacheMax: cacheOption(raw),
    maxCertificates: integerOption(raw, 'maxCertificates', { min: 1, max: 100, fallback: 10 }),
    maxHeaderBytes: integerOption(raw, 'maxHeaderBytes', { min: 1024, max: 1024 * 1024, fallback: 65_536 }),
  };
}

/** Validates the unverified decoder's options. @throws MtlsConfigError naming the option. */
export function readDecodeConfig(config: UnverifiedConfig): ReadDecodeConfig {
  return readCommon(readOptions(config, DECODE_KEYS));
}

/** Validates the verifier's options, loading raw PEM/DER inputs. @throws MtlsConfigError naming the option. */
export function readPassthroughConfig(config: PassthroughConfig): ReadConfig {
  const raw = readOptions(config, KEYS);
  const stale = enumOption<'reject' | 'ignore'>(raw, 'crlStale', ['reject', 'ignore'], 'reject');
  return { ...readCommon(raw), ...readStore(raw), crlStale: stale, requiredEku: readEku(raw.requiredEku), maxDepth: 8 };
}
