/**
 * fast-check arbitraries for whole client certificates (subject, SANs, serial, dates) and what a correct
 * decoder must report for them, computed here from the generated values, never from our decoder's output.
 */
import fc from 'fast-check';
import type { IssueOptions, SubjectAttribute } from '../../src/testing/index.js';
import { KNOWN_TYPES, certificateBinaryValue, textValue, unknownOid, type ExpectedAttribute } from './dn-arbitrary.js';

/** A generated certificate request and the fields a decoder must report. */
export interface CertCase {
  readonly issue: IssueOptions;
  /** Subject RDNs in string order, as OpenSSL prints them (unknown types as `#` + hex). */
  readonly subject: ExpectedAttribute[][];
  readonly serialNumber: string;
  readonly sans: { dns: string[]; email: string[]; uri: string[]; ip: string[] };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

function derLength(length: number): string {
  if (length < 0x80) return hex(Uint8Array.of(length));
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return hex(Uint8Array.of(0x80 | out.length, ...out));
}

const pair = (input: SubjectAttribute, expected: ExpectedAttribute): [SubjectAttribute, ExpectedAttribute] => [input, expected];

/** One subject attribute: how to encode it, and how OpenSSL prints it back. */
const subjectAttribute = fc.oneof(
  fc.tuple(fc.constantFrom(...KNOWN_TYPES), textValue).map(([[type, oid], value]) =>
    pair({ type, value, encoding: 'utf8' }, { type, oid, value, binary: false })),
  fc.tuple(fc.constantFrom(...KNOWN_TYPES), certificateBinaryValue).map(([[type, oid], value]) =>
    pair({ type, value, binary: true }, { type, oid, value, binary: true })),
  // OpenSSL prints every value of a type it does not know as #hex of the whole element (here a UTF8String).
  fc.tuple(unknownOid, textValue).map(([oid, value]) => {
    const utf8 = Buffer.from(value, 'utf8');
    return pair({ type: oid, value, encoding: 'utf8' }, { type: oid, oid, value: `#0C${derLength(utf8.length)}${hex(utf8)}`, binary: true });
  }),
);

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 });

/** RFC 5952 text of eight groups, written independently of src/core/der/ip.ts (WHATWG URL serialises IPv6 per RFC 5952). */
export function canonicalIpv6(groups: readonly number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  return new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(1, -1);
}

const ipv6 = fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => ({ text: groups.map((g) => g.toString(16).padStart(4, '0')).join(':'), canonical: canonicalIpv6(groups) }));
const ipv4 = fc.ipV4().map((text) => ({ text, canonical: text }));

const sans = fc.record({
  dns: fc.array(printable, { maxLength: 3 }),
  email: fc.array(printable, { maxLength: 2 }),
  uri: fc.array(printable, { maxLength: 2 }),
  ip: fc.array(fc.oneof(ipv4, ipv6), { maxLength: 3 }),
});

/** Serial content octets: 1-20 bytes, then the value OpenSSL prints (uppercase hex, even length, no pad). */
const serial = fc.uint8Array({ minLength: 1, maxLength: 20 }).map((bytes) => {
  const value = BigInt('0x' + (hex(bytes) || '0'));
  let digits = value.toString(16).toUpperCase();
  if (digits.length % 2) digits = '0' + digits;
  return digits;
});

// Whole seconds from 1950 (UTCTime's first year) to 9999 (GeneralizedTime's last).
const date = fc.integer({ min: Date.UTC(1950, 0, 1) / 1000, max: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000 })
  .map((s) => new Date(s * 1000));

/** A certificate to issue, and what decoding it must give. */
export const certCase: fc.Arbitrary<CertCase> = fc.record({
  rdns: fc.array(fc.array(subjectAttribute, { minLength: 1, maxLength: 3 }), { maxLength: 6 }),
  sans,
  serial,
  dates: fc.tuple(date, date).map(([a, b]): [Date, Date] => (a <= b ? [a, b] : [b, a])),
}).map(({ rdns, sans: s, serial: serialNumber, dates: [notBefore, notAfter] }) => ({
  issue: {
    subject: rdns.map((rdn) => rdn.map(([input]) => input)),
    sans: { dns: s.dns, email: s.email, uri: s.uri, ip: s.ip.map((ip) => ip.text) },
    serialNumber, notBefore, notAfter,
  },
  subject: rdns.map((rdn) => rdn.map(([, expected]) => expected)),
  serialNumber,
  sans: { dns: s.dns, email: s.email, uri: s.uri, ip: s.ip.map((ip) => ip.canonical) },
}));
