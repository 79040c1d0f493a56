/**
 * `albHeaders(cert)`: the exact header set an ALB listener with mTLS sends to its targets for a client
 * certificate, for tests (supertest, Lambda events) and for the local emulator.
 * @module
 */
import { nameFromDer } from '../core/dn/dn-der.js';
import { DEFAULT_HEADER_NAMES, type HeaderRole } from '../core/alb/headers.js';
import { parsePemCertificates, toPem } from '../core/der/pem.js';
import { parseCertificateStructure, type CertificateStructure } from '../core/der/x509.js';
import { ownOptions } from '../core/options/own.js';
import { HEADER_NAME } from '../core/options/readers.js';

/** A certificate as PEM text, or as bytes (DER, or PEM text read from a file). */
export type CertificateInput = string | Uint8Array;

/** Options of {@link albHeaders}. */
export interface AlbHeadersOptions {
  /** The listener's mTLS mode: `'verify'` (five headers, default) or `'passthrough'` (one chain header). */
  readonly mode?: 'verify' | 'passthrough';
  /** Passthrough: the certificates the client sent after the leaf (intermediates, maybe the root), in order. */
  readonly chain?: ReadonlyArray<CertificateInput>;
  /** Renamed headers, as the listener attributes `routing.http.request.x_amzn_mtls_clientcert_*.header_name` set them. */
  readonly headerNames?: Partial<Record<HeaderRole, string>>;
}

const PEM_PREFIX = '-----BEGIN';

function fail(message: string, owner = 'albHeaders'): never {
  throw new TypeError(`${owner}: ${message}`);
}

/**
 * Every certificate in `input` (one DER blob, or PEM text with one or more blocks), as DER.
 * @throws TypeError naming `owner` and `what` when it holds no certificate.
 */
export function readCertificates(input: CertificateInput, what: string, owner?: string): Uint8Array[] {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (input instanceof Uint8Array) {
    // Bytes from readFileSync() of a .pem file are PEM text, not DER.
    const head = Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, 64)).toString('latin1');
    if (!head.trimStart().startsWith(PEM_PREFIX)) {
      parse(input, what, owner);
      return [input];
    }
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  } else {
    return fail(`${what} must be PEM text or DER bytes`, owner);
  }
  try {
    return parsePemCertificates(text, what, 100).map((c) => c.der);
  } catch (error) {
    const cause = (error as Error).cause;
    return fail(`${what} is not PEM certificate text (${cause instanceof Error ? cause.message : String(error)})`, owner);
  }
}

function parse(der: Uint8Array, what: string, owner?: string): CertificateStructure {
  try {
    return parseCertificateStructure(der);
  } catch (error) {
    return fail(`${what} is neither PEM text nor a DER certificate (${(error as Error).message})`, owner);
  }
}

/** ALB's validity format: ISO 8601 to the second, `Z`. */
function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * URL-encodes PEM text the way ALB does: `encodeURIComponent`, then `+`, `=` and `/` left as they are
 * (AWS: "with +=/ as safe characters"), so `-----BEGIN%20CERTIFICATE-----%0AMIIB...`.
 */
export function encodePemHeader(pem: string): string {
  return encodeURIComponent(pem).replace(/%2B/g, '+').replace(/%3D/g, '=').replace(/%2F/g, '/');
}

function resolveNames(renamed: AlbHeadersOptions['headerNames']): Record<HeaderRole, string> {
  const names = { ...DEFAULT_HEADER_NAMES };
  if (renamed === undefined) return names;
  for (const [role, name] of Object.entries(renamed)) {
    if (!(role in DEFAULT_HEADER_NAMES)) fail(`unknown headerNames role '${role}'`);
    if (name === undefined) continue;
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) fail(`headerNames.${role} is not an HTTP header name`);
    names[role as HeaderRole] = name.toLowerCase();
  }
  return names;
}

function verifyHeaders(der: Uint8Array, names: Record<HeaderRole, string>): Record<string, string> {
  const cert = parse(der, 'cert');
  return {
    [names.subject]: nameFromDer(der, cert.subject).toString(),
    [names.issuer]: nameFromDer(der, cert.issuer).toString(),
    [names.serialNumber]: cert.serialNumber,
    [names.validity]: `NotBefore=${iso(cert.notBefore)};NotAfter=${iso(cert.notAfter)}`,
    [names.leaf]: encodePemHeader(toPem(der)),
  };
}

/**
 * The headers an ALB listener with mTLS sends to its targets for the client certificate `cert` (PEM or
 * DER), with lowercase names.
 *
 * - verify mode: `x-amzn-mtls-clientcert-subject` and `-issuer` (OpenSSL's RFC 2253 form, `\XX` escapes for
 *   non-ASCII bytes), `-serial-number` (uppercase hex), `-validity` (`NotBefore=...Z;NotAfter=...Z`) and
 *   `-leaf` (URL-encoded PEM).
 * - passthrough mode: `x-amzn-mtls-clientcert`, the leaf then `options.chain`, each PEM block URL-encoded.
 *
 * Nothing is verified: pass any certificate, expired or self-signed, to test how your app reacts.
 * @throws TypeError when `cert` or a chain entry is not a certificate, or for bad options.
 */
export function albHeaders(cert: CertificateInput, given: AlbHeadersOptions = {}): Record<string, string> {
  const options = ownOptions(given);
  const mode = options.mode ?? 'verify';
  if (mode !== 'verify' && mode !== 'passthrough') fail("mode must be 'verify' or 'passthrough'");
  const names = resolveNames(options.headerNames);
  const leaves = readCertificates(cert, 'cert');
  if (leaves.length !== 1) fail('cert must be one certificate; pass the others as options.chain (passthrough)');
  const leaf = leaves[0]!;
  if (mode === 'verify') {
    if (options.chain !== undefined) fail("chain applies to mode 'passthrough' only: verify mode sends the leaf alone");
    return verifyHeaders(leaf, names);
  }
  const all = [leaf, ...(options.chain ?? []).flatMap((c, i) => readCertificates(c, `chain[${i}]`))];
  let value = '';
  for (const [i, der] of all.entries()) {
    parse(der, i === 0 ? 'cert' : `chain certificate ${i}`);
    value += encodePemHeader(toPem(der));
  }
  return { [names.chain]: value };
}
