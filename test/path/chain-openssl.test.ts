/**
 * Agreement with OpenSSL: chains generated with the openssl CLI at test time, our verdict (through the
 * passthrough engine) compared with `openssl verify -purpose sslclient -x509_strict -CAfile -untrusted
 * [-crl_check -CRLfile] -attime`, and our exact error code and reason asserted (CRLs of every certificate,
 * with -crl_check_all: chain-openssl-crl.test.ts). Where the library
 * deliberately differs from -x509_strict (see CONFORMANCE.md), the difference itself is asserted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';
import { agree, ours, oursWithMessage, theirs } from '../helpers/pki/openssl-agreement.js';
import { Pki, type KeyAlg } from '../helpers/pki/openssl-pki.js';

describe('agreement with openssl verify -purpose sslclient -x509_strict', { skip: skipWithoutOpenssl() }, () => {
  const pki = new Pki(tempDir());
  const chainOf = (alg: KeyAlg, tag: string) => {
    const root = pki.issue(`root${tag}`, { ext: 'ca', alg });
    const ica = pki.issue(`ica${tag}`, { ext: 'ca', alg, issuer: root });
    return { root, ica, leaf: pki.issue(`leaf${tag}`, { ext: 'leaf', alg, issuer: ica }) };
  };
  const { root, ica, leaf } = chainOf('P-256', '');

  for (const alg of ['rsa2048', 'P-256', 'P-384', 'ed25519'] as const) {
    it(`valid leaf -> intermediate -> root, ${alg}`, () => {
      const c = alg === 'P-256' ? { root, ica, leaf } : chainOf(alg, `-${alg}`);
      agree(pki, { leaf: c.leaf, untrusted: [c.ica], anchors: [c.root] }, 'ok');
    });
  }

  it('expired leaf', () => {
    const expired = pki.issue('leaf-expired', { ext: 'leaf', issuer: ica, from: new Date('2029-01-01'), to: new Date('2030-01-01') });
    agree(pki, { leaf: expired, untrusted: [ica], anchors: [root] }, 'ERR_MTLS_CERT_EXPIRED');
  });

  it('not-yet-valid leaf', () => {
    const early = pki.issue('leaf-early', { ext: 'leaf', issuer: ica, from: new Date('2031-01-01'), to: new Date('2032-01-01') });
    agree(pki, { leaf: early, untrusted: [ica], anchors: [root] }, 'ERR_MTLS_CERT_NOT_YET_VALID');
  });

  it('expired intermediate', () => {
    const old = pki.issue('ica-old', { ext: 'ca', issuer: root, to: new Date('2029-01-01') });
    const l = pki.issue('leaf-of-old', { ext: 'leaf', issuer: old });
    agree(pki, { leaf: l, untrusted: [old], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/expired');
  });

  it('not-yet-valid intermediate', () => {
    const young = pki.issue('ica-young', { ext: 'ca', issuer: root, from: new Date('2031-01-01') });
    const l = pki.issue('leaf-of-young', { ext: 'leaf', issuer: young });
    agree(pki, { leaf: l, untrusted: [young], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/not-yet-valid');
  });

  it('wrong root', () => {
    const other = pki.issue('other-root', { ext: 'ca' });
    agree(pki, { leaf, untrusted: [ica], anchors: [other] }, 'ERR_MTLS_CHAIN_INVALID/untrusted');
  });

  it('intermediate without cA', () => {
    const notCa = pki.issue('ica-notca', { ext: 'not_ca_plain', issuer: root });
    const l = pki.issue('leaf-of-notca', { ext: 'leaf', issuer: notCa });
    agree(pki, { leaf: l, untrusted: [notCa], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/not-ca');
  });

  it('pathLenConstraint violation', () => {
    const zero = pki.issue('ica-pathlen0', { ext: 'ca_pathlen0', issuer: root });
    const below = pki.issue('ica-below', { ext: 'ca', issuer: zero });
    const l = pki.issue('leaf-below', { ext: 'leaf', issuer: below });
    agree(pki, { leaf: l, untrusted: [zero, below], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/path-length');
  });

  it('leaf with a serverAuth-only EKU, and with anyExtendedKeyUsage', () => {
    const server = pki.issue('leaf-server', { ext: 'leaf_server', issuer: ica });
    agree(pki, { leaf: server, untrusted: [ica], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/eku');
    const any = pki.issue('leaf-any', { ext: 'leaf_any_eku', issuer: ica });
    agree(pki, { leaf: any, untrusted: [ica], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/eku');
  });

  it('leaf without EKU', () => {
    const plain = pki.issue('leaf-noeku', { ext: 'leaf_no_eku', issuer: ica });
    agree(pki, { leaf: plain, untrusted: [ica], anchors: [root] }, 'ok');
  });

  it('intermediate whose EKU is serverAuth only', () => {
    const serverCa = pki.issue('ica-server', { ext: 'ca_server_eku', issuer: root });
    const l = pki.issue('leaf-of-server-ca', { ext: 'leaf', issuer: serverCa });
    agree(pki, { leaf: l, untrusted: [serverCa], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/eku');
  });

  it('revoked leaf via CRL, and a leaf the same CRL does not list', () => {
    const crlIca = pki.issue('ica-crl', { ext: 'ca', issuer: root });
    const revoked = pki.issue('leaf-revoked', { ext: 'leaf', issuer: crlIca });
    const fine = pki.issue('leaf-fine', { ext: 'leaf', issuer: crlIca });
    const crl = pki.crl(crlIca, [revoked]);
    agree(pki, { leaf: revoked, untrusted: [crlIca], anchors: [root], crls: [crl] }, 'ERR_MTLS_CERT_REVOKED');
    agree(pki, { leaf: fine, untrusted: [crlIca], anchors: [root], crls: [crl] }, 'ok');
  });

  it('bad signature', () => {
    const der = Buffer.from(leaf.pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    der[der.length - 1]! ^= 0x01; // last byte of the ECDSA signature's s: still DER, no longer valid
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    agree(pki, { leaf: { pem, name: 'tampered' }, untrusted: [ica], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/bad-signature');
  });

  it('a self-signed CA certificate presented as the client, itself in the trust store', () => {
    const selfSigned = pki.issue('self-signed-ca-client', { ext: 'ca' });
    agree(pki, { leaf: selfSigned, untrusted: [], anchors: [root, selfSigned] }, 'ERR_MTLS_CHAIN_INVALID/key-usage');
  });

  it('a leaf whose Netscape certificate type is server only, clientAuth EKU notwithstanding', () => {
    const nsServer = pki.issue('leaf-ns-server', { ext: 'leaf_ns_server', issuer: ica });
    agree(pki, { leaf: nsServer, untrusted: [ica], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/eku');
  });

  it('decoy intermediate with the right name and the wrong key (its key identifier is not the leaf\'s AKI)', () => {
    const decoy = pki.issue('ica-decoy', { ext: 'ca', issuer: root, cn: 'ica' });
    agree(pki, { leaf, untrusted: [decoy, ica], anchors: [root] }, 'ok');
    agree(pki, { leaf, untrusted: [decoy], anchors: [root] }, 'ERR_MTLS_CHAIN_INVALID/untrusted');
  });

  describe('documented differences from -x509_strict (CONFORMANCE.md)', () => {
    it('a CA without keyUsage: RFC 5280 6.1.4 (n) allows it, -x509_strict refuses; we follow RFC 5280', () => {
      const noKu = pki.issue('ica-noku', { ext: 'ca_no_ku', issuer: root });
      const l = pki.issue('leaf-of-noku', { ext: 'leaf', issuer: noKu });
      const c = { leaf: l, untrusted: [noKu], anchors: [root] };
      assert.equal(theirs(pki, c).ok, false);
      assert.equal(theirs(pki, c, { strict: false }).ok, true);
      assert.equal(ours(c), 'ok');
    });

    it('a trust store holding only an intermediate: an anchor is whatever the operator trusts (OpenSSL needs -partial_chain)', () => {
      const c = { leaf, untrusted: [], anchors: [ica] };
      assert.equal(theirs(pki, c).ok, false);
      assert.equal(ours(c), 'ok');
    });

    it('a self-signed CA of the trust store presented as the client certificate: OpenSSL accepts; we refuse', () => {
      const selfCa = pki.issue('self-ca-client', { ext: 'ca_client' }); // keyUsage allows a TLS client: only trust decides
      const c = { leaf: selfCa, untrusted: [], anchors: [root, selfCa] };
      assert.equal(theirs(pki, c).ok, true);
      assert.deepEqual(oursWithMessage(c), { verdict: 'ERR_MTLS_CHAIN_INVALID/untrusted', message: 'leaf certificate is a ' +
        'trust anchor (same name and key): a CA certificate of the trust store cannot authenticate a client' });
    });

    it('SHA-1 signatures: OpenSSL 3.0 accepts them at its default level; we refuse', () => {
      const rsaRoot = pki.issue('root-sha1', { ext: 'ca', alg: 'rsa2048' });
      const l = pki.issue('leaf-sha1', { ext: 'leaf', issuer: rsaRoot, md: 'sha1' });
      const c = { leaf: l, untrusted: [], anchors: [rsaRoot] };
      assert.equal(theirs(pki, c).ok, true);
      assert.equal(ours(c), 'ERR_MTLS_CHAIN_INVALID/unsupported-algorithm');
    });
  });
});
