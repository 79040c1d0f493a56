/**
 * The strict DER reader and leaf fields, differential-tested against node:crypto's X509Certificate and
 * pkijs on certificates made by openssl (RSA, ECDSA, Ed25519; v1 and v3; UTCTime and GeneralizedTime;
 * every SAN kind), plus mutation fuzzing: a damaged certificate only ever raises DerError.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateFromDer } from '../../src/core/cert/certificate.js';
import { DerError } from '../../src/core/der/der.js';
import { canonicalIp, canonicalPeerIp } from '../../src/core/der/ip.js';
import { parsePemCertificates } from '../../src/core/der/pem.js';
import { parseCertificateStructure } from '../../src/core/der/x509.js';
import { openssl, skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

interface Made {
  readonly name: string;
  readonly pem: string;
  readonly der: Uint8Array;
}

const KEYS: Record<string, string[]> = {
  rsa: ['-newkey', 'rsa:2048'],
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-newkey', 'ed25519'],
};

const SPECS = [
  { name: 'rsa with every SAN kind', key: 'rsa', ext: 'subjectAltName=DNS:a.example,DNS:B.Example,email:x@Example.org,URI:spiffe://td/ns/a,IP:10.1.2.3,IP:2001:db8::ff,IP:::ffff:1.2.3.4,otherName:1.2.3.4;UTF8:x\nextendedKeyUsage=clientAuth,serverAuth,1.3.6.1.4.1.99999.1' },
  { name: 'ec with no extensions beyond defaults', key: 'ec', ext: '' },
  { name: 'ed25519 with critical EKU', key: 'ed25519', ext: 'extendedKeyUsage=critical,clientAuth' },
  { name: 'GeneralizedTime after 2049', key: 'ec', ext: '', days: 40000 },
  { name: 'serial with the high bit set (DER 00 pad)', key: 'ec', ext: '', serial: '0x80aabbccdd' },
  { name: 'small serial', key: 'ec', ext: '', serial: '7' },
  { name: 'long serial', key: 'rsa', ext: '', serial: '0x7fffffffffffffffffffffffffffffffffffffff' },
] as const;

function make(dir: string, spec: (typeof SPECS)[number], i: number): Made {
  const extFile = join(dir, `ext${i}.cnf`);
  writeFileSync(extFile, spec.ext ? `${spec.ext}\n` : 'basicConstraints=CA:FALSE\n');
  const key = join(dir, `k${i}.pem`);
  const csr = join(dir, `r${i}.csr`);
  const out = join(dir, `c${i}.pem`);
  openssl(['req', '-new', ...KEYS[spec.key]!, '-nodes', '-keyout', key, '-out', csr, '-subj', `/O=x509 tests/CN=cert ${i}`]);
  openssl(['x509', '-req', '-in', csr, '-signkey', key, '-out', out, '-days', String('days' in spec ? spec.days : 30),
    '-extfile', extFile, ...('serial' in spec ? ['-set_serial', spec.serial] : [])]);
  const pem = readFileSync(out, 'utf8');
  return { name: spec.name, pem, der: parsePemCertificates(pem, 'test', 1)[0]!.der };
}

function makeV1(dir: string): Made {
  const key = join(dir, 'v1.key');
  const out = join(dir, 'v1.pem');
  const csr = join(dir, 'v1.csr');
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=v1']);
  openssl(['x509', '-req', '-in', csr, '-signkey', key, '-out', out, '-days', '5']);
  const pem = readFileSync(out, 'utf8');
  return { name: 'version 1 (no extensions)', pem, der: parsePemCertificates(pem, 'test', 1)[0]!.der };
}

/** Node prints SANs as `DNS:a, IP Address:1.2.3.4, ...` (IPv6 fully expanded); enough for our simple values. */
function nodeSans(x: X509Certificate): Record<string, string[]> {
  const out: Record<string, string[]> = { dns: [], email: [], uri: [], ip: [] };
  for (const part of (x.subjectAltName ?? '').split(', ')) {
    const [kind, ...rest] = part.split(':');
    const value = rest.join(':');
    if (kind === 'DNS') out.dns!.push(value);
    if (kind === 'email') out.email!.push(value);
    if (kind === 'URI') out.uri!.push(value);
    if (kind === 'IP Address') out.ip!.push(canonicalIp(value) ?? `unparsable ${value}`);
  }
  return out;
}

