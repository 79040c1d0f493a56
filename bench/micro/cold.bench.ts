/**
 * Cold verify-mode decode: a different certificate on every call (the pool of bench/fixtures.ts), the
 * library decoding and cross-checking all five headers against the hand-rolled
 * `new X509Certificate(decodeURIComponent(leaf))` + subject RegExp; then the cold path's stages alone,
 * to show where its time goes.
 * Run: node --import tsx bench/micro/cold.bench.ts [--quick]  (fixtures come from bench/run.ts)
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { decodeAlbHeaders, type DecodeAlbHeadersOptions } from '../../src/core/alb/alb.js';
import { decodeLeafPem, parseLeafStructure } from '../../src/core/cert/certificate.js';
import { dnEquals, parseDN } from '../../src/core/dn/dn.js';
import { nameFromDer } from '../../src/core/dn/dn-der.js';
import { DEFAULT_HEADER_NAMES as N } from '../../src/core/alb/headers.js';
import { urlDecodeHeader } from '../../src/core/der/pem.js';
import { parseSerialHeader, parseValidityHeader } from '../../src/core/alb/validity.js';
import { readFixtures, verifyHeaders } from '../fixtures.js';
import { cycle, runGroup, type Task } from './harness.js';

const pool = readFixtures().pool.map(verifyHeaders);
const CN_CLIENT_A = /(?:^|\n)CN=clientA(?:\n|$)/;
const noCache: DecodeAlbHeadersOptions = { cache: false };
const smallCache: DecodeAlbHeadersOptions = {}; // default max 1000 < pool size: every call misses

function handRolled(headers: Record<string, string>): unknown {
  const cert = new X509Certificate(decodeURIComponent(headers[N.leaf]!));
  if (!CN_CLIENT_A.test(cert.subject)) throw new Error('benchmark certificate has the wrong CN');
  return cert;
}

function library(headers: Record<string, string>, options: DecodeAlbHeadersOptions): unknown {
  const cert = decodeAlbHeaders(headers, options);
  if (cert?.commonName !== 'clientA') throw new Error('benchmark certificate has the wrong CN');
  return cert;
}

// Each task walks the pool with its own cursor: every call sees a certificate it has not seen recently.
const [a, b, c] = [cycle(pool), cycle(pool), cycle(pool)];
const whole: Task[] = [
  ['hand-rolled X509Certificate + RegExp', () => handRolled(a())],
  ['decodeAlbHeaders, cache: false', () => library(b(), noCache)],
  [`decodeAlbHeaders, default cache, ${pool.length}-cert pool (misses)`, () => library(c(), smallCache)],
];

/** Stage by stage, each on a fresh certificate (inputs decoded beforehand where a stage needs them). */
function stages(): Task[] {
  const prepared = pool.map((h) => {
    const { der } = decodeLeafPem(urlDecodeHeader(h[N.leaf]!, N.leaf), N.leaf);
    const s = parseLeafStructure(der, N.leaf);
    return { h, der, s, subject: nameFromDer(der, s.subject), issuer: nameFromDer(der, s.issuer),
      subjectHeader: parseDN(h[N.subject]!), issuerHeader: parseDN(h[N.issuer]!) };
  });
  const take = cycle(prepared);
  return [
    ['whole cold decode (cache: false)', () => library(take().h, noCache)],
    ['leaf: percent-decode', () => urlDecodeHeader(take().h[N.leaf]!, N.leaf)],
    ['leaf: percent-decode + PEM -> DER', () => decodeLeafPem(urlDecodeHeader(take().h[N.leaf]!, N.leaf), N.leaf)],
    ['leaf: DER -> structure', () => { const p = take(); return parseLeafStructure(p.der, N.leaf); }],
    ['leaf: subject + issuer from DER', () => { const p = take(); return [nameFromDer(p.der, p.s.subject), nameFromDer(p.der, p.s.issuer)]; }],
    ['headers: parseDN subject + issuer', () => { const p = take(); return [parseDN(p.h[N.subject]!), parseDN(p.h[N.issuer]!)]; }],
    ['headers: serial + validity', () => { const p = take(); return [parseSerialHeader(p.h[N.serialNumber]!, N.serialNumber), parseValidityHeader(p.h[N.validity]!, N.validity)]; }],
    ['cross-check: dnEquals × 2', () => { const p = take(); return dnEquals(p.subject, p.subjectHeader) && dnEquals(p.issuer, p.issuerHeader); }],
  ];
}

console.log(await runGroup(`Cold verify-mode decode, a different certificate every call (ECDSA P-256 leaves, pool of ${pool.length})`,
  whole, 'hand-rolled X509Certificate + RegExp'));
console.log(await runGroup('Cold path by stage', stages(), 'whole cold decode (cache: false)'));
