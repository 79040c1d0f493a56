/**
 * The X.509 extensions of test certificates, DER-encoded: what a CA (`openssl req -x509` with `v3_ca`)
 * and a client certificate (`usr_cert` with clientAuth) normally carry.
 * @module
 */
import { ipBytes, oid, tlv } from './pki-der.js';
import type { EncodedExtension } from './pki-sign.js';

/** Subject alternative names to put in a certificate. */
export interface SanInput {
  readonly dns?: readonly string[];
  readonly email?: readonly string[];
  readonly uri?: readonly string[];
  /** IPv4 or IPv6 text. */
  readonly ip?: readonly string[];
}

/** Names for common extended key usages; anything else must be a dotted OID. */
export const EKU_OIDS: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
};

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

const OCTETS = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/** basicConstraints: `cA TRUE` (+ pathLenConstraint) for a CA, the empty SEQUENCE for an end entity. */
export function basicConstraints(ca: boolean, pathLen?: number): EncodedExtension {
  const parts = ca ? [tlv(0x01, Uint8Array.of(0xff))] : [];
  if (ca && pathLen !== undefined) parts.push(tlv(0x02, Uint8Array.of(pathLen)));
  return { oid: '2.5.29.19', critical: ca, value: tlv(0x30, ...parts) };
}

/** keyUsage with the given bits set, critical, as a minimal DER BIT STRING. */
export function keyUsage(bits: readonly number[]): EncodedExtension {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (highest & 7); // DER drops trailing zero bits
  return { oid: '2.5.29.15', critical: true, value: tlv(0x03, Uint8Array.of(unused), bytes) };
}

/** extKeyUsage from names (`clientAuth`) or dotted OIDs. */
export function extKeyUsage(usages: readonly string[]): EncodedExtension {
  if (usages.length === 0) throw new TypeError('createTestPki: eku must list at least one usage (or be false)');
  const oids = usages.map((u) => {
    const dotted = EKU_OIDS[u] ?? u;
    if (!/^\d+(\.\d+)+$/.test(dotted)) throw new TypeError(`createTestPki: unknown eku '${u}'`);
    return oid(dotted);
  });
  return { oid: '2.5.29.37', critical: false, value: tlv(0x30, ...oids) };
}

/** subjectAltName, or `undefined` when no name is given. */
export function subjectAltName(sans: SanInput | undefined): EncodedExtension | undefined {
  if (sans === undefined) return undefined;
  const names = [
    ...(sans.email ?? []).map((e) => tlv(0x81, ascii(e))),
    ...(sans.dns ?? []).map((d) => tlv(0x82, ascii(d))),
    ...(sans.uri ?? []).map((u) => tlv(0x86, ascii(u))),
    ...(sans.ip ?? []).map((ip) => tlv(0x87, ipBytes(ip))),
  ];
  if (names.length === 0) return undefined;
  return { oid: '2.5.29.17', critical: false, value: tlv(0x30, ...names) };
}

/** subjectKeyIdentifier. */
export function subjectKeyIdentifier(keyId: Uint8Array): EncodedExtension {
  return { oid: '2.5.29.14', critical: false, value: OCTETS(keyId) };
}

/** authorityKeyIdentifier with the keyIdentifier form only. */
export function authorityKeyIdentifier(keyId: Uint8Array): EncodedExtension {
  return { oid: '2.5.29.35', critical: false, value: tlv(0x30, tlv(0x80, keyId)) };
}

/** cRLNumber. */
export function crlNumber(number: Uint8Array): EncodedExtension {
  return { oid: '2.5.29.20', critical: false, value: tlv(0x02, number) };
}
