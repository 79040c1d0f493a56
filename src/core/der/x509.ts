/**
 * DER certificate -> the fields this library needs, with the strict reader in `der.ts`.
 *
 * Why not `X509Certificate` or pkijs for this: node:crypto exposes no structured names (its `subject` is a
 * display string in another format) and pkijs spends about 0.6 ms building an object tree. Walking the
 * DER for a dozen fields costs a fraction of either; tests compare every field with both.
 * @module
 */
import { DerError, TAG, checkInteger, children, content, decodeBoolean, decodeOid, encoding, expectTlv,
  readTlv, toHex, type Tlv } from './der.js';
import { parseTime } from './der-time.js';

/** One certificate extension, value still encoded. */
export interface Extension {
  /** Dotted OID. */
  readonly oid: string;
  /** The critical flag. */
  readonly critical: boolean;
  /** Content of extnValue (the DER of the extension's own structure). */
  readonly value: Uint8Array;
}

/** The structure of a certificate, as offsets and small decoded values. */
export interface CertificateStructure {
  /** The whole certificate DER. */
  readonly der: Uint8Array;
  /** TBSCertificate element (the signed bytes are `encoding(der, tbs)`). */
  readonly tbs: Tlv;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Serial: uppercase hex as OpenSSL prints it (no `00` pad; `-` prefix when negative). */
  readonly serialNumber: string;
  /** OID of the outer signatureAlgorithm. */
  readonly signatureAlgorithm: string;
  /** Issuer Name element. */
  readonly issuer: Tlv;
  /** Subject Name element. */
  readonly subject: Tlv;
  /** notBefore. */
  readonly notBefore: Date;
  /** notAfter. */
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo element. */
  readonly spki: Tlv;
  /** Extensions in encoded order (empty for v1/v2). */
  readonly extensions: readonly Extension[];
}

/** OIDs of the extensions read here. */
export const EXT = {
  SUBJECT_ALT_NAME: '2.5.29.17',
  EXT_KEY_USAGE: '2.5.29.37',
} as const;

/** Longest serial number accepted, in content octets. */
export const MAX_SERIAL_BYTES = 64;

/** Formats an INTEGER's content octets the way OpenSSL prints a serial number. */
export function serialFromInteger(bytes: Uint8Array): string {
  checkInteger(bytes);
  // RFC 5280 allows 20 octets; real CAs exceed it a little. Far past that is an attack on parse time.
  if (bytes.length > MAX_SERIAL_BYTES) throw new DerError('serial number too long');
  if ((bytes[0]! & 0x80) === 0) return bytes.length > 1 && bytes[0] === 0 ? toHex(bytes.subarray(1)) : toHex(bytes);
  // Negative (RFC 5280 forbids it, real CAs did it): two's complement magnitude, as OpenSSL prints.
  const magnitude = (1n << BigInt(bytes.length * 8)) - BigInt('0x' + toHex(bytes));
  const hex = magnitude.toString(16).toUpperCase();
  return '-' + (hex.length % 2 ? '0' + hex : hex);
}

function readVersion(der: Uint8Array, fields: Tlv[]): { version: number; next: number } {
  const first = fields[0];
  if (first?.tag !== 0xa0) return { version: 1, next: 0 };
  const int = expectTlv(der, first.contentStart, first.end, TAG.INTEGER);
  const bytes = content(der, int);
  if (int.end !== first.end || bytes.length !== 1 || bytes[0]! > 2) throw new DerError('bad version');
  return { version: bytes[0]! + 1, next: 1 };
}

