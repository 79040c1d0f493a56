/**
 * Name comparison for path building (RFC 5280 7.1), in OpenSSL's canonical form.
 *
 * Why our own: chaining needs "issuer of X equals subject of Y" to be decided the way the reference
 * implementation decides it. OpenSSL (`x509_name_canon`) re-encodes each Name with string attributes
 * converted to UTF-8, leading/trailing whitespace removed, inner whitespace runs collapsed to one space and
 * ASCII letters lowercased; the string type itself (PrintableString vs UTF8String) is then irrelevant.
 * Other value types (NumericString included, as in OpenSSL) are compared as their exact DER.
 * @module
 */
import { DerError, TAG, children, content, decodeDirectoryString, decodeOid, encoding, toHex, type Tlv } from '../der/der.js';

// OpenSSL's ASN1_MASK_CANON: UTF8String, PrintableString, T61String, IA5String, VisibleString, BMPString,
// UniversalString. NumericString is deliberately absent there, so it is absent here.
const CANON_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1e, 0x1c]);
// ossl_isspace: space, \t, \n, \v, \f, \r.
const SPACE_RUN = /[ \t\n\v\f\r]+/g;
const EDGE_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const ASCII_UPPER = /[A-Z]+/g;

function canonValue(der: Uint8Array, value: Tlv): string {
  if (CANON_TAGS.has(value.tag)) {
    const text = decodeDirectoryString(value.tag, content(der, value));
    if (text !== undefined) {
      // ASCII-only lowercasing, as OpenSSL does on the UTF-8 bytes.
      return 's' + text.replace(EDGE_SPACE, '').replace(SPACE_RUN, ' ').replace(ASCII_UPPER, (c) => c.toLowerCase());
    }
  }
  return 'x' + toHex(encoding(der, value));
}

function canonAttribute(der: Uint8Array, attr: Tlv): string {
  if (attr.tag !== TAG.SEQUENCE) throw new DerError('AttributeTypeAndValue is not a SEQUENCE');
  const [type, value, ...extra] = children(der, attr);
  if (type?.tag !== TAG.OID || value === undefined || extra.length) throw new DerError('bad AttributeTypeAndValue');
  return `${decodeOid(content(der, type))}=${canonValue(der, value)}`;
}

/**
 * The canonical keys of a Name's RDNs, in DER order (most general first). Each key is the JSON of the
 * RDN's sorted canonical attributes, so a multi-valued RDN compares as a set.
 * @throws DerError when the Name is not a valid DER Name.
 */
export function canonicalRdns(der: Uint8Array, name: Tlv): string[] {
  if (name.tag !== TAG.SEQUENCE) throw new DerError('Name is not a SEQUENCE');
  return children(der, name).map((rdn) => {
    if (rdn.tag !== TAG.SET) throw new DerError('RDN is not a SET');
    const attrs = children(der, rdn).map((attr) => canonAttribute(der, attr));
    if (attrs.length === 0) throw new DerError('empty RDN');
    return JSON.stringify(attrs.sort());
  });
}

/**
 * One string per Name such that two Names are equal under RFC 5280 7.1 (as OpenSSL implements it)
 * exactly when their strings are equal. JSON never contains a raw newline, so the join is unambiguous.
 */
export function canonicalName(der: Uint8Array, name: Tlv): string {
  return canonicalRdns(der, name).join('\n');
}

/** `true` when the Name has no RDN at all (an empty SEQUENCE). */
export function isEmptyName(name: Tlv): boolean {
  return name.end === name.contentStart;
}

/** The values of every `emailAddress` (1.2.840.113549.1.9.1) attribute of a Name, as text. */
export function emailAttributes(der: Uint8Array, name: Tlv): string[] {
  const out: string[] = [];
  for (const rdn of children(der, name)) {
    for (const attr of children(der, rdn)) {
      const [type, value] = children(der, attr);
      if (!type || !value || decodeOid(content(der, type)) !== '1.2.840.113549.1.9.1') continue;
      // PKCS #9 says IA5String; other types are read as text, and a non-string value becomes '' (never a
      // valid mailbox, so an rfc822Name constraint then refuses it: fail closed).
      out.push(decodeDirectoryString(value.tag, content(der, value)) ?? '');
    }
  }
  return out;
}
