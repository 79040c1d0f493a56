/**
 * What `albMtls()` leaves on a request: a record of its result, which guards trust, and `req.clientCert`
 * to read it. Guards can so tell "no certificate" (401) from "the middleware was never mounted" (500
 * `ERR_MTLS_NOT_CONFIGURED`), and refuse a `req.clientCert` that other code put there.
 * @module
 */
import { IncomingMessage } from 'node:http';
import { types } from 'node:util';
import { MtlsError } from './core/errors.js';
import type { ClientCertificate } from './core/types.js';
import { createStampStore, type StampStore } from './private-stamp.js';

// Why no property is added to the request. Express swaps every request's prototype, and V8 then stops
// sharing hidden classes between requests: every property added to a request afterwards builds a new one,
// about 1.2 µs, and makes the next reads of the request miss their inline caches. So `req.clientCert` is
// an accessor on Express's request prototype (where Express keeps `req.ip` and `req.query`), installed once,
// and the record is a private field on the request's stream state (`req._readableState`): an object Node
// creates with each request, that no app or adaptor replaces, and whose hidden classes V8 still shares.
// Requests the accessor cannot serve get an own read-only property instead: without Express's prototype
// (plain Node servers, mocks), wrapped in a proxy or with one among their prototypes, with a prototype that
// holds a `clientCert` of its own, or with a non-extensible Express `request`. Measured, whole request
// paired against defining an own property: 0.992 of the time on Express 5, 0.982 on Express 4 (about
// 0.6 / 1.2 µs; BENCHMARKS.md, P15). For the same reason `albMtls()` checks that `req.clientCert` reaches
// the accessor without reading it on the request (`accessorServes`, P16).

/** `albMtls()`'s result on one request. */
interface RequestRecord {
  /** The request the record belongs to: one found through any other object is not that object's. */
  readonly owner: object;
  readonly certificate: ClientCertificate | undefined;
  /** The header names that `albMtls()` read. */
  readonly read: ReadonlySet<string>;
  /** A second `albMtls()` came to another result than the first: guards refuse the request. */
  disputed: boolean;
}

interface State {
  readonly records: StampStore<RequestRecord>;
  /** `req.clientCert`, as installed on request prototypes. */
  readonly accessor: PropertyDescriptor;
}

// On `globalThis` under a registered symbol, so that the ESM and CommonJS builds, when an app loads both,
// share one store and one accessor; the key names the layout, so releases with another never share it.
const kState = Symbol.for('express-alb-mtls.request-state.v6');
const registry = globalThis as { [kState]?: State };
const state: State = (registry[kState] ??= createState());
const NONE: ReadonlySet<string> = new Set();
const { isProxy } = types; // taken once: code that later replaces `util.types.isProxy` changes nothing here

/**
 * A property descriptor without a prototype: `Object.defineProperty` reads `get`, `set` and `value` through
 * the prototype chain, so a polluted `Object.prototype` (say `Object.prototype.value = 1`) would change it.
 */
function descriptor(fields: PropertyDescriptor): PropertyDescriptor {
  return Object.assign(Object.create(null) as PropertyDescriptor, fields);
}

/** The getter (or setter) `object` holds as its own `clientCert`; never one inherited by the descriptor. */
function ownClientCertAccessor(object: object, kind: 'get' | 'set'): unknown {
  const own = Object.getOwnPropertyDescriptor(object, 'clientCert');
  return own !== undefined && Object.hasOwn(own, kind) ? own[kind] : undefined;
}

function createState(): State {
  // The accessor reads through `recordOf`, hence through `state`: the one store, whichever build made it.
  const accessor: PropertyDescriptor = descriptor({
    get(this: object): ClientCertificate | undefined {
      return recordOf(this)?.certificate;
    },
    // On a request albMtls() did not handle, an assignment behaves as on any object (apps sharing Express
    // with this one keep working); guards refuse what it puts there.
    set(this: object, value: unknown): void {
      if (recordOf(this) !== undefined) throw new TypeError('req.clientCert is read-only: albMtls() has set it on this request');
      if (ownClientCertAccessor(this, 'set') === accessor.set) {
        throw new TypeError("clientCert on Express's request prototype is express-alb-mtls's accessor and cannot be assigned");
      }
      Object.defineProperty(this, 'clientCert', descriptor({ value, writable: true, enumerable: true, configurable: true }));
    },
    enumerable: false,
    configurable: true,
  });
  return { records: createStampStore(), accessor };
}

/** Where a request's record is kept: its stream state when it has one (see above), else the request. */
function holderOf(req: object): object {
  const streamState: unknown = (req as { _readableState?: unknown })._readableState;
  return typeof streamState === 'object' && streamState !== null ? streamState : req;
}

/** `req`'s record: the one its holder keeps, when it names `req`. */
function recordOf(req: object): RequestRecord | undefined {
  if (typeof req !== 'object' || req === null) return undefined; // an accessor's `this` can be anything
  const record = state.records.read(holderOf(req));
  return record?.owner === req ? record : undefined;
}

