/**
 * Test fakes: `ClientCertificate` objects built from plain fields (DNs as RFC 4514 strings, parsed by the
 * library's `parseDN`), for unit tests of matchers that do not need a real certificate. HTTP tests go through
 * `albMtls()` with real certificates instead.
 */
import { parseDN } from '../../../src/core/dn/dn.js';
import type { ClientCertificate, DistinguishedName, SubjectAltNames } from '../../../src/core/types.js';

/** Fields of {@link fakeCert}; DNs as strings in ALB's (OpenSSL RFC 2253) form, or ready `DistinguishedName`s. */
export interface FakeCertFields {
  subject?: string | DistinguishedName;
  issuer?: string | DistinguishedName;
  serialNumber?: string;
  fingerprint256?: string;
  san?: Partial<SubjectAltNames>;
}

const toDN = (dn: string | DistinguishedName): DistinguishedName => (typeof dn === 'string' ? parseDN(dn) : dn);

/** A fixed, valid-looking SHA-256 fingerprint. */
export const FAKE_FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');

/** A frozen `ClientCertificate` with the given fields and harmless defaults for the rest. */
export function fakeCert(fields: FakeCertFields = {}): ClientCertificate {
  const subject = toDN(fields.subject ?? 'CN=clientA,OU=example.org.unit,O=example.org');
  return Object.freeze({
    subject,
    issuer: toDN(fields.issuer ?? 'CN=Test Root CA,O=example.org'),
    serialNumber: fields.serialNumber ?? '6DD0CF55AA5313FCC73D477D553C34174808B8BE',
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    commonName: subject.get('CN'),
    subjectAltNames: { dns: [], email: [], uri: [], ip: [], ...fields.san },
    extKeyUsage: undefined,
    fingerprint256: fields.fingerprint256 ?? FAKE_FINGERPRINT,
    source: 'alb',
    complete: true,
    pem: '',
    raw: new Uint8Array(),
    chain: [],
    verifiedBy: 'alb',
  });
}
