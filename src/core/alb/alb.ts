/**
 * The whole ALB header contract, without Express: `decodeAlbHeaders(headers, options)` for Lambda
 * handlers and other frameworks, and the compiled decoder the middleware uses.
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { checkOptionsObject, headerNames, type DecoderOptions } from './options.js';
import { booleanOption, cacheOption, clockToleranceOption, enumOption } from '../options/readers.js';
import { lowercaseKeys, headerValue, VERIFY_ROLES, type HeaderBag, type HeaderNames } from './headers.js';
import { createPassthroughVerifier, createUnverifiedPassthroughDecoder, type PassthroughVerifier } from './passthrough.js';
import type { UnverifiedConfig } from '../cert/chain-config.js';
import { loadCrls } from '../path/crl.js';
import { loadTrustStore } from '../path/trust-store.js';
import type { ClientCertificate } from '../types.js';
import { createVerifyModeDecoder, type Decoded } from './verify-mode.js';

/** A decoder compiled from options once. */
export interface AlbDecoder {
  /** The configured mode. */
  readonly mode: 'verify' | 'passthrough';
  /** Lowercase header names by role. */
  readonly names: HeaderNames;
  /** Names this mode reads. */
  readonly modeHeaders: readonly string[];
  /** Names only the other mode sends: present ones are ignored (and stripped by the middleware). */
  readonly otherModeHeaders: readonly string[];
  /** Decodes a lowercase header bag at time `now` (epoch ms). */
  decode(bag: HeaderBag, now: number): Decoded | undefined;
}

/** Startup warnings (expired anchor, unusable CRL) are shown once, at construction, not as refusals only. */
function warnAtStartup(warnings: readonly string[], option: string): void {
  for (const warning of warnings) process.emitWarning(`${option}: ${warning}`, { code: 'EXPRESS_ALB_MTLS_CONFIG' });
}

function passthroughVerifier(options: Record<string, unknown>): PassthroughVerifier {
  const dangerously = booleanOption(options, 'dangerouslySkipChainVerification', false);
  // Validated once, by the passthrough engine's own reader.
  const common = { clockTolerance: options.clockTolerance, checkValidity: options.checkValidity, cache: options.cache } as UnverifiedConfig;
  if (options.trustStore === undefined) {
    if (!dangerously) {
      throw new MtlsConfigError('trustStore', "is required in passthrough mode: ALB verifies nothing there. Pass your CA certificates (PEM), or set dangerouslySkipChainVerification: true to accept unverified chains.");
    }
    return createUnverifiedPassthroughDecoder(common);
  }
  if (dangerously) throw new MtlsConfigError('dangerouslySkipChainVerification', 'cannot be combined with trustStore.');
  const trustStore = loadTrustStore(options.trustStore as never, 'trustStore');
  const crls = options.crls === undefined ? undefined : loadCrls(options.crls as never, 'crls');
  warnAtStartup(trustStore.warnings, 'trustStore');
  if (crls) warnAtStartup(crls.warnings, 'crls');
  const crlStale = enumOption<'reject' | 'ignore'>(options, 'crlStale', ['reject', 'ignore'], 'reject');
  return createPassthroughVerifier({ ...common, trustStore, crls, crlStale });
}

function passthroughDecoder(options: Record<string, unknown>, names: HeaderNames):
  (bag: HeaderBag, now: number) => Decoded | undefined {
  const verifier = passthroughVerifier(options);
  return (bag, now) => {
    const value = headerValue(bag, names.chain);
    return value === undefined ? undefined : verifier.decode(value, names.chain, now);
  };
}

function checkModeOptions(options: Record<string, unknown>, mode: 'verify' | 'passthrough'): void {
  const passthroughOnly = ['trustStore', 'crls', 'crlStale', 'dangerouslySkipChainVerification'];
  const verifyOnly = ['crossCheck'];
  for (const key of mode === 'verify' ? passthroughOnly : verifyOnly) {
    if (options[key] !== undefined) {
      throw new MtlsConfigError(key, `applies to mode '${mode === 'verify' ? 'passthrough' : 'verify'}' only; this is mode '${mode}'.`);
    }
  }
}

/** Compiles validated options into a decoder. Throws `MtlsConfigError` for bad options. */
export function compileDecoder(options: Record<string, unknown>): AlbDecoder {
  const mode = enumOption(options, 'mode', ['verify', 'passthrough'], 'verify');
  checkModeOptions(options, mode);
  const names = headerNames(options);
  const verifyHeaders = VERIFY_ROLES.map((role) => names[role]);
  const decode = mode === 'verify'
    ? createVerifyModeDecoder({
      names, cacheMax: cacheOption(options),
      crossCheck: booleanOption(options, 'crossCheck', true),
      checkValidity: booleanOption(options, 'checkValidity', true),
      clockToleranceMs: clockToleranceOption(options),
    })
    : passthroughDecoder(options, names);
  return Object.freeze({
    mode, names, decode,
    modeHeaders: mode === 'verify' ? verifyHeaders : [names.chain],
    otherModeHeaders: mode === 'verify' ? [names.chain] : verifyHeaders,
  });
}

const compiled = new WeakMap<object, AlbDecoder>();
const DEFAULTS = {};

/** Options of {@link decodeAlbHeaders}: the decoder options plus the time to check validity at. */
export interface DecodeAlbHeadersOptions extends DecoderOptions {
  /** The time to check validity at. Default: now. */
  now?: Date | number;
}

/**
 * Decodes ALB mTLS headers without Express: Node's `req.headers`, or an ALB Lambda event's `headers` or
 * `multiValueHeaders` (a repeated header there is refused). Returns `undefined` when the request carries
 * no certificate headers. Only pass headers that came from the load balancer: a Lambda function behind
 * ALB can only be invoked by it; a server must check the TCP peer first (as `albMtls()` does).
 * Options are compiled once per options object: reuse the same object across calls.
 * @throws MtlsError for malformed, duplicated, inconsistent, expired or (passthrough) unverifiable input.
 * @throws MtlsConfigError for bad options.
 */
export function decodeAlbHeaders(headers: HeaderBag, options: DecodeAlbHeadersOptions = DEFAULTS): ClientCertificate | undefined {
  let decoder = compiled.get(options);
  if (decoder === undefined) {
    const { now: _now, ...rest } = checkOptionsObject(options, 'decodeAlbHeaders', ['now']);
    decoder = compileDecoder(rest);
    compiled.set(options, decoder);
  }
  const now = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  if (Number.isNaN(now)) throw new MtlsConfigError('now', 'expected a Date or epoch milliseconds.');
  return decoder.decode(lowercaseKeys(headers), now)?.certificate;
}
