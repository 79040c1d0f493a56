/**
 * Decoders for the certificate extensions path validation reads (RFC 5280 4.2.1). Each takes the
 * extension's extnValue content and throws `DerError` on anything that is not the RFC 5280 syntax.
 * @module
 */
import { DerError, TAG, checkInteger, children, content, decodeBoolean, decodeOid, readTlv } from './der.js';
import { readWhole } from './x509.js';

/** Extension OIDs this library processes or knows. */
export const OID = {
  SKI: '2.5.29.14',
  KEY_USAGE: '2.5.29.15',
  SAN: '2.5.29.17',
  IAN: '2.5.29.18',
  BASIC_CONSTRAINTS: '2.5.29.19',
  NAME_CONSTRAINTS: '2.5.29.30',
  CRL_DP: '2.5.29.31',
  POLICIES: '2.5.29.32',
  POLICY_MAPPINGS: '2.5.29.33',
  AKI: '2.5.29.35',
  POLICY_CONSTRAINTS: '2.5.29.36',
  EKU: '2.5.29.37',
  FRESHEST_CRL: '2.5.29.46',
  INHIBIT_ANY_POLICY: '2.5.29.54',
  SUBJECT_DIRECTORY_ATTRIBUTES: '2.5.29.9',
  AIA: '1.3.6.1.5.5.7.1.1',
  SIA: '1.3.6.1.5.5.7.1.11',
  SCT_LIST: '1.3.6.1.4.1.11129.2.4.2',
  NETSCAPE_CERT_TYPE: '2.16.840.1.113730.1.1',
} as const;

/** keyUsage bits (RFC 5280 4.2.1.3), as masks of {@link decodeKeyUsage}'s result. */
export const KU = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
  encipherOnly: 1 << 7,
  decipherOnly: 1 << 8,
} as const;

/** A keyUsage bit name. */
export type KeyUsageName = keyof typeof KU;

/** Small non-negative INTEGER content (pathLenConstraint, SkipCerts). */
export function smallUnsigned(bytes: Uint8Array): number {
  checkInteger(bytes);
  if ((bytes[0]! & 0x80) !== 0) throw new DerError('negative value where 0..MAX is required');
  if (bytes.length > 4) return Number.MAX_SAFE_INTEGER; // larger than any path we will ever build
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** basicConstraints (4.2.1.9): `cA` (DEFAULT FALSE) and the optional pathLenConstraint. */
export function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | undefined } {
  const seq = readWhole(value, TAG.SEQUENCE);
  const parts = children(value, seq);
  let index = 0;
  let ca = false;
  if (parts[0]?.tag === TAG.BOOLEAN) {
    ca = decodeBoolean(content(value, parts[0]));
    index = 1;
  }
  let pathLen: number | undefined;
  const next = parts[index];
  if (next !== undefined) {
    if (next.tag !== TAG.INTEGER) throw new DerError('bad pathLenConstraint');
    pathLen = smallUnsigned(content(value, next));
    index++;
  }
  if (index !== parts.length) throw new DerError('trailing data in basicConstraints');
  return { ca, pathLen };
}

/** keyUsage (4.2.1.3) as a bit mask (bit 0 = digitalSignature). */
export function decodeKeyUsage(value: Uint8Array): number {
  const bits = content(value, readWhole(value, TAG.BIT_STRING));
  const unused = bits[0];
  if (unused === undefined || unused > 7 || (bits.length === 1 && unused !== 0)) throw new DerError('bad keyUsage');
  let mask = 0;
  for (let i = 0; i < (bits.length - 1) * 8 - unused && i < 16; i++) {
    if (bits[1 + (i >> 3)]! & (0x80 >> (i & 7))) mask |= 1 << i;
  }
  return mask;
}

/** subjectKeyIdentifier (4.2.1.2): the key identifier octets. */
export function decodeSubjectKeyId(value: Uint8Array): Uint8Array {
  return content(value, readWhole(value, TAG.OCTET_STRING));
}

/** authorityKeyIdentifier (4.2.1.1): the `[0] keyIdentifier`, when present. */
export function decodeAuthorityKeyId(value: Uint8Array): { keyId: Uint8Array | undefined } {
  const seq = readWhole(value, TAG.SEQUENCE);
  let keyId: Uint8Array | undefined;
  let last = -1;
  for (const part of children(value, seq)) {
    const number = part.tag & 0x1f;
    if ((part.tag & 0xc0) !== 0x80 || number > 2 || number <= last) throw new DerError('bad authorityKeyIdentifier');
    last = number;
    if (part.tag === 0x80) keyId = content(value, part);
  }
  return { keyId };
}

/** policyConstraints (4.2.1.11); RFC 5280 forbids the empty sequence. */
export function decodePolicyConstraints(value: Uint8Array): { requireExplicitPolicy: number | undefined } {
  const seq = readWhole(value, TAG.SEQUENCE);
  const parts = children(value, seq);
  let requireExplicitPolicy: number | undefined;
  let last = 0x7f;
  if (parts.length === 0) throw new DerError('empty policyConstraints');
  for (const part of parts) {
    if ((part.tag !== 0x80 && part.tag !== 0x81) || part.tag <= last) throw new DerError('bad policyConstraints');
    last = part.tag;
    const n = smallUnsigned(content(value, part));
    if (part.tag === 0x80) requireExplicitPolicy = n;
  }
  return { requireExplicitPolicy };
}

const ANY_POLICY = '2.5.29.32.0';

/** certificatePolicies (4.2.1.4): the policy OIDs, which must not repeat. */
export function decodePolicies(value: Uint8Array): string[] {
  const seq = readWhole(value, TAG.SEQUENCE);
  const oids = children(value, seq).map((info) => {
    const first = info.tag === TAG.SEQUENCE ? readTlv(value, info.contentStart, info.end) : undefined;
    if (first?.tag !== TAG.OID) throw new DerError('bad PolicyInformation');
    return decodeOid(content(value, first));
  });
  if (oids.length === 0 || new Set(oids).size !== oids.length) throw new DerError('empty or repeated certificatePolicies');
  return oids;
}

/** policyMappings (4.2.1.5): checks the syntax and that anyPolicy is never mapped (6.1.4 (a)). */
export function checkPolicyMappings(value: Uint8Array): void {
  const seq = readWhole(value, TAG.SEQUENCE);
  const maps = children(value, seq);
  if (maps.length === 0) throw new DerError('empty policyMappings');
  for (const map of maps) {
    const pair = map.tag === TAG.SEQUENCE ? children(value, map) : [];
    if (pair.length !== 2 || pair.some((t) => t.tag !== TAG.OID)) throw new DerError('bad policyMappings');
    if (pair.some((t) => decodeOid(content(value, t)) === ANY_POLICY)) throw new DerError('anyPolicy in policyMappings');
  }
}

/** inhibitAnyPolicy (4.2.1.14): SkipCerts. */
export function decodeInhibitAnyPolicy(value: Uint8Array): number {
  return smallUnsigned(content(value, readWhole(value, TAG.INTEGER)));
}
