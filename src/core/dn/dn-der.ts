/**
 * DER `Name` -> {@link DistinguishedName}, exactly as OpenSSL prints it, with the strict offset-only reader of
 * der.ts (no asn1js: this runs for every certificate the cache has not seen).
 * @module
 */
import { DerError, TAG, decodeDirectoryString, decodeOid, readTlv, toHex, type Tlv } from '../der/der.js';
import { nameFromFrozenRdns } from './dn-name.js';
import { attributeByOid } from '../der/oid-names.js';
import type { DistinguishedName, Rdn, RdnAttribute } from '../types.js';

interface OidInfo {
  readonly oid: string;
  /** OpenSSL's name, or the dotted OID when OpenSSL does not know it. */
  readonly type: string;
  readonly known: boolean;
}

// Decoded attribute-type OIDs by their content bytes packed into a number (OIDs of up to 6 bytes: every
// X.500 and PKCS #9 attribute). Bounded: certificates from the network could carry any number of OIDs.
const oidCache = new Map<number, OidInfo>();
const OID_CACHE_MAX = 512;

function oidInfo(der: Uint8Array, tlv: Tlv): OidInfo {
  const length = tlv.end - tlv.contentStart;
  let key = length;
  if (length <= 6) {
    for (let i = tlv.contentStart; i < tlv.end; i++) key = key * 256 + der[i]!;
    const cached = oidCache.get(key);
    if (cached !== undefined) return cached;
  }
  const oid = decodeOid(der.subarray(tlv.contentStart, tlv.end));
  const type = attributeByOid(oid).type;
  const info: OidInfo = type === undefined ? { oid, type: oid, known: false } : { oid, type, known: true };
  if (length <= 6) {
    if (oidCache.size >= OID_CACHE_MAX) oidCache.clear();
    oidCache.set(key, info);
  }
  return info;
}

// String types whose ASCII content is the text itself (UTF8String and the one-byte types of der.ts).
const ASCII_COMPATIBLE = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a]);

/**
 * The value of a string of a known type: pure ASCII (nearly every real name) without a Buffer round trip,
 * anything else through der.ts. `undefined` for a type OpenSSL prints as `#hex`.
 */
function decodeText(der: Uint8Array, value: Tlv): string | undefined {
  const bytes = der.subarray(value.contentStart, value.end);
  const ascii = ASCII_COMPATIBLE.has(value.tag) && bytes.length <= 256 ? asciiText(bytes) : undefined;
  return ascii ?? decodeDirectoryString(value.tag, bytes);
}

/** `bytes` as text when all are ASCII (short inputs only: each byte becomes an argument). */
function asciiText(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return undefined;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Reads one `SEQUENCE { type OID, value ANY }`. */
function readAttribute(der: Uint8Array, sequence: Tlv): RdnAttribute {
  if (sequence.tag !== TAG.SEQUENCE) throw new DerError('AttributeTypeAndValue is not a SEQUENCE');
  const oidTlv = readTlv(der, sequence.contentStart, sequence.end);
  if (oidTlv.tag !== TAG.OID) throw new DerError('attribute type is not an OBJECT IDENTIFIER');
  const valueTlv = readTlv(der, oidTlv.end, sequence.end);
  if (valueTlv.end !== sequence.end) throw new DerError('AttributeTypeAndValue has extra elements');
  const { oid, type, known } = oidInfo(der, oidTlv);
  // OpenSSL prints strings of known types as text; anything else, and every value of an unknown type, as
  // `#` + hex of the whole value element (XN_FLAG_DUMP_UNKNOWN_FIELDS, ASN1_STRFLGS_DUMP_UNKNOWN | DUMP_DER).
  const text = known ? decodeText(der, valueTlv) : undefined;
  const value = text ?? '#' + toHex(der.subarray(valueTlv.start, valueTlv.end));
  return Object.freeze({ type, oid, value, binary: text === undefined });
}

/** Reads one RDN (`SET OF AttributeTypeAndValue`) in OpenSSL's print order: the reverse of the DER order. */
function readRdn(der: Uint8Array, set: Tlv): Rdn {
  if (set.tag !== TAG.SET) throw new DerError('RDN is not a SET');
  if (set.contentStart === set.end) throw new DerError('empty RDN');
  const attributes: RdnAttribute[] = [];
  for (let offset = set.contentStart; offset < set.end;) {
    const sequence = readTlv(der, offset, set.end);
    attributes.push(readAttribute(der, sequence));
    offset = sequence.end;
  }
  return Object.freeze(attributes.reverse());
}

/**
 * Reads the DER `Name` element `tlv` of `der` (`SEQUENCE OF SET OF SEQUENCE { OID, ANY }`) into a
 * {@link DistinguishedName} in OpenSSL's order: `toString()` gives what `openssl x509 -nameopt RFC2253`
 * prints. OpenSSL walks the flattened entries backwards, so RDNs come most specific first and the attributes of
 * a multi-valued RDN come in reverse DER order too.
 * @throws DerError when the structure is not a valid DER Name.
 */
export function nameFromDer(der: Uint8Array, tlv: Tlv): DistinguishedName {
  if (tlv.tag !== TAG.SEQUENCE) throw new DerError('Name is not a SEQUENCE');
  const rdns: Rdn[] = [];
  for (let offset = tlv.contentStart; offset < tlv.end;) {
    const set = readTlv(der, offset, tlv.end);
    rdns.push(readRdn(der, set));
    offset = set.end;
  }
  return nameFromFrozenRdns(rdns.reverse());
}
