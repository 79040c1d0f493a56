/**
 * The lexical layer the three readers of an RFC 4514 string share: one cursor, the characters the grammar
 * gives meaning to, and the parser's one error. `dn.ts` walks RDNs and attributes, `dn-type.ts` reads
 * attribute types and `dn-value.ts` reads values, all over the same {@link Cursor}.
 * @module
 */
import { MtlsError } from '../errors.js';

/** The parser's position in its input, moved forward by the readers. */
export interface Cursor {
  readonly input: string;
  pos: number;
}

/** Characters of the RFC 4514 grammar, as char codes. */
export const CH = {
  COMMA: 0x2c, PLUS: 0x2b, EQUALS: 0x3d, SHARP: 0x23, SPACE: 0x20, DOT: 0x2e, ZERO: 0x30, BACKSLASH: 0x5c,
} as const;

/** ASCII letter. */
export const isAlpha = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
/** ASCII digit. */
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Throws the parser's one error: the reason names the offset, never the input text. */
export function malformed(reason: string, offset: number): never {
  throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { cause: `malformed DN: ${reason} at offset ${offset}` });
}
