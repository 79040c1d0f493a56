/**
 * verifyChain: path building, basic constraints, key usage, EKU and validity (RFC 5280 section 6), on
 * certificates built at test time.
 * Each refusal asserts the exact reason code; each acceptance asserts the path found.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cn, KU_BIT, makeCert, newKey, X, type TestCert } from '../helpers/pki/cert-builder.js';
import { ca, caWith, check, leafOf, leafWith, reasonOf, standardChain, storeOf } from '../helpers/pki/chain-fixtures.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EKU = '2.5.29.37.0';

describe('path building', () => {
  it('accepts leaf -> intermediate -> root and reports the path and its expiry', () => {
    const { root, ica, leaf, store } = standardChain();
    const result = check(leaf, [ica], store);
    assert.ok(result.ok);
    assert.deepEqual(result.path.map((c) => Buffer.from(c.s.der)), [leaf, ica, root].map((c) => Buffer.from(c.der)));
    assert.equal(result.expires, Date.parse('2040-01-01T00:00:00Z'));
  });

  it('ignores order, duplicates, an unrelated certificate and a presented copy of the root', () => {
    const { root, ica, leaf, store } = standardChain();
    const stranger = ca('Stranger');
    assert.equal(reasonOf(check(leaf, [root, stranger, ica, ica], store)), 'ok');
  });

  it('skips a decoy with the right name and the wrong key, whichever comes first', () => {
    const { root, ica, leaf, store } = standardChain();
    const decoy = ca('Intermediate', root);
    assert.equal(reasonOf(check(leaf, [decoy, ica], store)), 'ok');
    assert.equal(reasonOf(check(leaf, [ica, decoy], store)), 'ok');
    // Its subject key identifier differs from the leaf's authority key identifier: not the leaf's issuer.
    assert.equal(reasonOf(check(leaf, [decoy], store)), 'untrusted');
  });

  it('refuses a chain to an unknown root, and a bare leaf', () => {
    const { leaf, ica } = standardChain();
    const other = storeOf(ca('Other'));
    assert.equal(reasonOf(check(leaf, [ica], other)), 'untrusted');
    assert.equal(reasonOf(check(leaf, [], other)), 'untrusted');
  });

  it('backtracks past a failing branch (expired cross-certificate) to a valid one', () => {
    const root = ca('Root');
    const otherRoot = ca('Other Root');
    const icaKey = newKey();
    const expiredCross = ca('Intermediate', otherRoot, { key: icaKey, notAfter: new Date('2025-01-01T00:00:00Z') });
    const good = ca('Intermediate', root, { key: icaKey });
    const leaf = leafOf(good);
    assert.equal(reasonOf(check(leaf, [expiredCross, good], storeOf(root, otherRoot))), 'ok');
    assert.equal(reasonOf(check(leaf, [expiredCross], storeOf(root, otherRoot))), 'expired');
  });

  it('stops an intermediate cycle that never reaches an anchor', () => {
    const root = ca('Root');
    const keyA = newKey();
    const keyB = newKey();
    const a = { subject: cn('A'), key: keyA };
    const b = { subject: cn('B'), key: keyB };
    const aByB = makeCert({ ...a, ca: true, issuer: b });
    const bByA = makeCert({ ...b, ca: true, issuer: a });
    const leaf = leafOf(aByB);
    const result = check(leaf, [aByB, bByA], storeOf(root));
    assert.equal(reasonOf(result), 'untrusted');
  });

  it('bounds the work on 100 same-name intermediates with distinct keys (signature budget)', () => {
    const root = ca('Root');
    const chain: TestCert[] = [];
    let issuer: TestCert = ca('Loop');
    for (let i = 0; i < 100; i++) chain.push((issuer = ca('Loop', issuer)));
    const leaf = leafOf(issuer);
    const started = performance.now();
    const result = check(leaf, chain, storeOf(root));
    assert.equal(reasonOf(result), 'limits');
    assert.ok(performance.now() - started < 2000);
  });

  it('bounds the walk through a mesh of validly cross-signed CAs (visit budget, not only signatures)', () => {
    const nodes = Array.from({ length: 6 }, (_, i) => ({ subject: cn(`Mesh ${i}`), key: newKey() }));
    const mesh: TestCert[] = [];
    for (const a of nodes) for (const b of nodes) if (a !== b) mesh.push(makeCert({ ...a, issuer: b, ca: true }));
    const leaf = leafOf(mesh[0]!);
    const started = performance.now();
    const result = check(leaf, mesh, storeOf(ca('Root')), { maxSignatureChecks: 100_000, maxSignatureWork: 100_000 });
    assert.ok(!result.ok && result.failure.reason === 'limits' && /visited/.test(result.failure.message));
    assert.ok(performance.now() - started < 2000);
  });

  it('allows the leaf and 6 intermediates below the anchor (8 certificates), refuses 7 intermediates', () => {
    const root = ca('Root');
    const build = (n: number) => {
      const cas: TestCert[] = [];
      let issuer = root;
      for (let i = 0; i < n; i++) cas.push((issuer = ca(`CA ${i}`, issuer)));
      return { leaf: leafOf(issuer), cas };
    };
    const six = build(6);
    assert.equal(reasonOf(check(six.leaf, six.cas, storeOf(root))), 'ok');
    const seven = build(7);
    assert.equal(reasonOf(check(seven.leaf, seven.cas, storeOf(root))), 'limits');
  });
});

describe('basic constraints, key usage, path length', () => {
  const root = ca('Root');
  const store = storeOf(root);

  it('refuses an intermediate without cA, or without basicConstraints', () => {
    const noCa = caWith('ICA', root, { bc: X.bc(false), ku: X.ku([KU_BIT.digitalSignature]) });
    assert.equal(reasonOf(check(leafOf(noCa), [noCa], store)), 'not-ca');
    const noBc = caWith('ICA', root, { bc: null, ku: null });
    assert.equal(reasonOf(check(leafOf(noBc), [noBc], store)), 'not-ca');
    // keyCertSign without cA breaks RFC 5280 4.2.1.9 on its own.
    const signsWithoutCa = caWith('ICA', root, { bc: null });
    assert.equal(reasonOf(check(leafOf(signsWithoutCa), [signsWithoutCa], store)), 'profile');
  });

  it('refuses an issuer whose keyUsage lacks keyCertSign, accepts one without keyUsage (RFC 5280, not -x509_strict)', () => {
    const noSign = caWith('ICA', root, { ku: X.ku([KU_BIT.cRLSign]) });
    assert.equal(reasonOf(check(leafOf(noSign), [noSign], store)), 'key-usage');
    const noKu = caWith('ICA', root, { ku: null });
    assert.equal(reasonOf(check(leafOf(noKu), [noKu], store)), 'ok');
  });

  it('enforces pathLenConstraint, not counting self-issued intermediates or the leaf', () => {
    const zero = caWith('ICA0', root, { bc: X.bc(true, 0) });
    const below = caWith('ICA1', zero, {});
    assert.equal(reasonOf(check(leafOf(below), [zero, below], store)), 'path-length');
    assert.equal(reasonOf(check(leafOf(zero), [zero], store)), 'ok');
    const caAsLeaf = caWith('ICA-leaf', zero, { bc: X.bc(true, 0) });
    assert.equal(reasonOf(check(caAsLeaf, [zero], store, { requiredEku: null, requiredKeyUsage: null })), 'ok');
    const one = caWith('ICA', root, { bc: X.bc(true, 1) });
    const rollover = makeCert({ subject: cn('ICA'), key: newKey(), issuer: one, ca: true });
    const child = caWith('Child', rollover, { bc: X.bc(true, 0) });
    assert.equal(reasonOf(check(leafOf(child), [one, rollover, child], store)), 'ok');
  });

  it('applies the anchor pathLenConstraint and maxIntermediates', () => {
    const strictRoot = caWith('Strict Root', undefined, { bc: X.bc(true, 0) });
    const ica = ca('ICA', strictRoot);
    assert.equal(reasonOf(check(leafOf(ica), [ica], storeOf(strictRoot))), 'path-length');
    const { ica: i2, leaf, store: s2 } = standardChain();
    assert.equal(reasonOf(check(leaf, [i2], s2, { maxIntermediates: 0 })), 'path-length');
    assert.equal(reasonOf(check(leaf, [i2], s2, { maxIntermediates: 1 })), 'ok');
  });
});

describe('extended and leaf key usage', () => {
  const root = ca('Root');
  const store = storeOf(root);

  it('requires clientAuth when the leaf has an EKU; anyExtendedKeyUsage does not count (as OpenSSL)', () => {
    assert.equal(reasonOf(check(leafWith(root, { eku: X.eku(SERVER_AUTH) }), [], store)), 'eku');
    assert.equal(reasonOf(check(leafWith(root, { eku: X.eku(ANY_EKU) }), [], store)), 'eku');
    assert.equal(reasonOf(check(leafWith(root, { eku: null }), [], store)), 'ok');
    assert.equal(reasonOf(check(leafWith(root, { eku: X.eku(SERVER_AUTH, '1.3.6.1.5.5.7.3.2') }), [], store)), 'ok');
    assert.equal(reasonOf(check(leafWith(root, { eku: X.eku(SERVER_AUTH) }), [], store, { requiredEku: null })), 'ok');
    assert.equal(reasonOf(check(leafWith(root, { eku: X.eku(SERVER_AUTH) }), [], store, { requiredEku: SERVER_AUTH })), 'ok');
  });

  it('applies EKU to CAs that carry one', () => {
    const serverOnly = caWith('ICA', root, {}, [X.eku(SERVER_AUTH)]);
    assert.equal(reasonOf(check(leafOf(serverOnly), [serverOnly], store)), 'eku');
    const both = caWith('ICA', root, {}, [X.eku(SERVER_AUTH, '1.3.6.1.5.5.7.3.2')]);
    assert.equal(reasonOf(check(leafOf(both), [both], store)), 'ok');
  });

  it('requires digitalSignature or keyAgreement when the leaf has a keyUsage', () => {
    assert.equal(reasonOf(check(leafWith(root, { ku: X.ku([KU_BIT.keyEncipherment]) }), [], store)), 'key-usage');
    assert.equal(reasonOf(check(leafWith(root, { ku: X.ku([KU_BIT.keyAgreement]) }), [], store)), 'ok');
    assert.equal(reasonOf(check(leafWith(root, { ku: null }), [], store)), 'ok');
  });
});

describe('validity', () => {
  const root = ca('Root');
  const store = storeOf(root);

  it('checks every CA, always, and the leaf unless told not to', () => {
    const old = ca('ICA', root, { notAfter: new Date('2029-01-01T00:00:00Z') });
    assert.equal(reasonOf(check(leafOf(old), [old], store)), 'expired');
    const young = ca('ICA', root, { notBefore: new Date('2031-01-01T00:00:00Z') });
    assert.equal(reasonOf(check(leafOf(young), [young], store)), 'not-yet-valid');
    const expiredLeaf = leafOf(root, { notAfter: new Date('2030-01-01T00:00:00Z') });
    assert.equal(reasonOf(check(expiredLeaf, [], store)), 'leaf-expired');
    assert.equal(reasonOf(check(expiredLeaf, [], store, { checkLeafValidity: false })), 'ok');
    assert.equal(reasonOf(check(leafOf(root, { notBefore: new Date('2031-01-01T00:00:00Z') }), [], store)), 'leaf-not-yet-valid');
  });

  it('treats both ends as inclusive, ignores fractions of a second, and applies clockTolerance', () => {
    const end = Date.parse('2030-01-01T00:00:00Z');
    const leaf = leafOf(root, { notAfter: new Date(end) });
    assert.equal(reasonOf(check(leaf, [], store, { now: end + 999 })), 'ok');
    assert.equal(reasonOf(check(leaf, [], store, { now: end + 1000 })), 'leaf-expired');
    assert.equal(reasonOf(check(leaf, [], store, { now: end + 5000, clockTolerance: 5 })), 'ok');
    assert.equal(reasonOf(check(leaf, [], store, { now: end + 6000, clockTolerance: 5 })), 'leaf-expired');
  });

  it('refuses an expired anchor', () => {
    const oldRoot = ca('Old Root', undefined, { notAfter: new Date('2029-01-01T00:00:00Z') });
    assert.equal(reasonOf(check(leafOf(oldRoot), [], storeOf(oldRoot))), 'expired');
  });
});
