/**
 * Two references for scenario 2: the least work that gives the API of `albMtls()` + `requireCN` on a warm
 * request, written by hand. They check the TCP peer with the library's own `trustedProxies` (its default
 * list, the verdict remembered per address), read one header (the subject), find its
 * certificate in a `Map` keyed by that header, make it `req.clientCert` and compare the CN on the route.
 * No duplicate check, no cross-check of the five headers, no validity period, no record guards can trust;
 * and keying by the subject alone is a corner a real implementation could not cut (a re-issued certificate
 * keeps its subject). What they cost is a floor under the library's features, not a rival to them.
 * @module
 */
import type { Request, RequestHandler } from 'express';
import { trustedProxies } from '../../src/core/alb/options.js';

/** What the references keep per subject: the CN, found once. */
interface LeastCertificate {
  readonly cn: string | undefined;
}

// The library's own trust check (its default list, the verdict remembered per address): the floor should
// not pay for address parsing the library does not do.
const isTrustedPeer = trustedProxies({});
const bySubject = new Map<string, LeastCertificate>();
const kCertificate = Symbol('least.certificate');

/** The request's certificate, found by its subject header when the peer is trusted. */
function findLeastCertificate(req: Request): LeastCertificate | undefined {
  if (!isTrustedPeer(req.socket.remoteAddress)) return undefined;
  const subject = req.headers['x-amzn-mtls-clientcert-subject'];
  if (typeof subject !== 'string') return undefined;
  let certificate = bySubject.get(subject);
  if (certificate === undefined) {
    certificate = { cn: /(?:^|,)CN=([^,]*)/.exec(subject)?.[1] };
    bySubject.set(subject, certificate);
  }
  return certificate;
}

/** The route guard of both references: 403 unless the CN is `clientA`. */
export const leastGuard: RequestHandler = (req, res, next) => {
  if ((req.clientCert as LeastCertificate | undefined)?.cn === 'clientA') next();
  else res.status(403).end();
};

/** The hand-written form: `req.clientCert` written on the request, a new property behind Express. */
export const leastPropertyLayer: RequestHandler = (req, _res, next) => {
  (req as { clientCert?: unknown }).clientCert = findLeastCertificate(req);
  next();
};

/**
 * The library's design, without its checks: no property added to the request. The certificate goes on the
 * request's stream state, and `req.clientCert` is an accessor on the app's own request prototype
 * (`app.request`; the library installs its accessor one level up, on Express's shared `request`).
 */
export const leastAccessorLayer: RequestHandler = (req, _res, next) => {
  const prototype = Object.getPrototypeOf(req) as object;
  if (!Object.hasOwn(prototype, 'clientCert')) {
    Object.defineProperty(prototype, 'clientCert', {
      get(this: { _readableState?: Record<symbol, unknown> }) {
        return this._readableState?.[kCertificate];
      },
      configurable: true,
    });
  }
  (req as unknown as { _readableState: Record<symbol, unknown> })._readableState[kCertificate] = findLeastCertificate(req);
  next();
};
