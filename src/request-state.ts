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
// property written, once, and the record that albMtls() handled the request lives in a WeakMap beside it,
// holding what was attached: the certificate, or the header-name set when there was none. A guard trusts
// `req.clientCert` only if it is exactly what albMtls() attached to this request, so a copy, a forgery,
// or a certificate carried over from another request fails closed. The maps live on `globalThis` under a
// registered symbol so that the ESM and CommonJS builds, when an app loads both, agree; the key names the
// layout, so releases with another layout never share it.
const kState = Symbol.for('express-alb-mtls.request-state.v1');
interface State {
  /** What `albMtls()` attached to each request it handled: the certificate, or the header names without one. */
  readonly requests: WeakMap<object, ClientCertificate | ReadonlySet<string>>;
  /** The header names read by the `albMtls()` that attached each certificate (one entry per certificate object). */
  readonly certificates: WeakMap<object, ReadonlySet<string>>;
}
const registry = globalThis as { [kState]?: State };
const state: State = (registry[kState] ??= { requests: new WeakMap(), certificates: new WeakMap() });
const NONE: ReadonlySet<string> = new Set();

interface MarkedRequest {
  clientCert?: ClientCertificate | undefined;
}

/** Sets `req.clientCert` (the one write to `req`) and records that `albMtls()` handled the request. */
export function attachCertificate(req: object, certificate: ClientCertificate | undefined, certificateHeaders: ReadonlySet<string>): void {
  (req as MarkedRequest).clientCert = certificate;
  if (certificate === undefined) {
    state.requests.set(req, certificateHeaders);
    return;
  }
  state.requests.set(req, certificate);
  if (state.certificates.get(certificate) !== certificateHeaders) state.certificates.set(certificate, certificateHeaders);
}

/**
 * The header names `albMtls()` read on `req`, or `undefined` when it did not handle `req` or when
 * `req.clientCert` is no longer what it attached.
 */
function recorded(req: object): ReadonlySet<string> | undefined {
  const attached = state.requests.get(req);
  const current = (req as MarkedRequest).clientCert;
  if (attached instanceof Set) return current === undefined ? attached : undefined;
  return attached !== undefined && attached === current ? (state.certificates.get(attached) ?? NONE) : undefined;
}

/** Names of the certificate headers `albMtls()` read on `req` (empty when it did not run). */
export function certificateHeadersOf(req: object): ReadonlySet<string> {
  return recorded(req) ?? NONE;
}

/** `true` once `albMtls()` handled `req`, and `req.clientCert` is still what it attached. */
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
