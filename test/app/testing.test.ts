/**
 * `express-alb-mtls/testing`: albHeaders() against the openssl CLI on the DN corpus, byte for byte, and
 * createTestPki() certificates checked by `openssl verify` and `openssl x509 -text`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { albHeaders, createTestPki, type TestPki } from '../../src/testing/index.js';
import { buildDnCorpus, readOpensslFields, type DnCorpus } from '../helpers/dn-corpus.js';
import { openssl, opensslStatus, skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

const skip = skipWithoutOpenssl();

/** ALB's leaf encoding derived from openssl's own PEM output: a PEM has only base64, `-`, space and LF. */
function albLeafFromOpensslPem(pem: string): string {
  assert.match(pem, /^[-A-Za-z0-9+/= \n]+$/);
  return pem.replace(/ /g, '%20').replace(/\n/g, '%0A');
}

function opensslPem(certPath: string): string {
  return openssl(['x509', '-in', certPath, '-outform', 'PEM']);
}

describe('albHeaders() equals openssl on the DN corpus', { skip }, () => {
  // tempDir() registers its cleanup with after(): call it in the suite body, not in a hook.
  const dir = tempDir();
  let corpus: DnCorpus;
  before(() => {
    corpus = buildDnCorpus(dir);
  });

  test('the corpus is what it claims to be', () => {
    assert.ok(corpus.entries.length >= 15);
    const subjects = corpus.entries.map((e) => e.expected.subject);
    assert.ok(subjects.some((s) => /\\C3\\84/.test(s)), 'UTF-8 escapes');
    assert.ok(subjects.some((s) => /[^\\]\+/.test(s)), 'multi-valued RDN');
    assert.ok(subjects.some((s) => /\\ $|\\ ,/.test(s)), 'escaped trailing space');
    assert.ok(subjects.some((s) => /\\[;<>"\\]/.test(s)), 'RFC 2253 specials');
    assert.ok(subjects.includes(''), 'empty subject');
  });

  test('subject, issuer, serial and validity, byte for byte', () => {
    for (const entry of corpus.entries) {
      const headers = albHeaders(entry.pem);
      assert.deepEqual(Object.keys(headers).sort(), [
        'x-amzn-mtls-clientcert-issuer', 'x-amzn-mtls-clientcert-leaf', 'x-amzn-mtls-clientcert-serial-number',
        'x-amzn-mtls-clientcert-subject', 'x-amzn-mtls-clientcert-validity',
      ], entry.name);
      assert.equal(headers['x-amzn-mtls-clientcert-subject'], entry.expected.subject, entry.name);
      assert.equal(headers['x-amzn-mtls-clientcert-issuer'], entry.expected.issuer, entry.name);
      assert.equal(headers['x-amzn-mtls-clientcert-serial-number'], entry.expected.serial, entry.name);
      assert.equal(headers['x-amzn-mtls-clientcert-validity'],
        `NotBefore=${entry.expected.notBefore};NotAfter=${entry.expected.notAfter}`, entry.name);
    }
  });

  test('the leaf is openssl\'s PEM URL-encoded with +=/ left as they are, as in AWS\'s example', () => {
    for (const entry of corpus.entries) {
      const leaf = albHeaders(entry.pem)['x-amzn-mtls-clientcert-leaf']!;
      assert.equal(leaf, albLeafFromOpensslPem(opensslPem(entry.certPath)), entry.name);
      assert.ok(leaf.startsWith('-----BEGIN%20CERTIFICATE-----%0A') && leaf.endsWith('-----END%20CERTIFICATE-----%0A'));
      assert.doesNotMatch(leaf, /%2B|%2F|%3D/);
    }
  });

  test('header values are printable ASCII (what Node sends as latin1 bytes unchanged)', () => {
    for (const entry of corpus.entries) {
      for (const value of Object.values(albHeaders(entry.pem))) assert.match(value, /^[\x20-\x7e]*$/, entry.name);
    }
  });

  test('DER bytes, PEM text and a Buffer of PEM text give the same headers', () => {
    for (const entry of corpus.entries.slice(0, 4)) {
      const fromPem = albHeaders(entry.pem);
      assert.deepEqual(albHeaders(entry.der), fromPem);
      assert.deepEqual(albHeaders(readFileSync(entry.certPath)), fromPem);
    }
  });

  test('passthrough: leaf then chain, each block encoded, nothing else', () => {
    const [leaf, ...rest] = corpus.entries;
    const chain = [corpus.caPaths[0]!, corpus.caPaths[1]!];
    const headers = albHeaders(leaf!.pem, { mode: 'passthrough', chain: chain.map((p) => readFileSync(p, 'latin1')) });
    assert.deepEqual(Object.keys(headers), ['x-amzn-mtls-clientcert']);
    const expected = [leaf!.certPath, ...chain].map((p) => albLeafFromOpensslPem(opensslPem(p))).join('');
    assert.equal(headers['x-amzn-mtls-clientcert'], expected);
    assert.equal(albHeaders(rest[0]!.der, { mode: 'passthrough' })['x-amzn-mtls-clientcert'],
      albLeafFromOpensslPem(opensslPem(rest[0]!.certPath)));
  });

  test('renamed headers: lowercase, every role', () => {
    const entry = corpus.entries[0]!;
    const headers = albHeaders(entry.pem, { headerNames: { subject: 'X-Client-Subject', leaf: 'x-client-leaf' } });
    assert.equal(headers['x-client-subject'], entry.expected.subject);
    assert.ok(headers['x-client-leaf']);
    assert.equal(headers['x-amzn-mtls-clientcert-subject'], undefined);
    const pass = albHeaders(entry.pem, { mode: 'passthrough', headerNames: { chain: 'X-Chain' } });
    assert.deepEqual(Object.keys(pass), ['x-chain']);
  });

  test('mistakes are TypeErrors that say what is wrong', () => {
    const pem = corpus.entries[0]!.pem;
    const cases: Array<[() => unknown, RegExp]> = [
      [() => albHeaders('not a certificate'), /cert is not PEM/],
      [() => albHeaders(new Uint8Array([0x30, 0x03, 1, 2, 3])), /neither PEM text nor a DER certificate/],
      [() => albHeaders(pem + pem), /one certificate/],
      [() => albHeaders(pem, { chain: [pem] }), /passthrough/],
      [() => albHeaders(pem, { mode: 'both' as never }), /mode/],
      [() => albHeaders(pem, { headerNames: { subjct: 'x' } as never }), /unknown headerNames role/],
      [() => albHeaders(pem, { headerNames: { subject: 'bad name' } }), /not an HTTP header name/],
    ];
    for (const [fn, message] of cases) assert.throws(fn, (e: unknown) => e instanceof TypeError && message.test(e.message));
  });
});

describe('createTestPki() makes certificates openssl accepts', { skip }, () => {
  let pki: TestPki;
  const dir = tempDir();
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const verify = (certPem: string, extra: string[] = []) => opensslStatus(['verify', '-CAfile', write('root.pem',
    pki.root.pem), '-untrusted', write('int.pem', pki.intermediate!.pem), ...extra, write('leaf.pem', certPem)]);
  const text = (pem: string): string => openssl(['x509', '-noout', '-text'], { input: pem });

  before(async () => {
    pki = await createTestPki({ intermediate: true });
  });

  test('root and intermediate are CAs: basicConstraints and keyUsage critical', () => {
    for (const ca of [pki.root, pki.intermediate!]) {
      const out = text(ca.pem);
      assert.match(out, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
      assert.match(out, /X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    }
    assert.match(text(pki.intermediate!.pem), /CA:TRUE, pathlen:0/);
    assert.equal(pki.trustStorePem, pki.root.pem);
  });

  test('a client certificate verifies for TLS client use; subject and SANs as openssl prints them', async () => {
    const cert = await pki.issueClient({
      subject: 'CN=Ünïcødé,O=Sue\\, Grabbit+OU=ops,C=EE',
      sans: { dns: ['a.example'], email: ['a@example.org'], uri: ['spiffe://example.org/a'], ip: ['192.0.2.1', '2001:db8::1'] },
      serialNumber: '03A5B1',
    });
    const result = verify(cert.pem, ['-purpose', 'sslclient']);
    assert.equal(result.status, 0, result.stderr);
    const fields = readOpensslFields(write('c.pem', cert.pem));
    // DER sorts the SET: OU (shorter encoding) before O; OpenSSL's RFC 2253 printer reverses that too.
    assert.equal(fields.subject, 'CN=\\C3\\9Cn\\C3\\AFc\\C3\\B8d\\C3\\A9,O=Sue\\, Grabbit+OU=ops,C=EE');
    assert.equal(fields.issuer, 'CN=Test Intermediate CA,O=express-alb-mtls testing');
    assert.equal(fields.serial, '03A5B1');
    assert.equal(cert.serialNumber, '03A5B1');
    const out = text(cert.pem);
    assert.match(out, /Key Usage: critical\n\s+Digital Signature\n/);
    assert.match(out, /Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    assert.match(out, /email:a@example.org, DNS:a.example, URI:spiffe:\/\/example.org\/a, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1/);
    assert.equal(cert.chainPem, cert.pem + pki.intermediate!.pem);
    assert.deepEqual(cert.chain, [pki.intermediate!.pem]);
  });

  test('RSA keys, explicit validity, GeneralizedTime after 2049', async () => {
    const cert = await pki.issueClient({ subject: 'CN=rsa', keyAlgorithm: 'RSA-2048',
      notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2051-01-01T00:00:00Z') });
    const out = text(cert.pem);
    assert.match(out, /Public-Key: \(2048 bit\)/);
    const fields = readOpensslFields(write('rsa.pem', cert.pem));
    assert.equal(fields.notBefore, '2026-01-01T00:00:00Z');
    assert.equal(fields.notAfter, '2051-01-01T00:00:00Z');
    assert.equal(verify(cert.pem).status, 0);
  });

  test('eku: serverAuth fails the sslclient purpose; false omits the extension', async () => {
    const server = await pki.issueClient({ subject: 'CN=s', eku: ['serverAuth'] });
    assert.notEqual(verify(server.pem, ['-purpose', 'sslclient']).status, 0);
    const none = await pki.issueClient({ subject: 'CN=n', eku: false });
    assert.doesNotMatch(text(none.pem), /Extended Key Usage/);
    assert.equal(verify(none.pem, ['-purpose', 'sslclient']).status, 0);
  });

  test('an expired certificate fails openssl verify', async () => {
    const old = await pki.issueClient({ subject: 'CN=old', notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z') });
    const result = verify(old.pem);
    assert.notEqual(result.status, 0);
    assert.match(result.stdout + result.stderr, /certificate has expired/);
  });

  test('issueCrl: openssl sees the serial revoked, and an untouched one fine', async () => {
    const revoked = await pki.issueClient({ subject: 'CN=revoked' });
    const fine = await pki.issueClient({ subject: 'CN=fine' });
    const crl = await pki.issueCrl([revoked.serialNumber]);
    const rootCrl = await pki.issueCrl([], { issuer: 'root' });
    const crlPath = write('crls.pem', crl.pem + rootCrl.pem);
    const bad = verify(revoked.pem, ['-crl_check_all', '-CRLfile', crlPath]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /certificate revoked/);
    assert.equal(verify(fine.pem, ['-crl_check_all', '-CRLfile', crlPath]).status, 0);
  });

  test('server certificates and a root-issued client', async () => {
    const server = await pki.issueServer();
    assert.match(text(server.pem), /TLS Web Server Authentication[\s\S]*DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/);
    assert.equal(verify(server.pem, ['-purpose', 'sslserver']).status, 0);
    const direct = await pki.issueClient({ subject: 'CN=direct', issuer: 'root' });
    assert.deepEqual(direct.chain, []);
    assert.equal(verify(direct.pem).status, 0);
  });

  test('a PKI without intermediate, attribute-list subjects and string encodings', async () => {
    const flat = await createTestPki({ rootSubject: [{ type: 'CN', value: 'Flat Root' }] });
    assert.equal(flat.intermediate, undefined);
    const cert = await flat.issueClient({
      subject: [{ type: 'CN', value: 'Élodie', encoding: 'bmp' }, [{ type: 'OU', value: 'a' }, { type: 'O', value: 'b' }],
        { type: 'organizationIdentifier', value: 'NTREE-1' }],
    });
    const path = write('flat.pem', cert.pem);
    assert.equal(readOpensslFields(path).subject, 'CN=\\C3\\89lodie,OU=a+O=b,organizationIdentifier=NTREE-1');
    assert.match(openssl(['asn1parse', '-in', path]), /BMPSTRING/);
    const status = opensslStatus(['verify', '-CAfile', write('flat-root.pem', flat.root.pem), path]);
    assert.equal(status.status, 0, status.stderr);
    await assert.rejects(flat.issueClient({ subject: 'CN=x', issuer: 'intermediate' }), /no intermediate/);
    await assert.rejects(flat.issueClient({ subject: [{ type: 'noSuchType', value: 'x' }] }), /unknown attribute type/);
  });
});
