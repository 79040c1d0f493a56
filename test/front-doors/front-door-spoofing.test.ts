/**
 * The spoofing matrix, per front door: headers from a peer outside trustedProxies are removed (from
 * headers, headersDistinct and rawHeaders) and never make a certificate; a repeated header is refused;
 * an oversize one is refused; a client's own "verified" signal without a certificate is refused.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { before, describe, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { mtls, type MtlsOptions } from '../../src/index.js';
import { createTestPki, frontDoorHeaders, type TestCertificate } from '../../src/testing/index.js';
import { reportingApp } from '../helpers/servers/front-door-app.js';

type HeaderSource = 'envoy' | 'rfc9440' | 'nginx' | 'traefik' | 'gcp' | 'azure' | 'cloudfront';
const SOURCES: readonly HeaderSource[] = ['envoy', 'rfc9440', 'nginx', 'traefik', 'gcp', 'azure', 'cloudfront'];
/** The header that carries the certificate, per source (default names). */
const CERT_HEADER: Readonly<Record<HeaderSource, string>> = {
  envoy: 'x-forwarded-client-cert', rfc9440: 'client-cert', nginx: 'ssl-client-cert', traefik: 'x-forwarded-tls-client-cert',
  gcp: 'x-client-cert-leaf', azure: 'x-arr-clientcert', cloudfront: 'cloudfront-viewer-cert-pem',
};
const options = (source: HeaderSource, extra: Record<string, unknown> = {}): MtlsOptions =>
  ({ source, ...(source === 'azure' ? { dangerouslySkipChainVerification: true } : {}), ...extra }) as MtlsOptions;

let client: TestCertificate;
before(async () => {
  client = await (await createTestPki()).issueClient({ subject: 'CN=admin', sans: { uri: ['spiffe://example.org/admin'] } });
});

describe('untrusted peer', () => {
  for (const source of SOURCES) {
    test(`${source}: headers removed everywhere, no certificate, the cause names the peer`, async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        const app = express();
        app.use(mtls(options(source, { trustedProxies: '10.9.9.9' })));
        app.get('/', (req, res) => {
          const names = (n: string[]) => n.filter((name) => Object.keys(frontDoorHeaders(source, client.pem)).includes(name.toLowerCase()));
          res.json({ cert: req.clientCert ?? null, headers: names(Object.keys(req.headers)),
            distinct: names(Object.keys(req.headersDistinct)), raw: names(req.rawHeaders.filter((_, i) => i % 2 === 0)) });
        });
        const res = await request(app).get('/').set(frontDoorHeaders(source, client.pem));
        assert.deepEqual(res.body, { cert: null, headers: [], distinct: [], raw: [] });
        const required = express().use(mtls(options(source, { trustedProxies: '10.9.9.9', required: true })))
          .use((err: { code: string; cause: string }, _q: express.Request, r: express.Response, _n: express.NextFunction) => {
            r.status(401).json({ code: err.code, cause: String(err.cause) });
          });
        const refused = await request(required).get('/').set(frontDoorHeaders(source, client.pem));
        assert.equal(refused.body.code, 'ERR_MTLS_CERT_REQUIRED');
        assert.match(refused.body.cause, /untrusted peer (::ffff:)?127\.0\.0\.1 were removed/);
        await new Promise((resolve) => setImmediate(resolve));
        assert.ok(warnings.some((w) => (w as { code?: string }).code === 'EXPRESS_ALB_MTLS_UNTRUSTED_PEER'), 'a process warning');
      } finally {
        process.off('warning', onWarning);
      }
    });
  }
});

describe('a repeated header', () => {
  for (const source of SOURCES) {
    test(`${source}: two lines of the certificate header are refused`, async () => {
      const headers = frontDoorHeaders(source, client.pem);
      const name = CERT_HEADER[source];
      const res = await request(reportingApp(options(source))).get('/').set({ ...headers, [name]: [headers[name]!, headers[name]!] } as never);
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'ERR_MTLS_DUPLICATE_HEADER');
    });
  }

  test('rfc9440: Client-Cert-Chain may be split over lines (RFC 9440 2.3)', async () => {
    const pki = await createTestPki({ intermediate: true });
    const leaf = await pki.issueClient({ subject: 'CN=a' });
    const headers = frontDoorHeaders('rfc9440', leaf.pem, { chain: [...leaf.chain, pki.root.pem] });
    const [one, two] = headers['client-cert-chain']!.split(', ');
    const res = await request(reportingApp({ source: 'rfc9440', trustStore: pki.trustStorePem })).get('/')
      .set({ 'client-cert': headers['client-cert']!, 'client-cert-chain': [one!, two!] } as never);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.chain, 2);
  });
});

