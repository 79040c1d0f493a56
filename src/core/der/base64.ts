/**
 * Canonical base64, shared by the request-path PEM decoder (`pem.ts`) and the option loader
 * (`config-pem.ts`): only the standard alphabet, correct padding, and nothing that decodes "successfully"
 * while meaning something else (padding inside the text, non-zero spare bits).
 * @module
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of `text` (base64 without whitespace), or `undefined` when it is not canonical base64. */
export function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // A round trip catches what Buffer's lenient decoder would accept.
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
