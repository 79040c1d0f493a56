/**
 * verifyChain: signature algorithms and keys, critical extensions and the RFC 5280 profile rules, on
 * certificates built at test time. Each refusal asserts the exact reason code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caExtensions, cn, ext, GN, leafExtensions, makeCert, newKey, X } from '../helpers/pki/cert-builder.js';
import { ca, caWith, check, leafOf, leafWith, reasonOf, standardChain, storeOf } from '../helpers/pki/chain-fixtures.js';

describe('algorithms and keys', () => {
  for (const kind of ['P-256', 'P-384', 'ed25519', 'rsa'] as const) {
    it(`accepts a ${kind} chain`, () => {
      const root = ca('Root', undefined, { key: newKey(kind) });
      const ica = ca('ICA', root, { key: newKey(kind) });
      assert.equal(reasonOf(check(leafOf(ica, { key: newKey(kind) }), [ica], storeOf(root))), 'ok');
    });
  }

  it('refuses SHA-1 signatures and RSA keys under 2048 bits', () => {
    const root = ca('Root', undefined, { key: newKey('rsa') });
    const sha1Leaf = leafOf(root, { signatureAlgorithm: 'rsa1' });
    assert.equal(reasonOf(check(sha1Leaf, [], storeOf(root))), 'unsupported-algorithm');
    const weak = ca('Weak ICA', root, { key: newKey('rsa1024') });
    assert.equal(reasonOf(check(leafOf(weak), [weak], storeOf(root))), 'unsupported-algorithm');
  });

  it('refuses a certificate whose signature bytes were altered', () => {
    const { ica, leaf, store } = standardChain();
    const tampered = { ...leaf, der: Buffer.from(leaf.der) };
    tampered.der[tampered.der.length - 5]! ^= 0x01;
    assert.equal(reasonOf(check(tampered, [ica], store)), 'bad-signature');
  });
});

describe('critical extensions and the RFC 5280 profile', () => {
  const root = ca('Root');
  const store = storeOf(root);
  const unknown = ext('1.3.6.1.4.1.55738.666.1', true, Buffer.from([0x05, 0x00]));

  it('refuses an unknown critical extension on the leaf or an intermediate, ignores it on unused certificates', () => {
    assert.equal(reasonOf(check(leafWith(root, {}, [unknown]), [], store)), 'critical-extension');
    const bad = caWith('ICA', root, {}, [unknown]);
    assert.equal(reasonOf(check(leafOf(bad), [bad], store)), 'critical-extension');
    const { ica, leaf, store: s2, root: r2 } = standardChain();
    const unused = caWith('Intermediate', r2, {}, [unknown]);
    assert.equal(reasonOf(check(leaf, [unused, ica], s2)), 'ok');
    assert.equal(reasonOf(check(leafWith(root, {}, [ext('1.3.6.1.4.1.55738.666.1', false, Buffer.from([5, 0]))]), [], store)), 'ok');
  });

  it('refuses missing AKI (non-self-issued), missing SKI on a CA, zero serial, critical AKI', () => {
    assert.equal(reasonOf(check(leafWith(root, { aki: null }), [], store)), 'profile');
    const noSki = caWith('ICA', root, { ski: null });
    assert.equal(reasonOf(check(leafOf(noSki), [noSki], store)), 'profile');
    assert.equal(reasonOf(check(leafOf(root, { serial: 0n }), [], store)), 'profile');
    const key = newKey();
    const criticalAki = makeCert({ subject: cn('c'), key, issuer: root,
      extensions: leafExtensions(key, root.key, { aki: ext('2.5.29.35', true, Buffer.from([0x30, 0x00])) }) });
    assert.equal(reasonOf(check(criticalAki, [], store)), 'profile');
  });

  it('accepts an anchor with serial 0 and no AKI (old roots)', () => {
    const key = newKey();
    const oldRoot = makeCert({ subject: cn('Old'), key, serial: 0n, extensions: caExtensions(key, key, { aki: null }) });
    assert.equal(reasonOf(check(leafOf(oldRoot), [], storeOf(oldRoot))), 'ok');
  });

  it('refuses a malformed subjectAltName and an empty subject without a critical SAN', () => {
    const bad = leafWith(root, {}, [ext('2.5.29.17', false, Buffer.from('not DER'))]);
    assert.equal(reasonOf(check(bad, [], store)), 'malformed');
    const key = newKey();
    const empty = (critical: boolean) => makeCert({ subject: Buffer.from([0x30, 0x00]), key, issuer: root,
      extensions: [...leafExtensions(key, root.key), X.san([GN.dns('a.example')], critical)] });
    assert.equal(reasonOf(check(empty(false), [], store)), 'profile');
    assert.equal(reasonOf(check(empty(true), [], store)), 'ok');
  });

  it('never names certificate contents in the failure message', () => {
    const secret = makeCert({ subject: cn('TOP-SECRET-NAME'), key: newKey(), issuer: ca('Other') });
    const result = check(secret, [], storeOf(root));
    assert.ok(!result.ok);
    assert.doesNotMatch(result.failure.message, /TOP-SECRET/);
  });
});

