/**
 * UTCTime and GeneralizedTime, strictly as RFC 5280 4.1.2.5 allows them in certificates and CRLs:
 * `YYMMDDHHMMSSZ` and `YYYYMMDDHHMMSSZ`, no fractions, no offsets.
 * @module
 */
import { DerError, TAG, content, type Tlv } from './der.js';

function digits(bytes: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) throw new DerError('non-digit in time');
    n = n * 10 + d;
  }
  return n;
}

/** Parses a Time element (UTCTime or GeneralizedTime) to a Date. */
export function parseTime(der: Uint8Array, tlv: Tlv): Date {
  const bytes = content(der, tlv);
  let year: number;
  let at: number;
  if (tlv.tag === TAG.UTC_TIME && bytes.length === 13) {
    const yy = digits(bytes, 0, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280: 50-99 -> 19xx
    at = 2;
  } else if (tlv.tag === TAG.GENERALIZED_TIME && bytes.length === 15) {
    year = digits(bytes, 0, 4);
    at = 4;
  } else {
    throw new DerError('bad time encoding');
  }
  if (bytes[bytes.length - 1] !== 0x5a) throw new DerError('time must end in Z');
  return utcDate(year, digits(bytes, at, 2), digits(bytes, at + 2, 2), digits(bytes, at + 4, 2),
    digits(bytes, at + 6, 2), digits(bytes, at + 8, 2));
}

/** A UTC Date from fields, refusing out-of-range ones (Date.UTC would roll them over). */
export function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number): Date {
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as they are (Date.UTC maps them to 1900-1999).
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day ||
      d.getUTCHours() !== hour || d.getUTCMinutes() !== minute || d.getUTCSeconds() !== second) {
    throw new DerError('time field out of range');
  }
  return d;
}
