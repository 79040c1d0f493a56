/**
 * Hostile and malformed verify-mode header sets: each must end in its documented status and code,
 * never a 500 and never a certificate. Runs on Express 4 and 5.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { albMtls } from '../../src/index.js';
import { appWith, EXPRESS_VERSIONS } from '../helpers/servers/apps.js';
import { albEncodePem, issueCert, makeCa, opensslAlbHeaders } from '../helpers/pki/certs.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

type Headers = Record<string, string>;
const SUBJECT = 'x-amzn-mtls-clientcert-subject';
const ISSUER = 'x-amzn-mtls-clientcert-issuer';
const SERIAL = 'x-amzn-mtls-clientcert-serial-number';
const VALIDITY = 'x-amzn-mtls-clientcert-validity';
const LEAF = 'x-amzn-mtls-clientcert-leaf';

interface Case {
  readonly name: string;
  readonly status: number;
  readonly code: string;
  /** Builds the header lines to send: an array value sends the header more than once. */
  readonly headers: (h: Headers, other: Headers, pem: string) => Record<string, string | string[]>;
}

const without = (h: Headers, key: string): Headers => Object.fromEntries(Object.entries(h).filter(([k]) => k !== key));
const withLeaf = (h: Headers, leaf: string): Headers => ({ ...h, [LEAF]: leaf });
const pemBody = (pem: string): string => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '');
const pemOf = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
const shiftSecond = (v: string): string => v.replace(/(\d\d)Z;/, (_m, s: string) => `${String((Number(s) + 1) % 60).padStart(2, '0')}Z;`);

const M = 'ERR_MTLS_MALFORMED_HEADER';
const X = 'ERR_MTLS_HEADER_MISMATCH';
const I = 'ERR_MTLS_INCOMPLETE_HEADERS';
const D = 'ERR_MTLS_DUPLICATE_HEADER';

