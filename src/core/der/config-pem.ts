/**
 * Reading certificates and CRLs given as options (a file's contents, PEM strings, DER buffers). Unlike the
 * request path (`pem.ts`), text between PEM blocks is allowed (CA bundles carry comments, RFC 7468 2), but
 * every block must have the expected label and canonical base64; errors are `MtlsConfigError`s.
 * @module
 */
import { MtlsConfigError } from '../errors.js';
import { decodeCanonicalBase64 } from './base64.js';

/** What a configuration option may hold: PEM text or DER bytes, or a list of them. */
export type PemOrDerInput = string | Buffer | Uint8Array | ReadonlyArray<string | Buffer | Uint8Array>;

/** One decoded block and where it came from (for error messages: option path and block number). */
export interface ConfigBlock {
  readonly der: Uint8Array;
  readonly where: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

function decodeBase64(body: string, where: string): Uint8Array {
  const der = decodeCanonicalBase64(body.replace(/[\r\n\t ]+/g, ''));
  if (der === undefined) {
    throw new MtlsConfigError(where, 'the PEM body is not canonical base64 (PEM headers such as Proc-Type are not supported)');
  }
  return der;
}

function fromText(text: string, option: string, label: string): ConfigBlock[] {
  const out: ConfigBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const where = `${option} (PEM block #${out.length + 1})`;
    if (match[1] !== match[3]) throw new MtlsConfigError(where, 'BEGIN and END labels differ');
    if (match[1] !== label) {
      throw new MtlsConfigError(where, `expected a "${label}" PEM block, found "${match[1]}"` +
        (match[1]!.includes('PRIVATE') ? ': never pass private keys here' : ''));
    }
    out.push({ der: decodeBase64(match[2]!, where), where });
  }
  if (out.length === 0) {
    throw new MtlsConfigError(option, `no "-----BEGIN ${label}-----" block found: pass PEM text or DER bytes`);
  }
  return out;
}

function fromOne(value: unknown, option: string, label: string): ConfigBlock[] {
  if (typeof value === 'string') return fromText(value, option, label);
  if (value instanceof Uint8Array) {
    // DER starts with a SEQUENCE tag; PEM text starts with '-' or whitespace or comments.
    if (value[0] === 0x30) return [{ der: new Uint8Array(value), where: option }];
    return fromText(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'), option, label);
  }
  throw new MtlsConfigError(option, 'expected PEM text (string), DER bytes (Buffer/Uint8Array), or an array of them');
}

/**
 * Every block of `label` in `input`. Array entries are named `option[i]` in errors.
 * @throws MtlsConfigError for a wrong type, no block, another block type, or bad base64.
 */
export function readConfigBlocks(input: unknown, option: string, label: string): ConfigBlock[] {
  if (Array.isArray(input)) {
    if (input.length === 0) throw new MtlsConfigError(option, 'is an empty array');
    return input.flatMap((value, i) => fromOne(value, `${option}[${i}]`, label));
  }
  return fromOne(input, option, label);
}
