/**
 * What the header sources share: their options (header names, trust store, cache, validity), the chain
 * engine built from them, and the cross-check of a front door's DN header against the certificate.
 * @module
 */
import { MtlsConfigError, MtlsError } from '../errors.js';
import { booleanOption, checkKnownKeys, headerNameOption, isOptionsObject } from '../options/readers.js';
import { readDecodeConfig, readPassthroughConfig, type ReadDecodeConfig } from '../cert/chain-config.js';
import { createChainEngine, type ChainEngine } from '../cert/chain-engine.js';
import { parseDnHeaderValue, sideHeaderMismatch } from '../cert/header-values.js';
import { dnEquals } from '../dn/dn.js';
import { nameFromDer } from '../dn/dn-der.js';
import type { CertificateStructure } from '../der/x509.js';
import type { DistinguishedName, SourceName, VerifiedBy } from '../types.js';

/** Options every header source takes besides the middleware's own (`trustedProxies`, `required`, ...). */
export const CHAIN_KEYS = ['headerNames', 'trustStore', 'crls', 'crlStale', 'checkValidity', 'clockTolerance', 'cache',
  'maxCertificates', 'maxHeaderBytes'] as const;

/** Largest accepted value of one header that is not a certificate chain (a DN, a verdict). */
export const MAX_FIELD_BYTES = 16 * 1024;

/** Lowercase header names by role: `defaults` overridden by `options.headerNames`, all distinct. */
export function readHeaderNames<R extends string>(options: Record<string, unknown>, defaults: Readonly<Record<R, string>>):
  Readonly<Record<R, string>> {
  const value = options.headerNames;
  if (value === undefined) return defaults;
  const roles = Object.keys(defaults);
  if (!isOptionsObject(value)) {
    throw new MtlsConfigError('headerNames', `expected an object with some of: ${roles.join(', ')}.`);
  }
  checkKnownKeys(value, roles, 'headerNames');
  const names: Record<string, string> = { ...defaults };
  for (const [role, name] of Object.entries(value)) names[role] = headerNameOption(name, `headerNames.${role}`);
  if (new Set(Object.values(names)).size !== roles.length) {
    throw new MtlsConfigError('headerNames', 'two roles share one header name; each needs its own.');
  }
  return Object.freeze(names) as Readonly<Record<R, string>>;
}

/**
 * The names a source owns: the configured ones and the front door's defaults. A renamed configuration
 * does not read a header under its default name, and removes it, so that code after the middleware
 * cannot trust a client's copy either.
 */
export function ownedNames(names: Readonly<Record<string, string>>, defaults: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.values(names), ...Object.values(defaults)])];
}

/** The own properties of `options` among `keys` that are set. */
function pick(options: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

const DECODE_KEYS = ['clockTolerance', 'checkValidity', 'cache', 'maxCertificates', 'maxHeaderBytes'];

/** The decoding limits and the validity settings. */
export function readDecoding(options: Record<string, unknown>): ReadDecodeConfig {
  return readDecodeConfig(pick(options, DECODE_KEYS));
}

/**
 * The chain engine for a source: with `trustStore`, this library validates every chain (`'local'`);
 * without, the front door's verdict stands (`verifiedBy`).
 */
export function chainEngineFor(options: Record<string, unknown>, from: SourceName, verifiedBy: VerifiedBy): ChainEngine {
  const decode = readDecoding(options);
  if (options.trustStore === undefined) {
    for (const key of ['crls', 'crlStale']) {
      if (options[key] !== undefined) throw new MtlsConfigError(key, 'needs trustStore: CRLs are checked while validating the chain.');
    }
    return createChainEngine({ from, decode, verifiedBy });
  }
  const verify = readPassthroughConfig(pick(options, [...DECODE_KEYS, 'trustStore', 'crls', 'crlStale']) as never);
  return createChainEngine({ from, decode, verify, verifiedBy: 'local' });
}

/** `crossCheck` (default `true`): compare the front door's side headers with the certificate. */
export function crossCheckOption(options: Record<string, unknown>): boolean {
  return booleanOption(options, 'crossCheck', true);
}

/** Parses a DN header (OpenSSL's RFC 2253 form). @throws MtlsError `ERR_MTLS_MALFORMED_HEADER`. */
export function parseDnHeader(value: string, header: string): DistinguishedName {
  if (value.startsWith('/')) {
    throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', {
      header, cause: 'DN in the legacy /C=../CN=.. form, which cannot be parsed unambiguously: send the RFC 2253 form, or set crossCheck: false',
    });
  }
  return parseDnHeaderValue(value, header, MAX_FIELD_BYTES);
}

/** Throws `ERR_MTLS_HEADER_MISMATCH` unless the DN header names the certificate's subject (or issuer). */
export function checkDnHeader(value: string | undefined, header: string, leaf: CertificateStructure, which: 'subject' | 'issuer'): void {
  if (value === undefined) return;
  const given = parseDnHeader(value, header);
  if (!dnEquals(given, nameFromDer(leaf.der, leaf[which]))) {
    throw sideHeaderMismatch(header, which);
  }
}

/** `ERR_MTLS_MALFORMED_HEADER` for `header`. */
export function malformed(header: string, cause: string): MtlsError {
  return new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause });
}
