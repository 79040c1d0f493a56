/** The passthrough engine: header decoding, error codes, caching, configuration, trust store loading. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPassthroughVerifier, createUnverifiedPassthroughDecoder } from '../../src/core/alb/passthrough.js';
import { loadTrustStore } from '../../src/core/path/trust-store.js';
import { MtlsConfigError, MtlsError, type MtlsErrorCode } from '../../src/core/errors.js';
import { cn, makeCrl, newKey, makeCert, pem } from '../helpers/pki/cert-builder.js';
import { NOW, ca, leafOf } from '../helpers/pki/chain-fixtures.js';

const H = 'x-amzn-mtls-clientcert';
/** ALB's encoding: URL-encoded PEM with `+=/` left alone (AWS's own example also encodes `=`). */
const albEncode = (text: string) => encodeURIComponent(text).replace(/%2B/g, '+').replace(/%2F/g, '/');

const root = ca('Root');
const ica = ca('Intermediate', root);
const leaf = leafOf(ica, { serial: 0x5150n, subject: cn('TOP-SECRET-CLIENT') });
const header = albEncode(pem(leaf.der) + pem(ica.der));
const trustStore = loadTrustStore(pem(root.der));

function codeOf(fn: () => unknown): MtlsErrorCode | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof MtlsError, String(error));
    assert.equal(error.header, H);
    assert.doesNotMatch(error.message + String((error.cause as Error | undefined)?.message), /TOP-SECRET|MII/);
    return error.code;
  }
}

describe('createPassthroughVerifier', () => {
  const verifier = createPassthroughVerifier({ trustStore });

  it('returns the leaf with verifiedBy local and the presented chain', () => {
    const cert = verifier.verify(header, H, NOW);
    assert.equal(cert.verifiedBy, 'local');
    assert.equal(cert.serialNumber, '5150');
    assert.equal(cert.commonName, 'TOP-SECRET-CLIENT');
    assert.deepEqual(cert.chain, [pem(ica.der)]);
    assert.deepEqual(Buffer.from(cert.raw), Buffer.from(leaf.der));
  });

  it('accepts `=` and `/` percent-encoded too, and a raw (unencoded) PEM', () => {
    assert.equal(codeOf(() => verifier.verify(encodeURIComponent(pem(leaf.der) + pem(ica.der)), H, NOW)), 'ok');
    assert.equal(codeOf(() => verifier.verify(pem(leaf.der) + pem(ica.der), H, NOW)), 'ok');
  });

  it('refuses malformed headers with ERR_MTLS_MALFORMED_HEADER', () => {
    const cases = [
      '%E0%A4%A', // bad percent-encoding
      header.replace(/\+/g, ' '), // the classic form-decoding corruption
      'hello',
      albEncode(pem(leaf.der).replace('-----END CERTIFICATE-----', '')),
      albEncode(pem(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))), // DER, but not a certificate
      albEncode(pem(leaf.der) + pem(Buffer.from([0x30, 0x00]))), // a bad intermediate
      albEncode(pem(leaf.der) + pem(ica.der).repeat(10)), // 11 certificates
      'A'.repeat(65_537),
    ];
    for (const value of cases) assert.equal(codeOf(() => verifier.verify(value, H, NOW)), 'ERR_MTLS_MALFORMED_HEADER');
  });

  it('refuses an invalid chain with ERR_MTLS_CHAIN_INVALID and the reason in cause', () => {
    const other = createPassthroughVerifier({ trustStore: pem(ca('Other').der) });
    assert.equal(codeOf(() => other.verify(header, H, NOW)), 'ERR_MTLS_CHAIN_INVALID');
    try {
      other.verify(header, H, NOW);
    } catch (error) {
      assert.equal(((error as MtlsError).cause as { reason: string }).reason, 'untrusted');
    }
    assert.equal(codeOf(() => verifier.verify(albEncode(pem(leaf.der)), H, NOW)), 'ERR_MTLS_CHAIN_INVALID');
  });

  it('maps the leaf validity and revocation to their own codes', () => {
    const expired = leafOf(ica, { notAfter: new Date(NOW - 60_000) });
    assert.equal(codeOf(() => verifier.verify(albEncode(pem(expired.der) + pem(ica.der)), H, NOW)), 'ERR_MTLS_CERT_EXPIRED');
    const early = leafOf(ica, { notBefore: new Date(NOW + 60_000) });
    assert.equal(codeOf(() => verifier.verify(albEncode(pem(early.der) + pem(ica.der)), H, NOW)), 'ERR_MTLS_CERT_NOT_YET_VALID');
    const lenient = createPassthroughVerifier({ trustStore, checkValidity: false });
    assert.equal(codeOf(() => lenient.verify(albEncode(pem(expired.der) + pem(ica.der)), H, NOW)), 'ok');
    const tolerant = createPassthroughVerifier({ trustStore, clockTolerance: 120 });
    assert.equal(codeOf(() => tolerant.verify(albEncode(pem(expired.der) + pem(ica.der)), H, NOW)), 'ok');
    const crls = pem(makeCrl(ica, { revoked: [0x5150n] }), 'X509 CRL');
    const revoking = createPassthroughVerifier({ trustStore, crls });
    assert.equal(codeOf(() => revoking.verify(header, H, NOW)), 'ERR_MTLS_CERT_REVOKED');
  });

  it('caches a success until the earliest CA notAfter, and re-checks the leaf validity on every hit', () => {
    const shortIca = ca('Short ICA', root, { notAfter: new Date(NOW + 3_600_000) });
    const shortLeaf = leafOf(shortIca, { notAfter: new Date(NOW + 60_000) });
    const value = albEncode(pem(shortLeaf.der) + pem(shortIca.der));
    const v = createPassthroughVerifier({ trustStore });
    assert.equal(v.decode(value, H, NOW).cached, false);
    assert.equal(v.decode(value, H, NOW + 1000).cached, true);
    assert.equal(codeOf(() => v.decode(value, H, NOW + 120_000)), 'ERR_MTLS_CERT_EXPIRED');
    const lenient = createPassthroughVerifier({ trustStore, checkValidity: false });
    lenient.decode(value, H, NOW);
    assert.equal(lenient.decode(value, H, NOW + 3_500_000).cached, true);
    assert.equal(codeOf(() => lenient.decode(value, H, NOW + 3_700_000)), 'ERR_MTLS_CHAIN_INVALID');
    const uncached = createPassthroughVerifier({ trustStore, cache: false });
    uncached.decode(value, H, NOW);
    assert.equal(uncached.decode(value, H, NOW).cached, false);
  });

  it('keys the cache by the whole value: a look-alike (one char + 0x100) cannot plant a refusal', () => {
    const v = createPassthroughVerifier({ trustStore });
    const at = header.indexOf('MII');
    const lookAlike = header.slice(0, at) + String.fromCharCode(header.charCodeAt(at) + 0x100) + header.slice(at + 1);
    assert.equal(codeOf(() => v.verify(lookAlike, H, NOW)), 'ERR_MTLS_MALFORMED_HEADER');
    assert.equal(codeOf(() => v.verify(header, H, NOW)), 'ok');
  });

  it('caches a refusal for 10 seconds', () => {
    const v = createPassthroughVerifier({ trustStore: pem(ca('Other').der) });
    const causeAt = (t: number) => {
      try {
        v.verify(header, H, t);
      } catch (error) {
        return (error as MtlsError).cause;
      }
      return undefined;
    };
    const first = causeAt(NOW);
    assert.ok(first);
    assert.equal(causeAt(NOW + 9_000), first);
    assert.notEqual(causeAt(NOW + 11_000), first);
  });

  it('throws MtlsConfigError for bad configuration', () => {
    const bad: Array<[unknown, string]> = [
      [{}, 'trustStore'],
      [{ trustStore, requiredEku: 'clientAuth' }, 'requiredEku'],
      [{ trustStore, crlStale: 'maybe' }, 'crlStale'],
      [{ trustStore, cache: { max: 0 } }, 'cache.max'],
      [{ trustStore, cacheMax: 10 }, 'options.cacheMax'],
      [{ trustStore, clockTolerance: -1 }, 'clockTolerance'],
      [{ trustStore, trustedProxies: 'x' }, 'options.trustedProxies'],
      [{ trustStore: 'not pem' }, 'trustStore'],
      [{ trustStore, crls: 'not pem' }, 'crls'],
    ];
    for (const [config, option] of bad) {
      assert.throws(() => createPassthroughVerifier(config as never),
        (e: unknown) => e instanceof MtlsConfigError && e.option === option, option);
    }
  });
});

