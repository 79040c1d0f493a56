/**
 * `mtls({ source: 'tls' })`: no proxy, the request's own TLS socket. Real TLS handshakes with Node's https
 * server (`requestCert: true, rejectUnauthorized: false`, so refusals reach the app as errors).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestPki, type TestCertificate, type TestPki } from '../../src/testing/index.js';
import type { MtlsOptions } from '../../src/index.js';
import { reportingApp } from '../helpers/servers/front-door-app.js';
import { send } from '../helpers/servers/https-client.js';

let pki: TestPki;
let server: TestCertificate;
let client: TestCertificate;
const servers: Server[] = [];

async function listen(options: MtlsOptions): Promise<string> {
  const s = createServer({ key: server.keyPem, cert: server.chainPem, ca: pki.trustStorePem, requestCert: true, rejectUnauthorized: false },
    reportingApp(options));
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

before(async () => {
  pki = await createTestPki({ intermediate: true });
  server = await pki.issueServer();
  client = await pki.issueClient({ subject: 'CN=clientA,O=Example', sans: { email: ['a@example.org'] } });
});
after(() => { for (const s of servers) s.close(); });

describe("source 'tls'", () => {
  test('a certificate Node verified: the fields X509Certificate reads, verifiedBy tls, the path Node built', async () => {
    const url = await listen({ source: 'tls', required: true });
    const res = await send({ url, cert: client.chainPem, key: client.keyPem, ca: pki.trustStorePem });
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body);
    const x = new X509Certificate(client.pem);
    assert.equal(body.fingerprint256, x.fingerprint256);
    assert.equal(body.serialNumber, x.serialNumber.toUpperCase());
    assert.equal(body.verifiedBy, 'tls');
    assert.equal(body.source, 'tls');
    assert.equal(body.chain, 2, 'the intermediate the client sent, then the root from the server\'s ca');
  });

  test("a certificate Node did not verify is 401 with Node's reason; none is 401 with required", async () => {
    const url = await listen({ source: 'tls', required: true });
    const stranger = await (await createTestPki()).issueClient({ subject: 'CN=clientA' });
    const refused = await send({ url, cert: stranger.chainPem, key: stranger.keyPem, ca: pki.trustStorePem });
    assert.equal(refused.status, 401);
    assert.equal(JSON.parse(refused.body).error, 'ERR_MTLS_CHAIN_INVALID');
    assert.match(JSON.parse(refused.body).cause, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
    const none = await send({ url, ca: pki.trustStorePem });
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).error, 'ERR_MTLS_CERT_REQUIRED');
  });

  test('trustStore: this library validates what the client sent, Node\'s verdict aside', async () => {
    const other = await createTestPki();
    const otherClient = await other.issueClient({ subject: 'CN=partner' });
    const url = await listen({ source: 'tls', trustStore: other.trustStorePem });
    const ok = await send({ url, cert: otherClient.chainPem, key: otherClient.keyPem, ca: pki.trustStorePem });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(JSON.parse(ok.body).verifiedBy, 'local');
    const refused = await send({ url, cert: client.chainPem, key: client.keyPem, ca: pki.trustStorePem });
    assert.equal(refused.status, 401);
  });

  test('plain HTTP requests carry no certificate', async () => {
    const { default: request } = await import('supertest');
    const res = await request(reportingApp({ source: 'tls' })).get('/');
    assert.equal(res.status, 200);
    assert.equal(res.body, null);
  });
});
