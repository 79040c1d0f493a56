/**
 * URL-decoding of the ALB certificate headers and strict PEM -> DER.
 * @module
 */
import { MtlsError } from '../errors.js';
import { decodeCanonicalBase64 } from './base64.js';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
const LINE_BREAKS = /\r?\n/g;

function malformed(header: string, reason: string): MtlsError {
  return new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: reason });
}

/**
 * Percent-decodes a certificate header. `decodeURIComponent` keeps `+` as `+` (form decoders such as
 * `URLSearchParams` would turn it into a space and corrupt the base64), and accepts `+=/` raw or encoded.
 */
export function urlDecodeHeader(value: string, header: string): string {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw malformed(header, 'invalid percent-encoding');
  }
}

/**
 * Decodes one PEM body (the lines between the markers) to DER. Lines end in `\n` or `\r\n`; any other
 * character outside the base64 alphabet (a space here is the classic `+` decoded as space) is refused.
 */
function decodeBody(body: string, header: string): Uint8Array {
  const der = decodeCanonicalBase64(body.replace(LINE_BREAKS, ''));
  if (der === undefined) throw malformed(header, 'PEM body is not canonical base64');
  return der;
}

/** One certificate found in PEM text. */
export interface PemCertificate {
  /** The PEM block, normalised to `\n` line ends and a final newline. */
  readonly pem: string;
  /** Its DER bytes. */
  readonly der: Uint8Array;
}

/**
 * Splits PEM text into its CERTIFICATE blocks (leaf first), at most `max` of them. Only whitespace may
 * stand between blocks: text outside the markers, other block types or a missing END marker are malformed.
 */
export function parsePemCertificates(text: string, header: string, max: number): PemCertificate[] {
  const out: PemCertificate[] = [];
  let pos = skipWhitespace(text, 0);
  while (pos < text.length) {
    if (!text.startsWith(BEGIN, pos)) throw malformed(header, 'expected a BEGIN CERTIFICATE marker');
    const bodyStart = pos + BEGIN.length;
    const endAt = text.indexOf(END, bodyStart);
    if (endAt === -1) throw malformed(header, 'PEM block without END marker');
    if (out.length === max) throw malformed(header, `more than ${max} certificates`);
    const body = text.slice(bodyStart, endAt);
    const der = decodeBody(body, header);
    out.push({ der, pem: toPem(der) });
    pos = skipWhitespace(text, endAt + END.length);
  }
  if (out.length === 0) throw malformed(header, 'no certificate');
  return out;
}

function skipWhitespace(text: string, pos: number): number {
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c !== 0x0a && c !== 0x0d && c !== 0x20 && c !== 0x09) break;
    pos++;
  }
  return pos;
}

/** PEM text for DER bytes, 64 columns, `\n` line ends (what OpenSSL writes). */
export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `${BEGIN}\n${body}${END}\n`;
}
