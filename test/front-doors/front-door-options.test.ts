/**
 * Options of the header sources: renamed headers (and the client copies of the default names a renamed
 * configuration leaves unread), per-source refusals at construction, and the refusals of values a source
 * cannot read unambiguously.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { mtls, type MtlsOptions } from '../../src/index.js';
import { createTestPki, frontDoorHeaders, type TestCertificate } from '../../src/testing/index.js';
import { reportingApp } from '../helpers/servers/front-door-app.js';

let client: TestCertificate;
let trustStore: string;
before(async () => {
  const pki = await createTestPki();
  trustStore = pki.trustStorePem;
  client = await pki.issueClient({ subject: 'CN=clientA,O=Example' });
});

describe('headerNames', () => {
  test('nginx under your own names; the default names are then neither read nor passed on', async () => {
    const h = frontDoorHeaders('nginx', client.pem);
    const options: MtlsOptions = { source: 'nginx', headerNames: { cert: 'X-SSL-Cert', verify: 'x-ssl-verify', subject: 'x-ssl-s-dn', issuer: 'x-ssl-i-dn' } };
    const renamed = { 'x-ssl-cert': h['ssl-client-cert']!, 'x-ssl-verify': 'SUCCESS', 'x-ssl-s-dn': h['ssl-client-subject-dn']! };
    const ok = await request(reportingApp(options)).get('/').set(renamed);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.subject, 'CN=clientA,O=Example');
    const app = express().use(mtls(options)).get('/', (req, res) => {
      res.json({ cert: req.clientCert ?? null, left: Object.keys(req.headers).filter((n) => n.startsWith('ssl-client-')) });
    });
    const defaults = await request(app).get('/').set(h);
    assert.deepEqual(defaults.body, { cert: null, left: [] }, 'the default names are neither read nor passed on');
  });

  test('gcp: the names you configured on the load balancer', async () => {
    const h = frontDoorHeaders('gcp', client.pem);
    const options: MtlsOptions = { source: 'gcp', headerNames: { present: 'x-mtls-present', chainVerified: 'x-mtls-verified', leaf: 'x-mtls-leaf' } };
    const res = await request(reportingApp(options)).get('/')
      .set({ 'x-mtls-present': 'true', 'x-mtls-verified': 'true', 'x-mtls-leaf': h['x-client-cert-leaf']! });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.source, 'gcp');
  });

  test('bad headerNames are refused at construction', () => {
    assert.throws(() => mtls({ source: 'nginx', headerNames: { cert: 'a b' } }), /headerNames\.cert/);
    assert.throws(() => mtls({ source: 'nginx', headerNames: { certificate: 'x' } as never }), /certificate/);
    assert.throws(() => mtls({ source: 'nginx', headerNames: { cert: 'x', verify: 'x' } }), /share one header name/);
    assert.throws(() => mtls({ source: 'nginx', headerNames: 'x' as never }), /expected an object/);
    assert.throws(() => mtls({ source: 'azure', trustStore, headerNames: { cert: 'x' } }), /mode 'application-gateway' only/);
  });
});

describe('per-source refusals at construction', () => {
  test('crls without trustStore, pins that are not SHA-256, options of the other Azure mode', () => {
    assert.throws(() => mtls({ source: 'rfc9440', crls: [] }), /crls: needs trustStore/);
    assert.throws(() => mtls({ source: 'azure', fingerprints: ['AB:CD'] }), /fingerprints\[0\]/);
    assert.throws(() => mtls({ source: 'azure', fingerprints: [] }), /non-empty array/);
    assert.throws(() => mtls({ source: 'azure', trustStore, dangerouslySkipChainVerification: true }), /cannot be combined/);
    assert.throws(() => mtls({ source: 'azure', mode: 'application-gateway', fingerprints: ['x'] }), /mode 'app-service' only/);
    assert.throws(() => mtls({ source: 'envoy', hops: 0 }), /hops/);
  });
});

describe('values read only one way', () => {
  test("nginx's legacy /C=../CN=.. subject cannot be compared: refused, or skipped with crossCheck: false", async () => {
    const headers = { ...frontDoorHeaders('nginx', client.pem), 'ssl-client-subject-dn': '/O=Example/CN=clientA' };
    const refused = await request(reportingApp({ source: 'nginx' })).get('/').set(headers);
    assert.equal(refused.status, 400);
    assert.match(refused.body.cause, /legacy/);
    const skipped = await request(reportingApp({ source: 'nginx', crossCheck: false })).get('/').set(headers);
    assert.equal(skipped.status, 200);
  });

  test('RFC 9440: a list in Client-Cert, a parameter, a chain without the leaf', async () => {
    const h = frontDoorHeaders('rfc9440', client.pem);
    for (const headers of [{ 'client-cert': `${h['client-cert']}, ${h['client-cert']}` }, { 'client-cert': `${h['client-cert']};a=1` },
      { 'client-cert-chain': h['client-cert']! }, { 'client-cert': 'MIIB' }]) {
      const res = await request(reportingApp({ source: 'rfc9440' })).get('/').set(headers);
      assert.equal(res.status, 400, JSON.stringify(headers).slice(0, 60));
      assert.equal(res.body.error, 'ERR_MTLS_MALFORMED_HEADER');
    }
  });

  test('Traefik: the pre-2.9.4 query-escaped form reads the same; a space (a "+" decoded as form data) does not', async () => {
    // A certificate whose base64 holds a "+" (nearly all do; issue until one does).
    const pki = await createTestPki();
    let value = '';
    for (let i = 0; i < 20 && !value.includes('+'); i++) {
      value = frontDoorHeaders('traefik', (await pki.issueClient({ subject: 'CN=clientA' })).pem)['x-forwarded-tls-client-cert']!;
    }
    const escaped = encodeURIComponent(value);
    const ok = await request(reportingApp({ source: 'traefik' })).get('/').set('x-forwarded-tls-client-cert', escaped);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(value.includes('+'));
    const broken = await request(reportingApp({ source: 'traefik' })).get('/').set('x-forwarded-tls-client-cert', value.replace(/\+/g, ' '));
    assert.equal(broken.status, 400);
  });
});

describe("nginx's other certificate forms", () => {
  test('the deprecated $ssl_client_cert (line breaks folded into tabs or spaces) reads as the escaped form does', async () => {
    const { compileSource } = await import('../../src/core/sources/registry.js');
    const source = compileSource({ source: 'nginx' }, 'mtls').source;
    const pem = client.pem.trimEnd();
    for (const folded of [pem.replace(/\n/g, '\n\t'), pem.replace(/\n/g, ' '), pem.replace(/\n/g, '\t')]) {
      const result = source.decode({ headers: { 'ssl-client-cert': folded, 'ssl-client-verify': 'SUCCESS' } }, Date.now());
      assert.equal(result?.certificate.fingerprint256, new X509Certificate(client.pem).fingerprint256);
    }
    assert.throws(() => source.decode({ headers: { 'ssl-client-cert': pem.replace(/\n/g, ' ').replace('MII', 'M I;I'), 'ssl-client-verify': 'SUCCESS' } }, Date.now()),
      { code: 'ERR_MTLS_MALFORMED_HEADER' });
  });
});
