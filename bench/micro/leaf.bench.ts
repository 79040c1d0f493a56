/**
 * Leaf decode: the library's PEM -> DER -> fields path against `new X509Certificate(pem)` (node:crypto,
 * native OpenSSL), for an ECDSA P-256 and an RSA-2048 leaf.
 * Run: node --import tsx bench/micro/leaf.bench.ts [--quick]  (fixtures come from bench/run.ts)
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { certificateFromDer, decodeLeafPem, parseLeafStructure } from '../../src/core/cert/certificate.js';
import { nameFromDer } from '../../src/core/dn/dn-der.js';
import { readFixtures } from '../fixtures.js';
import { runGroup, type Task } from './harness.js';

/** The fields an application actually uses, read from node:crypto's object. */
function nodeFields(pem: string): unknown {
  const x = new X509Certificate(pem);
  return [x.subject, x.issuer, x.serialNumber, x.validFrom, x.validTo, x.subjectAltName, x.fingerprint256];
}

/** The same fields from the library (a fresh object each call: nothing is cached across calls). */
function libraryFields(pem: string): unknown {
  const c = certificateFromDer(decodeLeafPem(pem, 'leaf').der);
  return [c.subject, c.issuer, c.serialNumber, c.notBefore, c.notAfter, c.subjectAltNames, c.fingerprint256];
}

/** What a cold verify-mode request needs from the leaf for the cross-check: structure and both names. */
function libraryCrossCheckPart(pem: string): unknown {
  const { der } = decodeLeafPem(pem, 'leaf');
  const s = parseLeafStructure(der, 'leaf');
  return [nameFromDer(der, s.subject), nameFromDer(der, s.issuer)];
}

function tasks(pem: string): Task[] {
  const { der } = decodeLeafPem(pem, 'leaf');
  return [
    ['new X509Certificate(pem)', () => new X509Certificate(pem)],
    ['X509Certificate + 7 fields', () => nodeFields(pem)],
    ['library: PEM -> DER', () => decodeLeafPem(pem, 'leaf')],
    ['library: DER -> structure', () => parseLeafStructure(der, 'leaf')],
    ['library: PEM -> structure + subject + issuer', () => libraryCrossCheckPart(pem)],
    ['library: PEM -> ClientCertificate + 7 fields', () => libraryFields(pem)],
  ];
}

const fixtures = readFixtures();
const out: string[] = [];
for (const [name, pem] of [['ECDSA P-256 leaf', fixtures.ecdsa.leaf], ['RSA-2048 leaf', fixtures.rsa.leaf]] as const) {
  out.push(await runGroup(`Leaf decode, ${name} (${pem.length} chars PEM)`, tasks(pem), 'new X509Certificate(pem)'));
}
console.log(out.join('\n'));
