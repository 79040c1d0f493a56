/**
 * DN formatting with exactly the escaping of OpenSSL's `X509_NAME_print_ex(..., XN_FLAG_RFC2253)`, which is what
 * `openssl x509 -nameopt RFC2253`, ALB and nginx print. Rules checked against the openssl CLI (3.0):
 * - `, + " \ < > ;` get a backslash; `=` and `/` do not.
 * - `#` gets a backslash only as the first character of a value of two or more characters (a value that is
 *   exactly `#` prints bare: OpenSSL flags a one-character value as "last", not "first").
 * - A space gets a backslash as the first or last character (so a value of one space prints `\ `).
 * - Control characters (U+0000-U+001F and DEL) print as `\XX`; every byte of a non-ASCII character's UTF-8
 *   encoding prints as `\XX`, uppercase.
 * - Binary values print raw as `#` + uppercase hex.
 * @module
 */
import type { Rdn, RdnAttribute } from '../types.js';

const HEX_DIGITS = '0123456789ABCDEF';

// What OpenSSL does with an ASCII character inside a value.
const AS_IS = 0;
const BACKSLASH = 1;
const HEX = 2;
const SPACE = 3;
const SHARP = 4;

/** The treatment of each ASCII character. */
const ASCII_ESCAPE = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 0x20; c++) table[c] = HEX;
  table[0x7f] = HEX;
  for (const ch of ',+"\\<>;') table[ch.charCodeAt(0)] = BACKSLASH;
  table[0x20] = SPACE;
  table[0x23] = SHARP;
  return table;
})();

function hexByte(byte: number): string {
  return '\\' + HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
}

/** `\XX` for each byte of the UTF-8 encoding of `codePoint` (a lone surrogate is encoded as its own value). */
function escapeUtf8(codePoint: number): string {
  if (codePoint < 0x800) return hexByte(0xc0 | (codePoint >> 6)) + hexByte(0x80 | (codePoint & 63));
  if (codePoint < 0x10000) {
    return hexByte(0xe0 | (codePoint >> 12)) + hexByte(0x80 | ((codePoint >> 6) & 63)) + hexByte(0x80 | (codePoint & 63));
  }
  return hexByte(0xf0 | (codePoint >> 18)) + hexByte(0x80 | ((codePoint >> 12) & 63))
    + hexByte(0x80 | ((codePoint >> 6) & 63)) + hexByte(0x80 | (codePoint & 63));
}

/** `true` when OpenSSL would print `value` unchanged: the common case, checked without building a string. */
function needsNoEscaping(value: string): boolean {
  const last = value.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return false;
    const kind = ASCII_ESCAPE[c]!;
    if (kind === AS_IS) continue;
    if (kind === SPACE && i !== 0 && i !== last) continue;
    if (kind === SHARP && (i !== 0 || last === 0)) continue;
    return false;
  }
  return true;
}

function escapeAscii(c: number, first: boolean, last: boolean): string {
  switch (ASCII_ESCAPE[c]) {
    case BACKSLASH:
      return '\\' + String.fromCharCode(c);
    case HEX:
      return hexByte(c);
    case SPACE:
      return first || last ? '\\ ' : ' ';
    case SHARP:
      return first && !last ? '\\#' : '#';
    default:
      return String.fromCharCode(c);
  }
}

/** Escapes a text value the way OpenSSL's RFC 2253 printer does. */
export function escapeValue(value: string): string {
  if (needsNoEscaping(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.codePointAt(i)!;
    const width = c > 0xffff ? 2 : 1;
    if (c < 0x80) out += escapeAscii(c, i === 0, i + width === value.length);
    else out += escapeUtf8(c);
    i += width - 1;
  }
  return out;
}

/** One `type=value`, binary values as `#` + uppercase hex. */
export function formatAttribute(attribute: RdnAttribute): string {
  const value = attribute.binary === true ? '#' + attribute.value.slice(1).toUpperCase() : escapeValue(attribute.value);
  return attribute.type + '=' + value;
}

/** The RFC 4514 string of `rdns` (already in string order), as `openssl x509 -nameopt RFC2253` prints it. */
export function formatDN(rdns: ReadonlyArray<Rdn>): string {
  let out = '';
  for (let r = 0; r < rdns.length; r++) {
    const rdn = rdns[r]!;
    if (r > 0) out += ',';
    for (let a = 0; a < rdn.length; a++) {
      if (a > 0) out += '+';
      out += formatAttribute(rdn[a]!);
    }
  }
  return out;
}
