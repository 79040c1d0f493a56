/**
 * Passthrough path building must cost a bounded amount of CPU whatever the client sends: RSA keys with an
 * exponent or modulus no CA uses are refused before any signature is checked, and the signature checks a
 * build may run are bounded by their cost (a P-384 or P-521 check costs many RSA-2048 ones), not only by
 * their number.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { MtlsConfigError } from '../../src/core/errors.js';
import { bits, cn, int, makeCert, oid, seq, tlv, type TestCert, type TestKey } from '../helpers/pki/cert-builder.js';
import { ca, check, leafOf, reasonOf, storeOf } from '../helpers/pki/chain-fixtures.js';
import { decoyRing } from '../helpers/pki/decoys.js';

/** A TestKey whose SPKI carries `modulus` and `exponent`; it signs with an unrelated key (never used by these tests). */
function rsaSpkiKey(modulus: bigint, exponent: bigint): TestKey {
  const spki = seq(seq(oid('1.2.840.113549.1.1.1'), tlv(0x05)), bits(seq(int(modulus), int(exponent))));
  const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...signer, spki, keyId: createHash('sha1').update(spki).digest() };
}

function realModulus(bitsLength: number): bigint {
  const jwk = generateKeyPairSync('rsa', { modulusLength: bitsLength }).publicKey.export({ format: 'jwk' });
  return BigInt('0x' + Buffer.from(jwk.n!, 'base64url').toString('hex'));
}

function ecKey(namedCurve: string): TestKey {
  const pair = generateKeyPairSync('ec', { namedCurve });
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  return { ...pair, spki, keyId: createHash('sha1').update(spki).digest() };
}

const MODULUS_3072 = realModulus(3072);
const HUGE_EXPONENT = (1n << 3063n) + 1n; // 3,064 bits, odd: each check would cost about a hundred ordinary ones

describe('RSA key bounds', () => {
  const cases: Array<[string, bigint, bigint]> = [
    ['a 3,064-bit public exponent', MODULUS_3072, HUGE_EXPONENT],
    ['an even public exponent', MODULUS_3072, 65538n],
    ['public exponent 1', MODULUS_3072, 1n],
    ['a public exponent of 2^32 + 1', MODULUS_3072, (1n << 32n) + 1n],
    ['a modulus of 8,200 bits', (1n << 8199n) + 1n, 65537n],
  ];

  for (const [what, modulus, exponent] of cases) {
    it(`refuses a leaf with ${what} (weak-key)`, () => {
      const root = ca('Root');
      const leaf = leafOf(root, { key: rsaSpkiKey(modulus, exponent) });
      const result = check(leaf, [], storeOf(root));
      assert.equal(reasonOf(result), 'weak-key');
    });

    it(`refuses a presented CA with ${what} before checking any signature, even one the path does not use`, () => {
      const root = ca('Root');
      const ica = ca('Intermediate', root);
      const decoy = makeCert({ subject: cn('Intermediate'), key: rsaSpkiKey(modulus, exponent), issuer: root, ca: true });
      const result = check(leafOf(ica), [ica, decoy], storeOf(root));
      assert.equal(reasonOf(result), 'weak-key');
      assert.ok(!result.ok && result.failure.depth === -1);
    });
  }

  it('refuses a trust anchor with such a key at configuration time', () => {
    const anchor = makeCert({ subject: cn('Root'), key: rsaSpkiKey(MODULUS_3072, 65538n), ca: true });
    assert.throws(() => storeOf(anchor), (error) => error instanceof MtlsConfigError && /exponent/.test(error.message));
  });

  it('accepts ordinary RSA keys: 4096 bits with exponent 65537, and exponent 3', () => {
    const rsa4096 = (): TestKey => {
      const pair = generateKeyPairSync('rsa', { modulusLength: 4096 });
      const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
      return { ...pair, spki, keyId: createHash('sha1').update(spki).digest() };
    };
    const root = ca('Root', undefined, { key: rsa4096() });
    const e3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    const e3spki = e3.publicKey.export({ type: 'spki', format: 'der' });
    const ica = ca('Intermediate', root, { key: { ...e3, spki: e3spki, keyId: createHash('sha1').update(e3spki).digest() } });
    assert.equal(reasonOf(check(leafOf(ica), [ica], storeOf(root))), 'ok');
  });
});

describe('signature-check work bound', () => {
  it('stops a ring of P-384 decoys at the work bound, well before the count bound', () => {
    const { leaf, decoys } = decoyRing(9, 'P-384');
    const result = check(leaf, decoys, storeOf(ca('Root')));
    assert.equal(reasonOf(result), 'limits');
    assert.match(!result.ok ? result.failure.message : '', /work bound/);
  });

  it('stops a ring of P-256 decoys by the same bound, with more checks allowed', () => {
    const { leaf, decoys } = decoyRing(6, 'P-256');
    const bounded = check(leaf, decoys, storeOf(ca('Root')));
    assert.equal(reasonOf(bounded), 'limits');
    const generous = check(leaf, decoys, storeOf(ca('Root')), { maxSignatureWork: 1000, maxSignatureChecks: 1000 });
    assert.equal(reasonOf(generous), 'untrusted', 'with a larger bound the builder exhausts the ring instead');
  });

  it('still accepts a three-certificate P-521 path and a maximum-depth P-256 path', () => {
    const root = ca('Root', undefined, { key: ecKey('P-521') });
    const ica = ca('Intermediate', root, { key: ecKey('P-521') });
    assert.equal(reasonOf(check(leafOf(ica, { key: ecKey('P-521') }), [ica], storeOf(root))), 'ok');
    let issuer = ca('Root 0');
    const store = storeOf(issuer);
    const intermediates: TestCert[] = [];
    for (let i = 1; i < 7; i++) intermediates.push(issuer = ca(`CA ${i}`, issuer));
    assert.equal(reasonOf(check(leafOf(issuer), intermediates.reverse(), store)), 'ok');
  });
});
