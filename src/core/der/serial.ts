/**
 * Serial numbers compared as values: sources print them differently (ALB and OpenSSL uppercase hex,
 * CloudFront lowercase with colons, DER with a `00` pad).
 * @module
 */

const HEX_SERIAL = /^-?[0-9A-F]+$/;

/**
 * Normalises a hex serial for comparison: colons and spaces removed, uppercase, leading zeros dropped
 * (`'00:a5:b1'` -> `'A5B1'`, `'0'` -> `'0'`). Returns `undefined` when it is not hex.
 */
export function normalizeSerial(serial: string): string | undefined {
  const upper = serial.replace(/[:\s]/g, '').toUpperCase();
  if (!HEX_SERIAL.test(upper)) return undefined;
  const negative = upper.startsWith('-');
  const stripped = (negative ? upper.slice(1) : upper).replace(/^0+(?=.)/, '');
  return negative && stripped !== '0' ? '-' + stripped : stripped;
}

/** `true` when two hex serials denote the same number. */
export function serialsEqual(a: string, b: string): boolean {
  const na = normalizeSerial(a);
  return na !== undefined && na === normalizeSerial(b);
}
