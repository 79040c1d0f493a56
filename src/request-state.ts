/**
 * What `albMtls()` leaves on a request: `req.clientCert`, defined read-only, which is also the record that it
 * handled the request, so guards can tell "no certificate" (401) from "the middleware was never mounted"
 * (500 `ERR_MTLS_NOT_CONFIGURED`).
 * @module
 */
import { MtlsError } from './errors.js';
import type { ClientCertificate } from './core/types.js';

// Behind Express (which swaps every request's prototype) each new property on a request object costs a
// fresh V8 hidden class: about 1.5 µs per write, measured in a server. So `req.clientCert` is the only
// property written, once, and it doubles as the record: albMtls() defines it read-only, which an assignment
// never produces. A guard trusts `req.clientCert` only if it is such a read-only property holding undefined
// or a certificate albMtls() attached, so a copy or a forgery (not a certificate it attached), a certificate
// assigned onto a request it did not handle (a writable property) and an overwrite (a TypeError in strict
// code) all fail closed. A WeakMap keyed by the request did the same invisibly but cost 1-2 µs a request
// (V8 gives each request an identity hash in a runtime call, and every GC sweeps the table), measured in a
// server. The maps live on `globalThis` under a registered symbol so that the ESM and CommonJS builds, when
// an app loads both, agree; the key names the layout, so releases with another layout never share it.
const kState = Symbol.for('express-alb-mtls.request-state.v2');
interface State {
  /**
   * The header names read by the `albMtls()` that attached each certificate (one entry per certificate
   * object, shared by every request it is attached to): only certificates albMtls() attached are keys.
   */
  readonly certificates: WeakMap<object, ReadonlySet<string>>;
  /** The header names read on each request `albMtls()` handled without a certificate (not the warm path). */
  readonly uncertified: WeakMap<object, ReadonlySet<string>>;
}
const registry = globalThis as { [kState]?: State };
const state: State = (registry[kState] ??= { certificates: new WeakMap(), uncertified: new WeakMap() });
const NONE: ReadonlySet<string> = new Set();

/** Defines `req.clientCert` read-only (the one property added to `req`) and records what `albMtls()` read. */
export function attachCertificate(req: object, certificate: ClientCertificate | undefined, certificateHeaders: ReadonlySet<string>): void {
  // Configurable, so that a second albMtls() on the same request (or `delete`) can replace it.
  Object.defineProperty(req, 'clientCert', { value: certificate, writable: false, enumerable: true, configurable: true });
  if (certificate === undefined) state.uncertified.set(req, certificateHeaders);
  else if (state.certificates.get(certificate) !== certificateHeaders) state.certificates.set(certificate, certificateHeaders);
}

/**
 * `req`'s own `clientCert` property when it has exactly the attributes `albMtls()` gives it, else
 * `undefined` (an assignment makes it writable; `Object.defineProperty(req, 'clientCert', { value })` makes
 * it neither enumerable nor configurable).
 */
function readOnlyProperty(req: object): PropertyDescriptor | undefined {
  const property = Object.getOwnPropertyDescriptor(req, 'clientCert');
  const ours = property !== undefined && property.writable === false && property.enumerable === true && property.configurable === true;
  return ours ? property : undefined;
}

/** The header names `albMtls()` read when it defined `property` on `req`; `undefined` when it did not. */
function headersRead(req: object, property: PropertyDescriptor): ReadonlySet<string> | undefined {
  const value: unknown = property.value;
  if (value === undefined) return state.uncertified.get(req);
  return typeof value === 'object' && value !== null ? state.certificates.get(value) : undefined;
}

/**
 * Names of the certificate headers `albMtls()` read on `req`: empty when it did not handle `req`, or when
 * `req.clientCert` is no longer what it attached.
 */
export function certificateHeadersOf(req: object): ReadonlySet<string> {
  const property = readOnlyProperty(req);
  return (property && headersRead(req, property)) ?? NONE;
}

/**
 * The request's certificate, or `undefined` when it has none.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when `albMtls()` did not run before.
 */
export function certificateOf(req: object): ClientCertificate | undefined {
  const property = readOnlyProperty(req);
  if (property === undefined || headersRead(req, property) === undefined) throw new MtlsError('ERR_MTLS_NOT_CONFIGURED');
  return property.value as ClientCertificate | undefined;
}