describe('createUnverifiedPassthroughDecoder', () => {
  it('decodes without verifying: verifiedBy none, any issuer', () => {
    const selfMade = makeCert({ subject: cn('anyone'), key: newKey() });
    const cert = createUnverifiedPassthroughDecoder().verify(albEncode(pem(selfMade.der)), H, NOW);
    assert.equal(cert.verifiedBy, 'none');
    assert.equal(cert.commonName, 'anyone');
    assert.equal(codeOf(() => createUnverifiedPassthroughDecoder().verify('junk', H, NOW)), 'ERR_MTLS_MALFORMED_HEADER');
  });
});

describe('loadTrustStore', () => {
  it('accepts PEM bundles with comments, DER, arrays, and removes duplicates', () => {
    const other = ca('Other');
    assert.equal(loadTrustStore(`# Root\n${pem(root.der)}\n# Other\n${pem(other.der)}${pem(root.der)}`).certificates.length, 2);
    assert.equal(loadTrustStore(Buffer.from(root.der)).certificates.length, 1);
    assert.equal(loadTrustStore([pem(root.der), Buffer.from(other.der)]).certificates.length, 2);
  });

  it('refuses a non-CA anchor, junk, private keys and empty input, naming the option', () => {
    const cases: Array<[unknown, string | RegExp]> = [
      [pem(leaf.der), /is not a CA certificate/],
      ['junk', /no "-----BEGIN CERTIFICATE-----" block/],
      ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', /never pass private keys/],
      [[], /empty array/],
      [42, /expected PEM text/],
      [pem(Buffer.from([0x30, 0x00])), /not a valid DER X.509 certificate/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => loadTrustStore(input as never), (e: unknown) => e instanceof MtlsConfigError &&
        e.option.startsWith('trustStore') && (typeof message === 'string' ? e.message.includes(message) : message.test(e.message)));
    }
  });

  it('loads an expired anchor with a warning', () => {
    const old = ca('Old', undefined, { notAfter: new Date('2021-01-01T00:00:00Z') });
    const store = loadTrustStore(pem(old.der));
    assert.equal(store.warnings.length, 1);
    assert.match(store.warnings[0]!, /expired/);
  });
});
