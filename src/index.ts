/**
 * express-alb-mtls: Express middleware for apps behind an AWS Application Load Balancer doing mutual TLS.
 * @packageDocumentation
 */
import type { AnyClientCertificate } from './core/types.js';

export { albMtls, mtls } from './middleware.js';
export type {
  AlbSourceOptions, AzureSourceOptions, ChainOptions, CloudFrontSourceOptions, EnvoySourceOptions, GcpSourceOptions,
  MiddlewareOptions, MtlsOptions, NginxSourceOptions, Rfc9440SourceOptions, TlsSourceOptions, TraefikSourceOptions,
} from './core/sources/options.js';
export { requireClientCert, requireCN, requireOU, clientCertOf, type CertRequest } from './guards.js';
export { certRouter, routeByCert, type CertRoute, type RouteByCertOptions } from './router.js';
export {
  fromListenerRules, WILDCARD_DN_WARNING, type ListenerRule, type ListenerRulesOptions, type ListenerTargets,
} from './listener-rules/rules.js';
export {
  matchCert, compileMatcher, allOf, anyOf, not, type CertMatcher, type CertMatcherFields, type CompiledMatcher,
  type SanMatcher, type AttributeMatchers, type ValueMatcher, type ValueMatchers, type ValuePredicate,
  type MatcherCombination,
} from './core/match/match.js';
export { decodeAlbHeaders, type DecodeAlbHeadersOptions } from './core/alb/alb.js';
export { parseDN, createDN, dnEquals, formatDN, type ParseDnOptions } from './core/dn/dn.js';
export { loadTrustStore, type TrustStore } from './core/path/trust-store.js';
export { loadCrls, type CrlSet } from './core/path/crl.js';
export {
  createPassthroughVerifier, createUnverifiedPassthroughDecoder, type PassthroughVerifier, type PassthroughConfig,
  type UnverifiedConfig,
} from './core/alb/passthrough.js';
export { ChainFailure, type ChainFailureReason } from './core/path/chain-failure.js';
export { normalizeSerial, serialsEqual } from './core/der/serial.js';
export { MtlsError, MtlsConfigError, isMtlsError, type MtlsErrorCode, type MtlsErrorOptions } from './core/errors.js';
export type { AlbMtlsOptions, DecoderOptions, MtlsEvent, PemInput } from './core/alb/options.js';
export type { HeaderRole } from './core/alb/headers.js';
export type {
  AnyClientCertificate, ClientCertificate, DistinguishedName, PartialClientCertificate, Rdn, RdnAttribute, SourceName,
  SubjectAltNames, VerifiedBy,
} from './core/types.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The client certificate decoded by `albMtls()`, or `undefined` when the request carries none.
       * An own read-only property that `albMtls()` defines on each request it handles. Guards and routers
       * trust only `albMtls()`'s private record of the request, never this property, so other code cannot
       * change what they see.
       */
      readonly clientCert?: AnyClientCertificate | undefined;
    }
  }
}
