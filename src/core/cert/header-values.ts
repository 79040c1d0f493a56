/**
 * Reading header values out of a header bag, for every front door: one value per name, lowercase keys,
 * size bounds, and the Latin-1 -> UTF-8 repair Node's HTTP parser makes necessary.
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { parseDN } from '../dn/dn.js';
import { MtlsError } from '../errors.js';
import type { DistinguishedName } from '../types.js';

/** A header bag: Node's `IncomingHttpHeaders`, or ALB Lambda `headers` / `multiValueHeaders`. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The value of header `name` (lowercase) in `bag`, `undefined` when absent.
 * @throws MtlsError `ERR_MTLS_DUPLICATE_HEADER` for a multi-value entry with more than one value.
 */
export function headerValue(bag: HeaderBag, name: string): string | undefined {
  if (!Object.hasOwn(bag, name)) return undefined;
  const value: unknown = bag[name];
  if (value === undefined || typeof value === 'string') return value;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header: name, cause: 'header value is not a string' });
  }
  if (value.length > 1) throw new MtlsError('ERR_MTLS_DUPLICATE_HEADER', { header: name });
  return value[0] as string | undefined;
}

/** `bag` with lowercase keys (ALB Lambda events are lowercase already; other sources may not be). */
export function lowercaseKeys(bag: HeaderBag): HeaderBag {
  for (const key in bag) {
    if (key !== key.toLowerCase()) {
      // No prototype: a header named `constructor` must not look present already.
      const out: Record<string, string | readonly string[] | undefined> = Object.create(null);
      for (const [k, v] of Object.entries(bag)) {
        const lower = k.toLowerCase();
        if (out[lower] !== undefined) throw new MtlsError('ERR_MTLS_DUPLICATE_HEADER', { header: lower });
        out[lower] = v;
      }
      return out;
    }
  }
  return bag;
}

/**
 * Node decodes header bytes as Latin-1; a value carrying raw UTF-8 arrives as mojibake. Re-read it as
 * UTF-8 when it has non-ASCII characters, refusing byte sequences that are not UTF-8.
 */
export function repairUtf8(value: string, header: string): string {
  let ascii = true;
  let wide = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: `control character at ${i}` });
    }
    if (c > 0xff) wide = true; // already Unicode (a JSON Lambda event): nothing to repair, but keep checking
    else if (c > 0x7e) ascii = false;
  }
  if (ascii || wide) return value;
  const bytes = Buffer.from(value, 'latin1');
  if (!isUtf8(bytes)) throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: 'invalid UTF-8' });
  return bytes.toString('utf8');
}

/** Throws `ERR_MTLS_MALFORMED_HEADER` when `value` is longer than `max` characters. */
export function checkSize(value: string, header: string, max: number): void {
  if (value.length > max) throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: `longer than ${max} bytes` });
}

/**
 * Parses a DN header (OpenSSL's RFC 2253 form, a trailing escaped space HTTP stripped recovered), at most
 * `max` characters. @throws MtlsError `ERR_MTLS_MALFORMED_HEADER` naming `header`.
 */
export function parseDnHeaderValue(value: string, header: string, max: number): DistinguishedName {
  checkSize(value, header, max);
  try {
    return parseDN(repairUtf8(value, header), { recoverTrailingSpace: true });
  } catch (error) {
    if (error instanceof MtlsError) throw new MtlsError(error.code, { header, cause: error.cause });
    throw error;
  }
}

/** `ERR_MTLS_HEADER_MISMATCH`: the `what` header (subject, serial number, ...) disagrees with the leaf. */
export function sideHeaderMismatch(header: string, what: string): MtlsError {
  return new MtlsError('ERR_MTLS_HEADER_MISMATCH', { header, cause: `${what} header disagrees with the leaf certificate` });
}
