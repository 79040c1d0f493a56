/**
 * `mtls(options)` and `albMtls(options)`: the Express middleware. A thin layer over the framework-free
 * sources (`core/sources`): trust check on the TCP peer, header hygiene, decode, `req.clientCert`,
 * errors to `next(err)`.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MtlsConfigError, MtlsError } from './core/errors.js';
import { trustedProxies, type AlbMtlsOptions, type MtlsEvent } from './core/alb/options.js';
import { booleanOption, functionOption } from './core/options/readers.js';
import { compileSource } from './core/sources/registry.js';
import type { CertificateSource, SourceResult } from './core/sources/source.js';
import type { MtlsOptions } from './core/sources/options.js';
import type { SourceName } from './core/types.js';
import { createHeaderScanner, isOwnedHeader, type HeaderScanner } from './header-scan.js';
import { attachCertificate, attachRefusal } from './request-state.js';
import { untrustedPeerNotice } from './untrusted-peer.js';

interface Compiled {
  readonly source: CertificateSource;
  readonly trusted: (address: string | undefined) => boolean;
  readonly required: boolean;
  readonly skip: ((req: IncomingMessage) => boolean) | undefined;
  /** `undefined` without a hook, so `emit?.({...})` does not even build the event. */
  readonly emit: ((event: MtlsEvent) => void) | undefined;
  /** Every header name the source owns, for stripping and duplicate detection. */
  readonly owned: ReadonlySet<string>;
  /** The names the source reads. */
  readonly read: ReadonlySet<string>;
  readonly scan: HeaderScanner;
  /** Says once per peer that its headers were removed; the refusal's cause for a request that needed them. */
  readonly notice: (peer: string | undefined, removed: readonly string[]) => string;
}

function compile(rawOptions: unknown, label: string, fixed?: SourceName): Compiled {
  const { source, options } = compileSource(rawOptions, label, fixed);
  if (!source.usesHeaders && options.trustedProxies !== undefined) {
    throw new MtlsConfigError('trustedProxies', `does not apply to source '${source.name}': it reads the request's own TLS socket, no headers.`);
  }
  const onEvent = functionOption<(event: MtlsEvent) => void>(options, 'onEvent');
  const owned = new Set(source.owned);
  return {
    source,
    trusted: source.usesHeaders ? trustedProxies(options) : () => true,
    required: booleanOption(options, 'required', false),
    skip: functionOption(options, 'skip'),
    emit: onEvent ? safeEmitter(onEvent) : undefined,
    owned,
    read: new Set([...source.singletons, ...source.lists]),
    scan: createHeaderScanner(source.singletons, owned, source.ownedPrefix, source.lists),
    notice: untrustedPeerNotice(label),
  };
}

/** A logging hook must never turn a request into a 500: its errors become a process warning. */
function safeEmitter(onEvent: (event: MtlsEvent) => void): (event: MtlsEvent) => void {
  return (event) => {
    try {
      onEvent(event);
    } catch (error) {
      process.emitWarning(`onEvent threw: ${(error as Error)?.message ?? String(error)}`, { code: 'EXPRESS_ALB_MTLS_ONEVENT' });
    }
  };
}

/** Deletes the named headers from `req.headers`, `req.headersDistinct` and `req.rawHeaders`; returns the names removed. */
function stripHeaders(req: IncomingMessage, shouldStrip: (name: string) => boolean): string[] {
  const removed: string[] = [];
  for (const name of Object.keys(req.headers)) {
    if (shouldStrip(name)) {
      Reflect.deleteProperty(req.headers, name);
      removed.push(name);
    }
  }
  if (removed.length > 0) {
    // Node builds `headersDistinct` lazily from `rawHeaders` and a header count it keeps privately, so a
    // shortened `rawHeaders` would make it read past the end. Build it now, while both agree, and remove
    // the stripped names from it: Node caches that object and returns it from then on.
    const distinct: unknown = req.headersDistinct; // absent on request doubles that are not IncomingMessages
    if (typeof distinct === 'object' && distinct !== null) for (const name of removed) Reflect.deleteProperty(distinct, name);
    const raw = req.rawHeaders;
    for (let i = raw.length - 2; i >= 0; i -= 2) if (shouldStrip(raw[i]!.toLowerCase())) raw.splice(i, 2);
  }
  return removed;
}

