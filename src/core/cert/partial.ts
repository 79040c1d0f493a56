/**
 * `PartialClientCertificate` objects: what a front door said of a certificate it did not forward.
 * @module
 */
import { createDN } from '../dn/dn.js';
import type { DistinguishedName, PartialClientCertificate, SourceName, VerifiedBy } from '../types.js';

/** The fields a front door sent. */
export interface PartialFields {
  readonly subject: DistinguishedName | undefined;
  readonly issuer: DistinguishedName | undefined;
  /** SHA-256 of the certificate, hex in any case. */
  readonly sha256Hex: string | undefined;
  /** `undefined` when the front door did not say (matchers reading them then refuse the certificate). */
  readonly dns: readonly string[] | undefined;
  readonly uri: readonly string[] | undefined;
  readonly from: SourceName;
  readonly verifiedBy: VerifiedBy;
}

const EMPTY_DN = createDN([]);
const NONE: readonly string[] = Object.freeze([]);

/** A frozen partial certificate. */
export function createPartialCertificate(fields: PartialFields): PartialClientCertificate {
  const subject = fields.subject ?? EMPTY_DN;
  const unknown: Array<'dns' | 'uri' | 'email' | 'ip'> = ['email', 'ip'];
  if (fields.dns === undefined) unknown.push('dns');
  if (fields.uri === undefined) unknown.push('uri');
  return Object.freeze({
    complete: false, source: fields.from, verifiedBy: fields.verifiedBy,
    subject, issuer: fields.issuer, commonName: subject.get('CN'),
    fingerprint256: fields.sha256Hex?.toUpperCase().replace(/(..)(?!$)/g, '$1:'),
    subjectAltNames: Object.freeze({ dns: Object.freeze([...fields.dns ?? []]), uri: Object.freeze([...fields.uri ?? []]), email: NONE, ip: NONE }),
    serialNumber: undefined, notBefore: undefined, notAfter: undefined, extKeyUsage: undefined, pem: undefined, raw: undefined,
    unknownSanKinds: Object.freeze(unknown), chain: NONE,
  });
}
