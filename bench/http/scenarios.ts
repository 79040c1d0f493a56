/**
 * The HTTP scenarios of issue 6: what each server mounts before its `GET /` handler, and which headers the
 * load generator sends. The library is imported lazily so a scenario whose code has not landed yet fails
 * alone (reported as unavailable) instead of taking the whole suite down.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Fixtures } from '../fixtures.js';
import { leastAccessorLayer, leastGuard, leastPropertyLayer } from './least.js';

/** Which headers the load generator sends with every request. */
export type HeaderKind = 'none' | 'warm' | 'passthrough' | 'pool';

/** One server configuration. */
export interface Scenario {
  /** Short id, used on the command line (`--scenario verify,cold`) and in tables. */
  readonly id: string;
  /** Issue 6 numbering (0 = bare Express, the reference). */
  readonly number: number;
  readonly title: string;
  readonly headers: HeaderKind;
  /** The `GET /` handler answers 500 unless the chain attached a certificate: a broken scenario is not fast. */
  readonly expectsCert: boolean;
  /** A reference for the whole-request pairs only (not part of the HTTP suite unless named). */
  readonly referenceOnly?: boolean;
  /** The middleware under test, in order, mounted with `app.use()`; the server times them as one unit. */
  build(fixtures: Fixtures): Promise<RequestHandler[]>;
  /**
   * Handlers mounted on the route itself, before its final handler (`app.get('/', ...route, final)`), as the
   * README mounts guards. The timed servers of the HTTP suite run them inside the timed unit, after `build`'s.
   */
  route?(): Promise<RequestHandler[]>;
}

const pass: RequestHandler = (_req, _res, next) => next();

/** The one write the API requires, alone: what any middleware setting `req.clientCert` pays Express and V8. */
const writeProperty: RequestHandler = (req, _res, next) => {
  (req as { clientCert?: unknown }).clientCert = undefined;
  next();
};

/** Subject check users write against `X509Certificate.subject` (newline-separated, DER order). */
const CN_CLIENT_A = /(?:^|\n)CN=clientA(?:\n|$)/;

/** Scenario 6: the per-request parse users hand-roll today, with the usual subject RegExp. */
const handRolled: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  const leaf = req.headers['x-amzn-mtls-clientcert-leaf'];
  if (typeof leaf !== 'string') {
    res.status(401).end();
    return;
  }
  const cert = new X509Certificate(decodeURIComponent(leaf));
  if (!CN_CLIENT_A.test(cert.subject)) {
    res.status(403).end();
    return;
  }
  (req as { clientCert?: unknown }).clientCert = cert;
  next();
};

/** 49 rules that do not match (a mix of CN, OU and issuer tests), then the one that does. */
async function fiftyRules(): Promise<RequestHandler> {
  const { routeByCert } = await import('../../src/router.js');
  type Rules = Parameters<typeof routeByCert>[0];
  const rules: Array<Rules[number]> = [];
  for (let i = 0; i < 49; i++) {
    const matcher = i % 3 === 0 ? { cn: `client-${i}` } : i % 3 === 1 ? { ou: `unit-${i}` } : { issuer: { CN: `Partner CA ${i}` } };
    rules.push([matcher, pass]);
  }
  rules.push([{ cn: 'clientA' }, pass]);
  return routeByCert(rules);
}

async function albMtls(options?: Parameters<typeof import('../../src/middleware.js').albMtls>[0]): Promise<RequestHandler> {
  const { albMtls: create } = await import('../../src/middleware.js');
  return create(options);
}

async function requireClientA(): Promise<RequestHandler> {
  const { requireCN } = await import('../../src/guards.js');
  return requireCN('clientA');
}

/** Every scenario, bare Express first. */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'bare', number: 0, title: 'bare Express', headers: 'warm', expectsCert: false, build: async () => [] },
  { id: 'verify', number: 1, title: 'albMtls() verify, warm', headers: 'warm', expectsCert: true,
    build: async () => [await albMtls()] },
  // As the README's quick start has it: `app.use(albMtls())`, then `app.get(path, requireCN('clientA'), handler)`.
  { id: 'requireCN', number: 2, title: "albMtls() + requireCN('clientA') on the route, warm", headers: 'warm',
    expectsCert: true, build: async () => [await albMtls()], route: async () => [await requireClientA()] },
  { id: 'routeByCert', number: 3, title: 'albMtls() + routeByCert, 50 rules, last matches', headers: 'warm',
    expectsCert: true, build: async () => [await albMtls(), await fiftyRules()] },
  { id: 'passthrough', number: 4, title: 'albMtls() passthrough, 3-cert chain, warm', headers: 'passthrough',
    expectsCert: true, build: async (f) => [await albMtls({ mode: 'passthrough', trustStore: f.ecdsa.root })] },
  { id: 'cold', number: 5, title: "cold: albMtls() + requireCN, new cert every request", headers: 'pool',
    expectsCert: true, build: async () => [await albMtls()], route: async () => [await requireClientA()] },
  { id: 'handrolled', number: 6, title: 'hand-rolled X509Certificate + RegExp', headers: 'pool', expectsCert: true,
    build: async () => [handRolled] },
  // What any middleware costs Express 5 just by being there: the first app.use() layer of an app.
  { id: 'emptyLayer', number: 7, title: 'one empty middleware layer (reference)', headers: 'warm', expectsCert: false,
    referenceOnly: true, build: async () => [pass] },
  // The API's floor: that layer, writing `req.clientCert` (a new property on a request behind Express).
  { id: 'propertyLayer', number: 8, title: 'one middleware layer writing req.clientCert (reference)', headers: 'warm',
    expectsCert: false, referenceOnly: true, build: async () => [writeProperty] },
  // Scenario 2 with the guard as an app-wide layer of its own (`app.use(requireCN(...))`) instead of on the route.
  { id: 'requireCNLayer', number: 9, title: "albMtls() + app.use(requireCN('clientA')), warm (reference)", headers: 'warm',
    expectsCert: true, referenceOnly: true, build: async () => [await albMtls(), await requireClientA()] },
  // Scenario 2's floor, written by hand with none of the library's checks (least.ts): the API as users write it,
  // then the design the library uses to add no property to the request.
  { id: 'leastProperty', number: 10, title: "least hand-written scenario 2, req.clientCert written (reference)", headers: 'warm',
    expectsCert: true, referenceOnly: true, build: async () => [leastPropertyLayer], route: async () => [leastGuard] },
  { id: 'leastAccessor', number: 11, title: "least hand-written scenario 2, req.clientCert an accessor (reference)", headers: 'warm',
    expectsCert: true, referenceOnly: true, build: async () => [leastAccessorLayer], route: async () => [leastGuard] },
];

/** Looks scenarios up by id or number (`1`, `verify`); bare Express is always included, first. */
export function selectScenarios(spec: string | undefined): Scenario[] {
  if (spec === undefined || spec === 'all') return SCENARIOS.filter((s) => s.referenceOnly !== true);
  const wanted = new Set(spec.split(',').map((s) => s.trim()).filter(Boolean));
  const unknown = [...wanted].filter((w) => !SCENARIOS.some((s) => s.id === w || String(s.number) === w));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => `${s.number}=${s.id}`).join(', ')}`);
  return SCENARIOS.filter((s) => s.number === 0 || wanted.has(s.id) || wanted.has(String(s.number)));
}
