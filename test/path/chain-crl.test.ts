/** CRLs: loading, signature by the issuing CA, freshness, scope, revoked serials. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCrls } from '../../src/core/path/crl.js';
import { MtlsConfigError } from '../../src/core/errors.js';
import { caExtensions, cn, ext, int, KU_BIT, makeCert, makeCrl, newKey, pem, seq, tlv, X, type TestCert } from '../helpers/pki/cert-builder.js';
import { NOW, ca, check, leafOf, reasonOf, storeOf } from '../helpers/pki/chain-fixtures.js';

const crlsOf = (...ders: Uint8Array[]) => loadCrls(ders.map((d) => pem(d, 'X509 CRL')).join('\n'));

describe('revocation', () => {
  const root = ca('Root');
  const ica = ca('ICA', root);
  const store = storeOf(root);
  const leaf = leafOf(ica, { serial: 0x1234n });

  it('refuses a revoked leaf and accepts one not listed', () => {
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(makeCrl(ica, { revoked: [0x1234n] })) })), 'revoked');
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(makeCrl(ica, { revoked: [0x1235n] })) })), 'ok');
  });

  it('refuses a path whose intermediate the root revoked', () => {
    const revokedIca = ca('ICA2', root, { serial: 77n });
    const crls = crlsOf(makeCrl(root, { revoked: [77n] }));
    assert.equal(reasonOf(check(leafOf(revokedIca), [revokedIca], store, { crls })), 'revoked');
  });

  it('ignores a CRL from another issuer that lists the same serial', () => {
    const other = ca('Other');
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(makeCrl(other, { revoked: [0x1234n] })) })), 'ok');
  });

  it('refuses when the only CRL of the issuer has a bad signature (fail closed)', () => {
    const forged = makeCrl({ subject: ica.subject, key: newKey() }, { revoked: [] });
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(forged) })), 'crl');
  });

  it('stale CRLs: refused by default, used with crlStale: ignore', () => {
    const stale = crlsOf(makeCrl(ica, { nextUpdate: new Date(NOW - 86_400_000) }));
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: stale })), 'crl');
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: stale, crlStale: 'ignore' })), 'ok');
    const staleRevoked = crlsOf(makeCrl(ica, { nextUpdate: new Date(NOW - 86_400_000), revoked: [0x1234n] }));
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: staleRevoked, crlStale: 'ignore' })), 'revoked');
  });

  it('reports the CRL nextUpdate as the expiry of the verdict', () => {
    const next = new Date('2031-01-01T00:00:00Z');
    const result = check(leaf, [ica], store, { crls: crlsOf(makeCrl(ica, { nextUpdate: next })) });
    assert.ok(result.ok);
    assert.equal(result.expires, next.getTime());
  });

  it('refuses a CRL signed by a CA whose keyUsage lacks cRLSign', () => {
    const key = newKey();
    const noCrlSign = makeCert({ subject: cn('ICA3'), key, issuer: root, extensions: caExtensions(key, root.key, { ku: X.ku([KU_BIT.keyCertSign]) }) });
    const l = leafOf(noCrlSign);
    assert.equal(reasonOf(check(l, [noCrlSign], store, { crls: crlsOf(makeCrl(noCrlSign)) })), 'crl');
  });

  it('refuses CRLs without CRLNumber, with a critical unknown extension, or a delta CRL', () => {
    const aki = ext('2.5.29.35', false, seq(tlv(0x80, ica.key.keyId)));
    const number = ext('2.5.29.20', false, int(1));
    for (const extensions of [[aki], [number, ext('1.2.3.4', true, tlv(0x05))], [number, ext('2.5.29.27', true, int(0))]]) {
      const crls = crlsOf(makeCrl(ica, { extensions }));
      assert.equal(crls.warnings.length, 1);
      assert.equal(reasonOf(check(leaf, [ica], store, { crls })), 'crl');
    }
  });

  describe('issuingDistributionPoint scope', () => {
    const idp = (content: Uint8Array) => ext('2.5.29.28', true, seq(content));
    const number = ext('2.5.29.20', false, int(1));
    const userOnly = (issuer: TestCert, revoked: bigint[]) => makeCrl(issuer, { revoked, extensions: [number, idp(tlv(0x81, Buffer.from([0xff])))] });
    const caOnly = (issuer: TestCert, revoked: bigint[]) => makeCrl(issuer, { revoked, extensions: [number, idp(tlv(0x82, Buffer.from([0xff])))] });
    const messageOf = (result: ReturnType<typeof check>): string => (result.ok ? '' : result.failure.message);

    it('refuses a CA whose issuer has only a user-certificates CRL (fail closed, naming the scope)', () => {
      const revokedIca = ca('ICA2', root, { serial: 77n });
      const result = check(leafOf(revokedIca), [revokedIca], store, { crls: crlsOf(userOnly(root, [77n])) });
      assert.equal(reasonOf(result), 'crl');
      assert.match(messageOf(result), /no CRL of its issuer covers it \(they cover only end-entity certificates\)/);
    });

    it('refuses a leaf whose issuer has only a CA-certificates CRL', () => {
      const result = check(leaf, [ica], store, { crls: crlsOf(caOnly(ica, [])) });
      assert.equal(reasonOf(result), 'crl');
      assert.match(messageOf(result), /only CA certificates/);
    });

    it('refuses a CA:TRUE leaf whose issuer has only a user-certificates CRL', () => {
      const key = newKey();
      const caLeaf = makeCert({ subject: cn('c'), key, issuer: ica, ca: true,
        extensions: [...caExtensions(key, ica.key), ext('2.5.29.37', false, seq(tlv(0x06, Buffer.from([0x2b, 6, 1, 5, 5, 7, 3, 2]))))] });
      const result = check(caLeaf, [ica], store, { crls: crlsOf(userOnly(ica, [])), requiredKeyUsage: null });
      assert.equal(reasonOf(result), 'crl');
    });

    it('uses the CRL whose scope covers each certificate when both are configured', () => {
      const revokedIca = ca('ICA2', root, { serial: 77n });
      const both = crlsOf(userOnly(root, []), caOnly(root, [77n]));
      assert.equal(reasonOf(check(leafOf(revokedIca), [revokedIca], store, { crls: both })), 'revoked');
      const clean = crlsOf(userOnly(root, []), caOnly(root, []), makeCrl(ica, {}));
      assert.equal(reasonOf(check(leaf, [ica], store, { crls: clean })), 'ok');
    });

    it('partitioned CRLs: the matching partition decides; a certificate of another partition is refused', () => {
      const dpName = tlv(0xa0, tlv(0xa0, tlv(0x86, Buffer.from('http://crl.example/ica.crl'))));
      const partitioned = crlsOf(makeCrl(ica, { revoked: [0x1234n], extensions: [number, idp(dpName)] }));
      const key = newKey();
      const pointing = (uri: string): TestCert => makeCert({ subject: cn('c'), key, issuer: ica, serial: 0x1234n,
        extra: [X.crlDp(uri)] });
      assert.equal(reasonOf(check(pointing('http://crl.example/ica.crl'), [ica], store, { crls: partitioned })), 'revoked');
      const other = check(pointing('http://crl.example/other.crl'), [ica], store, { crls: partitioned });
      assert.equal(reasonOf(other), 'crl');
      assert.match(messageOf(other), /only other distribution points/);
    });
  });
});

describe('loadCrls', () => {
  it('throws MtlsConfigError naming the option for input that is not a CRL', () => {
    assert.throws(() => loadCrls('hello'), (e: unknown) => e instanceof MtlsConfigError && e.option === 'crls');
    assert.throws(() => loadCrls(['-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'], 'myCrls'),
      (e: unknown) => e instanceof MtlsConfigError && e.option === 'myCrls[0] (PEM block #1)');
    assert.throws(() => loadCrls(pem(ca('x').der)), /expected a "X509 CRL" PEM block, found "CERTIFICATE"/);
  });

  it('accepts DER bytes and PEM with text around blocks', () => {
    const issuer = ca('Root');
    const der = makeCrl(issuer, { revoked: [1n, 2n] });
    assert.equal(loadCrls(Buffer.from(der)).crls[0]!.size, 2);
    assert.equal(loadCrls(`# comment\n${pem(der, 'X509 CRL')}\ntrailer`).crls.length, 1);
  });
});
