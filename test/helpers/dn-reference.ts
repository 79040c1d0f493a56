/**
 * An independent reading of certificate names with pkijs and asn1js, the reference parseDN and nameFromDer are
 * compared with. pkijs flattens multi-valued RDNs, so the Name is walked here, SET by SET.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { displayName } from '../../src/core/der/oid-names.js';
import type { DistinguishedName } from '../../src/core/types.js';

/** An attribute as compared: OID, value, and whether the value is `#` + hex. */
export interface PlainAttribute {
  readonly oid: string;
  readonly value: string;
  readonly binary: boolean;
}

// The universal tags OpenSSL's printer shows as text (a_strex.c `tag2nbyte`): UTF8String, NumericString,
// PrintableString, T61String, IA5String, UTCTime, GeneralizedTime, VisibleString, UniversalString, BMPString.
const OPENSSL_TEXT_TAGS = new Set([12, 18, 19, 20, 22, 23, 24, 26, 28, 30]);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

function plainValue(oid: string, block: asn1js.AsnType): { value: string; binary: boolean } {
  const id = block.idBlock;
  // OpenSSL dumps every value of an OID it has no name for (XN_FLAG_DUMP_UNKNOWN_FIELDS).
  const knownType = displayName(oid) !== oid;
  const text = (block as { valueBlock?: { value?: unknown } }).valueBlock?.value;
  if (knownType && id.tagClass === 1 && !id.isConstructed && OPENSSL_TEXT_TAGS.has(id.tagNumber) && typeof text === 'string') {
    return { value: text, binary: false };
  }
  return { value: '#' + hex(block.valueBeforeDecodeView), binary: true };
}

/** Dotted form of an OID element; asn1js prints arcs past 2^53 (UUID OIDs under 2.25) as `{hex}`, so not used. */
function dottedOid(block: asn1js.AsnType): string {
  const view = block.valueBeforeDecodeView;
  if (view[1]! >= 0x80) throw new Error('long OID: not needed by these tests');
  const bytes = view.subarray(2);
  const arcs: bigint[] = [];
  let arc = 0n;
  for (const byte of bytes) {
    arc = (arc << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  const first = arcs[0]!;
  const top = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [top, first - top * 40n, ...arcs.slice(1)].join('.');
}

/** The RDNs of a DER Name in OpenSSL's print order: RDNs and the members of each SET both reversed. */
function walkName(nameDer: ArrayBuffer): PlainAttribute[][] {
  const parsed = asn1js.fromBER(nameDer);
  if (parsed.offset === -1) throw new Error('asn1js could not read the Name');
  const sets = (parsed.result as asn1js.Sequence).valueBlock.value;
  return sets.map((set) => (set as asn1js.Set).valueBlock.value.map((pair) => {
    const [type, value] = (pair as asn1js.Sequence).valueBlock.value;
    const oid = dottedOid(type!);
    return { oid, ...plainValue(oid, value!) };
  }).reverse()).reverse();
}

/** Subject and issuer of a certificate, read by pkijs/asn1js. */
export function referenceNames(der: Uint8Array): { subject: PlainAttribute[][]; issuer: PlainAttribute[][] } {
  const cert = pkijs.Certificate.fromBER(der);
  return { subject: walkName(cert.subject.valueBeforeDecode), issuer: walkName(cert.issuer.valueBeforeDecode) };
}

/** The comparable content of a parsed DN. */
export function plainRdns(dn: DistinguishedName): PlainAttribute[][] {
  return dn.rdns.map((rdn) => rdn.map((a) => ({ oid: a.oid, value: a.value, binary: a.binary === true })));
}
