/**
 * A small, strict DER reader over a byte array, without copies.
 *
 * Why not asn1js here: `asn1js.fromBER` builds an object tree for the whole certificate (about 0.4 ms per
 * leaf, measured), while the request path needs a handful of fields. This reader walks offsets only, accepts
 * DER alone (definite, minimal lengths; low tag numbers) and is differential-tested against pkijs and
 * node:crypto on every test certificate.
 * @module
 */
import { isUtf8 } from 'node:buffer';

/** Thrown for input that is not valid DER; the callers turn it into an `MtlsError`. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** One tag-length-value element, as offsets into its buffer. */
export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

/** Universal tags used by X.509. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

/** Reads the element starting at `offset`; it must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let pos = offset + 1;
  let length = buf[pos++]!;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('length too large');
    if (pos + count > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
    if (length < 0x80 || buf[pos - count] === 0) throw new DerError('length not minimally encoded');
  }
  const end = pos + length;
  if (end > limit) throw new DerError('element overruns its container');
  return { tag, start: offset, contentStart: pos, end };
}

/** Reads `tlv` and checks that its identifier octet is `tag`. */
export function expectTlv(buf: Uint8Array, offset: number, limit: number, tag: number): Tlv {
  const tlv = readTlv(buf, offset, limit);
  if (tlv.tag !== tag) throw new DerError(`expected tag 0x${hex2(tag)}, found 0x${hex2(tlv.tag)}`);
  return tlv;
}

/** The elements inside a constructed element, in order; they must fill it exactly. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) throw new DerError('primitive element has no children');
  const out: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(buf, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The content octets of `tlv` (a view, not a copy). */
export function content(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.contentStart, tlv.end);
}

/** The whole encoding of `tlv`, identifier and length included (a view). */
export function encoding(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

/** Longest OID content accepted, in bytes. */
export const MAX_OID_BYTES = 64;

/** Decodes OBJECT IDENTIFIER content octets to dotted form. */
export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new DerError('empty OID');
  // Bounded: BigInt arithmetic per byte would make one huge arc quadratic. Real OIDs (UUID arcs
  // under 2.25 included) stay far below this.
  if (bytes.length > MAX_OID_BYTES) throw new DerError('OID too long');
  const arcs: Array<number | bigint> = [];
  let arc: number | bigint = 0;
  let fresh = true;
  for (const b of bytes) {
    if (fresh && b === 0x80) throw new DerError('OID arc not minimally encoded');
    fresh = false;
    // Numbers while exact, BigInt past 2^45 (UUID-based arcs under 2.25 reach 128 bits).
    arc = typeof arc === 'number' && arc < 2 ** 45 ? arc * 128 + (b & 0x7f) : BigInt(arc) * 128n + BigInt(b & 0x7f);
    if (b & 0x80) continue;
    arcs.push(arc);
    arc = 0;
    fresh = true;
  }
  if (!fresh) throw new DerError('truncated OID');
  const first = arcs[0]!;
  const top = first < 40 ? 0 : first < 80 ? 1 : 2;
  const second = typeof first === 'bigint' ? first - BigInt(top * 40) : first - top * 40;
  return [top, second, ...arcs.slice(1)].join('.');
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function hex2(byte: number): string {
  return HEX[byte & 0xff]!;
}

/** Uppercase hex of `bytes`, no separators. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

/** Decodes a BOOLEAN's content (DER: exactly 0x00 or 0xFF). */
export function decodeBoolean(bytes: Uint8Array): boolean {
  if (bytes.length !== 1 || (bytes[0] !== 0 && bytes[0] !== 0xff)) throw new DerError('bad BOOLEAN');
  return bytes[0] === 0xff;
}

/** Checks an INTEGER's content octets are minimal DER (no redundant leading 00 or FF). */
export function checkInteger(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new DerError('empty INTEGER');
  if (bytes.length > 1) {
    const a = bytes[0]!;
    const b = bytes[1]!;
    if ((a === 0 && (b & 0x80) === 0) || (a === 0xff && (b & 0x80) !== 0)) {
      throw new DerError('INTEGER not minimally encoded');
    }
  }
}

/**
 * BMPString (UCS-2, `unit` 2) or UniversalString (UCS-4, `unit` 4). Surrogate code points are refused in
 * both: UCS-2 has no surrogate pairs, and OpenSSL would print them as bytes that are not UTF-8, so such a
 * value could never reach us intact through a header.
 */
function decodeWide(bytes: Uint8Array, unit: 2 | 4): string {
  if (bytes.length % unit !== 0) throw new DerError('bad wide string length');
  let out = '';
  for (let i = 0; i < bytes.length; i += unit) {
    const code = unit === 2
      ? (bytes[i]! << 8) | bytes[i + 1]!
      : ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new DerError('bad character in wide string');
    out += String.fromCodePoint(code);
  }
  return out;
}

/**
 * Decodes a directory string the way OpenSSL's RFC 2253 printer reads it: UTF8String as UTF-8, BMPString
 * as UTF-16BE, UniversalString as UTF-32BE, and the one-byte types (Printable, IA5, T61, Numeric, Visible,
 * UTCTime, GeneralizedTime, ISO646) byte for byte as Latin-1. Returns `undefined` for any other tag: OpenSSL
 * prints those as `#` + hex of the DER.
 */
export function decodeDirectoryString(tag: number, bytes: Uint8Array): string | undefined {
  switch (tag) {
    case 0x0c:
      if (!isUtf8(bytes)) throw new DerError('invalid UTF-8 in UTF8String');
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    case 0x12: case 0x13: case 0x14: case 0x16: case 0x17: case 0x18: case 0x1a:
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    case 0x1e:
      return decodeWide(bytes, 2);
    case 0x1c:
      return decodeWide(bytes, 4);
    default:
      return undefined;
  }
}
