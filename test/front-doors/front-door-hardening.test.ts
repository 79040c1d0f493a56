/**
 * Front doors against inputs built to slip through: an unquoted SAN holding
 * "," that appends an XFCC element of the attacker's choosing, partial elements whose URI/DNS SANs Envoy did
 * not say, and certificates whose names the DER reader refuses only when a cross-check reads them (a 500).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { anyOf, certRouter, not } from '../../src/index.js';
import { createTestPki, envoyEncodePem, frontDoorHeaders, nginxEscapePem, type TestCertificate, type TestPki } from '../../src/testing/index.js';
import { encodeName } from '../../src/testing/pki-der.js';
import { compileSource } from '../../src/core/sources/registry.js';
import { reportingApp } from '../helpers/servers/front-door-app.js';

const XFCC = 'x-forwarded-client-cert';
let pki: TestPki;
let admin: TestCertificate;

const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const sha256 = (pem: string): string => createHash('sha256').update(derOf(pem)).digest('hex');
const pemOf = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

before(async () => {
  pki = await createTestPki();
  admin = await pki.issueClient({ subject: 'CN=admin', sans: { uri: ['spiffe://example.org/admin'] } });
});

const send = (value: string, options: Record<string, unknown> = {}) =>
  request(reportingApp({ source: 'envoy', ...options })).get('/').set(XFCC, value);

describe('XFCC: a "," in an unquoted URI or DNS SAN (Envoy writes them unquoted)', () => {
  // What the attacker puts after the comma: the administrator's certificate, which is public, and its hash.
  const adminElement = () => `Hash=${sha256(admin.pem)};Cert=${envoyEncodePem(admin.pem)}`;

  test('cannot append an element carrying another certificate, though Envoy forwarded Cert', async () => {
    const cases: Array<{ sans: { uri?: string[]; dns?: string[] }; hops?: number }> = [
      { sans: { uri: [`urn:x,${adminElement()}`] } },
      { sans: { uri: ['urn:x', `urn:x,${adminElement()}`] } }, // the truncated value is a SAN too
      { sans: { uri: [`urn:x,A=b,${adminElement()}`] } }, // an element in between
      { sans: { dns: [`x.example,${adminElement()}`] } },
      { sans: { uri: [`urn:x,${adminElement()}`] }, hops: 2 },
    ];
    for (const { sans, hops } of cases) {
      const mallory = await pki.issueClient({ subject: 'CN=mallory', sans });
      let value = frontDoorHeaders('envoy', mallory.pem)[XFCC]!;
      if (hops === 2) value += `,${frontDoorHeaders('envoy', pki.root.pem, { details: ['Subject', 'URI'] })[XFCC]!}`;
      const res = await send(value, hops === undefined ? {} : { hops });
      assert.notEqual(res.body?.subject, 'CN=admin', JSON.stringify(sans));
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error, 'ERR_MTLS_HEADER_MISMATCH');
    }
  });

  test('cannot append a partial element (no Cert) either', async () => {
    const mallory = await pki.issueClient({ subject: 'CN=mallory', sans: { uri: [`urn:x,Hash=${sha256(admin.pem)};Subject=CN=admin`] } });
    const res = await send(frontDoorHeaders('envoy', mallory.pem)[XFCC]!);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error, 'ERR_MTLS_HEADER_MISMATCH');
  });

  test('elements Envoy wrote left of the decisive one still pass (a gateway before a sidecar)', async () => {
    const client = await pki.issueClient({ subject: 'CN=client', sans: { uri: ['spiffe://example.org/c'], dns: ['c.example'] } });
    const gateway = frontDoorHeaders('envoy', client.pem)[XFCC]!;
    const sidecar = frontDoorHeaders('envoy', admin.pem, { details: ['Subject', 'URI'] })[XFCC]!;
    assert.equal((await send(`${gateway},${sidecar}`)).body.subject, 'CN=admin');
    assert.equal((await send(`${gateway},${sidecar}`, { hops: 2 })).body.subject, 'CN=client');
  });
});

describe('XFCC partial elements: SANs Envoy did not say are unknown, not empty', () => {
  test('not({ san: { uri } }) refuses an element without URI pairs, and passes one with URI= (none)', async () => {
    const app = reportingApp({ source: 'envoy' });
    app.use('/not-admin', certRouter(not({ san: { uri: 'spiffe://example.org/admin' } })).get('/', (_req, res) => res.send('ok')));
    app.use('/any', certRouter(anyOf({ san: { uri: 'spiffe://example.org/admin' } }, { cn: 'nobody' })).get('/', (_req, res) => res.send('ok')));
    const subjectOnly = frontDoorHeaders('envoy', admin.pem, { details: ['Subject'] })[XFCC]!;
    assert.equal((await request(app).get('/not-admin/').set(XFCC, subjectOnly)).status, 403);
    const plain = await pki.issueClient({ subject: 'CN=plain' });
    const withEmptyUri = frontDoorHeaders('envoy', plain.pem, { details: ['Subject', 'URI'] })[XFCC]!;
    assert.match(withEmptyUri, /URI=$/);
    assert.equal((await request(app).get('/not-admin/').set(XFCC, withEmptyUri)).status, 200);
    const withUri = frontDoorHeaders('envoy', admin.pem, { details: ['Subject', 'URI'] })[XFCC]!;
    assert.equal((await request(app).get('/any/').set(XFCC, withUri)).status, 200);
  });

  test('not({ san: { dns } }) refuses an element without DNS pairs (Envoy omits DNS when it has none or is not asked)', async () => {
    const app = reportingApp({ source: 'envoy' });
    app.use('/not-evil', certRouter(not({ san: { dns: 'evil.example' } })).get('/', (_req, res) => res.send('ok')));
    const evil = await pki.issueClient({ subject: 'CN=evil', sans: { dns: ['evil.example'] } });
    const noDns = frontDoorHeaders('envoy', evil.pem, { details: ['Subject', 'URI'] })[XFCC]!;
    assert.equal((await request(app).get('/not-evil/').set(XFCC, noDns)).status, 403);
    const good = await pki.issueClient({ subject: 'CN=good', sans: { dns: ['good.example'] } });
    const withDns = frontDoorHeaders('envoy', good.pem, { details: ['Subject', 'URI', 'DNS'] })[XFCC]!;
    assert.equal((await request(app).get('/not-evil/').set(XFCC, withDns)).status, 200);
  });
});

describe('a certificate whose names the DER reader refuses is a 400, never a 500', () => {
  test('Envoy: a SAN that is not IA5 text, read by the URI/DNS cross-check', async () => {
    const odd = await pki.issueClient({ subject: 'CN=odd', sans: { dns: ['a\x01b.example'] } });
    const value = `Hash=${sha256(odd.pem)};Cert="${envoyEncodePem(odd.pem)}";Subject="CN=odd";URI=`;
    const res = await send(value);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error, 'ERR_MTLS_MALFORMED_HEADER');
  });

  test('nginx: a subject whose first RDN is not a SET, read by the subject cross-check', async () => {
    const cert = await pki.issueClient({ subject: 'CN=broken-rdn-subject' });
    const der = derOf(cert.pem);
    const name = Buffer.from(encodeName('CN=broken-rdn-subject'));
    const at = der.indexOf(name);
    assert.ok(at > 0);
    der[at + 2] = 0x30; // the RDN's SET tag becomes SEQUENCE (no signature check without trustStore)
    const app = reportingApp({ source: 'nginx' });
    const res = await request(app).get('/').set({
      'ssl-client-cert': nginxEscapePem(pemOf(der)), 'ssl-client-verify': 'SUCCESS', 'ssl-client-subject-dn': 'CN=broken-rdn-subject',
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error, 'ERR_MTLS_MALFORMED_HEADER');
  });
});

describe('the verdict cache has a slot per client, not per CA', () => {
  // The slot is the end of the leaf's encoding: taken from the end of a chain, it is the CA's, shared by
  // every client, and two clients in turn would decode (and, with trustStore, verify) on every request.
  test('envoy with Chain: two clients in turn are both remembered', async () => {
    const source = compileSource({ source: 'envoy' }, 'mtls').source;
    const [a, b] = [await pki.issueClient({ subject: 'CN=a' }), await pki.issueClient({ subject: 'CN=b' })];
    const headers = [a, b].map((c) => frontDoorHeaders('envoy', c.pem, { chain: [pki.root.pem] }));
    const cached = [0, 1, 0, 1].map((i) => source.decode({ headers: headers[i]! }, Date.now())!.cached);
    assert.deepEqual(cached, [false, false, true, true]);
  });

  test('tls: two clients of one CA in turn are both remembered', async () => {
    const source = compileSource({ source: 'tls' }, 'mtls').source;
    const root = { raw: derOf(pki.root.pem) } as Record<string, unknown>;
    root.issuerCertificate = root;
    const socketOf = (pem: string) => ({ authorized: true, getPeerCertificate: () => ({ raw: derOf(pem), issuerCertificate: root }) });
    const [a, b] = [await pki.issueClient({ subject: 'CN=a' }), await pki.issueClient({ subject: 'CN=b' })];
    const cached = [a, b, a, b].map((c) => source.decode({ headers: {}, socket: socketOf(c.pem) }, Date.now())!.cached);
    assert.deepEqual(cached, [false, false, true, true]);
  });
});
