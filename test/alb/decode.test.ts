/**
 * decodeAlbHeaders without Express: Lambda event header shapes, `now`, the cache, and crossCheck: false
 * (the leaf is decoded only when a leaf-derived field is read).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeAlbHeaders, MtlsError } from '../../src/index.js';
import { albHeaders } from '../../src/testing/index.js';
import { issueCert, makeCa, opensslAlbHeaders } from '../helpers/pki/certs.js';
import { buildCert, caLadder, clientExtensions, newKey } from '../helpers/pki/der-builder.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

const LEAF = 'x-amzn-mtls-clientcert-leaf';
const SUBJECT = 'x-amzn-mtls-clientcert-subject';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof MtlsError, String(error));
    return error.code;
  }
}

describe('decodeAlbHeaders', { skip: skipWithoutOpenssl() }, () => {
  let headers: Record<string, string>;
  let expired: Record<string, string>;

  before(() => {
    const ca = makeCa(tempDir());
    headers = opensslAlbHeaders(issueCert(ca, { subj: '/O=Lambda Corp/OU=a/OU=b/CN=lambda client' }).path);
    expired = opensslAlbHeaders(issueCert(ca, { subj: '/CN=old', start: '20200101000000Z', end: '20210101000000Z' }).path);
  });

  test('Node-style lowercase headers', () => {
    const cert = decodeAlbHeaders(headers);
    assert.equal(cert?.commonName, 'lambda client');
    assert.deepEqual(cert?.subject.getAll('OU'), ['b', 'a']);
    assert.equal(cert?.verifiedBy, 'alb');
  });

  test('ALB Lambda multiValueHeaders, including mixed-case keys', () => {
    const multi = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    assert.equal(decodeAlbHeaders(multi)?.commonName, 'lambda client');
  });

  test('a multi-value header with two values is a duplicate', () => {
    const multi = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), [SUBJECT]: [headers[SUBJECT]!, 'CN=admin'] };
    assert.equal(code(() => decodeAlbHeaders(multi)), 'ERR_MTLS_DUPLICATE_HEADER');
  });

  test('the same key in two cases is a duplicate', () => {
    assert.equal(code(() => decodeAlbHeaders({ ...headers, [SUBJECT.toUpperCase()]: 'CN=admin' })), 'ERR_MTLS_DUPLICATE_HEADER');
  });

  test('no headers -> undefined', () => assert.equal(decodeAlbHeaders({ host: 'x' }), undefined));

  test('now decides validity', () => {
    assert.equal(code(() => decodeAlbHeaders(expired)), 'ERR_MTLS_CERT_EXPIRED');
    assert.equal(decodeAlbHeaders(expired, { now: Date.UTC(2020, 5, 1) })?.commonName, 'old');
    assert.equal(code(() => decodeAlbHeaders(expired, { now: new Date(Date.UTC(2019, 0, 1)) })), 'ERR_MTLS_CERT_NOT_YET_VALID');
    assert.equal(decodeAlbHeaders(expired, { now: Date.UTC(2021, 0, 1, 0, 0, 30), clockTolerance: 60 })?.commonName, 'old');
  });

  test('the cache returns the same certificate for the same headers and re-checks the side headers', () => {
    const options = {};
    const first = decodeAlbHeaders(headers, options);
    assert.equal(decodeAlbHeaders(headers, options), first);
    assert.equal(code(() => decodeAlbHeaders({ ...headers, [SUBJECT]: 'CN=admin' }, options)), 'ERR_MTLS_HEADER_MISMATCH');
    assert.equal(decodeAlbHeaders(headers, options), first);
  });

  test('a cache hit needs all five headers identical, not only the serial number and issuer it is keyed by', () => {
    // Two leaves with one serial number and issuer (a CA reusing serials): they share a cache slot.
    const ca = caLadder(0);
    const leafOf = (subject: string): Record<string, string> => {
      const key = newKey();
      return albHeaders(buildCert({ subject, issuer: ca.names[0]!, key, signer: ca.keys[0]!, extensions: clientExtensions(key, ca.keys[0]!), serial: 0x4242 }));
    };
    const [alice, mallory] = [leafOf('CN=alice'), leafOf('CN=mallory')];
    const options = {};
    const first = decodeAlbHeaders(alice, options);
    assert.equal(first?.commonName, 'alice');
    assert.equal(code(() => decodeAlbHeaders({ ...alice, [LEAF]: mallory[LEAF]! }, options)), 'ERR_MTLS_HEADER_MISMATCH');
    assert.equal(code(() => decodeAlbHeaders({ ...mallory, [LEAF]: alice[LEAF]! }, options)), 'ERR_MTLS_HEADER_MISMATCH');
    assert.equal(decodeAlbHeaders(alice, options), first, 'a refused set does not evict the entry');
    assert.equal(decodeAlbHeaders(mallory, options)?.commonName, 'mallory');
    const again = decodeAlbHeaders(alice, options);
    assert.equal(again?.commonName, 'alice');
    assert.notEqual(again, first, 'mallory took the slot; alice was decoded again');
  });

  test('two CAs that issue the same serial number keep one cache entry each', () => {
    const leafFrom = (ca: ReturnType<typeof caLadder>, subject: string): Record<string, string> => {
      const key = newKey();
      return albHeaders(buildCert({ subject, issuer: ca.names[0]!, key, signer: ca.keys[0]!, extensions: clientExtensions(key, ca.keys[0]!), serial: 0x1000 }));
    };
    const first = caLadder(0);
    const second = { ...caLadder(0), names: ['CN=Second Root'] };
    const [a, b] = [leafFrom(first, 'CN=a'), leafFrom(second, 'CN=b')];
    assert.equal(a['x-amzn-mtls-clientcert-serial-number'], b['x-amzn-mtls-clientcert-serial-number']);
    const options = {};
    const [certA, certB] = [decodeAlbHeaders(a, options), decodeAlbHeaders(b, options)];
    assert.deepEqual([certA?.commonName, certB?.commonName], ['a', 'b']);
    for (let i = 0; i < 3; i++) {
      assert.equal(decodeAlbHeaders(a, options), certA, 'a stays cached');
      assert.equal(decodeAlbHeaders(b, options), certB, 'b stays cached');
    }
  });

  const fromCa = (name: string, serial = 0x01): Record<string, string> => {
    const ca = { ...caLadder(0), names: [`CN=${name}`] };
    const key = newKey();
    return albHeaders(buildCert({ subject: `CN=of ${name}`, issuer: ca.names[0]!, key, signer: ca.keys[0]!, extensions: clientExtensions(key, ca.keys[0]!), serial }));
  };

  test('one serial number from nine CAs: the eight most recently used issuers keep their entries', () => {
    const sets = Array.from({ length: 9 }, (_, i) => fromCa(`CA ${i + 1}`));
    const options = {};
    const first = sets.map((h) => decodeAlbHeaders(h, options));
    assert.deepEqual(first.map((c) => c?.commonName), sets.map((_, i) => `of CA ${i + 1}`));
    // Taking turns between eight of them, every request is a hit (no thrashing inside the slot).
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i < 9; i++) assert.equal(decodeAlbHeaders(sets[i]!, options), first[i], `CA ${i + 1}, round ${round}`);
    }
    // CA 2 was used longest ago; a hit makes it the most recent, so CA 1's return pushes out CA 3 instead.
    assert.equal(decodeAlbHeaders(sets[1]!, options), first[1]);
    assert.notEqual(decodeAlbHeaders(sets[0]!, options), first[0], 'CA 1 had been dropped for CA 9');
    assert.equal(decodeAlbHeaders(sets[1]!, options), first[1], 'CA 2 was used recently and stays');
    assert.notEqual(decodeAlbHeaders(sets[2]!, options), first[2], 'CA 3, the least recently used, made room');
  });

  test('cache.max counts header sets, not serial numbers, when serials are shared between CAs', () => {
    const cas = ['CA x', 'CA y', 'CA z'];
    const sets = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((serial) => cas.map((name) => fromCa(name, serial)));
    const options = { cache: { max: 10 } };
    const first = sets.map((h) => decodeAlbHeaders(h, options));
    // Newest first, each check a hit until the first miss: how many sets the cache held.
    let held = 0;
    for (let i = sets.length - 1; i >= 0 && decodeAlbHeaders(sets[i]!, options) === first[i]; i--) held++;
    assert.ok(held >= 7 && held <= 10, `held ${held} sets with cache.max 10`);
  });

  test('crossCheck: false trusts the side headers and decodes the leaf only on demand', () => {
    const options = { crossCheck: false };
    const broken = { ...headers, [LEAF]: 'not%20a%20certificate' };
    const cert = decodeAlbHeaders(broken, options)!;
    assert.equal(cert.commonName, 'lambda client'); // from the subject header: the leaf was not read
    assert.equal(cert.serialNumber, headers['x-amzn-mtls-clientcert-serial-number']);
    assert.throws(() => cert.fingerprint256, (e: unknown) => e instanceof MtlsError && e.code === 'ERR_MTLS_MALFORMED_HEADER');
    const good = decodeAlbHeaders(headers, options)!;
    assert.match(good.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.ok(good.raw instanceof Uint8Array && good.raw.length > 100);
  });

  test('crossCheck: false accepts what the default refuses, and the default refuses it', () => {
    const forged = { ...headers, [SUBJECT]: 'CN=admin' };
    assert.equal(code(() => decodeAlbHeaders(forged)), 'ERR_MTLS_HEADER_MISMATCH');
    assert.equal(decodeAlbHeaders(forged, { crossCheck: false })?.commonName, 'admin');
  });

  test('returned certificates are immutable', () => {
    const cert = decodeAlbHeaders(headers)!;
    assert.throws(() => { (cert as { verifiedBy: string }).verifiedBy = 'none'; }, TypeError);
    cert.notAfter.setTime(0);
    assert.notEqual(cert.notAfter.getTime(), 0);
    cert.raw[0] = 0;
    assert.equal(cert.raw[0], 0x30);
  });
});
