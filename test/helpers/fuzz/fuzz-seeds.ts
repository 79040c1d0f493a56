/**
 * Makes the seed certificates of the fuzz corpus (test/fuzz-corpus/seeds.json). Run once through
 * `scripts/fuzz.ts --write-seeds`; the file is committed so every fuzz run starts from the same bytes.
 */
import { createTestPki, type SubjectAttribute } from '../../../src/testing/index.js';
import type { FuzzSeeds } from './fuzz-types.js';

const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2099-12-31T23:59:59Z');

/** Subjects that exercise every branch of the DN printer and parser. */
const SUBJECTS: ReadonlyArray<{ name: string; subject: Array<SubjectAttribute | SubjectAttribute[]> }> = [
  { name: 'plain', subject: [{ type: 'CN', value: 'clientA' }, { type: 'OU', value: 'ops' }, { type: 'O', value: 'example.org' }, { type: 'C', value: 'JP' }] },
  { name: 'specials', subject: [
    { type: 'CN', value: ' lead, trail ' },
    [{ type: 'O', value: 'Sue, Grabbit' }, { type: 'OU', value: '#1 "q" <a> b;c=d\\e+f' }],
    { type: '1.3.6.1.4.1.55555.7', value: '#0403414243', binary: true },
    { type: 'DC', value: 'example' }, { type: 'DC', value: 'org' },
    { type: 'serialNumber', value: 'PNOEE-47101010033' },
  ] },
  { name: 'unicode', subject: [
    { type: 'CN', value: 'M\u00c4NNIK,MARILIIS,47101010033' }, { type: 'SN', value: 'M\u00c4NNIK' },
    { type: 'GN', value: '\u00c4\u20ac', encoding: 'bmp' }, { type: 'L', value: 'S\u00e3o Paulo', encoding: 'teletex' },
    { type: 'O', value: '\u{1F600} \u0000\n\u007f' }, { type: 'organizationIdentifier', value: 'NTREE-10747013' },
  ] },
  { name: 'empty-subject', subject: [] },
];

/** Builds fresh seeds (random keys and signatures: the output differs per call, hence committed). */
export async function makeSeeds(): Promise<FuzzSeeds> {
  const pki = await createTestPki({ intermediate: true });
  const certificates: Array<{ name: string; pem: string }> = [];
  for (const { name, subject } of SUBJECTS) {
    const cert = await pki.issueClient({ subject, notBefore: NOT_BEFORE, notAfter: NOT_AFTER,
      sans: { dns: ['client.example', '*.Example.COM'], email: ['a@Example.org'], uri: ['spiffe://example.org/ns/a'],
        ip: ['192.0.2.1', '2001:db8::1', '::ffff:192.0.2.9'] } });
    certificates.push({ name, pem: cert.pem });
  }
  const rsa = await pki.issueClient({ subject: 'CN=rsa,O=example', keyAlgorithm: 'RSA-2048', serialNumber: '00FF00A5B1',
    eku: ['clientAuth', '1.3.6.1.4.1.55555.9'], notBefore: NOT_BEFORE, notAfter: NOT_AFTER, issuer: 'root' });
  certificates.push({ name: 'rsa-root-issued', pem: rsa.pem });
  const noSan = await pki.issueClient({ subject: 'CN=nosan', eku: false, serialNumber: '01', notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
  certificates.push({ name: 'no-san-no-eku', pem: noSan.pem });
  const leaf = await pki.issueClient({ subject: 'CN=chained,OU=ops', notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
  return {
    certificates,
    chains: [
      { name: 'leaf+intermediate', pems: [leaf.pem, ...leaf.chain] },
      { name: 'leaf+intermediate+root', pems: [leaf.pem, ...leaf.chain, pki.root.pem] },
    ],
    trustStore: pki.trustStorePem,
    // Inside every validity period: the CAs live ten years from their creation.
    now: Math.floor(Date.now() / 1000) * 1000 + 86_400_000,
  };
}
