/**
 * Envoy's x-forwarded-client-cert: the grammar (quotes, escapes, separators only outside quotes), element
 * choice (right-most, `hops`), the cross-checks (Hash, Subject, URI/DNS), the injections naive splitting
 * let through, partial elements (Istio's sidecar default, no Cert), and a round trip against a writer that
 * emits what Envoy's source code emits, for random subjects full of separators and quotes.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import request from 'supertest';
import { parseXfcc, unescapeXfcc } from '../../src/core/sources/xfcc.js';
import { createTestPki, envoyEncodePem, frontDoorHeaders, type TestCertificate, type TestPki } from '../../src/testing/index.js';
import { certRouter, not, requireCN } from '../../src/index.js';
import { reportingApp } from '../helpers/servers/front-door-app.js';

const XFCC = 'x-forwarded-client-cert';
let pki: TestPki;
let client: TestCertificate;
let admin: TestCertificate;

before(async () => {
  pki = await createTestPki();
  client = await pki.issueClient({ subject: 'CN=clientA,OU=ops', sans: { uri: ['spiffe://example.org/a'], dns: ['a.example'] } });
  admin = await pki.issueClient({ subject: 'CN=admin' });
});

const send = (value: string, options: Record<string, unknown> = {}) =>
  request(reportingApp({ source: 'envoy', ...options })).get('/').set(XFCC, value);

describe('grammar', () => {
  test("Envoy's documentation examples", () => {
    const one = 'By=http://frontend.lyft.com;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;' +
      'Subject="/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client";URI=http://testclient.lyft.com;DNS=lyft.com;DNS=www.lyft.com';
    const [element] = parseXfcc(one, XFCC);
    assert.deepEqual(element!.pairs.map((p) => p.key), ['by', 'hash', 'subject', 'uri', 'dns', 'dns']);
    assert.equal(element!.pairs[2]!.raw, '/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client');
    const two = 'By=http://frontend.lyft.com;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;' +
      'URI=http://testclient.lyft.com,By=http://backend.lyft.com;Hash=9ba61d6425303443c0748a02dd8de688468ed33be74eee6556d90c0149c1309e;' +
      'URI=http://frontend.lyft.com';
    assert.deepEqual(parseXfcc(two, XFCC).map((e) => e.pairs[0]!.raw), ['http://frontend.lyft.com', 'http://backend.lyft.com']);
  });

  test('separators inside quotes belong to the value; escapes are kept for DNs and removed otherwise', () => {
    const [element] = parseXfcc('Subject="CN=a\\,b\\;c=\\"d\\"\\\\";URI=', XFCC);
    assert.equal(element!.pairs.length, 2);
    assert.equal(element!.pairs[0]!.raw, 'CN=a\\,b\\;c=\\"d\\"\\\\');
    assert.equal(unescapeXfcc(element!.pairs[0]!.raw), 'CN=a\\,b\\;c="d"\\');
  });

  test('malformed input is refused, never guessed', () => {
    for (const bad of ['Hash', 'Hash=1;', '=x', 'Subject="unterminated', 'Subject="a"b', 'URI=a"b', 'Hash=1,,Hash=2', '"Hash"=1']) {
      assert.throws(() => parseXfcc(bad, XFCC), { code: 'ERR_MTLS_MALFORMED_HEADER' }, bad);
    }
  });
});

describe('the element that decides', () => {
  test('the right-most element by default: a client-supplied element on the left (APPEND_FORWARD) is never read', async () => {
    const forged = frontDoorHeaders('envoy', admin.pem)[XFCC]!;
    const value = frontDoorHeaders('envoy', client.pem, { earlierElements: [forged] })[XFCC]!;
    const res = await send(value);
    assert.equal(res.status, 200);
    assert.equal(res.body.subject, 'CN=clientA,OU=ops');
  });

  test('hops: 2 reads the element the gateway added before the sidecar appended its own', async () => {
    const gateway = frontDoorHeaders('envoy', client.pem)[XFCC]!;
    const sidecar = frontDoorHeaders('envoy', admin.pem, { by: 'spiffe://cluster.local/ns/app/sa/app' })[XFCC]!;
    const res = await send(`${gateway},${sidecar}`, { hops: 2 });
    assert.equal(res.body.subject, 'CN=clientA,OU=ops');
    const short = await send(sidecar, { hops: 2 });
    assert.equal(short.status, 400);
    assert.match(short.body.cause, /at least 2 elements/);
  });

  test('JSON format is detected and refused with the fix', async () => {
    const res = await send('[{"Hash":"00"}]');
    assert.equal(res.status, 400);
    assert.match(res.body.cause, /JSON/);
  });
});

describe('injections that naive splitting lets through', () => {
  test('a second Cert or Hash pair in the element is refused', async () => {
    const value = frontDoorHeaders('envoy', client.pem)[XFCC]!;
    const forgedCert = `Cert="${envoyEncodePem(admin.pem)}"`;
    for (const injected of [`${value};${forgedCert}`, `${value};Hash=${'0'.repeat(64)}`]) {
      const res = await send(injected);
      assert.equal(res.status, 400, injected.slice(-80));
      assert.equal(res.body.error, 'ERR_MTLS_MALFORMED_HEADER');
    }
  });

  test("a forged Cert whose Hash is the client's own is refused", async () => {
    const real = frontDoorHeaders('envoy', client.pem, { details: [] })[XFCC]!; // Hash only
    const res = await send(`${real};Cert="${envoyEncodePem(admin.pem)}"`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_HEADER_MISMATCH');
  });

  test('the stray-quote bypass (Subject=x";Cert=<legit>;URI=";Cert=<forged>) is malformed', async () => {
    const legit = envoyEncodePem(client.pem);
    const res = await send(`Hash=${'a'.repeat(64)};Subject=x";Cert="${legit}";URI=";Cert="${envoyEncodePem(admin.pem)}"`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_MALFORMED_HEADER');
  });

  test('a URI pair the certificate lacks (an unquoted SAN holding ";URI=") is a mismatch', async () => {
    const value = frontDoorHeaders('envoy', client.pem)[XFCC]!.replace('URI=spiffe://example.org/a', 'URI=spiffe://example.org/a;URI=spiffe://example.org/admin');
    const res = await send(value);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_HEADER_MISMATCH');
  });

  test('a Subject that disagrees with Cert is a mismatch', async () => {
    const value = frontDoorHeaders('envoy', client.pem)[XFCC]!.replace('Subject="CN=clientA,OU=ops"', 'Subject="CN=admin"');
    const res = await send(value);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_HEADER_MISMATCH');
  });
});

describe('partial elements (no Cert: Istio sidecar default Hash, Subject, URI, DNS)', () => {
  test('yield a partial certificate: what Envoy sent, nothing else', async () => {
    const value = frontDoorHeaders('envoy', client.pem, { details: ['Subject', 'URI', 'DNS'] })[XFCC]!;
    const res = await send(value);
    assert.equal(res.status, 200);
    assert.equal(res.body.complete, false);
    assert.equal(res.body.subject, 'CN=clientA,OU=ops');
    assert.deepEqual(res.body.uri, ['spiffe://example.org/a']);
    assert.equal(res.body.serialNumber, undefined);
    assert.equal(res.body.fingerprint256, frontDoorHeaders('envoy', client.pem)[XFCC]!.match(/Hash=(\w+)/)![1]!.toUpperCase().replace(/(..)(?!$)/g, '$1:'));
  });

  test('guards on fields a partial certificate lacks refuse, even under not()', async () => {
    const value = frontDoorHeaders('envoy', client.pem, { details: ['Subject', 'URI'] })[XFCC]!;
    const app = reportingApp({ source: 'envoy' });
    app.get('/cn', requireCN('clientA'), (_req, res) => res.send('cn ok'));
    app.use('/issuer', certRouter({ issuer: { CN: 'Test Root CA' } }).get('/', (_req, res) => res.send('issuer ok')));
    app.use('/serial', certRouter(not({ serialNumber: '00' })).get('/', (_req, res) => res.send('serial ok')));
    assert.equal((await request(app).get('/cn').set(XFCC, value)).text, 'cn ok');
    assert.equal((await request(app).get('/issuer/').set(XFCC, value)).status, 403);
    assert.equal((await request(app).get('/serial/').set(XFCC, value)).status, 403);
  });

  test('trustStore with an element that carries no certificate is refused: nothing to verify', async () => {
    const value = frontDoorHeaders('envoy', client.pem, { details: ['Subject'] })[XFCC]!;
    const res = await send(value, { trustStore: pki.trustStorePem });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_INCOMPLETE_HEADERS');
  });
});

describe('round trip', () => {
  // Printable ASCII including every XFCC and RFC 4514 special character.
  const text = fc.string({ unit: fc.constantFrom(...' ,;="\\+<>#abcXYZ09-/.'.split('')), minLength: 1, maxLength: 12 });
  test('random subjects written as Envoy writes them read back to the same certificate and subject', async () => {
    await fc.assert(fc.asyncProperty(text, text, async (cn, ou) => {
      const cert = await pki.issueClient({ subject: [{ type: 'CN', value: cn }, { type: 'OU', value: ou }] });
      const res = await send(frontDoorHeaders('envoy', cert.pem)[XFCC]!);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.subject, cert.subject);
      const partial = await send(frontDoorHeaders('envoy', cert.pem, { details: ['Subject'] })[XFCC]!);
      assert.equal(partial.body.subject, cert.subject);
    }), { numRuns: 40, seed: 9440 });
  });
});
