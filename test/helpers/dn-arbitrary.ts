/**
 * fast-check arbitraries for distinguished names. The type table is written out here (from OpenSSL's
 * obj_mac.h) rather than read from src/core/der/oid-names.ts, so the property compares our parser with an
 * independent expectation.
 */
import fc from 'fast-check';

/** An attribute as the property expects it back from `parseDN`. */
export interface ExpectedAttribute {
  readonly type: string;
  readonly oid: string;
  readonly value: string;
  readonly binary: boolean;
}

/** OpenSSL short (or long, when it has no short) names and their OIDs. */
export const KNOWN_TYPES: ReadonlyArray<readonly [string, string]> = [
  ['CN', '2.5.4.3'], ['SN', '2.5.4.4'], ['serialNumber', '2.5.4.5'], ['C', '2.5.4.6'], ['L', '2.5.4.7'],
  ['ST', '2.5.4.8'], ['street', '2.5.4.9'], ['O', '2.5.4.10'], ['OU', '2.5.4.11'], ['title', '2.5.4.12'],
  ['postalCode', '2.5.4.17'], ['GN', '2.5.4.42'], ['initials', '2.5.4.43'], ['dnQualifier', '2.5.4.46'],
  ['pseudonym', '2.5.4.65'], ['organizationIdentifier', '2.5.4.97'], ['emailAddress', '1.2.840.113549.1.9.1'],
  ['DC', '0.9.2342.19200300.100.1.25'], ['UID', '0.9.2342.19200300.100.1.1'],
];

/** The characters RFC 4514 and OpenSSL treat specially, plus awkward neighbours. */
const SPECIALS = [',', '+', '"', '\\', '<', '>', ';', '=', '#', ' ', ' ', 'a', 'Z', '0', '\u0000', '\n', '\u007f',
  '\u00e9', '\u00a0', '\u2028', '\ufeff', '\u{1F600}', '\u{10FFFF}', '%', '/'];

/** Any well-formed Unicode text (astral included), or text dense in special characters and spaces. */
export const textValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: fc.constantFrom(...SPECIALS), maxLength: 16 }),
  fc.tuple(fc.constantFrom(' ', '  ', '#', '# ', ''), fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.constantFrom(' ', '  ', '\\', '')).map(([a, b, c]) => a + b + c),
);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** DER length octets (minimal, as `parseDN` requires of a `#hex` value). */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return [0x80 | out.length, ...out];
}

function element(tags: readonly number[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...tags), fc.uint8Array({ maxLength: 300 }))
    .map(([tag, body]) => '#' + hex(Uint8Array.from([tag, ...derLength(body.length), ...body])));
}

/**
 * `#` + uppercase hex of one BER element whose tag is not a directory string (so it stays binary). Its
 * content is random: a string DN may carry any bytes.
 */
export const binaryValue: fc.Arbitrary<string> = element([0x04, 0x02, 0x03, 0x30, 0x80]);

/**
 * A non-string value OpenSSL accepts inside a certificate's Name (its ASN1_PRINTABLE mask: BIT STRING or a
 * SEQUENCE of valid BER; an OCTET STRING or INTEGER makes it refuse the whole certificate).
 */
export const certificateBinaryValue: fc.Arbitrary<string> = fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 200 }))
  .map(([bitString, body]) => {
    const octets = [0x04, ...derLength(body.length), ...body];
    const value = bitString ? [0x03, ...derLength(body.length + 1), 0x00, ...body] : [0x30, ...derLength(octets.length), ...octets];
    return '#' + hex(Uint8Array.from(value));
  });

/** A dotted OID under a private arc OpenSSL cannot know. */
export const unknownOid: fc.Arbitrary<string> = fc.array(fc.nat({ max: 2 ** 31 }), { minLength: 1, maxLength: 4 })
  .map((arcs) => ['1.3.6.1.4.1.55555', ...arcs].join('.'));

/** One attribute: a known type with a text or non-string value, or an unknown OID with any value. */
export const attribute: fc.Arbitrary<ExpectedAttribute> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_TYPES), textValue)
    .map(([[type, oid], value]) => ({ type, oid, value, binary: false })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_TYPES), binaryValue)
    .map(([[type, oid], value]) => ({ type, oid, value, binary: true })) },
  { weight: 1, arbitrary: fc.tuple(unknownOid, textValue).map(([oid, value]) => ({ type: oid, oid, value, binary: false })) },
  { weight: 1, arbitrary: fc.tuple(unknownOid, binaryValue).map(([oid, value]) => ({ type: oid, oid, value, binary: true })) },
);

/** An RDN list: one to three attributes per RDN (multi-valued RDNs), up to eight RDNs. */
export const rdnList: fc.Arbitrary<ExpectedAttribute[][]> = fc.array(
  fc.array(attribute, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 },
);

/** The plain shape of parsed RDNs, for a structural `deepEqual`. */
export function plainRdns(rdns: ReadonlyArray<ReadonlyArray<{ type: string; oid: string; value: string; binary?: boolean }>>):
  ExpectedAttribute[][] {
  return rdns.map((rdn) => rdn.map((a) => ({ type: a.type, oid: a.oid, value: a.value, binary: a.binary === true })));
}

const char = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max });

/** One DER string element: the tag and its content bytes, for any code unit the encoding can carry. */
const derString: fc.Arbitrary<number[]> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => [0x0c, ...Buffer.from(s, 'utf8')]),
  fc.array(char(0, 0xffff), { maxLength: 8 }).map((units) => [0x1e, ...units.flatMap((u) => [u >> 8, u & 0xff])]),
  fc.array(fc.oneof(char(0, 0x10ffff), char(0xd800, 0xdfff)), { maxLength: 6 })
    .map((cps) => [0x1c, ...cps.flatMap((c) => [c >>> 24, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff])]),
  fc.tuple(fc.constantFrom(0x13, 0x16), fc.array(char(0x20, 0x7e), { maxLength: 12 })).map(([tag, b]) => [tag, ...b]),
  fc.array(char(0, 0xff), { maxLength: 12 }).map((b) => [0x14, ...b]),
);

function tlvBytes(tag: number, body: readonly number[]): number[] {
  return [tag, ...derLength(body.length), ...body];
}

/** The DER of a Name: known attribute types, values in every directory-string encoding. */
export const derName: fc.Arbitrary<Uint8Array> = fc.array(
  fc.array(fc.tuple(fc.constantFrom(...KNOWN_TYPES), derString), { minLength: 1, maxLength: 3 }), { maxLength: 5 },
).map((rdns) => Uint8Array.from(tlvBytes(0x30, rdns.flatMap((rdn) => tlvBytes(0x31, rdn.flatMap(([[, oid], [tag, ...body]]) =>
  tlvBytes(0x30, [...oidElement(oid), ...tlvBytes(tag!, body)])))))));

function oidElement(dotted: string): number[] {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const chunk = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlvBytes(0x06, bytes);
}
