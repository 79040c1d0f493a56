/**
 * Attribute types of an RFC 4514 string (`CN`, `commonName`, `2.5.4.3`, `OID.2.5.4.3`), resolved to OpenSSL's
 * name and the OID.
 * @module
 */
import { CH, isAlpha, isDigit, malformed, type Cursor } from './dn-syntax.js';
import { attributeByName, attributeByOid } from '../der/oid-names.js';

/** The attribute type of one `type=value`, resolved to OpenSSL's name and the OID. */
export interface ResolvedType {
  readonly type: string;
  /** Dotted OID, or `''` for a descriptor nobody knows. */
  readonly oid: string;
  /** `true` when OpenSSL knows the OID, so it would print the value as text rather than `#hex`. */
  readonly known: boolean;
}

const { COMMA, PLUS, EQUALS, DOT, ZERO } = CH;
const isKeyChar = (c: number): boolean => isAlpha(c) || isDigit(c) || c === 0x2d;
// A few OpenSSL names (`RSA-SHA512/224`, `ct_precert_scts`) use characters RFC 4514 descriptors lack: they are
// accepted in exactly those names, since OpenSSL prints them as attribute types.
const isOpensslNameChar = (c: number): boolean => c === 0x5f || c === 0x2f;

function resolveDescriptor(descriptor: string): ResolvedType {
  const found = attributeByName(descriptor);
  // An unknown but grammatical descriptor keeps its spelling; nothing can say what its OID is.
  if (found?.type === undefined) return { type: descriptor, oid: '', known: false };
  return { type: found.type, oid: found.oid, known: true };
}

function resolveOid(oid: string): ResolvedType {
  const type = attributeByOid(oid).type;
  return type === undefined ? { type: oid, oid, known: false } : { type, oid, known: true };
}

// The spellings of nearly every real DN, found without slicing the input or hashing a string: keyed by their
// (at most three) ASCII character codes packed into one number.
const COMMON_TYPES = new Map<number, ResolvedType>();
for (const name of ['C', 'L', 'O', 'CN', 'OU', 'ST', 'SN', 'GN', 'DC', 'UID']) {
  let key = 0;
  for (let i = 0; i < name.length; i++) key = (key << 8) | name.charCodeAt(i);
  COMMON_TYPES.set(key, resolveDescriptor(name));
}

function commonType(input: string, start: number, end: number): ResolvedType | undefined {
  if (end - start > 3) return undefined;
  let key = 0;
  for (let i = start; i < end; i++) key = (key << 8) | input.charCodeAt(i);
  return COMMON_TYPES.get(key);
}

function noType(input: string, offset: number): never {
  if (offset === input.length) malformed(offset === 0 ? 'empty attribute type' : 'trailing separator', offset - 1);
  const c = input.charCodeAt(offset);
  if (c === COMMA || c === PLUS) malformed('empty RDN (leading or doubled separator)', offset);
  if (c === EQUALS) malformed('empty attribute type', offset);
  malformed('invalid character in attribute type', offset);
}

/** Reads `number 1*( "." number )` (no leading zeros) at the cursor. */
function readNumericOid(cursor: Cursor, start: number): ResolvedType {
  const input = cursor.input;
  let i = start;
  let arcs = 0;
  for (;;) {
    const first = input.charCodeAt(i);
    if (!isDigit(first)) malformed('invalid OID', i);
    i++;
    while (isDigit(input.charCodeAt(i))) {
      if (first === ZERO) malformed('OID arc with a leading zero', i - 1);
      i++;
    }
    arcs++;
    if (input.charCodeAt(i) !== DOT) break;
    i++;
  }
  if (arcs < 2) malformed('OID with a single arc', start);
  cursor.pos = i;
  return resolveOid(input.slice(start, i));
}

/** Reads the attribute type at the cursor, up to (not including) the `=`. */
export function readAttributeType(cursor: Cursor): ResolvedType {
  const input = cursor.input;
  const start = cursor.pos;
  const c = input.charCodeAt(start);
  if (isDigit(c)) return readNumericOid(cursor, start);
  if (!isAlpha(c)) noType(input, start);
  let end = start + 1;
  let opensslOnly = -1; // offset of the first character that only OpenSSL names may contain
  for (; end < input.length; end++) {
    const k = input.charCodeAt(end);
    if (isKeyChar(k)) continue;
    if (!isOpensslNameChar(k)) break;
    if (opensslOnly < 0) opensslOnly = end;
  }
  cursor.pos = end;
  const common = commonType(input, start, end);
  if (common !== undefined) return common;
  const descriptor = input.slice(start, end);
  // `OID.2.5.4.3` is an old (RFC 1779) spelling some software still emits.
  if (input.charCodeAt(end) === DOT && end - start === 3 && descriptor.toLowerCase() === 'oid') {
    return readNumericOid(cursor, end + 1);
  }
  const resolved = resolveDescriptor(descriptor);
  if (opensslOnly >= 0 && resolved.oid === '') malformed('invalid character in attribute type', opensslOnly);
  return resolved;
}
