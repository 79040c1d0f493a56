/**
 * The `X-Amzn-Mtls-Clientcert-Validity` header and validity-period checks.
 * @module
 */
import { MtlsError } from '../errors.js';
import { DerError } from '../der/der.js';
import { utcDate } from '../der/der-time.js';

/** A validity period in epoch milliseconds. */
export interface Validity {
  readonly notBefore: number;
  readonly notAfter: number;
}

// Fixed shape, anchored, no nested quantifiers: linear on any input.
const VALIDITY = /^NotBefore=(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z;NotAfter=(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$/;

/** Parses `NotBefore=YYYY-MM-DDThh:mm:ssZ;NotAfter=YYYY-MM-DDThh:mm:ssZ` strictly. */
export function parseValidityHeader(value: string, header: string): Validity {
  const m = VALIDITY.exec(value);
  if (!m) throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: 'validity is not NotBefore=...Z;NotAfter=...Z' });
  const n = m.slice(1).map(Number);
  try {
    const notBefore = utcDate(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!).getTime();
    const notAfter = utcDate(n[6]!, n[7]!, n[8]!, n[9]!, n[10]!, n[11]!).getTime();
    return { notBefore, notAfter };
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: 'validity date out of range' });
  }
}

/**
 * Throws `ERR_MTLS_CERT_NOT_YET_VALID` / `ERR_MTLS_CERT_EXPIRED` unless `now` lies within the period,
 * widened by `toleranceMs` on both sides.
 */
export function checkValidityPeriod(validity: Validity, now: number, toleranceMs: number): void {
  if (now + toleranceMs < validity.notBefore) {
    throw new MtlsError('ERR_MTLS_CERT_NOT_YET_VALID', { cause: 'notBefore is in the future' });
  }
  if (now - toleranceMs > validity.notAfter) {
    throw new MtlsError('ERR_MTLS_CERT_EXPIRED', { cause: 'notAfter has passed' });
  }
}

const SERIAL = /^-?[0-9A-Fa-f]{1,256}$/;

/** Checks the `X-Amzn-Mtls-Clientcert-Serial-Number` header: hex digits only (ALB: uppercase, no separators). */
export function parseSerialHeader(value: string, header: string): string {
  if (!SERIAL.test(value)) throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: 'serial is not hex' });
  return value.toUpperCase();
}