/** Header hygiene: `true` to leave the request alone (`skip`); the cause to give a refusal for no certificate. */
function hygiene(c: Compiled, req: Request): { skipped: boolean; cause: string } {
  const peer = req.socket?.remoteAddress;
  const owns = (name: string): boolean => isOwnedHeader(name, c.owned, c.source.ownedPrefix);
  if (!c.trusted(peer)) {
    const headers = stripHeaders(req, owns);
    let cause = 'no client certificate headers';
    if (headers.length) {
      c.emit?.({ type: 'stripped', req, reason: 'untrusted-peer', headers, peer });
      cause = c.notice(peer, headers);
    }
    return { skipped: c.skip?.(req) === true, cause };
  }
  const skipped = c.skip?.(req) === true;
  if (c.source.usesHeaders && c.scan(req.rawHeaders, !skipped)) {
    // Owned headers this configuration does not read (ALB's other mode, default names while renamed,
    // Traefik's info header): nobody legitimate relies on them here, and nothing downstream may trust them.
    const headers = stripHeaders(req, (name) => owns(name) && !c.read.has(name));
    c.emit?.({ type: 'stripped', req, reason: 'unread', headers, peer });
  }
  return { skipped, cause: c.source.usesHeaders ? 'no client certificate headers' : 'no client certificate on the TLS connection' };
}

/** The request's certificate, `undefined` without one; throws `MtlsError` for a refused request. */
function handle(c: Compiled, req: Request): SourceResult | undefined {
  const { skipped, cause } = hygiene(c, req);
  if (skipped) return undefined;
  const decoded = c.source.decode(req, Date.now());
  if (decoded === undefined && c.required) throw new MtlsError('ERR_MTLS_CERT_REQUIRED', { cause });
  return decoded;
}

function middleware(compiled: Compiled): RequestHandler {
  return function mtlsMiddleware(req: Request, _res: Response, next: NextFunction): void {
    // The result is recorded on every path, refusals included (see request-state.ts).
    let decoded: SourceResult | undefined;
    try {
      decoded = handle(compiled, req);
      attachCertificate(req, decoded?.certificate, compiled.read);
    } catch (error) {
      attachRefusal(req, compiled.read);
      if (error instanceof MtlsError) compiled.emit?.({ type: 'rejected', req, error });
      next(error);
      return;
    }
    if (decoded) compiled.emit?.({ type: 'accepted', req, certificate: decoded.certificate, cached: decoded.cached });
    next();
  };
}

/** `app.use(albMtls)` (no call) hands the factory (req, res, next): say so instead of failing obscurely. */
function assertNotMounted(name: string, args: IArguments): void {
  if (args.length === 3 && typeof args[2] === 'function') {
    const call = name === 'mtls' ? "mtls({ source: '...' })" : `${name}()`;
    throw new MtlsConfigError(name, `was mounted without being called: write app.use(${call}), not app.use(${name}).`);
  }
}

/**
 * Express middleware that decodes the client certificate a front door forwarded into `req.clientCert`.
 * `options.source` names the front door: `'alb'`, `'envoy'`, `'rfc9440'`, `'nginx'`, `'traefik'`, `'gcp'`,
 * `'azure'`, `'cloudfront'` or `'tls'` (the request's own TLS socket).
 *
 * Headers are trusted only from `trustedProxies` (default: loopback and private addresses); from any other
 * peer they are deleted and ignored. Refused requests reach `next(err)` as an `MtlsError` with `status`
 * and `code`.
 * @throws MtlsConfigError at construction for bad options (unknown keys, options of another source).
 */
export function mtls(options: MtlsOptions): RequestHandler {
  // eslint-disable-next-line prefer-rest-params -- the check needs every argument Express passed
  assertNotMounted('mtls', arguments);
  return middleware(compile(options, 'mtls'));
}

/**
 * Express middleware that decodes the ALB mTLS headers into `req.clientCert`: `mtls({ source: 'alb' })`.
 *
 * Headers are trusted only from `trustedProxies` (default: loopback and private addresses, where ALB
 * nodes live); from any other peer they are deleted and ignored. Refused requests reach `next(err)` as
 * an `MtlsError` with `status` and `code`.
 * @throws MtlsConfigError at construction for bad options (unknown keys included).
 */
export function albMtls(options?: AlbMtlsOptions): RequestHandler {
  // eslint-disable-next-line prefer-rest-params -- the public signature stays (options?), the check needs all args
  assertNotMounted('albMtls', arguments);
  return middleware(compile(options, 'albMtls', 'alb'));
}