describe('oversize values', () => {
  for (const source of SOURCES) {
    test(`${source}: a certificate header over maxHeaderBytes is refused before decoding`, async () => {
      const app = reportingApp(options(source, { maxHeaderBytes: 2048 }));
      const server = createServer({ maxHeaderSize: 256 * 1024 }, app);
      const headers = frontDoorHeaders(source, client.pem);
      const name = CERT_HEADER[source];
      const res = await request(server).get('/').set({ ...headers, [name]: headers[name]! + 'A'.repeat(4096) });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'ERR_MTLS_MALFORMED_HEADER');
      assert.match(res.body.cause, /longer than 2048/);
    });
  }
});

describe("a client's own verdict headers", () => {
  test('nginx: verify SUCCESS without a certificate (ingress-nginx without pass-certificate) is refused', async () => {
    const res = await request(reportingApp({ source: 'nginx' })).get('/').set({ 'ssl-client-verify': 'SUCCESS', 'ssl-client-subject-dn': 'CN=admin' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_INCOMPLETE_HEADERS');
  });

  test('nginx: a subject header that is not the certificate\'s is a mismatch', async () => {
    const headers = { ...frontDoorHeaders('nginx', client.pem), 'ssl-client-subject-dn': 'CN=root' };
    const res = await request(reportingApp({ source: 'nginx' })).get('/').set(headers);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'ERR_MTLS_HEADER_MISMATCH');
  });

  test('gcp: present true with chain_verified missing is a refusal, not a pass', async () => {
    const headers = frontDoorHeaders('gcp', client.pem);
    delete headers['x-client-cert-chain-verified'];
    const res = await request(reportingApp({ source: 'gcp' })).get('/').set(headers);
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'ERR_MTLS_CHAIN_INVALID');
  });

  test('cloudfront: side headers that disagree with the PEM are a mismatch', async () => {
    for (const [name, value] of [['cloudfront-viewer-cert-serial-number', '01:02'], ['cloudfront-viewer-cert-sha256', '00'.repeat(32)],
      ['cloudfront-viewer-cert-subject', 'CN=root'], ['cloudfront-viewer-cert-validity', 'NotBefore=2020-01-01T00:00:00Z;NotAfter=2099-01-01T00:00:00Z']]) {
      const res = await request(reportingApp({ source: 'cloudfront' })).get('/').set({ ...frontDoorHeaders('cloudfront', client.pem), [name!]: value! });
      assert.equal(res.status, 400, name);
      assert.equal(res.body.error, 'ERR_MTLS_HEADER_MISMATCH', name);
    }
  });

  test('traefik: the -Info header is never read for identity, and removed when it is all that came', async () => {
    const app = express();
    app.use(mtls({ source: 'traefik' }));
    app.get('/', (req, res) => res.json({ cert: req.clientCert ?? null, info: req.headers['x-forwarded-tls-client-cert-info'] ?? null }));
    const res = await request(app).get('/').set('x-forwarded-tls-client-cert-info', 'Subject%3D%22CN%3Dadmin%22');
    assert.deepEqual(res.body, { cert: null, info: null });
  });
});

describe('configuration mistakes are refused at construction', () => {
  test('azure app-service without trustStore, fingerprints or the explicit opt-out', () => {
    assert.throws(() => mtls({ source: 'azure' }), /trustStore.*required with mode 'app-service'/s);
  });
  test('an option of another source, an unknown source, a missing source', () => {
    assert.throws(() => mtls({ source: 'nginx', hops: 2 } as never), /hops: does not apply to source 'nginx'/);
    assert.throws(() => mtls({ source: 'haproxy' } as never), /source/);
    assert.throws(() => mtls({} as never), /source: is required/);
    assert.throws(() => mtls({ source: 'tls', trustedProxies: '10.0.0.1' } as never), /trustedProxies/);
  });
});
