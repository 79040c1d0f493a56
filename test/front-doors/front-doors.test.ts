/**
 * `mtls({ source })` for every header front door: a certificate written the way each producer writes it
 * (`frontDoorHeaders`) decodes to the same fields Node's own X509Certificate reads, with the source named
 * and who verified it; `trustStore` makes this library validate the chain whatever the front door did.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { MtlsOptions } from '../../src/index.js';
import { reportingApp } from '../helpers/servers/front-door-app.js';
import { createTestPki, frontDoorHeaders, type TestCertificate, type TestPki } from '../../src/testing/index.js';

type HeaderSource = 'envoy' | 'rfc9440' | 'nginx' | 'traefik' | 'gcp' | 'azure' | 'cloudfront';
const SOURCES: readonly HeaderSource[] = ['envoy', 'rfc9440', 'nginx', 'traefik', 'gcp', 'azure', 'cloudfront'];
/** Sources whose producer forwards the client's intermediates. */
const FORWARDS_CHAIN = new Set<HeaderSource>(['envoy', 'rfc9440', 'traefik', 'gcp']);

/** What Node reads from the same certificate: the reference. */
function expected(pem: string): { subject: string; serialNumber: string; fingerprint256: string; notAfter: string } {
  const x = new X509Certificate(pem);
  return {
    subject: x.subject.split('\n').reverse().join(','), serialNumber: x.serialNumber.toUpperCase(), fingerprint256: x.fingerprint256,
    notAfter: new Date(x.validTo).toISOString(),
  };
}

const base = (source: HeaderSource, extra: Record<string, unknown> = {}): MtlsOptions =>
  ({ source, ...(source === 'azure' ? { dangerouslySkipChainVerification: true } : {}), ...extra }) as MtlsOptions;

let pki: TestPki;
let client: TestCertificate;

before(async () => {
  pki = await createTestPki({ intermediate: true });
  client = await pki.issueClient({ subject: 'CN=clientA,OU=ops,O=Example', sans: { dns: ['a.example'], uri: ['spiffe://example.org/ns/a'] } });
});

describe('every header front door decodes what its producer writes', () => {
  for (const source of SOURCES) {
    test(source, async () => {
      const headers = frontDoorHeaders(source, client.pem, { chain: client.chain });
      const res = await request(reportingApp(base(source, { required: true }))).get('/').set(headers);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const want = expected(client.pem);
      assert.equal(res.body.subject, want.subject);
      assert.equal(res.body.serialNumber, want.serialNumber);
      assert.equal(res.body.fingerprint256, want.fingerprint256);
      assert.equal(res.body.notAfter, want.notAfter);
      assert.deepEqual(res.body.uri, ['spiffe://example.org/ns/a']);
      assert.equal(res.body.source, source);
      assert.equal(res.body.complete, true);
      assert.equal(res.body.verifiedBy, source === 'azure' ? 'none' : 'proxy');
      assert.equal(res.body.chain, FORWARDS_CHAIN.has(source) ? client.chain.length : 0);
    });
  }
});

describe('trustStore: this library validates the chain whatever the front door did', () => {
  for (const source of SOURCES.filter((s) => FORWARDS_CHAIN.has(s))) {
    test(`${source}: a chain to the trust store is 'local'; one from another CA is refused`, async () => {
      const options = { source, trustStore: pki.trustStorePem } as MtlsOptions;
      const ok = await request(reportingApp(options)).get('/').set(frontDoorHeaders(source, client.pem, { chain: client.chain }));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.verifiedBy, 'local');
      const other = await createTestPki();
      const stranger = await other.issueClient({ subject: 'CN=clientA' });
      const refused = await request(reportingApp(options)).get('/').set(frontDoorHeaders(source, stranger.pem));
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'ERR_MTLS_CHAIN_INVALID');
    });
  }

  test('azure app-service: fingerprints pin the accepted certificates', async () => {
    const pinned = { source: 'azure', fingerprints: [expected(client.pem).fingerprint256] } as MtlsOptions;
    const ok = await request(reportingApp(pinned)).get('/').set(frontDoorHeaders('azure', client.pem));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.verifiedBy, 'local');
    const other = await pki.issueClient({ subject: 'CN=clientA' });
    const refused = await request(reportingApp(pinned)).get('/').set(frontDoorHeaders('azure', other.pem));
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'ERR_MTLS_CHAIN_INVALID');
  });
});

describe('no certificate', () => {
  for (const source of SOURCES) {
    test(`${source}: no headers is no certificate; required makes it 401`, async () => {
      const none = await request(reportingApp(base(source))).get('/');
      assert.equal(none.status, 200);
      assert.equal(none.body, null);
      const required = await request(reportingApp(base(source, { required: true }))).get('/');
      assert.equal(required.status, 401);
      assert.equal(required.body.error, 'ERR_MTLS_CERT_REQUIRED');
    });
  }

  test("the front doors' own \"no certificate\" signals", async () => {
    const cases: Array<[HeaderSource, Record<string, string>]> = [
      ['nginx', { 'ssl-client-verify': 'NONE' }],
      ['gcp', { 'x-client-cert-present': 'false', 'x-client-cert-chain-verified': 'false', 'x-client-cert-error': 'client_cert_not_provided' }],
      ['cloudfront', { 'cloudfront-viewer-cert-present': '0' }],
      ['rfc9440', { 'client-cert': '::' }],
    ];
    for (const [source, headers] of cases) {
      const res = await request(reportingApp(base(source))).get('/').set(headers);
      assert.equal(res.status, 200, `${source}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body, null, source);
    }
  });
});

describe('verdicts of the front door', () => {
  test('nginx FAILED:<reason> and Google Cloud chain_verified false are 401 with the reason in cause', async () => {
    const failed = frontDoorHeaders('nginx', client.pem, { verify: 'FAILED:certificate has expired' });
    const res = await request(reportingApp({ source: 'nginx' })).get('/').set(failed);
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'ERR_MTLS_CHAIN_INVALID');
    assert.match(res.body.cause, /certificate has expired/);
    const gcp = frontDoorHeaders('gcp', client.pem, { chainVerified: false });
    const refused = await request(reportingApp({ source: 'gcp' })).get('/').set(gcp);
    assert.equal(refused.status, 401);
    assert.match(refused.body.cause, /client_cert_validation_failed/);
  });

  test("Apache's GENEROUS (verification optional_no_ca) is not a success", async () => {
    const res = await request(reportingApp({ source: 'nginx' })).get('/').set(frontDoorHeaders('nginx', client.pem, { verify: 'GENEROUS' }));
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_MALFORMED_HEADER');
  });

  test('Azure Application Gateway reads like nginx under its own names', async () => {
    const headers = frontDoorHeaders('azure', client.pem, { mode: 'application-gateway' });
    const ok = await request(reportingApp({ source: 'azure', mode: 'application-gateway' })).get('/').set(headers);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.verifiedBy, 'proxy');
    const failed = { ...headers, 'x-client-cert-verification': 'FAILED:unable to get local issuer certificate' };
    const res = await request(reportingApp({ source: 'azure', mode: 'application-gateway' })).get('/').set(failed);
    assert.equal(res.status, 401);
  });
});
