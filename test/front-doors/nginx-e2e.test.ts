/**
 * End to end against a TLS terminator we did not write: Debian's nginx terminates mutual TLS for every
 * certificate of the DN corpus and forwards `$ssl_client_s_dn`, `$ssl_client_i_dn`, `$ssl_client_serial`,
 * `$ssl_client_escaped_cert` and the validity (njs) as ALB's five verify-mode headers to an app using
 * `albMtls()`. Asserted: the fields the app decodes (against openssl's own output), and that `albHeaders()`
 * produces the values nginx (OpenSSL) produced.
 *
 * Without nginx this file skips, saying why; with `CI` set, a missing nginx is a failure.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { albMtls, mtls } from '../../src/middleware.js';
import { clientCertOf } from '../../src/guards.js';
import { albHeaders, createTestPki } from '../../src/testing/index.js';
import { buildDnCorpus, EXPECTED_CN, type DnCorpus } from '../helpers/dn-corpus.js';
import { send } from '../helpers/servers/https-client.js';
import { findNginx, startNginx, type RunningNginx } from '../helpers/servers/nginx.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

function nginxSkip(): string | false {
  const lookup = findNginx();
  if (!('missing' in lookup)) return skipWithoutOpenssl();
  if (process.env.CI) throw new Error(`nginx end-to-end test cannot run in CI: ${lookup.missing}`);
  process.stderr.write(`nginx-e2e: skipped: ${lookup.missing}\n`);
  return lookup.missing;
}

/** The app behind nginx: what albMtls() decoded, and the raw headers nginx sent. */
function reportingApp(): express.Express {
  const app = express();
  app.use('/nginx-source', mtls({ source: 'nginx', required: true }));
  app.use(/^\/(?!nginx-source)/, albMtls({ required: true }));
  app.use((req, res) => {
    const c = clientCertOf(req);
    res.json({
      subject: c.subject.toString(), issuer: c.issuer.toString(), serialNumber: c.serialNumber, commonName: c.commonName ?? null,
      notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), fingerprint256: c.fingerprint256,
      verifiedBy: c.verifiedBy, source: c.source, headers: req.headers,
    });
  });
  app.use((err: { status?: number; code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ error: err.code ?? String(err) });
  });
  return app;
}

const unwrap = (value: unknown): string => String(value).replace(/^\[/, '').replace(/\]$/, '');
const isoNoMillis = (iso: string): string => iso.replace(/\.000Z$/, 'Z');

describe('nginx in front of albMtls(), on the DN corpus', { skip: nginxSkip() }, () => {
  const dir = tempDir('alb-mtls-nginx-');
  let corpus: DnCorpus;
  let nginx: RunningNginx;
  let app: Server;
  let serverCa: string;

  before(async () => {
    corpus = buildDnCorpus(dir);
    app = await new Promise<Server>((resolve) => { const s = reportingApp().listen(0, '127.0.0.1', () => resolve(s)); });
    const pki = await createTestPki({ rootSubject: 'CN=nginx e2e server CA' });
    const server = await pki.issueServer();
    serverCa = pki.root.pem;
    const lookup = findNginx();
    if ('missing' in lookup) throw new Error(lookup.missing);
    nginx = await startNginx(lookup, { dir: join(dir, 'nginx'), serverCertPem: server.pem, serverKeyPem: server.keyPem,
      trustStorePem: corpus.trustStorePem, appPort: (app.address() as AddressInfo).port });
  });
  after(async () => {
    await nginx?.stop();
    if (app === undefined) return;
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  test('nginx refuses a client without a certificate (it never reaches the app)', async () => {
    const res = await send({ url: nginx.url + '/', ca: serverCa });
    assert.equal(res.status, 400);
    assert.match(res.body, /No required SSL certificate/);
  });

  test('every corpus certificate: decoded fields as openssl prints them, albHeaders() equal to nginx', async (t) => {
    for (const entry of corpus.entries) {
      await t.test(entry.name, async () => {
        const res = await send({ url: nginx.url + '/', ca: serverCa, cert: entry.pem, key: readFileSync(entry.keyPath, 'utf8') });
        assert.equal(res.status, 200, res.body);
        const body = JSON.parse(res.body) as Record<string, unknown> & { headers: Record<string, string> };
        const h = body.headers;
        assert.equal(h['x-nginx-verify'], 'SUCCESS');
        // The decoded certificate, against openssl's rendering and node:crypto (OpenSSL) for the fingerprint.
        assert.equal(body.subject, entry.expected.subject);
        assert.equal(body.issuer, entry.expected.issuer);
        assert.equal(body.serialNumber, entry.expected.serial);
        assert.equal(isoNoMillis(String(body.notBefore)), entry.expected.notBefore);
        assert.equal(isoNoMillis(String(body.notAfter)), entry.expected.notAfter);
        assert.equal(body.commonName, EXPECTED_CN[entry.name] ?? null);
        assert.equal(body.fingerprint256, new X509Certificate(entry.pem).fingerprint256);
        assert.equal(body.verifiedBy, 'alb');
        // albHeaders() produces what nginx/OpenSSL produced, byte for byte (before HTTP trimmed anything).
        const ours = albHeaders(entry.pem);
        assert.equal(ours['x-amzn-mtls-clientcert-subject'], unwrap(h['x-nginx-subject']));
        assert.equal(ours['x-amzn-mtls-clientcert-issuer'], unwrap(h['x-nginx-issuer']));
        assert.equal(ours['x-amzn-mtls-clientcert-serial-number'], h['x-amzn-mtls-clientcert-serial-number']);
        assert.equal(ours['x-amzn-mtls-clientcert-validity'], h['x-amzn-mtls-clientcert-validity']);
        // nginx also escapes + / = in the PEM; ALB leaves them: equal once decoded.
        assert.equal(decodeURIComponent(ours['x-amzn-mtls-clientcert-leaf']!), decodeURIComponent(h['x-amzn-mtls-clientcert-leaf']!));
      });
    }
  });

  test("every corpus certificate through mtls({ source: 'nginx' }): ingress-nginx's headers, the same fields", async (t) => {
    for (const entry of corpus.entries) {
      await t.test(entry.name, async () => {
        const res = await send({ url: nginx.url + '/nginx-source/', ca: serverCa, cert: entry.pem, key: readFileSync(entry.keyPath, 'utf8') });
        assert.equal(res.status, 200, res.body);
        const body = JSON.parse(res.body) as Record<string, unknown>;
        assert.equal(body.source, 'nginx');
        assert.equal(body.verifiedBy, 'proxy');
        assert.equal(body.subject, entry.expected.subject);
        assert.equal(body.issuer, entry.expected.issuer);
        assert.equal(body.serialNumber, entry.expected.serial);
        assert.equal(isoNoMillis(String(body.notAfter)), entry.expected.notAfter);
        assert.equal(body.fingerprint256, new X509Certificate(entry.pem).fingerprint256);
      });
    }
  });

  test('the corpus reached nginx whole', () => {
    assert.ok(corpus.entries.length >= 15);
    assert.deepEqual(Object.keys(EXPECTED_CN).sort(), corpus.entries.map((e) => e.name).sort());
  });
});
