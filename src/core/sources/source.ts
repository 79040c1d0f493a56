/**
 * What every front door ("source") compiles to: the headers it owns, the ones it reads, and a decoder from
 * a request's headers (or its TLS socket) to the certificate. The middleware does the rest the same way
 * for all of them: trust the peer, strip, refuse duplicates, attach, report.
 * @module
 */
import type { HeaderBag } from '../cert/header-values.js';
import type { AnyClientCertificate, SourceName } from '../types.js';

/** What a source decoded: the certificate, and whether the verdict came from the cache. */
export interface SourceResult {
  readonly certificate: AnyClientCertificate;
  readonly cached: boolean;
}

/** One request, as a source sees it. */
export interface SourceRequest {
  /** Lowercase header names, as Node's `req.headers` (repeated list headers joined with `, `). */
  readonly headers: HeaderBag;
  /** The TCP or TLS socket (the `'tls'` source reads the peer certificate from it). */
  readonly socket?: unknown;
}

/** A compiled front door. */
export interface CertificateSource {
  readonly name: SourceName;
  /** Lowercase names this source owns: removed from requests of untrusted peers, and when unread. */
  readonly owned: readonly string[];
  /** A lowercase prefix whose every name this source owns too (ALB: `x-amzn-mtls-`), or `''`. */
  readonly ownedPrefix: string;
  /** Lowercase names read that may appear once only: a repeated one is refused. */
  readonly singletons: readonly string[];
  /** Lowercase names read that may repeat (a list split over lines). */
  readonly lists: readonly string[];
  /** `false` when the source reads no headers (`'tls'`): no peer check, nothing to strip. */
  readonly usesHeaders: boolean;
  /** The certificate, `undefined` without one. @throws MtlsError for a refused request. */
  decode(req: SourceRequest, now: number): SourceResult | undefined;
}
