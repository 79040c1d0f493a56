/**
 * URL-decoding of the ALB certificate headers and strict PEM -> DER.
 * @module
 */
import { MtlsError } from '../errors.js';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
// A base64 line: the standard alphabet only. A space here is the classic `+` decoded as space.
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

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

/** Decodes one PEM body (the lines between the markers) to DER, refusing anything but canonical base64. */
function decodeBody(body: string, header: string): Uint8Array {
  const lines = body.split('\n');
  let joined = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (!BASE64_LINE.test(line)) throw malformed(header, 'PEM body is not base64');
    joined += line;
  }
  if (joined.length === 0 || joined.length % 4 !== 0) throw malformed(header, 'PEM body has a bad length');
  const der = Buffer.from(joined, 'base64');
  // Padding inside the text or non-zero spare bits decode "successfully"; a round trip catches both.
  if (der.toString('base64') !== joined) throw malformed(header, 'PEM body is not canonical base64');
  return new Uint8Array(der.buffer, der.byteOffset, der.byteLength);
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
    const body = text.slice(bodyStart, endAt).replace(/^\r?\n/, '').replace(/\r?\n$/, '');
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
