/**
 * albMtls() in verify mode over HTTP, on Express 4 and 5: decoding, trust, required/skip, validity,
 * renamed headers, events. Certificates and reference headers come from the openssl CLI.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { albMtls, type MtlsEvent } from '../../src/index.js';
import { appWith, EXPRESS_VERSIONS } from '../helpers/servers/apps.js';
import { issueCert, makeCa, opensslAlbHeaders, type TestCert } from '../helpers/pki/certs.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';
import { captureWarnings } from '../helpers/warnings.js';

const skip = skipWithoutOpenssl();

describe('albMtls() verify mode', { skip }, () => {
  let good: TestCert;
  let goodHeaders: Record<string, string>;
  let expiredHeaders: Record<string, string>;
  let futureHeaders: Record<string, string>;

  before(() => {
    const dir = tempDir();
    const ca = makeCa(dir);
    good = issueCert(ca, {
      subj: '/C=JP/O=example.org/OU=example.org.unit/OU=ops/CN=clientA',
      san: 'DNS:clientA.example,email:a@Example.ORG,IP:2001:db8:0:0::1,URI:spiffe://example.org/a',
    });
    goodHeaders = opensslAlbHeaders(good.path);
    expiredHeaders = opensslAlbHeaders(issueCert(ca, { subj: '/CN=old', start: '20200101000000Z', end: '20210101000000Z' }).path);
    futureHeaders = opensslAlbHeaders(issueCert(ca, { subj: '/CN=new', start: '20900101000000Z', end: '20910101000000Z' }).path);
  });

  for (const { name, create } of EXPRESS_VERSIONS) {
    describe(name, () => {
      test('decodes the five headers into req.clientCert, agreeing with openssl and node:crypto', async () => {
        const res = await request(appWith(create, albMtls())).get('/').set(goodHeaders).expect(200);
        const x509 = new X509Certificate(good.pem);
        assert.equal(res.body.commonName, 'clientA');
        assert.equal(res.body.subject, goodHeaders['x-amzn-mtls-clientcert-subject']);
        assert.equal(res.body.issuer, goodHeaders['x-amzn-mtls-clientcert-issuer']);
        assert.equal(res.body.serialNumber, x509.serialNumber);
        assert.equal(res.body.fingerprint256, x509.fingerprint256);
        assert.equal(res.body.notBefore, new Date(x509.validFrom).toISOString());
        assert.equal(res.body.notAfter, new Date(x509.validTo).toISOString());
        assert.deepEqual(res.body.subjectAltNames, {
          dns: ['clientA.example'], email: ['a@Example.ORG'], uri: ['spiffe://example.org/a'], ip: ['2001:db8::1'],
        });
        assert.equal(res.body.verifiedBy, 'alb');
      });

      test('a request without mTLS headers passes with no certificate', async () => {
        const res = await request(appWith(create, albMtls())).get('/').expect(200);
        assert.equal(res.body, null);
      });

      test('required: true refuses a request without a certificate (401)', async () => {
        const res = await request(appWith(create, albMtls({ required: true }))).get('/').expect(401);
        assert.equal(res.body.code, 'ERR_MTLS_CERT_REQUIRED');
      });

      test('skip leaves matching requests alone, even with required', async () => {
        const mw = albMtls({ required: true, skip: (req) => req.url === '/health' });
        await request(appWith(create, mw)).get('/health').expect(200);
        await request(appWith(create, mw)).get('/other').expect(401);
      });

      test('headers from an untrusted peer are deleted and ignored', async () => {
        const events: MtlsEvent[] = [];
        const app = create();
        app.use(albMtls({ trustedProxies: '10.0.0.1', onEvent: (e) => events.push(e) }));
        app.use((req, res) => {
          res.json({
            cert: req.clientCert ?? null,
            left: Object.keys(req.headers).filter((h) => h.startsWith('x-amzn-mtls')),
            raw: req.rawHeaders.filter((h) => /^x-amzn-mtls/i.test(h)),
          });
        });
        const res = await request(app).get('/').set(goodHeaders).set('X-Amzn-Mtls-Clientcert', 'x').expect(200);
        assert.deepEqual(res.body, { cert: null, left: [], raw: [] });
        assert.equal(events.length, 1);
        const event = events[0]!;
        assert.equal(event.type, 'stripped');
        assert.equal(event.type === 'stripped' && event.reason, 'untrusted-peer');
        assert.equal(event.type === 'stripped' && event.headers.length, 6);
      });

      test('an untrusted peer without a certificate still meets required (401)', async () => {
        const mw = albMtls({ trustedProxies: () => false, required: true });
        const res = await request(appWith(create, mw)).get('/').set(goodHeaders).expect(401);
        assert.equal(res.body.code, 'ERR_MTLS_CERT_REQUIRED');
      });

      test('the passthrough header is stripped in verify mode and never yields a certificate', async () => {
        const events: MtlsEvent[] = [];
        const mw = albMtls({ onEvent: (e) => events.push(e) });
        const res = await request(appWith(create, mw)).get('/').set('X-Amzn-Mtls-Clientcert', goodHeaders['x-amzn-mtls-clientcert-leaf']!).expect(200);
        assert.equal(res.body, null);
        assert.equal(events[0]?.type === 'stripped' && events[0].reason, 'unread');
      });

      test('expired and not-yet-valid certificates get 401 with their own codes', async () => {
        const app = appWith(create, albMtls());
        assert.equal((await request(app).get('/').set(expiredHeaders).expect(401)).body.code, 'ERR_MTLS_CERT_EXPIRED');
        assert.equal((await request(app).get('/').set(futureHeaders).expect(401)).body.code, 'ERR_MTLS_CERT_NOT_YET_VALID');
      });

      test('checkValidity: false accepts an expired certificate (ALB IgnoreClientCertificateExpiry)', async () => {
        const res = await request(appWith(create, albMtls({ checkValidity: false }))).get('/').set(expiredHeaders).expect(200);
        assert.equal(res.body.commonName, 'old');
      });

      test('renamed headers are read under their new names only', async () => {
        const renamed = {
          'x-cs': goodHeaders['x-amzn-mtls-clientcert-subject']!, 'x-ci': goodHeaders['x-amzn-mtls-clientcert-issuer']!,
          'x-sn': goodHeaders['x-amzn-mtls-clientcert-serial-number']!, 'x-v': goodHeaders['x-amzn-mtls-clientcert-validity']!,
          'x-l': goodHeaders['x-amzn-mtls-clientcert-leaf']!,
        };
        const mw = albMtls({ headerNames: { subject: 'X-CS', issuer: 'x-ci', serialNumber: 'x-sn', validity: 'x-v', leaf: 'x-l' } });
        const res = await request(appWith(create, mw)).get('/').set(renamed).expect(200);
        assert.equal(res.body.commonName, 'clientA');
        assert.equal((await request(appWith(create, mw)).get('/').set(goodHeaders).expect(200)).body, null);
      });

      test('renamed headers starting with "_" or "^" are still checked for duplicates', async () => {
        for (const prefix of ['_', '^', 'X-']) {
          const names = { subject: `${prefix}cs`, issuer: `${prefix}ci`, serialNumber: `${prefix}sn`, validity: `${prefix}v`, leaf: `${prefix}l` };
          const app = appWith(create, albMtls({ headerNames: names }));
          let req = request(app).get('/');
          // An array is sent as two header lines (the value type says string; superagent passes arrays on).
          req = req.set(names.subject, ['CN=admin', goodHeaders['x-amzn-mtls-clientcert-subject']!] as unknown as string);
          for (const role of ['issuer', 'serialNumber', 'validity', 'leaf'] as const) {
            const header = `x-amzn-mtls-clientcert${{ issuer: '-issuer', serialNumber: '-serial-number', validity: '-validity', leaf: '-leaf' }[role]}`;
            req = req.set(names[role], goodHeaders[header]!);
          }
          const res = await req;
          assert.equal(res.status, 400, prefix);
          assert.equal(res.body.code, 'ERR_MTLS_DUPLICATE_HEADER', prefix);
        }
      });

      test('onEvent reports accepted requests, cached on the second', async () => {
        const events: MtlsEvent[] = [];
        const app = appWith(create, albMtls({ onEvent: (e) => events.push(e) }));
        await request(app).get('/').set(goodHeaders).expect(200);
        await request(app).get('/').set(goodHeaders).expect(200);
        assert.deepEqual(events.map((e) => e.type === 'accepted' && e.cached), [false, true]);
      });

      test('onEvent reports rejections with the error, and a throwing hook does not break requests', async () => {
        const events: MtlsEvent[] = [];
        const app = appWith(create, albMtls({ onEvent: (e) => { events.push(e); throw new Error('hook bug'); } }));
        const warnings = await captureWarnings(() =>
          request(app).get('/').set({ ...goodHeaders, 'x-amzn-mtls-clientcert-serial-number': 'XYZ' }).expect(400));
        assert.deepEqual(warnings.map((w) => [w.code, w.message]), [['EXPRESS_ALB_MTLS_ONEVENT', 'onEvent threw: hook bug']]);
        assert.equal(events[0]?.type === 'rejected' && events[0].error.code, 'ERR_MTLS_MALFORMED_HEADER');
      });

      test("Express's default error handler answers with the error's status and generic message", async () => {
        const app = create();
        app.use(albMtls({ required: true }));
        const res = await request(app).get('/').expect(401);
        assert.match(res.text, /Client certificate required/);
      });
    });
  }
});
