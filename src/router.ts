/**
 * Routers by certificate: `certRouter` (a Router whose every route is guarded) and `routeByCert` (ordered
 * dispatch, first match wins: the routing an ALB listener rule cannot do because it runs before the mTLS
 * headers exist).
 * @module
 */
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response, Router, RouterOptions } from 'express';
import { firstMatchFinder } from './core/match/first-match.js';
import { compileMatcher, compileRule, type CertMatcher, type CompiledMatcher } from './core/match/match.js';
import type { AnyClientCertificate } from './core/types.js';
import { checkHandler, invokeHandler } from './dispatch.js';
import { MtlsConfigError, MtlsError } from './core/errors.js';
import { assertCalled, guardWith } from './guards.js';
import { certificateOf } from './request-state.js';
import { readOptions } from './core/options/readers.js';


/**
 * An `express.Router` whose every route and sub-router is guarded by `matcher`, as if
 * `requireClientCert(matcher)` were its first middleware. Requests that reach it answer 401/403 before any
 * route is looked up, so unknown paths do not reveal which routes exist.
 * @param options Passed to `express.Router()` (`caseSensitive`, `mergeParams`, `strict`).
 * @throws MtlsConfigError at construction for a bad matcher (path `matcher...`) or an unknown option.
 */
export function certRouter(matcher: CertMatcher<Request>, options?: RouterOptions): Router {
  // eslint-disable-next-line prefer-rest-params
  assertCalled('certRouter', Array.from(arguments));
  if (matcher === undefined) {
    throw new MtlsConfigError('matcher', 'is required; to accept any certificate, use express.Router().use(requireClientCert())');
  }
  const guard = guardWith(compileMatcher(matcher, 'matcher'));
  const router = express.Router(readOptions(options, ['caseSensitive', 'mergeParams', 'strict'], 'routerOptions'));
  router.use(guard);
  return router;
}

/** One rule of {@link routeByCert}: a matcher, and the handler or router that serves matching requests. */
export type CertRoute = readonly [matcher: CertMatcher<Request>, handler: RequestHandler];

/** Options of {@link routeByCert}. */
export interface RouteByCertOptions {
  /**
   * Serves requests no rule matches. Default: `next(err)` with 401 `ERR_MTLS_CERT_REQUIRED` when there is
   * no certificate, else 403 `ERR_MTLS_CERT_FORBIDDEN`. `'next'` falls through to the next middleware.
   */
  readonly otherwise?: RequestHandler | 'next';
}

interface CompiledRoute {
  readonly test: CompiledMatcher<Request>;
  readonly pure: boolean;
  readonly handler: RequestHandler;
}

function compileRoutes(rules: unknown): CompiledRoute[] {
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new MtlsConfigError('rules', "expected a non-empty array of [matcher, handler] pairs, such as [[{ cn: 'clientA' }, routerA]]");
  }
  return rules.map((rule: unknown, i) => {
    if (!Array.isArray(rule) || rule.length !== 2) {
      throw new MtlsConfigError(`rules[${i}]`, 'expected a pair [matcher, handler]');
    }
    const { test, pure } = compileRule(rule[0] as CertMatcher<Request>, `rules[${i}][0]`);
    return { test, pure, handler: checkHandler(rule[1], `rules[${i}][1]`) };
  });
}

function compileOtherwise(options: unknown): RequestHandler | 'next' | undefined {
  const { otherwise } = readOptions(options, ['otherwise']);
  if (otherwise === undefined || otherwise === 'next') return otherwise;
  return checkHandler(otherwise, 'options.otherwise');
}

/**
 * Dispatches each request to the first rule whose matcher accepts its certificate (rules in order, first
 * match wins): `routeByCert([[{ cn: 'clientA' }, routerA], [{ issuer: { CN: 'partnerCA' } }, routerB]])`.
 * A request without a certificate matches no rule. Errors (`ERR_MTLS_NOT_CONFIGURED` without `albMtls()`,
 * a throwing predicate, a handler's throw or rejection) reach `next(err)`.
 * @throws MtlsConfigError at construction for bad rules (path `rules[i][0]...`) or options.
 */
export function routeByCert(rules: readonly CertRoute[], options?: RouteByCertOptions): RequestHandler {
  // eslint-disable-next-line prefer-rest-params
  assertCalled('routeByCert', Array.from(arguments));
  const routes = compileRoutes(rules);
  const firstMatch = firstMatchFinder(routes);
  const otherwise = compileOtherwise(options);
  return function routeByCertMiddleware(req: Request, res: Response, next: NextFunction): void {
    let cert: AnyClientCertificate | undefined;
    let chosen: RequestHandler | undefined;
    try {
      cert = certificateOf(req);
      const index = cert === undefined ? -1 : firstMatch(cert, req);
      chosen = index === -1 ? undefined : routes[index]!.handler;
    } catch (error) {
      next(error);
      return;
    }
    if (chosen !== undefined) invokeHandler(chosen, req, res, next);
    else if (otherwise === 'next') next();
    else if (otherwise !== undefined) invokeHandler(otherwise, req, res, next);
    else next(new MtlsError(cert === undefined ? 'ERR_MTLS_CERT_REQUIRED' : 'ERR_MTLS_CERT_FORBIDDEN'));
  };
}
