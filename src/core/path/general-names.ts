/**
 * GeneralName (RFC 5280 4.2.1.6) decoding for name-constraint processing: every form is kept, including
 * the ones `leaf-extensions.ts` skips, because a constraint on a form we cannot evaluate must fail closed.
 * @module
 */
import { DerError, TAG, children, content, type Tlv } from '../der/der.js';
import { canonicalRdns } from '../dn/name-canon.js';

/** A decoded GeneralName. */
export type GeneralName =
  | { readonly kind: 'dns' | 'email' | 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: Uint8Array }
  | { readonly kind: 'dn'; readonly rdns: readonly string[] }
  | { readonly kind: 'other' | 'x400' | 'edi' | 'rid' };

/** GeneralName forms, by the form's context tag number. */
const OPAQUE: Record<number, 'other' | 'x400' | 'edi' | 'rid'> = { 0: 'other', 3: 'x400', 5: 'edi', 8: 'rid' };

function ia5(bytes: Uint8Array): string {
  // IA5String is 7-bit; control characters have no place in a host name, mailbox or URI.
  for (const b of bytes) if (b > 0x7e || b < 0x20) throw new DerError('invalid character in IA5String name');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Decodes one GeneralName element. */
export function decodeGeneralName(der: Uint8Array, tlv: Tlv): GeneralName {
  const number = tlv.tag & 0x1f;
  const constructed = (tlv.tag & 0x20) !== 0;
  if ((tlv.tag & 0xc0) !== 0x80) throw new DerError('GeneralName is not context-tagged');
  const bytes = content(der, tlv);
  switch (number) {
    case 1: case 2: case 6:
      if (constructed) throw new DerError('constructed IA5String name');
      return { kind: number === 1 ? 'email' : number === 2 ? 'dns' : 'uri', value: ia5(bytes) };
    case 7:
      if (constructed) throw new DerError('constructed iPAddress');
      return { kind: 'ip', value: bytes };
    case 4: {
      // directoryName is EXPLICIT (Name is a CHOICE): [4] wraps a whole Name.
      const inner = children(der, tlv);
      if (!constructed || inner.length !== 1 || inner[0]!.tag !== TAG.SEQUENCE) throw new DerError('bad directoryName');
      return { kind: 'dn', rdns: canonicalRdns(der, inner[0]!) };
    }
    default: {
      const kind = OPAQUE[number];
      if (kind === undefined) throw new DerError('unknown GeneralName form');
      return { kind };
    }
  }
}

/** Decodes a GeneralNames SEQUENCE (as in subjectAltName); it must not be empty (RFC 5280 4.2.1.6). */
export function decodeGeneralNames(der: Uint8Array, seq: Tlv): GeneralName[] {
  if (seq.tag !== TAG.SEQUENCE) throw new DerError('GeneralNames is not a SEQUENCE');
  const names = children(der, seq).map((t) => decodeGeneralName(der, t));
  if (names.length === 0) throw new DerError('empty GeneralNames');
  return names;
}
