/**
 * CRLs this library cannot fully apply, fail closed: a delta CRL or a CRL for some revocation reasons only
 * never clears a certificate, yet a serial it lists (signed by the issuer) is revoked, even beside a complete
 * CRL that does not list it; an indirect CRL is refused at load.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCrls } from '../../src/core/path/crl.js';
import { MtlsConfigError } from '../../src/core/errors.js';
import { GN, bits, cn, ext, int, makeCrl, newKey, pem, seq, tlv } from '../helpers/pki/cert-builder.js';
import { ca, check, leafOf, reasonOf, storeOf } from '../helpers/pki/chain-fixtures.js';

const crlsOf = (...ders: Uint8Array[]) => loadCrls(ders.map((d) => pem(d, 'X509 CRL')).join('\n'));
const NUMBER = ext('2.5.29.20', false, int(1));
const TRUE = Buffer.from([0xff]);
const idp = (...fields: Uint8Array[]) => ext('2.5.29.28', true, seq(...fields));
const KEY_COMPROMISE = tlv(0x83, bits(Buffer.from([0x40]), 6));
const DELTA = ext('2.5.29.27', true, int(0));

describe('CRLs that cannot clear a certificate', () => {
  const root = ca('Root');
  const ica = ca('ICA', root);
  const store = storeOf(root);
  const leaf = leafOf(ica, { serial: 0x1234n });
  const complete = makeCrl(ica);
  const someReasons = (revoked: bigint[] = []) => makeCrl(ica, { revoked, extensions: [NUMBER, idp(KEY_COMPROMISE)] });

  it('a CRL for some reasons only: alone it refuses (crl), beside a complete CRL the complete one decides', () => {
    const alone = check(leaf, [ica], store, { crls: crlsOf(someReasons()) });
    assert.equal(reasonOf(alone), 'crl');
    assert.match(alone.ok ? '' : alone.failure.message, /covers only some revocation reasons \(onlySomeReasons\)$/);
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(someReasons(), complete) })), 'ok');
  });

  it('a serial a CRL for some reasons only lists is revoked, beside a complete CRL that does not list it', () => {
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(complete, someReasons([0x1234n])) })), 'revoked');
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(someReasons([0x1234n])) })), 'revoked');
  });

  it('a serial a delta CRL lists is revoked beside a complete CRL; a delta CRL alone clears nothing', () => {
    const delta = makeCrl(ica, { revoked: [0x1234n], extensions: [NUMBER, DELTA] });
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(complete, delta) })), 'revoked');
    const emptyDelta = makeCrl(ica, { extensions: [NUMBER, DELTA] });
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(emptyDelta) })), 'crl');
  });

  it('a listing CRL that its issuer did not sign revokes nothing (a forgery cannot deny service by serial)', () => {
    const forged = makeCrl({ subject: ica.subject, key: newKey() }, { revoked: [0x1234n], extensions: [NUMBER, DELTA] });
    assert.equal(reasonOf(check(leaf, [ica], store, { crls: crlsOf(complete, forged) })), 'ok');
  });
});

describe('indirect CRLs are refused at load', () => {
  const ica = ca('ICA');
  const indirectMessage = /is an indirect CRL .*Configure the complete CRL of each issuing CA instead$/;
  const refused = (der: Uint8Array) => assert.throws(() => crlsOf(makeCrl(ica), der), (e: unknown) =>
    e instanceof MtlsConfigError && e.option === 'crls (PEM block #2)' && indirectMessage.test(e.message));

  it('by the issuingDistributionPoint indirectCRL flag, also after onlySomeReasons', () => {
    refused(makeCrl(ica, { extensions: [NUMBER, idp(tlv(0x84, TRUE))] }));
    refused(makeCrl(ica, { extensions: [NUMBER, idp(KEY_COMPROMISE, tlv(0x84, TRUE))] }));
  });

  it('by certificateIssuer entries', () => {
    refused(makeCrl(ica, { revoked: [5n], entryExtensions: [ext('2.5.29.29', true, seq(GN.dn(cn('Other CA'))))] }));
  });
});