function readExtensions(der: Uint8Array, wrapper: Tlv | undefined): Extension[] {
  if (wrapper === undefined) return [];
  if (wrapper.tag !== 0xa3) throw new DerError('unexpected element after subjectPublicKeyInfo');
  const list = expectTlv(der, wrapper.contentStart, wrapper.end, TAG.SEQUENCE);
  if (list.end !== wrapper.end) throw new DerError('trailing data after extensions');
  const out: Extension[] = [];
  const seen = new Set<string>();
  for (const ext of children(der, list)) {
    if (ext.tag !== TAG.SEQUENCE) throw new DerError('extension is not a SEQUENCE');
    const parts = children(der, ext);
    const oid = decodeOid(content(der, parts[0]?.tag === TAG.OID ? parts[0] : fail('extension OID')));
    let index = 1;
    let critical = false;
    if (parts[1]?.tag === TAG.BOOLEAN) {
      critical = decodeBoolean(content(der, parts[1]));
      if (!critical) throw new DerError('DER forbids an explicit critical FALSE');
      index = 2;
    }
    const value = parts[index];
    if (value?.tag !== TAG.OCTET_STRING || parts.length !== index + 1) throw new DerError('bad extension');
    if (seen.has(oid)) throw new DerError(`duplicate extension ${oid}`);
    seen.add(oid);
    out.push({ oid, critical, value: content(der, value) });
  }
  if (out.length === 0) throw new DerError('empty extensions');
  return out;
}

function fail(what: string): never {
  throw new DerError(`missing or bad ${what}`);
}

function algorithmOid(der: Uint8Array, alg: Tlv | undefined): string {
  if (alg?.tag !== TAG.SEQUENCE) fail('AlgorithmIdentifier');
  return decodeOid(content(der, expectTlv(der, alg.contentStart, alg.end, TAG.OID)));
}

/** Parses a DER certificate's structure. Throws `DerError` on anything that is not a DER certificate. */
export function parseCertificateStructure(der: Uint8Array): CertificateStructure {
  const cert = expectTlv(der, 0, der.length, TAG.SEQUENCE);
  if (cert.end !== der.length) throw new DerError('trailing data after certificate');
  const [tbs, outerAlg, signature, ...extra] = children(der, cert);
  if (tbs?.tag !== TAG.SEQUENCE || signature?.tag !== TAG.BIT_STRING || extra.length) fail('Certificate');
  const fields = children(der, tbs);
  const { version, next } = readVersion(der, fields);
  const [serial, innerAlg, issuer, validity, subject, spki, ...rest] = fields.slice(next);
  if (serial?.tag !== TAG.INTEGER) fail('serialNumber');
  const signatureAlgorithm = algorithmOid(der, outerAlg);
  // RFC 5280 4.1.1.2: the two algorithm fields must be identical.
  if (!innerAlg || !sameBytes(encoding(der, innerAlg), encoding(der, outerAlg!))) fail('matching signature algorithms');
  if (issuer?.tag !== TAG.SEQUENCE || subject?.tag !== TAG.SEQUENCE || spki?.tag !== TAG.SEQUENCE) fail('names');
  if (validity?.tag !== TAG.SEQUENCE) fail('validity');
  const [notBefore, notAfter, ...more] = children(der, validity);
  if (!notBefore || !notAfter || more.length) fail('validity');
  const optional = rest.filter((t) => t.tag !== 0x81 && t.tag !== 0x82);
  if (optional.length > 1) throw new DerError('unexpected TBSCertificate fields');
  return {
    der, tbs, version, issuer, subject, spki, signatureAlgorithm,
    serialNumber: serialFromInteger(content(der, serial)),
    notBefore: parseTime(der, notBefore),
    notAfter: parseTime(der, notAfter),
    extensions: readExtensions(der, optional[0]),
  };
}

/** Byte equality of two views. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The extension with `oid`, if present. */
export function findExtension(cert: CertificateStructure, oid: string): Extension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}

/** Reads the single element that fills `bytes` (an extension value), checking nothing trails it. */
export function readWhole(bytes: Uint8Array, tag: number): Tlv {
  const tlv = readTlv(bytes, 0, bytes.length);
  if (tlv.tag !== tag || tlv.end !== bytes.length) throw new DerError('bad extension value');
  return tlv;
}