/**
 * Whether reading `req.clientCert`, with the prototypes the request has now, runs the accessor, which is
 * installed on first use. Decided for every request (code may give a prototype a `clientCert` of its own at
 * any time) from the property's holders alone: no getter or proxy trap runs, and `req.clientCert` is not
 * read, which would miss V8's inline caches on the request's new hidden class (0.6 µs in an Express 5
 * server, against 0.1 µs for this walk).
 */
function accessorServes(req: object): boolean {
  // A proxy's traps answer as they like; `Object.getPrototypeOf` is called on no proxy.
  if (isProxy(req) || Object.hasOwn(req, 'clientCert')) return false;
  let object = Object.getPrototypeOf(req) as object | null;
  for (; object !== null && !isProxy(object); object = Object.getPrototypeOf(object) as object | null) {
    if (Object.hasOwn(object, 'clientCert')) return ownClientCertAccessor(object, 'get') === state.accessor.get;
    if (Object.getPrototypeOf(object) === IncomingMessage.prototype) return installAccessor(object);
  }
  return false;
}

/**
 * Installs the accessor on the prototype just above Node's `IncomingMessage.prototype` in a request's chain
 * (Express's `request` object, shared by all its apps and sub-apps); `false` when it cannot.
 */
function installAccessor(object: object): boolean {
  if (!Object.isExtensible(object)) return false;
  Object.defineProperty(object, 'clientCert', state.accessor);
  return true;
}

/** Defines `req.clientCert` on the request itself, read-only: for requests the accessor does not serve. */
function defineOwnProperty(req: object, certificate: ClientCertificate | undefined): void {
  try {
    Object.defineProperty(req, 'clientCert', descriptor({ value: certificate, writable: false, enumerable: true, configurable: false }));
  } catch {
    throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', { cause: 'req.clientCert cannot be defined on this request (frozen, or defined read-only by other code)' });
  }
}

/**
 * Records `albMtls()`'s result on `req` and makes it `req.clientCert`. When an earlier `albMtls()`
 * already did, its result stays, and must agree: no certificate on both, or the same certificate.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when they disagree (guards then refuse the request too), or
 * when nothing can be recorded on `req`.
 */
export function attachCertificate(req: object, certificate: ClientCertificate | undefined, certificateHeaders: ReadonlySet<string>): void {
  const holder = holderOf(req);
  const earlier = state.records.read(holder);
  if (earlier !== undefined) {
    // Another object's record (`req` wraps or inherits from a request albMtls() handled) is never replaced.
    if (earlier.owner !== req) throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', { cause: "this request's stream state holds another request's record" });
    if (earlier.disputed || !sameCertificate(earlier.certificate, certificate)) dispute(earlier);
    return;
  }
  if (!accessorServes(req)) defineOwnProperty(req, certificate);
  state.records.write(holder, { owner: req, certificate, read: certificateHeaders, disputed: false });
}

/**
 * Records that `albMtls()` refused `req`: `req.clientCert` is `undefined`, or, when an earlier `albMtls()`
 * attached a certificate, guards refuse the request even if an error handler lets it continue.
 */
export function attachRefusal(req: object, certificateHeaders: ReadonlySet<string>): void {
  try {
    attachCertificate(req, undefined, certificateHeaders);
  } catch {
    // Disputed (attachCertificate marked it), or nothing can be recorded: guards refuse it either way.
  }
}

/** Two `albMtls()` results agree: both without a certificate, or the same certificate (two caches, two objects). */
function sameCertificate(a: ClientCertificate | undefined, b: ClientCertificate | undefined): boolean {
  if (a === b) return true;
  return a !== undefined && b !== undefined && a.fingerprint256 === b.fingerprint256;
}

function dispute(record: RequestRecord): never {
  record.disputed = true;
  throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', { cause: 'albMtls() ran twice on this request and the second came to another result than the first' });
}

/** `albMtls()`'s record of `req` when guards may trust it: undisputed, and `req.clientCert` still reads its value. */
function trustedRecord(req: object): RequestRecord | undefined {
  const record = recordOf(req);
  if (record === undefined || record.disputed) return undefined;
  return (req as { clientCert?: unknown }).clientCert === record.certificate ? record : undefined;
}

/**
 * Names of the certificate headers `albMtls()` read on `req`: empty when it did not handle `req`, or when
 * `req.clientCert` is no longer what it attached.
 */
export function certificateHeadersOf(req: object): ReadonlySet<string> {
  return trustedRecord(req)?.read ?? NONE;
}

/**
 * The request's certificate, or `undefined` when it has none.
 * @throws MtlsError `ERR_MTLS_NOT_CONFIGURED` when `albMtls()` did not run before.
 */
export function certificateOf(req: object): ClientCertificate | undefined {
  const record = trustedRecord(req);
  if (record === undefined) throw new MtlsError('ERR_MTLS_NOT_CONFIGURED');
  return record.certificate;
}
