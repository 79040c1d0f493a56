/** examples/passthrough.ts through Express and the real middleware (supertest from 127.0.0.1). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../examples/passthrough.js';
import { cn, makeCrl, pem } from '../helpers/pki/cert-builder.js';
import { ca, leafOf } from '../helpers/pki/chain-fixtures.js';

const HEADER = 'x-amzn-mtls-clientcert';
const albEncode = (text: string) => encodeURIComponent(text).replace(/%2B/g, '+').replace(/%2F/g, '/');

describe('examples/passthrough.ts', () => {
  const root = ca('Example Root');
  const ica = ca('Example Issuing CA', root);
  const clientA = leafOf(ica, { subject: cn('clientA'), notAfter: new Date(Date.now() + 86_400_000) });
  const clientB = leafOf(ica, { subject: cn('clientB'), notAfter: new Date(Date.now() + 86_400_000) });
  const revoked = leafOf(ica, { subject: cn('clientA'), serial: 0xdeadn, notAfter: new Date(Date.now() + 86_400_000) });
  const stranger = leafOf(ca('Stranger CA'), { subject: cn('clientA') });
  const chain = (leaf: { der: Uint8Array }) => ({ [HEADER]: albEncode(pem(leaf.der) + pem(ica.der)) });
  const lines: string[] = [];
  const app = createApp({
    trustStore: pem(root.der),
    crls: pem(makeCrl(ica, { revoked: [0xdeadn], thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + 86_400_000) }), 'X509 CRL'),
    log: (line) => lines.push(line),
  });

  test('a valid chain: verifiedBy local, the intermediate counted', async () => {
    const res = await request(app).get('/me').set(chain(clientA)).expect(200);
    assert.deepEqual(res.body, { commonName: 'clientA', issuer: 'CN=Example Issuing CA', serialNumber: res.body.serialNumber,
      verifiedBy: 'local', intermediatesSent: 1 });
  });

  test('guards work on the verified certificate', async () => {
    await request(app).get('/admin').set(chain(clientA)).expect(200, 'Success!!');
    await request(app).get('/admin').set(chain(clientB)).expect(403);
  });

  test('refusals: untrusted chain, revoked, no certificate, garbage', async () => {
    assert.deepEqual((await request(app).get('/me').set({ [HEADER]: albEncode(pem(stranger.der)) }).expect(401)).body,
      { error: 'ERR_MTLS_CHAIN_INVALID' });
    assert.deepEqual((await request(app).get('/me').set(chain(revoked)).expect(401)).body, { error: 'ERR_MTLS_CERT_REVOKED' });
    assert.deepEqual((await request(app).get('/me').expect(401)).body, { error: 'ERR_MTLS_CERT_REQUIRED' });
    assert.deepEqual((await request(app).get('/me').set({ [HEADER]: 'garbage' }).expect(400)).body, { error: 'ERR_MTLS_MALFORMED_HEADER' });
    assert.ok(lines.some((l) => /untrusted root/.test(l)));
    assert.ok(lines.every((l) => !l.includes('MII')));
  });

  test('health checks need no certificate', async () => {
    await request(app).get('/health').expect(200, 'ok');
  });
});