const CASES: Case[] = [
  { name: 'corrupted % escape in the leaf', status: 400, code: M, headers: (h) => withLeaf(h, h[LEAF]!.replace('%0A', '%0G')) },
  { name: 'truncated % escape at the end of the leaf', status: 400, code: M, headers: (h) => withLeaf(h, h[LEAF]!.slice(0, -2)) },
  { name: '+ turned into spaces (form decoding upstream)', status: 400, code: M, headers: (h) => withLeaf(h, h[LEAF]!.replace(/\+/g, ' ')) },
  { name: '+ turned into %20', status: 400, code: M, headers: (h) => withLeaf(h, h[LEAF]!.replace(/\+/g, '%20')) },
  { name: 'truncated PEM', status: 400, code: M, headers: (h) => withLeaf(h, h[LEAF]!.slice(0, Math.floor(h[LEAF]!.length / 2))) },
  { name: 'PEM without END marker', status: 400, code: M, headers: (h) => withLeaf(h, h[LEAF]!.replace(/-----END.*$/, '')) },
  { name: 'garbage DER in a valid PEM', status: 400, code: M, headers: (h) => withLeaf(h, albEncodePem(pemOf(Buffer.alloc(300, 7).toString('base64')))) },
  { name: 'DER with a trailing byte', status: 400, code: M, headers: (h, _o, pem) => withLeaf(h, albEncodePem(pemOf(Buffer.concat([Buffer.from(pemBody(pem), 'base64'), Buffer.from([0])]).toString('base64')))) },
  { name: 'DER truncated by one byte', status: 400, code: M, headers: (h, _o, pem) => withLeaf(h, albEncodePem(pemOf(Buffer.from(pemBody(pem), 'base64').subarray(0, -1).toString('base64')))) },
  { name: 'two certificates in the leaf header', status: 400, code: M, headers: (h, _o, pem) => withLeaf(h, albEncodePem(pem + pem)) },
  { name: 'a private key block instead of a certificate', status: 400, code: M, headers: (h) => withLeaf(h, albEncodePem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')) },
  { name: 'text before the PEM block', status: 400, code: M, headers: (h) => withLeaf(h, 'hello%0A' + h[LEAF]!) },
  { name: 'empty leaf', status: 400, code: M, headers: (h) => withLeaf(h, '') },
  { name: 'non-canonical base64 padding', status: 400, code: M, headers: (h, _o, pem) => withLeaf(h, albEncodePem(pemOf(pemBody(pem) + '===='))) },
  { name: 'leaf of another certificate', status: 400, code: X, headers: (h, o) => withLeaf(h, o[LEAF]!) },
  { name: 'subject of another certificate', status: 400, code: X, headers: (h, o) => ({ ...h, [SUBJECT]: o[SUBJECT]! }) },
  { name: 'subject with CN changed', status: 400, code: X, headers: (h) => ({ ...h, [SUBJECT]: h[SUBJECT]!.replace('CN=clientA', 'CN=clientB') }) },
  { name: 'subject with RDNs reordered', status: 400, code: X, headers: (h) => ({ ...h, [SUBJECT]: h[SUBJECT]!.split(',').reverse().join(',') }) },
  { name: 'issuer of another CA', status: 400, code: X, headers: (h) => ({ ...h, [ISSUER]: 'CN=Other CA,O=elsewhere' }) },
  { name: 'serial of another certificate', status: 400, code: X, headers: (h, o) => ({ ...h, [SERIAL]: o[SERIAL]! }) },
  { name: 'validity shifted by one second', status: 400, code: X, headers: (h) => ({ ...h, [VALIDITY]: shiftSecond(h[VALIDITY]!) }) },
  { name: 'serial that is not hex', status: 400, code: M, headers: (h) => ({ ...h, [SERIAL]: 'XYZ' }) },
  { name: 'serial with colons', status: 400, code: M, headers: (h) => ({ ...h, [SERIAL]: h[SERIAL]!.replace(/(..)(?!$)/g, '$1:') }) },
  { name: 'validity with milliseconds', status: 400, code: M, headers: (h) => ({ ...h, [VALIDITY]: h[VALIDITY]!.replace(/Z;/, '.000Z;') }) },
  { name: 'validity on February 30', status: 400, code: M, headers: (h) => ({ ...h, [VALIDITY]: h[VALIDITY]!.replace(/NotBefore=\d{4}-\d\d-\d\d/, 'NotBefore=2024-02-30') }) },
  { name: 'validity with NotAfter only', status: 400, code: M, headers: (h) => ({ ...h, [VALIDITY]: h[VALIDITY]!.replace(/^NotBefore=[^;]*;/, '') }) },
  { name: 'subject with a trailing comma', status: 400, code: M, headers: (h) => ({ ...h, [SUBJECT]: h[SUBJECT]! + ',' }) },
  { name: 'subject with a bad hex escape', status: 400, code: M, headers: (h) => ({ ...h, [SUBJECT]: h[SUBJECT]!.replace('CN=clientA', 'CN=client\\ZZ') }) },
  { name: 'subject without =', status: 400, code: M, headers: (h) => ({ ...h, [SUBJECT]: 'clientA' }) },
  { name: 'issuer with an empty RDN', status: 400, code: M, headers: (h) => ({ ...h, [ISSUER]: h[ISSUER]!.replace(',', ',,') }) },
  { name: 'subject bytes that are not UTF-8', status: 400, code: M, headers: (h) => ({ ...h, [SUBJECT]: h[SUBJECT]! + '\u00ff' }) },
  { name: 'oversize subject (17 KiB)', status: 400, code: M, headers: (h) => ({ ...h, [SUBJECT]: 'CN=' + 'a'.repeat(17 * 1024) }) },
  { name: 'oversize leaf (17 KiB)', status: 400, code: M, headers: (h) => withLeaf(h, h[LEAF]! + '%0A'.repeat(6 * 1024)) },
  { name: 'missing leaf', status: 400, code: I, headers: (h) => without(h, LEAF) },
  { name: 'missing serial', status: 400, code: I, headers: (h) => without(h, SERIAL) },
  { name: 'missing issuer', status: 400, code: I, headers: (h) => without(h, ISSUER) },
  { name: 'missing subject (leaf has one)', status: 400, code: I, headers: (h) => without(h, SUBJECT) },
  { name: 'only the subject header', status: 400, code: I, headers: (h) => ({ [SUBJECT]: h[SUBJECT]! }) },
  { name: 'subject header twice', status: 400, code: D, headers: (h) => ({ ...h, [SUBJECT]: [h[SUBJECT]!, 'CN=admin'] }) },
  { name: 'leaf header twice (value split across lines)', status: 400, code: D, headers: (h) => ({ ...h, [LEAF]: [h[LEAF]!.slice(0, 100), h[LEAF]!.slice(100)] }) },
  { name: 'subject twice under mixed-case names', status: 400, code: D, headers: (h) => ({ ...h, 'X-AMZN-MTLS-CLIENTCERT-SUBJECT': [h[SUBJECT]!, h[SUBJECT]!] }) },
];

describe('hostile verify-mode headers', { skip: skipWithoutOpenssl() }, () => {
  let good: Headers;
  let other: Headers;
  let pem: string;
  const servers: Server[] = [];

  before(() => {
    const ca = makeCa(tempDir());
    // The "+ as space" cases need a '+' in the base64: regenerate until there is one (almost always at once).
    do {
      const cert = issueCert(ca, { subj: '/C=JP/O=example.org/OU=ops/CN=clientA' });
      good = opensslAlbHeaders(cert.path);
      pem = cert.pem;
    } while (!good[LEAF]!.includes('+'));
    other = opensslAlbHeaders(issueCert(ca, { subj: '/O=example.org/CN=clientB' }).path);
  });
  after(() => servers.forEach((s) => s.close()));

  test('the table has at least 30 cases', () => assert.ok(CASES.length >= 30));

  for (const { name: version, create } of EXPRESS_VERSIONS) {
    describe(version, () => {
      // Large enough for the oversize cases to reach the middleware instead of Node's 431.
      const serve = (): Server => {
        const server = createServer({ maxHeaderSize: 256 * 1024 }, appWith(create, albMtls()));
        servers.push(server);
        return server;
      };

      test('the untouched headers are accepted (control)', async () => {
        const res = await request(serve()).get('/').set(good).expect(200);
        assert.equal(res.body.commonName, 'clientA');
      });

      for (const c of CASES) {
        test(`${c.name} -> ${c.status} ${c.code}`, async () => {
          let req = request(serve()).get('/');
          for (const [k, v] of Object.entries(c.headers(good, other, pem))) req = req.set(k, v as string);
          const res = await req;
          assert.equal(res.status, c.status, JSON.stringify(res.body));
          assert.equal(res.body.code, c.code);
        });
      }
    });
  }
});
