/**
 * Cold decode of the XFCC and RFC 9440 sources (a different certificate on every call, no cache) against
 * what an app would do by hand for the same header: `new X509Certificate()` of the decoded certificate.
 * Both read the CN, so both parse the subject.
 * Run: node --import tsx bench/micro/sources-cold.bench.ts [--quick]  (fixtures come from bench/run.ts)
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { envoySource } from '../../src/core/sources/envoy.js';
import { rfc9440Source } from '../../src/core/sources/rfc9440.js';
import { frontDoorHeaders } from '../../src/testing/index.js';
import { readFixtures } from '../fixtures.js';
import { cycle, runGroup, type Task } from './harness.js';

const leaves = readFixtures().pool;
const xfcc = leaves.map((pem) => ({ 'x-forwarded-client-cert': frontDoorHeaders('envoy', pem)['x-forwarded-client-cert']! }));
const rfc = leaves.map((pem) => frontDoorHeaders('rfc9440', pem));
const envoy = envoySource({ cache: false });
const rfc9440 = rfc9440Source({ cache: false });

function commonName(result: { certificate: { commonName: string | undefined } } | undefined): string {
  const cn = result?.certificate.commonName;
  if (cn === undefined) throw new Error('benchmark certificate has no CN');
  return cn;
}

const CERT = /Cert="([^"]*)"/;
const [a, b, c, d] = [cycle(xfcc), cycle(xfcc), cycle(rfc), cycle(rfc)];
const tasks: Task[] = [
  ['XFCC by hand: RegExp + decodeURIComponent + new X509Certificate', () => {
    const value = a()['x-forwarded-client-cert'];
    return new X509Certificate(decodeURIComponent(CERT.exec(value)![1]!)).subject;
  }],
  ["mtls({ source: 'envoy', cache: false })", () => commonName(envoy.decode({ headers: b() }, Date.now()))],
  ['RFC 9440 by hand: base64 + new X509Certificate', () => new X509Certificate(Buffer.from(c()['client-cert']!.slice(1, -1), 'base64')).subject],
  ["mtls({ source: 'rfc9440', cache: false })", () => commonName(rfc9440.decode({ headers: d() }, Date.now()))],
];

console.log(await runGroup(`Cold XFCC and RFC 9440 decode, a different certificate every call (ECDSA P-256 leaves, pool of ${leaves.length})`,
  tasks, 'XFCC by hand: RegExp + decodeURIComponent + new X509Certificate'));
