/**
 * Attribute values of an RFC 4514 string: the scanner for plain values (the hot path: a `slice`), the reader
 * for values with escapes or non-ASCII characters, and `#hex` values.
 * @module
 */
import { CH, malformed } from './dn-syntax.js';
import { DerError, decodeDirectoryString, readTlv, toHex } from '../der/der.js';

/** Character classes for ASCII inside a value. */
export const PLAIN = 0;
/** `,` or `+`: the value ends. */
export const END = 1;
/** `\`: an escape starts. */
export const ESCAPE = 2;
/** `"`, `;`, `<`, `>` and NUL: RFC 4514 requires them escaped. */
export const FORBIDDEN = 3;

/** The class of each ASCII character. */
export const CHAR_CLASS = (() => {
  const table = new Uint8Array(128);
  table[CH.COMMA] = END;
  table[CH.PLUS] = END;
  table[CH.BACKSLASH] = ESCAPE;
  for (const c of [0x00, 0x22, 0x3b, 0x3c, 0x3e]) table[c] = FORBIDDEN;
  return table;
})();

/** Characters RFC 4514 allows after a backslash (other than a hex pair): `"+,;<>\`, space, `#` and `=`. */
const ESCAPABLE = (() => {
  const table = new Uint8Array(128);
  for (const ch of '"+,;<>\\ #=') table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** The value of a hex digit, or -1. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * Reads a value containing escapes or non-ASCII characters, in one pass. A run of `\XX` escapes is UTF-8
 * (`\C3\84` is one character) and must be valid UTF-8. Raw characters are text as given: the header layer
 * has already re-read Node's latin1 header strings as UTF-8.
 */
export class EscapedValueReader {
  /** The decoded value, complete once {@link EscapedValueReader.read} returns. */
  value = '';
  private pending = 0; // continuation bytes the current UTF-8 sequence still needs
  private codePoint = 0;
  private minimum = 0; // smallest code point the sequence may encode (rejects overlong forms)
  private sequenceStart = 0;

  constructor(private readonly input: string) {}

  /**
   * Reads the value starting at `start`, whose characters up to `from` are known to be plain ASCII (the
   * caller's fast scan stopped there); returns the offset of the `,`, `+` or end of input after the value.
   */
  read(start: number, from: number = start): number {
    const input = this.input;
    let copyFrom = start; // start of the run of characters copied as they are
    let rawSpaceLast = false; // the value cannot end inside the plain prefix, so only what follows counts
    let i = from;
    while (i < input.length) {
      const c = input.charCodeAt(i);
      const kind = c < 0x80 ? CHAR_CLASS[c]! : PLAIN;
      if (kind === END) break;
      if (kind === FORBIDDEN) malformed('character that must be escaped', i);
      if (kind === ESCAPE) {
        this.value += input.slice(copyFrom, i);
        i = this.readEscape(i);
        copyFrom = i;
        rawSpaceLast = false;
        continue;
      }
      if (this.pending !== 0) this.truncated();
      if (c >= 0xd800 && c <= 0xdfff) i = checkSurrogatePair(input, i);
      rawSpaceLast = c === 0x20;
      i++;
    }
    if (this.pending !== 0) this.truncated();
    if (rawSpaceLast) malformed('unescaped trailing space', i - 1);
    this.value += input.slice(copyFrom, i);
    return i;
  }

  /** Reads `\X` or `\XX` at `offset`; returns the offset after it. */
  private readEscape(offset: number): number {
    const input = this.input;
    if (offset + 1 >= input.length) malformed('backslash at end of input', offset);
    const c = input.charCodeAt(offset + 1);
    const high = hexDigit(c);
    if (high >= 0) {
      const low = offset + 2 < input.length ? hexDigit(input.charCodeAt(offset + 2)) : -1;
      if (low < 0) malformed('backslash followed by an incomplete hex pair', offset);
      this.addByte((high << 4) | low, offset);
      return offset + 3;
    }
    if (c >= 0x80 || ESCAPABLE[c] !== 1) malformed('backslash before a character that needs no escape', offset);
    if (this.pending !== 0) this.truncated();
    this.value += input[offset + 1]!;
    return offset + 2;
  }

  /** Feeds the byte of a `\XX` escape at `offset` to the UTF-8 decoder. */
  private addByte(byte: number, offset: number): void {
    if (this.pending !== 0) {
      if ((byte & 0xc0) !== 0x80) this.truncated();
      this.codePoint = (this.codePoint << 6) | (byte & 0x3f);
      if (--this.pending === 0) this.finishSequence();
      return;
    }
    if (byte < 0x80) {
      this.value += String.fromCharCode(byte);
      return;
    }
    const length = byte >= 0xc2 && byte <= 0xdf ? 1 : byte >= 0xe0 && byte <= 0xef ? 2 : byte >= 0xf0 && byte <= 0xf4 ? 3 : 0;
    if (length === 0) malformed('escaped byte that starts no UTF-8 character', offset);
    this.pending = length;
    this.codePoint = byte & (0x3f >> length);
    this.minimum = length === 1 ? 0x80 : length === 2 ? 0x800 : 0x10000;
    this.sequenceStart = offset;
  }

  private finishSequence(): void {
    const cp = this.codePoint;
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < this.minimum || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.invalid();
    this.value += String.fromCodePoint(cp);
  }

  private truncated(): never {
    malformed('escaped UTF-8 sequence cut short', this.sequenceStart);
  }

  private invalid(): never {
    malformed('escaped bytes that are not valid UTF-8', this.sequenceStart);
  }
}

/** Checks the surrogate at `offset` starts a pair; returns the offset of its second half. */
function checkSurrogatePair(input: string, offset: number): number {
  const c = input.charCodeAt(offset);
  const next = input.charCodeAt(offset + 1); // NaN past the end
  if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) malformed('unpaired surrogate', offset);
  return offset + 1;
}

/**
 * Decodes the `#hex` value from `start` (the `#`) to `end`. A directory string of a type OpenSSL knows is
 * decoded to text; anything else stays `#` + uppercase hex, marked binary.
 */
export function decodeHexValue(input: string, start: number, end: number, knownType: boolean): { value: string; binary: boolean } {
  if ((end - start - 1) % 2 !== 0) malformed('odd number of hex digits', start);
  const bytes = new Uint8Array((end - start - 1) / 2);
  for (let i = 0; i < bytes.length; i++) {
    const offset = start + 1 + 2 * i;
    const high = hexDigit(input.charCodeAt(offset));
    const low = hexDigit(input.charCodeAt(offset + 1));
    if (high < 0) malformed('invalid hex digit', offset);
    if (low < 0) malformed('invalid hex digit', offset + 1);
    bytes[i] = (high << 4) | low;
  }
  try {
    const tlv = readTlv(bytes, 0);
    if (tlv.end !== bytes.length) malformed('bytes after the BER element of a #hex value', start);
    // OpenSSL prints every value of a type it does not know as #hex: keep those binary to round-trip.
    const text = knownType ? decodeDirectoryString(tlv.tag, bytes.subarray(tlv.contentStart)) : undefined;
    return text === undefined ? { value: '#' + toHex(bytes), binary: true } : { value: text, binary: false };
  } catch (error) {
    if (error instanceof DerError) malformed(`invalid BER in #hex value (${error.message})`, start);
    throw error;
  }
}
