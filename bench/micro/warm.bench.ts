/**
 * The warm request path without HTTP: `albMtls()` (and `requireCN`) called directly on a synthetic
 * request that carries the same headers as the HTTP benchmark, plus the pieces of that path on their own,
 * so the HTTP figures can be attributed to code.
 * Run: node --import tsx bench/micro/warm.bench.ts [--quick]  (fixtures come from bench/run.ts)
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import proxyAddr from 'proxy-addr';
import { decodeAlbHeaders, type DecodeAlbHeadersOptions } from '../../src/core/alb/alb.js';
import { parseDN } from '../../src/core/dn/dn.js';
import { requireCN } from '../../src/guards.js';
import { routeByCert } from '../../src/router.js';
import { albMtls } from '../../src/middleware.js';
import { passthroughHeaders, readFixtures, verifyHeaders } from '../fixtures.js';
import { runGroup, runLatency, type Task } from './harness.js';

const fixtures = readFixtures();
const headers: Record<string, string> = { host: '127.0.0.1:3000', connection: 'keep-alive', ...verifyHeaders(fixtures.ecdsa.leaf) };
const chainHeaders: Record<string, string> = { host: '127.0.0.1:3000', connection: 'keep-alive', ...passthroughHeaders(fixtures.ecdsa) };

const raw = new Map([headers, chainHeaders].map((h) => [h, Object.entries(h).flat()]));

/** One socket for every request, as on a keep-alive connection from the load balancer. */
const socket = { remoteAddress: '127.0.0.1' };

/** Express's request prototype (`app.request`), which `app.handle` sets on every request. */
const expressRequest: object = Object.create(null);

/** A copy of `value` that is a new string, as Node's HTTP parser makes for every request (no cached hash). */
const fresh = (value: string): string => ` ${value}`.slice(1);

/**
 * A fresh request object each call, built the way Node and Express build one: new header strings, then the
 * prototype swapped and a property added. V8 then gives every request its own hidden class, so every
 * property written to it takes the slow path, as in a real server (about 1 µs each here).
 */
function request(source: Record<string, string>): Request {
  const rawHeaders = raw.get(source)!.map(fresh);
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!] = rawHeaders[i + 1]!;
  const req = { headers, rawHeaders, socket };
  Object.setPrototypeOf(req, expressRequest);
  (req as { res?: object }).res = {};
  return req as unknown as Request;
}

let failures = 0;
const next: NextFunction = (error?: unknown) => {
  if (error !== undefined) failures++;
};

/** Runs `handlers` in order on a fresh request, as the HTTP benchmark's timed chain does. */
function chain(source: Record<string, string>, ...handlers: RequestHandler[]): () => unknown {
  return () => {
    const req = request(source);
    let i = 0;
    const step: NextFunction = (error?: unknown) => {
      const handler = handlers[i++];
      if (error !== undefined || handler === undefined) next(error);
      else void handler(req, {} as Response, step);
    };
    step();
    return req;
  };
}

/** The HTTP benchmark's scenario 3: 49 rules that do not match (CN, OU and issuer tests), then one that does. */
function fiftyRules(): RequestHandler {
  const pass: RequestHandler = (_req, _res, next) => next();
  const rules: Array<Parameters<typeof routeByCert>[0][number]> = [];
  for (let i = 0; i < 49; i++) {
    rules.push([i % 3 === 0 ? { cn: `client-${i}` } : i % 3 === 1 ? { ou: `unit-${i}` } : { issuer: { CN: `Partner CA ${i}` } }, pass]);
  }
  rules.push([{ cn: 'clientA' }, pass]);
  return routeByCert(rules);
}

const options: DecodeAlbHeadersOptions = {};
const passthrough: DecodeAlbHeadersOptions = { mode: 'passthrough', trustStore: fixtures.ecdsa.root };
const trust = proxyAddr.compile(['loopback', 'linklocal', 'uniquelocal']);
const mtls = albMtls();
const tasks: Task[] = [
  ['fresh request object (floor)', chain(headers)],
  ['albMtls()', chain(headers, mtls)],
  ["albMtls() + requireCN('clientA')", chain(headers, mtls, requireCN('clientA'))],
  ['albMtls() + routeByCert, 50 rules, last matches', chain(headers, mtls, fiftyRules())],
  ["albMtls({ mode: 'passthrough' }), 3-cert chain", chain(chainHeaders, albMtls(passthrough))],
  ['decodeAlbHeaders verify (warm cache)', () => decodeAlbHeaders(headers, options)],
  ['decodeAlbHeaders passthrough (warm cache)', () => decodeAlbHeaders(chainHeaders, passthrough)],
  // What albMtls() no longer pays per request: it remembers the verdict per peer address.
  ['proxy-addr trust check (127.0.0.1)', () => trust('127.0.0.1', 0)],
];

console.log(await runGroup('Warm path, no HTTP (same headers as the HTTP benchmark)', tasks, 'albMtls()'));
console.log(await runLatency('Warm path, per-call wall time (the p99 target: < 200 µs added)', tasks.slice(0, 5)));
// Alone in its group: another parser's garbage would be collected during parseDN's batches.
const ALB_DN = 'CN=client_.com,OU=client-3,O=mTLS,ST=Washington,C=US';
console.log(await runGroup('parseDN on the ALB example DN, CPU time (issue 6 target: >= 1,000,000 ops/s)',
  [['parseDN(ALB example)', () => parseDN(ALB_DN)]], 'parseDN(ALB example)'));
if (failures > 0) throw new Error(`${failures} calls failed: the benchmark measured errors`);
