/**
 * Marks a request as seen by `albMtls()`, so guards can tell "no certificate" (401) from
 * "the middleware was never mounted" (500 `ERR_MTLS_NOT_CONFIGURED`).
 * @module
 */
import { MtlsError } from './errors.js';
import type { ClientCertificate } from './core/types.js';

const kSeen = Symbol.for('express-alb-mtls.seen');
const kHeaders = Symbol.for('express-alb-mtls.headers');
const NONE: ReadonlySet<string> = new Set();

interface MarkedRequest {
  [kSeen]?: true;
  [kHeaders]?: ReadonlySet<string>;
  clientCert?: ClientCertificate | undefined;
}

/**
 * Records that `albMtls()` handled `req` (whether or not it carried a certificate), and the lowercase
 * names of the certificate headers its configuration reads, for code that inspects headers by name
 * (the listener-rule bridge).
 */
export function markSeen(req: object, certificateHeaders: ReadonlySet<string> = NONE): void {
  (req as MarkedRequest)[kSeen] = true;
  (req as MarkedRequest)[kHeaders] = certificateHeaders;
}

/** Names of the certificate headers `albMtls()` read on `req` (empty when it did not run). */
export function certificateHeadersOf(req: object): ReadonlySet<string> {
  return (req as MarkedRequest)[kHeaders] ?? NONE;
}

/** `true` once `albMtls()` handled `req`. */
export function wasSeen(req: object): boolean {
  return (req as MarkedRequest)[kSeen] === true;
}

/**
 * The request's certificate, or `undefined` when it has none.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when `albMtls()` did not run before.
 */
export function certificateOf(req: object): ClientCertificate | undefined {
  if (!wasSeen(req)) throw new MtlsError('ERR_MTLS_NOT_CONFIGURED');
  return (req as MarkedRequest).clientCert;
}
