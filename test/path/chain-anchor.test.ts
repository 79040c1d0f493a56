/**
 * Trust anchors that are not self-signed, and anchors where a client certificate belongs: an intermediate CA
 * in the trust store ends the paths through it but is still checked against its issuer's CRLs, and a
 * certificate of the trust store is never accepted as the client certificate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCrls } from '../../src/core/path/crl.js';
import { KU_BIT, X, makeCrl, pem } from '../helpers/pki/cert-builder.js';
import { ca, caWith, check, leafOf, reasonOf, storeOf } from '../helpers/pki/chain-fixtures.js';

const crlsOf = (...ders: Uint8Array[]) => loadCrls(ders.map((d) => pem(d, 'X509 CRL')).join('\n'));
const messageOf = (result: ReturnType<typeof check>) => (result.ok ? '' : result.failure.message);

describe('an intermediate CA in the trust store, against its issuer\'s CRLs', () => {
  const root = ca('Root');
  const ica = ca('ICA', root, { serial: 77n });
  const leaf = leafOf(ica);
  const icaCrl = makeCrl(ica);

  it('is revoked by its root\'s CRL when the store holds the root, whichever anchor comes first', () => {
    const crls = crlsOf(makeCrl(root, { revoked: [77n] }), icaCrl);
    for (const store of [storeOf(ica, root), storeOf(root, ica)]) {
      for (const presented of [[], [ica]]) {
        const result = check(leaf, presented, store, { crls });
        assert.equal(reasonOf(result), 'revoked');
        // Presented too, it is also tried as an intermediate below the root: refused that way as well.
        assert.equal(messageOf(result), `${presented.length ? 'intermediate certificate' : 'trust anchor'} (depth 1) is revoked`);
      }
    }
    assert.equal(reasonOf(check(leaf, [], storeOf(ica, root), { crls: crlsOf(makeCrl(root), icaCrl) })), 'ok');
  });

  it('is checked all the way up the store: a root revoking the anchor\'s issuer refuses the path', () => {
    const ica2 = ca('ICA2', ica);
    const crls = crlsOf(makeCrl(root, { revoked: [77n] }), icaCrl, makeCrl(ica2));
    const result = check(leafOf(ica2), [], storeOf(root, ica, ica2), { crls });
    assert.equal(reasonOf(result), 'revoked');
    assert.equal(messageOf(result), 'trust anchor (depth 2) is revoked');
  });

  it('with its issuer\'s CRL stale, refused as any certificate would be (crl); used with crlStale: ignore', () => {
    const stale = makeCrl(root, { nextUpdate: new Date('2029-01-01T00:00:00Z') });
    assert.equal(reasonOf(check(leaf, [], storeOf(root, ica), { crls: crlsOf(stale, icaCrl) })), 'crl');
    assert.equal(reasonOf(check(leaf, [], storeOf(root, ica), { crls: crlsOf(stale, icaCrl), crlStale: 'ignore' })), 'ok');
  });

  it('alone in the store: unchecked without a CRL of its issuer, refused when one cannot be verified', () => {
    assert.equal(reasonOf(check(leaf, [], storeOf(ica), { crls: crlsOf(icaCrl) })), 'ok');
    const result = check(leaf, [], storeOf(ica), { crls: crlsOf(makeCrl(root), icaCrl) });
    assert.equal(reasonOf(result), 'crl');
    assert.match(messageOf(result), /^trust anchor \(depth 1\): its issuer has CRLs, but the trust store holds no certificate/);
  });
});

describe('a certificate of the trust store presented as the client certificate', () => {
  // keyUsage allowing a TLS client key, so that only trust decides.
  const clientCapable = { ku: X.ku([KU_BIT.digitalSignature, KU_BIT.keyCertSign, KU_BIT.cRLSign]) };
  const refusal = 'leaf certificate is a trust anchor (same name and key): a CA certificate of the trust store ' +
    'cannot authenticate a client';

  it('is refused with its own message when self-signed', () => {
    const selfSigned = caWith('Self', undefined, clientCapable);
    const result = check(selfSigned, [], storeOf(selfSigned));
    assert.equal(reasonOf(result), 'untrusted');
    assert.equal(messageOf(result), refusal);
  });

  it('is refused when it is an intermediate whose issuer the store also holds (accepted before)', () => {
    const root = ca('Root');
    const anchoredIca = caWith('ICA', root, clientCapable);
    assert.equal(reasonOf(check(anchoredIca, [], storeOf(root))), 'ok'); // a CA:TRUE client, not in the store
    const result = check(anchoredIca, [], storeOf(root, anchoredIca));
    assert.equal(reasonOf(result), 'untrusted');
    assert.equal(messageOf(result), refusal);
  });
});
