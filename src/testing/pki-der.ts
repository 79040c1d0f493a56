/**
 * DER encoding of the parts of a test certificate that pkijs does not encode the way we need: names
 * (pkijs puts every attribute of a Name into one multi-valued RDN and does not sort SET OF contents) and
 * extension values. A dozen lines of encoder beat fighting the object model.
 * @module
 */
import { isIP } from 'node:net';
import { parseDN } from '../core/dn/dn.js';
import { attributeByName } from '../core/der/oid-names.js';

/** How an attribute value is encoded: the ASN.1 string type. */
export type StringEncoding = 'utf8' | 'printable' | 'ia5' | 'bmp' | 'teletex';

/** One subject attribute for {@link encodeName}: type by short name, long name or dotted OID. */
export interface SubjectAttribute {
  readonly type: string;
  /** The text value; or, with `binary: true`, `#` + hex of the value's DER (as `DistinguishedName` holds it). */
  readonly value: string;
  /** String type. Default: PrintableString for C, serialNumber and dnQualifier, IA5String for emailAddress and DC, else UTF8String. */
  readonly encoding?: StringEncoding;
  readonly binary?: boolean;
}

/**
 * A subject: RFC 4514 text (`'CN=clientA,OU=ops'`), or RDNs in the same string order (most specific first),
 * each an attribute or an array of attributes (a multi-valued RDN).
 */
export type SubjectInput = string | ReadonlyArray<SubjectAttribute | ReadonlyArray<SubjectAttribute>>;

const STRING_TAGS: Record<StringEncoding, number> = { utf8: 0x0c, printable: 0x13, ia5: 0x16, bmp: 0x1e, teletex: 0x14 };
const PRINTABLE_OIDS = new Set(['2.5.4.6', '2.5.4.5', '2.5.4.46']);
const IA5_OIDS = new Set(['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25']);

/** A tag-length-value element. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const lengthBytes: number[] = [];
  if (length < 0x80) lengthBytes.push(length);
  else {
    for (let n = length; n > 0; n = Math.floor(n / 256)) lengthBytes.unshift(n & 0xff);
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  return Buffer.concat([Uint8Array.of(tag, ...lengthBytes), ...parts]);
}

/** OBJECT IDENTIFIER element for a dotted OID. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const first = arcs[0]! * 40n + arcs[1]!;
  const bytes: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) chunk.unshift(Number(rest & 0x7fn) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

function encodeString(value: string, encoding: StringEncoding): Uint8Array {
  if (encoding === 'bmp') {
    const out = Buffer.alloc(value.length * 2);
    for (let i = 0; i < value.length; i++) out.writeUInt16BE(value.charCodeAt(i), i * 2);
    return tlv(STRING_TAGS.bmp, out);
  }
  if (encoding === 'utf8') return tlv(STRING_TAGS.utf8, Buffer.from(value, 'utf8'));
  // The one-byte types: refuse what they cannot hold instead of writing mojibake.
  if (/[^\x00-\xff]/.test(value) || (encoding !== 'teletex' && /[^\x00-\x7f]/.test(value))) {
    throw new TypeError(`createTestPki: '${value}' cannot be encoded as ${encoding}`);
  }
  return tlv(STRING_TAGS[encoding], Buffer.from(value, 'latin1'));
}

function encodeAttribute(attribute: SubjectAttribute): Uint8Array {
  const known = attributeByName(attribute.type);
  if (known === undefined) throw new TypeError(`createTestPki: unknown attribute type '${attribute.type}'`);
  let value: Uint8Array;
  if (attribute.binary === true) {
    value = Buffer.from(attribute.value.replace(/^#/, ''), 'hex');
  } else {
    const fallback = PRINTABLE_OIDS.has(known.oid) ? 'printable' : IA5_OIDS.has(known.oid) ? 'ia5' : 'utf8';
    value = encodeString(attribute.value, attribute.encoding ?? fallback);
  }
  return tlv(0x30, oid(known.oid), value);
}

/** DER requires SET OF contents sorted by their encodings (X.690 11.6). */
function derSet(items: Uint8Array[]): Uint8Array {
  return tlv(0x31, ...[...items].sort((a, b) => Buffer.compare(a, b)));
}

/** The DER Name for `subject` (RDNs given in string order, written in reverse: DER order). */
export function encodeName(subject: SubjectInput): Uint8Array {
  const rdns: ReadonlyArray<ReadonlyArray<SubjectAttribute>> = typeof subject === 'string'
    ? parseDN(subject).rdns
    : subject.map((rdn) => (Array.isArray(rdn) ? rdn : [rdn as SubjectAttribute]));
  return tlv(0x30, ...rdns.map((rdn) => {
    if (rdn.length === 0) throw new TypeError('createTestPki: empty RDN in subject');
    return derSet(rdn.map(encodeAttribute));
  }).reverse());
}

/** The 4 or 16 octets of an IP address. */
export function ipBytes(text: string): Uint8Array {
  const kind = isIP(text);
  if (kind === 4) return Uint8Array.from(text.split('.').map(Number));
  if (kind !== 6) throw new TypeError(`createTestPki: '${text}' is not an IP address`);
  // An embedded dotted IPv4 (`::ffff:192.0.2.1`) is two more hex groups.
  const body = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head, rest] = body.split('::') as [string, string | undefined];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return Uint8Array.from(all.flatMap((g) => [g >> 8, g & 0xff]));
}
