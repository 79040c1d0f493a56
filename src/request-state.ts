/**
 * What `albMtls()` leaves on a request: `req.clientCert`, defined read-only and non-configurable, which is
 * also the record that it handled the request, so guards can tell "no certificate" (401) from "the
 * middleware was never mounted" (500 `ERR_MTLS_NOT_CONFIGURED`).
 * @module
 */
import { MtlsError } from './errors.js';
import type { ClientCertificate } from './core/types.js';

// Why the property is the record. Behind Express (which swaps every request's prototype) each new property
// on a request object costs a fresh V8 hidden class, about 1.5 µs, so `req.clientCert` is the only property
// albMtls() adds. A WeakMap keyed by the request recorded the rest invisibly, but cost another 1-2 µs a
// request (V8 makes each request's identity hash in a runtime call, and every GC sweeps the table),
// measured in a server.
//
// What is bound to what. The property is defined `writable: false, configurable: false`: neither an
// assignment nor `Object.defineProperty` can change its value afterwards, nor can `delete` remove it, and
// an assignment on a request albMtls() did not handle makes a writable property, which guards refuse. So the
// property's value is bound to this request. That the value is a certificate albMtls() decoded is checked
// in `certificates`, keyed by certificate object (certificates are shared by the requests of one client
// through the cache); copies and forgeries are not keys there.
//
// The maps live on `globalThis` under a registered symbol so that the ESM and CommonJS builds, when an app
// loads both, agree; the key names the layout, so releases with another layout never share it.
const kState = Symbol.for('express-alb-mtls.request-state.v3');
interface State {
  /** The header names read by the `albMtls()` that attached each certificate: only its certificates are keys. */
  readonly certificates: WeakMap<object, ReadonlySet<string>>;
  /** The header names read on each request `albMtls()` handled without a certificate (not the warm path). */
  readonly uncertified: WeakMap<object, ReadonlySet<string>>;
  /**
   * Requests on which a second `albMtls()` came to another result than the first (whose property stays):
   * guards refuse them. Asking about a request never added costs next to nothing (it has no identity hash).
   */
  readonly disputed: WeakSet<object>;
}
const registry = globalThis as { [kState]?: State };
const state: State = (registry[kState] ??= { certificates: new WeakMap(), uncertified: new WeakMap(), disputed: new WeakSet() });
const NONE: ReadonlySet<string> = new Set();

/**
 * Defines `req.clientCert` (the one property added to `req`) and records what `albMtls()` read. When an
 * earlier `albMtls()` already defined it on this request, that one stays (it cannot be redefined), and
 * must agree: no certificate on both, or the same certificate.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when they disagree; the request is then refused by guards too.
 */
export function attachCertificate(req: object, certificate: ClientCertificate | undefined, certificateHeaders: ReadonlySet<string>): void {
  try {
    Object.defineProperty(req, 'clientCert', { value: certificate, writable: false, enumerable: true, configurable: false });
  } catch (error) {
    if (state.disputed.has(req)) dispute(req);
    const earlier = readOnlyProperty(req);
    if (earlier === undefined) throw error; // not albMtls()'s: a frozen request, say
    if (!sameCertificate(earlier.value as ClientCertificate | undefined, certificate)) dispute(req);
    return;
  }
  if (certificate === undefined) state.uncertified.set(req, certificateHeaders);
  else if (state.certificates.get(certificate) !== certificateHeaders) state.certificates.set(certificate, certificateHeaders);
}

/**
 * Records that `albMtls()` refused `req`: `req.clientCert` is `undefined`, or, when an earlier `albMtls()`
 * attached a certificate, guards refuse the request even if an error handler lets it continue.
 */
export function attachRefusal(req: object, certificateHeaders: ReadonlySet<string>): void {
  try {
    attachCertificate(req, undefined, certificateHeaders);
  } catch {
    state.disputed.add(req); // already disputed, or a request nothing can be defined on: refused either way
  }
}

/** Two `albMtls()` results agree: both without a certificate, or the same certificate (two caches, two objects). */
function sameCertificate(a: ClientCertificate | undefined, b: ClientCertificate | undefined): boolean {
  if (a === b) return true;
  return a !== undefined && b !== undefined && a.fingerprint256 === b.fingerprint256;
}

function dispute(req: object): never {
  state.disputed.add(req);
  throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', { cause: 'albMtls() ran twice on this request and the second came to another result than the first' });
}

/** `req`'s own `clientCert` property when it has exactly the attributes `albMtls()` gives it, else `undefined`. */
function readOnlyProperty(req: object): PropertyDescriptor | undefined {
  if (state.disputed.has(req)) return undefined;
  const property = Object.getOwnPropertyDescriptor(req, 'clientCert');
  const ours = property !== undefined && property.writable === false && property.enumerable === true && property.configurable === false;
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
