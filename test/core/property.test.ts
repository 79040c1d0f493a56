/**
 * Property-based tests (fast-check, fixed seeds, bounded runs): DN strings round-trip; certificates of any
 * shape round-trip through albHeaders() and decodeAlbHeaders(); and no header value, however hostile,
 * makes the decoder throw anything but MtlsError or makes albMtls() answer 500, on Express 4 and 5.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { DerError, readTlv } from '../../src/core/der/der.js';
import { createDN, dnEquals, parseDN } from '../../src/core/dn/dn.js';
import { nameFromDer } from '../../src/core/dn/dn-der.js';
import { decodeAlbHeaders, isMtlsError, type ClientCertificate } from '../../src/index.js';
import { albHeaders, createTestPki, type TestPki } from '../../src/testing/index.js';
import { certCase, type CertCase } from '../helpers/cert-arbitrary.js';
import { KNOWN_TYPES, derName, plainRdns, rdnList } from '../helpers/dn-arbitrary.js';
import { headerBag, hostileValue, sendableValue, startApps, type Apps } from '../helpers/servers/property-http.js';

const SEED = 4_514;

/** OpenSSL's long names (obj_mac.h) of the short names in KNOWN_TYPES that have one. */
const LONG_NAMES: Readonly<Record<string, string>> = {
  CN: 'commonName', SN: 'surname', C: 'countryName', L: 'localityName', ST: 'stateOrProvinceName', street: 'streetAddress',
  O: 'organizationName', OU: 'organizationalUnitName', GN: 'givenName', DC: 'domainComponent', UID: 'userId',
};

describe('parseDN(dn.toString()) is dn', () => {
  test('for any RDN list: Unicode, specials, spaces, multi-valued RDNs, known types and dotted OIDs', () => {
    fc.assert(fc.property(rdnList, (rdns) => {
      const dn = createDN(rdns);
      const back = parseDN(dn.toString());
      assert.deepEqual(plainRdns(back.rdns), rdns);
      assert.ok(dnEquals(back, dn));
      assert.equal(back.toString(), dn.toString());
    }), { seed: SEED, numRuns: 3000 });
  });

  test('after HTTP strips trailing whitespace, with recoverTrailingSpace', () => {
    fc.assert(fc.property(rdnList, (rdns) => {
      const dn = createDN(rdns);
      const sent = dn.toString().replace(/[ \t]+$/, '');
      assert.deepEqual(plainRdns(parseDN(sent, { recoverTrailingSpace: true }).rdns), rdns);
    }), { seed: SEED, numRuns: 1000 });
  });

  // Not case variants: OpenSSL's names are case-sensitive where they collide (`UID` is userId, `uid` uniqueIdentifier).
  test('whatever spelling of the type: long name, dotted OID, OID. prefix', () => {
    const spelling = fc.constantFrom((t: string) => LONG_NAMES[t] ?? t, (_t: string, oid: string) => oid,
      (_t: string, oid: string) => `OID.${oid}`, (_t: string, oid: string) => `oid.${oid}`);
    fc.assert(fc.property(rdnList, spelling, (rdns, spell) => {
      const respelled = rdns.map((rdn) => rdn.map((a) => ({ ...a, type: KNOWN_TYPES.some(([t]) => t === a.type) ? spell(a.type, a.oid) : a.type })));
      const text = createDN(respelled).toString();
      assert.deepEqual(plainRdns(parseDN(text).rdns), rdns, text);
    }), { seed: SEED, numRuns: 1000 });
  });
});

describe('a Name read from DER prints as a string that parses back to it', () => {
  // Bug (src/core/der/der.ts, decodeDirectoryString): a BMPString or UniversalString holding a surrogate code
  // unit decodes to a lone surrogate; toString() then prints \ED\A0\80, which parseDN rightly refuses, so
  // the subject header of such a certificate can never match its leaf. OpenSSL refuses to load these
  // certificates at all ("mstring"/UTF-8 conversion errors): reject surrogates in both (DerError).
  test('for any directory strings: UTF8, BMP and Universal (any code unit), Printable, IA5, Teletex', () => {
    fc.assert(fc.property(derName, (der) => {
      let name;
      try {
        name = nameFromDer(der, readTlv(der, 0));
      } catch (error) {
        if (error instanceof DerError) return;
        throw error;
      }
      const text = name.toString();
      assert.ok(dnEquals(parseDN(text), name), text);
    }), { seed: SEED, numRuns: 2000 });
  });
});

/** Compares a decoded certificate with what was generated, and with node:crypto for the raw bytes. */
function assertDecoded(cert: ClientCertificate | undefined, c: CertCase, pem: string): void {
  assert.ok(cert, 'decoded a certificate');
  assert.ok(dnEquals(cert.subject, createDN(c.subject)), `subject ${cert.subject.toString()}`);
  // Several CNs in one multi-valued RDN come in DER SET order, not generation order: then any of them will do.
  const cns = c.subject.flat().filter((a) => a.oid === '2.5.4.3').map((a) => a.value);
  if (cns.length <= 1) assert.equal(cert.commonName, cns[0]);
  else assert.ok(cns.includes(cert.commonName!));
  assert.equal(cert.serialNumber, c.serialNumber);
  assert.equal(cert.notBefore.getTime(), c.issue.notBefore!.getTime());
  assert.equal(cert.notAfter.getTime(), c.issue.notAfter!.getTime());
  assert.deepEqual(cert.subjectAltNames, c.sans);
  const x509 = new X509Certificate(pem);
  assert.equal(cert.fingerprint256, x509.fingerprint256);
  assert.deepEqual(Buffer.from(cert.raw), x509.raw);
  assert.equal(cert.pem, pem);
}

