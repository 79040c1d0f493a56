/**
 * The options of `mtls()`, one shape per source: TypeScript then refuses an option the chosen source
 * does not take, as the middleware does at run time.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { AlbMtlsOptions, MtlsEvent, PemInput } from '../alb/options.js';
import type { CrlSet } from '../path/crl.js';
import type { TrustStore } from '../path/trust-store.js';

/** Options of the middleware whatever the source. */
export interface MiddlewareOptions {
  /**
   * Which TCP peers may send the source's headers: `proxy-addr` syntax (names `loopback`, `linklocal`,
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

/** Options of every source that forwards certificates. */
export interface ChainOptions {
  /** CA certificates: validate every chain here (`verifiedBy: 'local'`), whatever the front door did. */
  trustStore?: PemInput | TrustStore;
  /** CRLs checked while validating against `trustStore`. */
  crls?: PemInput | CrlSet;
  /** A CRL past its nextUpdate: `'reject'` (default) or `'ignore'`. */
  crlStale?: 'reject' | 'ignore';
  /** Reject expired / not-yet-valid leaf certificates. Default `true`. */
  checkValidity?: boolean;
  /** Seconds of clock skew allowed in validity checks. Default `0`. */
  clockTolerance?: number;
  /** Bounded cache of decoded certificates / verified chains: `{ max }` (default 1000) or `false`. */
  cache?: { max?: number } | false;
  /** Most certificates accepted in one request. Default 10. */
  maxCertificates?: number;
  /** Longest accepted certificate header value, in bytes. Default 65536. */
  maxHeaderBytes?: number;
}

type Names<R extends string> = { headerNames?: Partial<Record<R, string>> };

/** `mtls({ source: 'alb' })`: exactly `albMtls()`'s options. */
export type AlbSourceOptions = { source: 'alb' } & AlbMtlsOptions;
/** `mtls({ source: 'envoy' })`: `x-forwarded-client-cert`. */
export type EnvoySourceOptions = { source: 'envoy'; hops?: number; crossCheck?: boolean } & Names<'xfcc'> & MiddlewareOptions & ChainOptions;
/** `mtls({ source: 'rfc9440' })`: `Client-Cert` / `Client-Cert-Chain`. */
export type Rfc9440SourceOptions = { source: 'rfc9440' } & Names<'cert' | 'chain'> & MiddlewareOptions & ChainOptions;
/** `mtls({ source: 'nginx' })`: a certificate header and a verdict header (nginx, ingress-nginx, Apache). */
export type NginxSourceOptions = { source: 'nginx'; crossCheck?: boolean } & Names<'cert' | 'verify' | 'subject' | 'issuer'> &
  MiddlewareOptions & ChainOptions;
/** `mtls({ source: 'traefik' })`: `X-Forwarded-Tls-Client-Cert`. */
export type TraefikSourceOptions = { source: 'traefik' } & Names<'cert' | 'info'> & MiddlewareOptions & ChainOptions;
/** `mtls({ source: 'gcp' })`: Google Cloud load balancer mTLS custom headers, named as you configured them. */
export type GcpSourceOptions = { source: 'gcp' } & Names<'present' | 'chainVerified' | 'error' | 'leaf' | 'chain'> &
  MiddlewareOptions & ChainOptions;
/** `mtls({ source: 'azure' })`: App Service `X-ARR-ClientCert`, or Application Gateway's rewrite headers. */
export type AzureSourceOptions = {
  source: 'azure';
  mode?: 'app-service' | 'application-gateway';
  /** App Service: accept only these certificates (SHA-256 fingerprints, any case, colons optional). */
  fingerprints?: readonly string[];
  /** App Service without `trustStore` or `fingerprints`: accept any certificate (`verifiedBy: 'none'`). */
  dangerouslySkipChainVerification?: boolean;
} & Names<'cert' | 'verify'> & MiddlewareOptions & ChainOptions;
/** `mtls({ source: 'cloudfront' })`: CloudFront viewer mTLS headers. */
export type CloudFrontSourceOptions = { source: 'cloudfront'; crossCheck?: boolean } &
  Names<'pem' | 'present' | 'subject' | 'issuer' | 'serialNumber' | 'sha256' | 'validity'> & MiddlewareOptions & ChainOptions;
/** `mtls({ source: 'tls' })`: the request's own TLS socket (an `https` server with `requestCert: true`). */
export type TlsSourceOptions = { source: 'tls' } & Omit<MiddlewareOptions, 'trustedProxies'> &
  Omit<ChainOptions, 'maxHeaderBytes'>;

/** Options of `mtls()`: `source` names the front door, and decides which other options apply. */
export type MtlsOptions = AlbSourceOptions | EnvoySourceOptions | Rfc9440SourceOptions | NginxSourceOptions |
  TraefikSourceOptions | GcpSourceOptions | AzureSourceOptions | CloudFrontSourceOptions | TlsSourceOptions;
