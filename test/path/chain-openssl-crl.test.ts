/**
 * CRLs against OpenSSL: CRLs made with `openssl ca -gencrl` at test time, our verdict beside `openssl verify
 * -crl_check_all` (every certificate of the chain, the root's CRL always given) and OpenSSL's error number.
 * Where we deliberately differ (CONFORMANCE.md), both verdicts are asserted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MtlsConfigError } from '../../src/core/errors.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';
import { agree, ours, oursWithMessage, theirs, type Case } from '../helpers/pki/openssl-agreement.js';
import { Pki } from '../helpers/pki/openssl-pki.js';

const ALL = { crlCheckAll: true } as const;
const REVOKED = 'ERR_MTLS_CERT_REVOKED';
const CRL_REFUSED = 'ERR_MTLS_CHAIN_INVALID/crl';

describe('an intermediate CA in the trust store beside its root, against openssl -crl_check_all', { skip: skipWithoutOpenssl() }, () => {
  const pki = new Pki(tempDir());
  const root = pki.issue('root', { ext: 'ca' });
  const ica = pki.issue('ica', { ext: 'ca', issuer: root });
  const leaf = pki.issue('leaf', { ext: 'leaf', issuer: ica });
  const icaCrl = pki.crl(ica, [], 'ica-complete');
  const rootClean = pki.crl(root, [], 'root-clean');
  const rootRevokesIca = pki.crl(root, [ica], 'root-revokes-ica');

  it('is accepted while its root\'s CRL does not list it', () => {
    agree(pki, { leaf, untrusted: [], anchors: [root, ica], crls: [rootClean, icaCrl] }, 'ok', ALL);
  });

  it('is revoked when its root\'s CRL lists it, whichever anchor comes first and whether presented or not', () => {
    for (const anchors of [[root, ica], [ica, root]]) {
      for (const untrusted of [[], [ica]]) {
        const c = { leaf, untrusted, anchors, crls: [rootRevokesIca, icaCrl] };
        agree(pki, c, REVOKED, ALL);
        assert.match(theirs(pki, c, ALL).output, /error 23 at 1 depth lookup: certificate revoked/);
      }
    }
  });

  it('without its root in the store, the root\'s CRL cannot be verified: refused, as -partial_chain does', () => {
    const alone = { leaf, untrusted: [], anchors: [ica], crls: [rootClean, icaCrl] };
    agree(pki, alone, CRL_REFUSED, { ...ALL, partialChain: true });
    assert.match(oursWithMessage(alone).message, /^trust anchor \(depth 1\): its issuer has CRLs, but the trust store holds no/);
    // No CRL of the root configured: the intermediate anchor is not checked (configure a CRL per issuing CA).
    assert.equal(ours({ ...alone, crls: [icaCrl] }), 'ok');
  });
});

describe('CRLs that cannot clear a certificate, against openssl -crl_check_all', { skip: skipWithoutOpenssl() }, () => {
  const pki = new Pki(tempDir());
  const root = pki.issue('root', { ext: 'ca' });
  const ica = pki.issue('ica', { ext: 'ca', issuer: root });
  const leaf = pki.issue('leaf', { ext: 'leaf', issuer: ica });
  const rootCrl = pki.crl(root, [], 'root-complete');
  const complete = pki.crl(ica, [], 'ica-complete');
  const chain = (...crls: string[]): Case => ({ leaf, untrusted: [ica], anchors: [root], crls: [rootCrl, ...crls] });

  it('a CRL for some reasons only never clears a certificate alone (OpenSSL: error 3); a complete CRL beside it does', () => {
    const someReasons = pki.crl(ica, [], 'ica-some-reasons', ['onlysomereasons=keyCompromise']);
    agree(pki, chain(someReasons), CRL_REFUSED, ALL);
    assert.match(oursWithMessage(chain(someReasons)).message, /covers only some revocation reasons \(onlySomeReasons\)/);
    assert.match(theirs(pki, chain(someReasons), ALL).output, /error 3 at 0 depth lookup: unable to get certificate CRL/);
    agree(pki, chain(someReasons, complete), 'ok', ALL);
  });

  it('difference: a serial a CRL for some reasons only lists is revoked, even beside a complete CRL (OpenSSL reads only that)', () => {
    const listed = pki.issue('leaf-listed', { ext: 'leaf', issuer: ica });
    const before = pki.crl(ica, [], 'ica-complete-before');
    const keyCompromise = pki.crl(ica, [listed], 'ica-key-compromise', ['onlysomereasons=keyCompromise']);
    const c = { leaf: listed, untrusted: [ica], anchors: [root], crls: [rootCrl, before, keyCompromise] };
    assert.equal(theirs(pki, c, ALL).ok, true);
    assert.equal(ours(c), REVOKED);
  });

  it('difference: an indirect CRL is refused at load (OpenSSL without -extended_crl ignores it: error 3)', () => {
    const indirect = pki.crl(ica, [], 'ica-indirect', ['indirectCRL=TRUE']);
    assert.match(theirs(pki, chain(indirect), ALL).output, /error 3 at 0 depth lookup: unable to get certificate CRL/);
    assert.throws(() => ours(chain(indirect)), (e: unknown) => e instanceof MtlsConfigError &&
      /is an indirect CRL .*Configure the complete CRL of each issuing CA/.test(e.message));
  });
});
