/**
 * OpenSSL's names for object identifiers, as its `-nameopt RFC2253` printer uses them for attribute types.
 * The table itself is generated from OpenSSL's obj_mac.h (`scripts/gen-oid-names.mjs` -> `oid-table.ts`).
 * @module
 */
import { OID_TABLE } from './oid-table.js';

/** What {@link attributeByName} resolves a name to. */
export interface AttributeName {
  /** Dotted OID. */
  readonly oid: string;
  /** OpenSSL's display name (short name, else long name), or `undefined` for an OID OpenSSL does not know. */
  readonly type: string | undefined;
}

const byOid = new Map<string, AttributeName>();
const byExactName = new Map<string, AttributeName>();
const byLowerShortName = new Map<string, AttributeName>();
const byLowerLongName = new Map<string, AttributeName>();

for (const line of OID_TABLE.split(/[;\n]/)) {
  const [oid = '', short = '', long = ''] = line.split('|');
  const own = Object.freeze({ oid, type: short });
  const entry = byOid.get(oid) ?? own;
  if (entry === own) byOid.set(oid, own);
  // Exact spellings first so the usual `CN` / `commonName` need no lowercasing on the hot path.
  if (!byExactName.has(short)) byExactName.set(short, entry);
  if (!byLowerShortName.has(short.toLowerCase())) byLowerShortName.set(short.toLowerCase(), entry);
  const longName = long === '' ? short : long;
  if (!byExactName.has(longName)) byExactName.set(longName, entry);
  if (!byLowerLongName.has(longName.toLowerCase())) byLowerLongName.set(longName.toLowerCase(), entry);
}

/** `true` for a dotted OID of at least two arcs without leading zeros (RFC 4512 `numericoid`). */
export function isNumericOid(text: string): boolean {
  let arcs = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || (leadingZero && digits > 1)) return false;
      arcs++;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 0) leadingZero = c === 0x30;
      digits++;
    } else {
      return false;
    }
  }
  return arcs >= 2;
}

/** The attribute for a dotted OID: OpenSSL's display name when it knows the OID. */
export function attributeByOid(oid: string): AttributeName {
  return byOid.get(oid) ?? { oid, type: undefined };
}

/**
 * Resolves an attribute type written as an OpenSSL short name (`CN`, `SN` = surname, `GN`), a long name
 * (`commonName`, `organizationIdentifier`), both case-insensitive, or a dotted OID (optionally `OID.`-prefixed).
 * Returns `undefined` for a name OpenSSL does not know or text that is no dotted OID.
 */
export function attributeByName(name: string): AttributeName | undefined {
  const exact = byExactName.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  const known = byLowerShortName.get(lower) ?? byLowerLongName.get(lower);
  if (known !== undefined) return known;
  const dotted = lower.startsWith('oid.') ? name.slice(4) : name;
  return isNumericOid(dotted) ? attributeByOid(dotted) : undefined;
}

/** OpenSSL's display name for `oid` (what `openssl x509 -nameopt RFC2253` prints), else the dotted OID itself. */
export function displayName(oid: string): string {
  return byOid.get(oid)?.type ?? oid;
}