describe('DER certificate fields against node:crypto and pkijs', { skip: skipWithoutOpenssl() }, () => {
  const made: Made[] = [];
  before(() => {
    const dir = tempDir();
    SPECS.forEach((spec, i) => made.push(make(dir, spec, i)));
    made.push(makeV1(dir));
  });

  test('every certificate: serial, validity, fingerprint, EKU and SANs agree', () => {
    assert.equal(made.length, SPECS.length + 1);
    for (const m of made) {
      const x = new X509Certificate(m.pem);
      const cert = certificateFromDer(m.der);
      assert.equal(cert.serialNumber, x.serialNumber, m.name);
      assert.equal(cert.notBefore.getTime(), new Date(x.validFrom).getTime(), m.name);
      assert.equal(cert.notAfter.getTime(), new Date(x.validTo).getTime(), m.name);
      assert.equal(cert.fingerprint256, x.fingerprint256, m.name);
      // Node's `keyUsage` holds the *extended* key usage OIDs.
      assert.deepEqual(cert.extKeyUsage ? [...cert.extKeyUsage].sort() : undefined, x.keyUsage?.slice().sort(), m.name);
      const sans = nodeSans(x);
      const ours = cert.subjectAltNames;
      assert.deepEqual({ ...ours, ip: ours.ip.map((ip) => canonicalIp(ip)) }, sans, m.name);
      assert.equal(cert.pem, m.pem.replace(/\r\n/g, '\n'), m.name);
    }
  });

  test('every certificate: structure agrees with pkijs', () => {
    for (const m of made) {
      const ours = parseCertificateStructure(m.der);
      const theirs = new pkijs.Certificate({ schema: asn1js.fromBER(m.der).result });
      assert.equal(ours.version, theirs.version + 1, m.name);
      assert.equal(ours.signatureAlgorithm, theirs.signatureAlgorithm.algorithmId, m.name);
      assert.equal(ours.notAfter.getTime(), theirs.notAfter.value.getTime(), m.name);
      assert.deepEqual(ours.extensions.map((e) => [e.oid, e.critical]),
        (theirs.extensions ?? []).map((e) => [e.extnID, e.critical]), m.name);
      const tbs = new Uint8Array(theirs.tbsView);
      assert.deepEqual(m.der.subarray(ours.tbs.start, ours.tbs.end), tbs, m.name);
      const serialHex = Buffer.from(theirs.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase();
      assert.equal(ours.serialNumber, serialHex.replace(/^00(?=[89A-F])/, ''), m.name);
    }
  });

  test('damaged certificates raise DerError only (4000 mutations)', () => {
    let rejected = 0;
    for (let round = 0; round < 4000; round++) {
      const base = made[round % made.length]!.der;
      const bytes = Uint8Array.from(base);
      const pos = (round * 7919) % bytes.length;
      const mode = round % 4;
      if (mode === 0) bytes[pos] = bytes[pos]! ^ (1 << (round % 8));
      if (mode === 1) bytes[pos] = 0xff;
      if (mode === 2) bytes[pos] = 0x80;
      const input = mode === 3 ? bytes.subarray(0, pos) : bytes;
      try {
        const c = certificateFromDer(input);
        void [c.subject.toString(), c.issuer.toString(), c.subjectAltNames, c.extKeyUsage];
      } catch (error) {
        assert.ok(error instanceof DerError || (error as { code?: string }).code === 'ERR_MTLS_MALFORMED_HEADER',
          `round ${round}: ${(error as Error).stack}`);
        rejected++;
      }
    }
    assert.ok(rejected > 1000, `only ${rejected} mutations were rejected`);
  });
});

describe('strict DER', () => {
  const cases: Array<[string, number[]]> = [
    ['indefinite length', [0x30, 0x80, 0x00, 0x00]],
    ['non-minimal long length', [0x04, 0x81, 0x01, 0x00]],
    ['length with a leading zero byte', [0x04, 0x82, 0x00, 0x81, ...Array<number>(0x81).fill(0)]],
    ['length past the end', [0x04, 0x05, 0x00]],
    ['high tag number', [0x1f, 0x81, 0x00, 0x00]],
    ['truncated header', [0x30]],
  ];
  for (const [name, bytes] of cases) {
    test(`refuses ${name}`, () => {
      assert.throws(() => parseCertificateStructure(Uint8Array.from(bytes)), DerError);
    });
  }
});

describe('canonical IP text (RFC 5952)', () => {
  const vectors: Array<[string, string | undefined]> = [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'], ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['0:0:0:0:0:0:0:0', '::'], ['0:0:0:0:0:0:0:1', '::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'], ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['192.0.2.1', '192.0.2.1'], ['fe80::1%eth0', undefined], ['192.0.2.256', undefined], ['example.org', undefined],
  ];
  for (const [input, expected] of vectors) test(`${input} -> ${expected}`, () => assert.equal(canonicalIp(input), expected));
  test('a peer address in IPv4-mapped form is its IPv4 address (dual-stack sockets)', () => {
    assert.equal(canonicalPeerIp('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(canonicalPeerIp('::FFFF:0a00:0001'), '10.0.0.1');
    assert.equal(canonicalPeerIp('2001:db8::1'), '2001:db8::1');
    assert.equal(canonicalPeerIp('nonsense'), undefined);
  });
});
