/**
 * What `albMtls()` leaves on a request: `req.clientCert`, an own read-only property for handlers, and a
 * record in a module-private `WeakMap` that guards and routers trust. Guards can so tell "no certificate"
 * (401) from "the middleware never handled this request" (500 `ERR_MTLS_NOT_CONFIGURED`), and never trust a
 * `req.clientCert` that other code put there.
 * @module
 */
import { MtlsError } from './core/errors.js';
import type { AnyClientCertificate } from './core/types.js';

/** `albMtls()`'s result on one request. */
interface RequestRecord {
  readonly certificate: AnyClientCertificate | undefined;
  /** The header names that `albMtls()` read. */
  readonly read: ReadonlySet<string>;
  /** A second `albMtls()` came to another result than the first: guards refuse the request. */
  disputed: boolean;
}

// Module-private: only this module's functions read or write it, and a request's entry goes with the request.
const records = new WeakMap<object, RequestRecord>();
const NONE: ReadonlySet<string> = new Set();

const NOT_MOUNTED = 'albMtls() did not handle this request: mount it before guards and routers';
const DUAL_LOAD = 'req.clientCert was defined read-only by code other than this albMtls(), such as another copy of ' +
  'express-alb-mtls: load one build only (not both the ESM and the CommonJS one), so that albMtls() and the ' +
  'guards share their records';
const DISPUTED = 'albMtls() ran twice on this request and the second came to another result than the first';
const REPLACED = 'req.clientCert is not what albMtls() set on this request';

/** `true` when `req.clientCert` is an own property shaped as this library defines it (by another copy, then). */
function definedByALibraryCopy(req: object): boolean {
  const own = Object.getOwnPropertyDescriptor(req, 'clientCert');
  return own !== undefined && 'value' in own && own.writable === false && own.enumerable === true && own.configurable === false;
}

// One descriptor, without a prototype (`Object.defineProperty` reads `value`, `get` and `set` through the
// prototype chain, so a polluted `Object.prototype` would otherwise change it), filled for each definition.
const CLIENT_CERT: PropertyDescriptor = Object.assign(Object.create(null) as PropertyDescriptor,
  { value: undefined, writable: false, enumerable: true, configurable: false });

function defineClientCert(req: object, certificate: AnyClientCertificate | undefined): void {
  CLIENT_CERT.value = certificate;
  try {
    Object.defineProperty(req, 'clientCert', CLIENT_CERT);
  } catch {
    throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', {
      cause: definedByALibraryCopy(req) ? DUAL_LOAD
        : 'req.clientCert cannot be defined on this request (the request is frozen, or other code defined clientCert read-only)',
    });
  } finally {
    CLIENT_CERT.value = undefined;
  }
}

/** Two `albMtls()` results agree: both without a certificate, or the same certificate (two caches, two objects). */
function sameCertificate(a: AnyClientCertificate | undefined, b: AnyClientCertificate | undefined): boolean {
  if (a === b) return true;
  return a !== undefined && b !== undefined && a.fingerprint256 === b.fingerprint256;
}

/**
 * Records `albMtls()`'s result on `req` and defines `req.clientCert`. When an earlier `albMtls()` already
 * did, its result stays, and must agree: no certificate on both, or the same certificate.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when they disagree (guards then refuse the request too), or when
 *   `req.clientCert` cannot be defined.
 */
export function attachCertificate(req: object, certificate: AnyClientCertificate | undefined, certificateHeaders: ReadonlySet<string>): void {
  const earlier = records.get(req);
  if (earlier !== undefined) {
    if (earlier.disputed || !sameCertificate(earlier.certificate, certificate)) {
      earlier.disputed = true;
      throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', { cause: DISPUTED });
    }
    return;
  }
  defineClientCert(req, certificate);
  records.set(req, { certificate, read: certificateHeaders, disputed: false });
}

/**
 * Records that `albMtls()` refused `req`: `req.clientCert` is `undefined`, or, when an earlier `albMtls()`
 * attached a certificate, guards refuse the request even if an error handler lets it continue.
 */
export function attachRefusal(req: object, certificateHeaders: ReadonlySet<string>): void {
  try {
    attachCertificate(req, undefined, certificateHeaders);
  } catch {
    // Disputed (attachCertificate marked it), or nothing can be defined: guards refuse it either way.
  }
}

/** `albMtls()`'s record of `req`, or the reason guards must not trust the request. */
function trustedRecord(req: object): RequestRecord | string {
  const record = records.get(req);
  if (record === undefined) return definedByALibraryCopy(req) ? DUAL_LOAD : NOT_MOUNTED;
  if (record.disputed) return DISPUTED;
  return (req as { clientCert?: unknown }).clientCert === record.certificate ? record : REPLACED;
}

/** Names of the certificate headers `albMtls()` read on `req`: empty when guards may not trust the request. */
export function certificateHeadersOf(req: object): ReadonlySet<string> {
  const record = trustedRecord(req);
  return typeof record === 'string' ? NONE : record.read;
}

/**
 * The request's certificate, or `undefined` when it has none.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` (500) when `albMtls()` did not handle the request, when two
 *   `albMtls()` disagreed on it, or when `req.clientCert` is not what `albMtls()` set; `cause` says which.
 */
export function certificateOf(req: object): AnyClientCertificate | undefined {
  const record = trustedRecord(req);
  if (typeof record === 'string') throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', { cause: record });
  return record.certificate;
}
