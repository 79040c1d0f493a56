/**
 * `options.source` to a compiled source, with each source's option keys: an option another source takes
 * is refused by name rather than ignored.
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { enumOption, readOptions } from '../options/readers.js';
import type { SourceName } from '../types.js';
import { albSource } from './alb.js';
import { CHAIN_KEYS } from './common.js';
import { azureSource } from './azure.js';
import { cloudFrontSource } from './cloudfront.js';
import { envoySource } from './envoy.js';
import { gcpSource } from './gcp.js';
import { nginxSource } from './nginx.js';
import { rfc9440Source } from './rfc9440.js';
import type { CertificateSource } from './source.js';
import { tlsSource } from './tls.js';
import { traefikSource } from './traefik.js';

/** Options of the middleware itself, whatever the source. */
export const MIDDLEWARE_KEYS = ['source', 'trustedProxies', 'required', 'skip', 'onEvent'] as const;

const ALB_KEYS = ['mode', 'trustStore', 'crls', 'crlStale', 'dangerouslySkipChainVerification', 'checkValidity',
  'clockTolerance', 'crossCheck', 'headerNames', 'cache'];

interface SourceEntry {
  readonly keys: readonly string[];
  readonly compile: (options: Record<string, unknown>) => CertificateSource;
}

const SOURCES: Readonly<Record<SourceName, SourceEntry>> = {
  alb: { keys: ALB_KEYS, compile: albSource },
  envoy: { keys: [...CHAIN_KEYS, 'hops', 'crossCheck'], compile: envoySource },
  rfc9440: { keys: CHAIN_KEYS, compile: (o) => rfc9440Source(o) },
  nginx: { keys: [...CHAIN_KEYS, 'crossCheck'], compile: (o) => nginxSource(o) },
  traefik: { keys: CHAIN_KEYS, compile: traefikSource },
  gcp: { keys: CHAIN_KEYS, compile: gcpSource },
  azure: { keys: [...CHAIN_KEYS, 'mode', 'fingerprints', 'dangerouslySkipChainVerification'], compile: azureSource },
  cloudfront: { keys: [...CHAIN_KEYS, 'crossCheck'], compile: cloudFrontSource },
  tls: { keys: CHAIN_KEYS.filter((k) => k !== 'headerNames' && k !== 'maxHeaderBytes'), compile: tlsSource },
};

/** The source names, in documentation order. */
export const SOURCE_NAMES = Object.keys(SOURCES) as SourceName[];

/**
 * Validates `options` for the source it names and compiles that source.
 * @param label The factory's name in error messages (`mtls`, `albMtls`).
 * @throws MtlsConfigError for an unknown source, an option the source does not take, or a bad value.
 */
export function compileSource(options: unknown, label: string, fixed?: SourceName): { source: CertificateSource; options: Record<string, unknown> } {
  const own = readOptions(options, [...MIDDLEWARE_KEYS, ...new Set(Object.values(SOURCES).flatMap((s) => s.keys))]);
  if (fixed !== undefined && own.source !== undefined) {
    throw new MtlsConfigError('source', `is fixed by ${label}(); use mtls({ source }) to choose another front door.`);
  }
  const name = fixed ?? (own.source === undefined ? missingSource() : enumOption<SourceName>(own, 'source', SOURCE_NAMES, 'alb'));
  const entry = SOURCES[name];
  for (const key of Object.keys(own)) {
    if (!entry.keys.includes(key) && !(MIDDLEWARE_KEYS as readonly string[]).includes(key)) {
      throw new MtlsConfigError(key, `does not apply to source '${name}'; its options are ${entry.keys.join(', ')}.`);
    }
  }
  return { source: entry.compile(own), options: own };
}

function missingSource(): never {
  throw new MtlsConfigError('source', `is required: name the front door, one of ${SOURCE_NAMES.map((n) => `'${n}'`).join(', ')}.`);
}
