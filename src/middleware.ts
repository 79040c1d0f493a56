/**
 * `albMtls(options)`: the Express middleware. Thin layer over the framework-free decoder: trust check on
 * the TCP peer, header hygiene, decode, `req.clientCert`, errors to `next(err)`.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { compileDecoder, type AlbDecoder } from './core/alb/alb.js';
import type { Decoded } from './core/alb/verify-mode.js';
import { DEFAULT_HEADER_NAMES } from './core/alb/headers.js';
import { MtlsConfigError, MtlsError } from './core/errors.js';
import { checkOptionsObject, trustedProxies, type AlbMtlsOptions, type MtlsEvent } from './core/alb/options.js';
import { booleanOption, functionOption } from './core/options/readers.js';
import { createHeaderScanner, isOwnedHeader, type HeaderScanner } from './header-scan.js';
import { attachCertificate, attachRefusal } from './request-state.js';

const MTLS_PREFIX = 'x-amzn-mtls-';

interface Compiled {
  readonly decoder: AlbDecoder;
  readonly trusted: (address: string | undefined) => boolean;
  readonly required: boolean;
  readonly skip: ((req: IncomingMessage) => boolean) | undefined;
  /** `undefined` without a hook, so `emit?.({...})` does not even build the event. */
  readonly emit: ((event: MtlsEvent) => void) | undefined;
  /** Every header name this library owns, for stripping and duplicate detection. */
  readonly owned: ReadonlySet<string>;
  /** The names the configured mode reads. */
  readonly read: ReadonlySet<string>;
  readonly scan: HeaderScanner;
}

function compile(options: Record<string, unknown>): Compiled {
  const decoder = compileDecoder(options);
  const onEvent = functionOption<(event: MtlsEvent) => void>(options, 'onEvent');
  const owned = new Set([...Object.values(decoder.names), ...Object.values(DEFAULT_HEADER_NAMES)]);
  return {
    decoder,
    trusted: trustedProxies(options),
    required: booleanOption(options, 'required', false),
    skip: functionOption(options, 'skip'),
    emit: onEvent ? safeEmitter(onEvent) : undefined,
    owned,
    read: new Set(decoder.modeHeaders),
    scan: createHeaderScanner(decoder.modeHeaders, owned, MTLS_PREFIX),
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

/** The request's certificate, `undefined` without one; throws `MtlsError` for a refused request. */
function handle(c: Compiled, req: Request): Decoded | undefined {
  const peer = req.socket?.remoteAddress;
  if (!c.trusted(peer)) {
    const headers = stripHeaders(req, (name) => isOwnedHeader(name, c.owned, MTLS_PREFIX));
    if (headers.length) c.emit?.({ type: 'stripped', req, reason: 'untrusted-peer', headers, peer });
    if (c.skip?.(req)) return undefined;
  } else {
    const skipped = c.skip?.(req) === true;
    if (c.scan(req.rawHeaders, !skipped)) {
      // The other mode's header, or ALB's default names while headerNames renames them: nobody legitimate
      // sends these here, and code reading req.headers by those names must not see them.
      const headers = stripHeaders(req, (name) => isOwnedHeader(name, c.owned, MTLS_PREFIX) && !c.read.has(name));
      c.emit?.({ type: 'stripped', req, reason: 'unread', headers, peer });
    }
    if (skipped) return undefined;
  }
  const decoded = c.decoder.decode(req.headers, Date.now());
  if (decoded === undefined && c.required) {
    throw new MtlsError('ERR_MTLS_CERT_REQUIRED', { cause: 'no client certificate headers' });
  }
  return decoded;
}

/**
 * Express middleware that decodes the ALB mTLS headers into `req.clientCert`.
 *
 * Headers are trusted only from `trustedProxies` (default: loopback and private addresses, where ALB
 * nodes live); from any other peer they are deleted and ignored. Refused requests reach `next(err)` as
 * an `MtlsError` with `status` and `code`.
 * @throws MtlsConfigError at construction for bad options (unknown keys included).
 */
export function albMtls(options?: AlbMtlsOptions): RequestHandler {
  // `app.use(albMtls)` (no call) hands us (req, res, next): say so instead of failing obscurely.
  // eslint-disable-next-line prefer-rest-params -- the public signature stays (options?), the check needs all args
  if (arguments.length === 3 && typeof arguments[2] === 'function') {
    throw new MtlsConfigError('albMtls', 'was mounted without being called: write app.use(albMtls()), not app.use(albMtls).');
  }
  const compiled = compile(checkOptionsObject(options, 'albMtls'));
  return function albMtlsMiddleware(req: Request, _res: Response, next: NextFunction): void {
    // albMtls()'s result is recorded on every path, refusals included (see request-state.ts).
    let decoded: Decoded | undefined;
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
