/**
 * examples/istio-spiffe.ts, with the headers an Istio sidecar writes (frontDoorHeaders, Envoy's own format).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { CHECKOUT, createApp } from '../../examples/istio-spiffe.js';
import { createTestPki, frontDoorHeaders, type TestCertificate } from '../../src/testing/index.js';

const SIDECAR = { details: ['Subject', 'URI', 'DNS'] as const };
const XFCC = 'x-forwarded-client-cert';

describe('examples/istio-spiffe.ts', () => {
  let checkout: TestCertificate;
  let cart: TestCertificate;
  before(async () => {
    const pki = await createTestPki();
    checkout = await pki.issueClient({ subject: 'OU=ops', sans: { uri: [CHECKOUT] } });
    cart = await pki.issueClient({ subject: 'OU=ops', sans: { uri: ['spiffe://cluster.local/ns/shop/sa/cart'] } });
  });

  test('the checkout identity places orders; another service account is refused', async () => {
    const app = createApp();
    await request(app).post('/orders').set(frontDoorHeaders('envoy', checkout.pem, SIDECAR)).expect(201);
    await request(app).post('/orders').set(frontDoorHeaders('envoy', cart.pem, SIDECAR)).expect(403);
    await request(app).post('/orders').expect(401);
  });

  test('/whoami shows what the sidecar sent: a partial certificate', async () => {
    const res = await request(createApp()).get('/whoami').set(frontDoorHeaders('envoy', checkout.pem, SIDECAR)).expect(200);
    assert.deepEqual(res.body, { complete: false, subject: 'OU=ops', uri: [CHECKOUT], verifiedBy: 'proxy' });
  });

  test('/admin needs the whole certificate: refused from the sidecar, granted when Envoy forwards Cert', async () => {
    const app = createApp();
    await request(app).get('/admin').set(frontDoorHeaders('envoy', checkout.pem, SIDECAR)).expect(403);
    await request(app).get('/admin').set(XFCC, frontDoorHeaders('envoy', checkout.pem)[XFCC]!).expect(200, 'admin');
  });
});
