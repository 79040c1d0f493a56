/**
 * What `albMtls()` leaves on a request: `req.clientCert`, and the record that it handled the request, so
 * guards can tell "no certificate" (401) from "the middleware was never mounted" (500
 * `ERR_MTLS_NOT_CONFIGURED`).
 * @module
 */
import { MtlsError } from './errors.js';
import type { ClientCertificate } from './core/types.js';

// Behind Express (which swaps every request's prototype) each new property on a request object costs a
// fresh V8 hidden class: about 1.5 µs per write, measured in a server. So `req.clientCert` is the only
// property written, once, and "albMtls() handled this request" is recorded beside it: per certificate
// object (a cached certificate is the same object on every request, so that is one entry per cache entry),
// and per request only for requests without a certificate. A per-request WeakMap entry costs about 1 µs of
// garbage-collection work on the happy path. The maps live on `globalThis` under a registered symbol so that
// the ESM and CommonJS builds, when an app loads both, agree.
// The key names the layout: two releases with different layouts in one app must not share it.
const kState = Symbol.for('express-alb-mtls.request-state.v1');
interface State {
  /** Certificates `albMtls()` attached, with the header names its configuration reads. */
  readonly certificates: WeakMap<object, ReadonlySet<string>>;
  /** Requests `albMtls()` handled without attaching a certificate. */
  readonly requests: WeakMap<object, ReadonlySet<string>>;
}
const registry = globalThis as { [kState]?: State };
const state: State = (registry[kState] ??= { certificates: new WeakMap(), requests: new WeakMap() });
const NONE: ReadonlySet<string> = new Set();

interface MarkedRequest {
  clientCert?: ClientCertificate | undefined;
}

/**
 * Records that `albMtls()` handled `req` without a certificate, and the lowercase names of the certificate
 * headers its configuration reads, for code that inspects headers by name (the listener-rule bridge).
 */
export function markSeen(req: object, certificateHeaders: ReadonlySet<string> = NONE): void {
  state.requests.set(req, certificateHeaders);
}

/** Sets `req.clientCert` (the one write to `req`) and records that `albMtls()` handled the request. */
export function attachCertificate(req: object, certificate: ClientCertificate | undefined, certificateHeaders: ReadonlySet<string>): void {
  (req as MarkedRequest).clientCert = certificate;
  if (certificate === undefined) markSeen(req, certificateHeaders);
  else if (state.certificates.get(certificate) !== certificateHeaders) state.certificates.set(certificate, certificateHeaders);
}

/** What `albMtls()` recorded for `req`: the header names it read, or `undefined` when it did not handle it. */
function recorded(req: object): ReadonlySet<string> | undefined {
  const certificate: unknown = (req as MarkedRequest).clientCert;
  const byCertificate = typeof certificate === 'object' && certificate !== null ? state.certificates.get(certificate) : undefined;
  return byCertificate ?? state.requests.get(req);
}

/** Names of the certificate headers `albMtls()` read on `req` (empty when it did not run). */
export function certificateHeadersOf(req: object): ReadonlySet<string> {
  return recorded(req) ?? NONE;
}

/** `true` once `albMtls()` handled `req`. */
export function wasSeen(req: object): boolean {
  return recorded(req) !== undefined;
}

/**
 * The request's certificate, or `undefined` when it has none.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when `albMtls()` did not run before.
 */
export function certificateOf(req: object): ClientCertificate | undefined {
  if (!wasSeen(req)) throw new MtlsError('ERR_MTLS_NOT_CONFIGURED');
  return (req as MarkedRequest).clientCert;
}
