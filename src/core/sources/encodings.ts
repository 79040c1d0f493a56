/**
 * The certificate encodings front doors use besides ALB's: RFC 8941 byte sequences (RFC 9440, Google
 * Cloud), bare base64 DER (Traefik, Azure App Service), and PEM whose line breaks a proxy escaped or
 * folded (nginx, Apache, Azure Application Gateway).
 * @module
 */
import { decodeCanonicalBase64 } from '../der/base64.js';
import { toPem, urlDecodeHeader } from '../der/pem.js';
import { malformed } from './common.js';

/** DER bytes of a certificate, with the PEM text the certificate object shows. */
export interface EncodedCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
}

/** Bytes of standard base64 (padding optional, as RFC 8941 asks of parsers). @throws MtlsError */
export function derFromBase64(text: string, header: string, what: string): EncodedCertificate {
  const padded = text.length % 4 === 0 ? text : text + '='.repeat(4 - (text.length % 4));
  const der = decodeCanonicalBase64(padded);
  if (der === undefined) throw malformed(header, `${what} is not base64`);
  return { der, pem: toPem(der) };
}

const SP = /^ *| *$/g;

/**
 * An RFC 8941 list of byte sequences (`:base64:, :base64:`), strictly: every member a byte sequence
 * without parameters (RFC 9440 defines none; a parameter is refused rather than ignored). An empty list
 * member or any other item type is malformed. Commas never occur inside a byte sequence, so splitting on
 * them is exact for valid input, and anything else fails the item check.
 */
export function parseByteSequenceList(value: string, header: string, what: string): EncodedCertificate[] {
  return value.split(',').map((member, i) => parseByteSequence(member.replace(SP, ''), header, `${what} #${i + 1}`));
}

/** One RFC 8941 byte sequence item `:base64:`. @throws MtlsError */
export function parseByteSequence(item: string, header: string, what: string): EncodedCertificate {
  if (item.length < 2 || item[0] !== ':' || item.indexOf(':', 1) !== item.length - 1) {
    throw malformed(header, `${what} is not an RFC 8941 byte sequence (:base64:)`);
  }
  return derFromBase64(item.slice(1, -1), header, what);
}

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
const BODY = /^[A-Za-z0-9+/=\s]*$/;

/**
 * PEM certificates (leaf first) whose line breaks may have been percent-encoded (`%0A`, nginx's
 * `$ssl_client_escaped_cert`), replaced by spaces, or folded with tabs (nginx's deprecated
 * `$ssl_client_cert`). Only whitespace may stand between blocks; at most `max` blocks.
 */
export function decodeLoosePem(value: string, header: string, max: number): EncodedCertificate[] {
  const text = urlDecodeHeader(value, header);
  const out: EncodedCertificate[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (pos === text.length) break;
    if (!text.startsWith(BEGIN, pos)) throw malformed(header, 'expected a BEGIN CERTIFICATE marker');
    const end = text.indexOf(END, pos);
    if (end === -1) throw malformed(header, 'PEM block without END marker');
    if (out.length === max) throw malformed(header, `more than ${max} certificates`);
    const body = text.slice(pos + BEGIN.length, end);
    if (!BODY.test(body)) throw malformed(header, 'PEM body is not base64');
    const der = decodeCanonicalBase64(body.replace(/\s+/g, ''));
    if (der === undefined) throw malformed(header, 'PEM body is not canonical base64');
    out.push({ der, pem: toPem(der) });
    pos = end + END.length;
  }
  if (out.length === 0) throw malformed(header, 'no certificate');
  return out;
}

/** The last 64 characters of `text` before `end` (or of all of it): the cache slot of a leaf's encoding. */
export function tailSlot(text: string, end = text.length): string {
  return text.slice(Math.max(0, end - 64), end);
}
