/**
 * Route guards: `requireClientCert`, `requireCN`, `requireOU`, and `clientCertOf` for a non-optional
 * certificate after a guard. Matchers are compiled when the guard is built; during a request a guard only
 * reads `req.clientCert` and runs the compiled test.
 * @module
 */
import { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { compileMatcher, type CertMatcher, type CompiledMatcher } from './core/match/match.js';
import { compileField, type CertTest } from './core/match/match-compile.js';
import type { ValueMatchers } from './core/match/match-values.js';
import type { AnyClientCertificate, ClientCertificate } from './core/types.js';
import { MtlsConfigError, MtlsError } from './core/errors.js';
import { certificateOf } from './request-state.js';

/** A request known to carry a client certificate: what handlers after a guard may assume. */
export type CertRequest = Request & { readonly clientCert: AnyClientCertificate };

/**
 * The request's whole certificate, for handlers mounted after a guard (or anywhere a certificate is
 * mandatory). For a front door that may forward only a summary (an Envoy element without `Cert`), read
 * `req.clientCert` and narrow on `complete` instead.
 * @throws MtlsError `ERR_MTLS_CERT_REQUIRED` (401) without a certificate; `ERR_MTLS_NOT_CONFIGURED` (500)
 *   when the middleware did not run, or when the front door forwarded a summary and not the certificate
 *   (configure it to forward the certificate). Express passes a thrown error to the error handler.
 */
export function clientCertOf(req: object): ClientCertificate {
  const cert = certificateOf(req);
  if (cert === undefined) throw new MtlsError('ERR_MTLS_CERT_REQUIRED');
  if (!cert.complete) {
    throw new MtlsError('ERR_MTLS_NOT_CONFIGURED', {
      cause: `the front door (${cert.source}) forwarded what it knows of the certificate, not the certificate itself: ` +
        'configure it to forward the certificate (Envoy: Cert in set_current_client_cert_details), or read req.clientCert',
    });
  }
  return cert;
}

/**
 * Throws when a factory was handed to Express uncalled (`app.use(requireClientCert)`): Express then calls it
 * with `(req, res, next)`, and treating `req` as a matcher would fail obscurely. Thrown during that request,
 * so Express answers 500: fail closed, with the fix in the log.
 */
export function assertCalled(name: string, args: readonly unknown[]): void {
  const first = args[0];
  const looksLikeReq = first instanceof IncomingMessage || (typeof first === 'object' && first !== null && 'headers' in first);
  if (looksLikeReq && (first instanceof IncomingMessage || typeof args[2] === 'function')) {
    throw new MtlsConfigError(name, `was mounted without being called: write ${name}(...) with its arguments, not ${name}`);
  }
}

/** The request error for `req`, or `undefined` when `test` accepts its certificate. */
function refusal(req: Request, test: CompiledMatcher<Request> | undefined): unknown {
  try {
    const cert = certificateOf(req);
    if (cert === undefined) return new MtlsError('ERR_MTLS_CERT_REQUIRED');
    if (test !== undefined && !test(cert, req)) return new MtlsError('ERR_MTLS_CERT_FORBIDDEN');
    return undefined;
  } catch (error) {
    return error; // ERR_MTLS_NOT_CONFIGURED, a malformed lazily-parsed leaf, or a throwing predicate
  }
}

/** The middleware of a guard around a compiled test (`undefined`: any certificate). */
export function guardWith(test: CompiledMatcher<Request> | undefined): RequestHandler {
  return function mtlsGuard(req: Request, _res: Response, next: NextFunction): void {
    const error = refusal(req, test);
    if (error === undefined) next();
    else next(error);
  };
}

/**
 * Requires a client certificate, and that it satisfies `matcher` when one is given.
 * 401 `ERR_MTLS_CERT_REQUIRED` without a certificate, 403 `ERR_MTLS_CERT_FORBIDDEN` when the matcher
 * refuses it, 500 `ERR_MTLS_NOT_CONFIGURED` when `albMtls()` is not mounted before; all through `next(err)`.
 * @throws MtlsConfigError at construction for a bad matcher (path `matcher...`).
 */
export function requireClientCert(matcher?: CertMatcher<Request>): RequestHandler {
  // eslint-disable-next-line prefer-rest-params
  assertCalled('requireClientCert', Array.from(arguments));
  return guardWith(matcher === undefined ? undefined : compileMatcher(matcher, 'matcher'));
}

function subjectAttributeGuard(name: string, field: 'cn' | 'ou', args: readonly ValueMatchers[]): RequestHandler {
  assertCalled(name, args);
  if (args.length === 0) throw new MtlsConfigError(name, `needs at least one value, such as ${name}('clientA')`);
  // One field test per argument (so errors name `requireCN[1][0]`), any of which may match.
  const tests = args.map((arg, i) => compileField(field, arg, `${name}[${i}]`));
  if (tests.length === 1) {
    const [only] = tests as [CertTest];
    return guardWith((cert, req) => cert !== undefined && only(cert, req));
  }
  return guardWith((cert, req) => {
    if (cert === undefined) return false;
    for (const test of tests) if (test(cert, req)) return true;
    return false;
  });
}

/**
 * Requires a certificate whose subject has exactly one CN, equal to one of `names`: exact strings
 * (case-sensitive), anchored RegExps, predicates, or arrays of them. `requireCN('clientA')`.
 * @throws MtlsConfigError at construction for no names or a bad value (path `requireCN[i]`).
 */
export function requireCN(...names: ValueMatchers[]): RequestHandler {
  return subjectAttributeGuard('requireCN', 'cn', names);
}

/**
 * Requires a certificate with a subject OU equal to one of `units` (any OU of the certificate may match).
 * @throws MtlsConfigError at construction for no units or a bad value (path `requireOU[i]`).
 */
export function requireOU(...units: ValueMatchers[]): RequestHandler {
  return subjectAttributeGuard('requireOU', 'ou', units);
}
