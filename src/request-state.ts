/**
 * Marks a request as seen by `albMtls()`, so guards can tell "no certificate" (401) from
 * "the middleware was never mounted" (500 `ERR_MTLS_NOT_CONFIGURED`).
 * @module
 */
import { MtlsError } from './errors.js';
import type { ClientCertificate } from './core/types.js';

// A WeakMap, not a property on `req`: behind Express (which changes the request's prototype) every new
// property on a request object costs a fresh V8 hidden class, about 1 µs measured in a server, where a
// WeakMap entry costs about 0.15 µs. The map lives on `globalThis` under a registered symbol so that the
// ESM and CommonJS builds, when an app loads both, agree on what `albMtls()` has seen.
const kState = Symbol.for('express-alb-mtls.request-state');
type StateMap = WeakMap<object, ReadonlySet<string>>;
const registry = globalThis as { [kState]?: StateMap };
const state: StateMap = (registry[kState] ??= new WeakMap());
const NONE: ReadonlySet<string> = new Set();

interface MarkedRequest {
  clientCert?: ClientCertificate | undefined;
}

/**
 * Records that `albMtls()` handled `req` (whether or not it carried a certificate), and the lowercase
 * names of the certificate headers its configuration reads, for code that inspects headers by name
 * (the listener-rule bridge).
 */
export function markSeen(req: object, certificateHeaders: ReadonlySet<string> = NONE): void {
  state.set(req, certificateHeaders);
}

/** Names of the certificate headers `albMtls()` read on `req` (empty when it did not run). */
export function certificateHeadersOf(req: object): ReadonlySet<string> {
  return state.get(req) ?? NONE;
}

/** `true` once `albMtls()` handled `req`. */
export function wasSeen(req: object): boolean {
  return state.has(req);
}

/**
 * The request's certificate, or `undefined` when it has none.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when `albMtls()` did not run before.
 */
export function certificateOf(req: object): ClientCertificate | undefined {
  if (!wasSeen(req)) throw new MtlsError('ERR_MTLS_NOT_CONFIGURED');
  return (req as MarkedRequest).clientCert;
}