describe('certificates round-trip through albHeaders() and decodeAlbHeaders()', () => {
  let pki: TestPki;
  before(async () => {
    pki = await createTestPki({ intermediate: true });
  });

  test('verify mode, any header-bag shape (Node, Lambda single- and multi-value, any key case)', async () => {
    await fc.assert(fc.asyncProperty(certCase, fc.constantFrom('node', 'lambda-multi', 'title-case'), async (c, shape) => {
      const issued = await pki.issueClient(c.issue);
      const options = { now: c.issue.notBefore! };
      const cert = decodeAlbHeaders(headerBag(albHeaders(issued.pem), shape), options);
      assertDecoded(cert, c, issued.pem);
      assert.ok(dnEquals(cert!.issuer, parseDN(pki.intermediate!.subject)));
      assert.equal(cert!.verifiedBy, 'alb');
    }), { seed: SEED, numRuns: 60 });
  });

  test('passthrough mode: the chain validates and the leaf reads the same', async () => {
    const options = { mode: 'passthrough' as const, trustStore: pki.trustStorePem, checkValidity: false };
    // RFC 5280 profile rules path validation enforces: a subject (no critical SAN here), a positive serial of <= 20 octets.
    const valid = certCase.filter((c) => c.subject.length > 0 && /[1-9A-F]/.test(c.serialNumber) && BigInt('0x' + c.serialNumber) < 2n ** 159n);
    await fc.assert(fc.asyncProperty(valid, async (c) => {
      const issued = await pki.issueClient(c.issue);
      const cert = decodeAlbHeaders(albHeaders(issued.pem, { mode: 'passthrough', chain: issued.chain }), options);
      assertDecoded(cert, c, issued.pem);
      assert.equal(cert!.verifiedBy, 'local');
      assert.deepEqual(cert!.chain, issued.chain);
    }), { seed: SEED, numRuns: 30 });
  });
});

describe('hostile header values', () => {
  let apps: Apps | undefined;
  let good: Record<string, string>;
  let chain: Record<string, string>;
  let trustStore: string;
  before(async () => {
    const pki = await createTestPki({ intermediate: true });
    const issued = await pki.issueClient({ subject: 'CN=clientA,OU=ops', sans: { dns: ['a.example'] } });
    good = albHeaders(issued.pem);
    chain = albHeaders(issued.pem, { mode: 'passthrough', chain: issued.chain });
    trustStore = pki.trustStorePem;
    apps = await startApps(trustStore);
  });
  after(() => apps?.close());

  /** A good value with a stretch replaced by `insert`: deeper than random text, past the first checks. */
  const spliced = (insert: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.tuple(fc.constantFrom(...Object.values(good), ...Object.values(chain)), fc.nat(), fc.nat({ max: 8 }), insert)
      .map(([value, at, cut, text]) => value.slice(0, at % (value.length + 1)) + text + value.slice((at % (value.length + 1)) + cut));

  test('decodeAlbHeaders throws nothing but MtlsError (any Unicode, lone surrogates, any bytes)', () => {
    const configs = [{}, { crossCheck: false }, { mode: 'passthrough' as const, trustStore }];
    const roles = fc.constantFrom(...Object.keys(good), ...Object.keys(chain), 'X-Amzn-Mtls-Clientcert-Subject');
    const value = fc.oneof(hostileValue, spliced(hostileValue));
    fc.assert(fc.property(fc.dictionary(roles, value, { minKeys: 1 }), fc.boolean(), (hostile, withGood) => {
      const bag = { ...(withGood ? { ...good, ...chain } : {}), ...hostile };
      for (const options of configs) {
        try {
          const cert = decodeAlbHeaders(bag, options);
          if (cert) void [cert.subjectAltNames, cert.fingerprint256, cert.extKeyUsage, cert.subject.toString()];
        } catch (error) {
          assert.ok(isMtlsError(error), `threw ${String(error)}`);
        }
      }
    }), { seed: SEED, numRuns: 1500 });
  });

  test('albMtls() never answers 5xx over HTTP (Express 4 and 5, verify and passthrough)', async () => {
    const roles = fc.constantFrom(...Object.keys(good), ...Object.keys(chain));
    const value = fc.oneof(sendableValue, spliced(sendableValue));
    const sets = fc.tuple(fc.dictionary(roles, fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })), { minKeys: 1 }),
      fc.boolean());
    for (const app of apps!.targets) {
      await fc.assert(fc.asyncProperty(sets, async ([hostile, withGood]) => {
        const headers = { ...(withGood ? (app.mode === 'verify' ? good : chain) : {}), ...hostile };
        const { status, body } = await app.request(headers);
        assert.ok(status < 500, `${app.name}: ${status} ${body}`);
        if (status === 200) assert.ok(body === 'null' || body.startsWith('{'), body);
      }), { seed: SEED, numRuns: 100 });
    }
  });
});
