/**
 * Distinguished-name strings: RFC 4514, plus what OpenSSL's RFC 2253 printer (and so ALB) emits.
 * A hand-written single-pass parser: linear time, no regular expressions, no recursion.
 * @module
 */
import { CHAR_CLASS, decodeHexValue, END, EscapedValueReader, PLAIN } from './dn-value.js';
import { CH, malformed, type Cursor } from './dn-syntax.js';
import { EMPTY_DN, nameFromFrozenRdns } from './dn-name.js';
import { readAttributeType, type ResolvedType } from './dn-type.js';
import type { DistinguishedName, Rdn, RdnAttribute } from '../types.js';

export { createDN, dnEquals } from './dn-name.js';
export { escapeValue, formatDN } from './dn-format.js';

/** Options of {@link parseDN}. */
export interface ParseDnOptions {
  /**
   * Read an input ending in one unescaped `\` as ending in an escaped space (`\ `). HTTP strips trailing
   * whitespace from header values, so the DN of a certificate whose last value ends in a space reaches the
   * application as `...\`. Without this option such input is malformed. Default `false`.
   */
  readonly recoverTrailingSpace?: boolean;
}

const { COMMA, PLUS, EQUALS, SHARP, SPACE } = CH;

/** One parse: the input and a cursor over it. */
class DnParser implements Cursor {
  pos = 0;

  constructor(readonly input: string) {}

  parse(): DistinguishedName {
    const rdns: Rdn[] = [];
    for (;;) {
      rdns.push(this.readRdn());
      if (this.pos === this.input.length) return nameFromFrozenRdns(rdns);
      this.pos++; // readRdn stops only at the end or at a `,`
    }
  }

  private readRdn(): Rdn {
    const first = this.readAttribute();
    // readAttribute stops only at the end, a `,` or a `+`.
    if (this.input.charCodeAt(this.pos) !== PLUS) return Object.freeze([first]);
    const rdn = [first];
    while (this.input.charCodeAt(this.pos) === PLUS) {
      this.pos++;
      rdn.push(this.readAttribute());
    }
    return Object.freeze(rdn);
  }

  private readAttribute(): RdnAttribute {
    const resolved = readAttributeType(this);
    if (this.input.charCodeAt(this.pos) !== EQUALS) malformed("missing '=' after the attribute type", this.pos);
    this.pos++;
    return this.readValue(resolved);
  }

  private readValue(resolved: ResolvedType): RdnAttribute {
    const input = this.input;
    const start = this.pos;
    const first = input.charCodeAt(start);
    if (first === SHARP) return this.readHexValue(resolved);
    if (first === SPACE) malformed('unescaped leading space', start);
    // Hot path: plain ASCII without escapes is a slice of the input.
    let i = start;
    while (i < input.length) {
      const c = input.charCodeAt(i);
      if (c >= 0x80 || CHAR_CLASS[c] !== PLAIN) break;
      i++;
    }
    let value: string;
    if (i === input.length || CHAR_CLASS[input.charCodeAt(i)] === END) {
      if (i > start && input.charCodeAt(i - 1) === SPACE) malformed('unescaped trailing space', i - 1);
      value = input.slice(start, i);
    } else {
      const reader = new EscapedValueReader(input);
      i = reader.read(start, i);
      value = reader.value;
    }
    this.pos = i;
    return Object.freeze({ type: resolved.type, oid: resolved.oid, value, binary: false });
  }

  /** `#hex` (BER), or OpenSSL's bare `#` for a value that is exactly `#` (it escapes only a leading `#`). */
  private readHexValue(resolved: ResolvedType): RdnAttribute {
    const input = this.input;
    const start = this.pos;
    let end = start + 1;
    while (end < input.length) {
      const c = input.charCodeAt(end);
      if (c === COMMA || c === PLUS) break;
      end++;
    }
    this.pos = end;
    if (end === start + 1) return Object.freeze({ type: resolved.type, oid: resolved.oid, value: '#', binary: false });
    const { value, binary } = decodeHexValue(input, start, end, resolved.known);
    return Object.freeze({ type: resolved.type, oid: resolved.oid, value, binary });
  }
}

/** Counts the backslashes at the end of `input`. */
function trailingBackslashes(input: string): number {
  let count = 0;
  while (count < input.length && input.charCodeAt(input.length - 1 - count) === CH.BACKSLASH) count++;
  return count;
}

/**
 * Parses a distinguished name string: RFC 4514, and everything OpenSSL's `-nameopt RFC2253` printer emits
 * (which is what ALB sends in `X-Amzn-Mtls-Clientcert-Subject` / `-Issuer`).
 *
 * - RDNs are returned in string order (most specific first); `+` joins the attributes of a multi-valued RDN.
 * - Types may be OpenSSL short or long names (any case), dotted OIDs or `OID.`-prefixed OIDs; a known type is
 *   canonicalised to OpenSSL's name (`commonName=x` gives `{ type: 'CN', oid: '2.5.4.3' }`). `SN` is surname.
 *   An unknown descriptor keeps its spelling with `oid: ''`.
 * - `\,`-style escapes and `\XX` byte escapes (a run of them is UTF-8); raw characters are taken as text.
 * - `#hex` values: a directory string of a known type is decoded; other values stay `#` + uppercase hex with
 *   `binary: true`. A value that is exactly `#` is the text `#` (OpenSSL prints it unescaped).
 * - The empty string is the empty DN (an empty subject).
 *
 * @throws MtlsError `ERR_MTLS_MALFORMED_HEADER` for input outside that grammar; `cause` says what and where
 *   (a character offset), never quoting the input.
 */
export function parseDN(input: string, options?: ParseDnOptions): DistinguishedName {
  if (input.length === 0) return EMPTY_DN;
  const text = options?.recoverTrailingSpace === true && trailingBackslashes(input) % 2 === 1 ? input + ' ' : input;
  return new DnParser(text).parse();
}
