/**
 * Public keys: which ones this library accepts (decided from the DER, without importing the key) and
 * their import as node:crypto KeyObjects, cached by SubjectPublicKeyInfo bytes.
 *
 * Why a cache: with OpenSSL 3, `createPublicKey` is the most expensive step of a cold verification
 * (measured: about a third of it), and the same intermediate and root keys come back with every client.
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DerError, TAG, children, content, decodeOid, readTlv, type Tlv } from './der.js';

/** Thrown for an algorithm or key this library refuses (reason `unsupported-algorithm`). */
export class UnsupportedAlgorithmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedAlgorithmError';
  }
}

/**
 * Thrown for an RSA key whose parameters no real CA issues and that make verification expensive: a public
 * exponent that is even, below 3 or above 2^32 - 1 (NIST SP 800-89; 65537 in practice), or a modulus above
 * 8192 bits (reason `weak-key`).
 */
export class WeakKeyError extends UnsupportedAlgorithmError {
  constructor(message: string) {
    super(message);
    this.name = 'WeakKeyError';
  }
}

/** Key types accepted. */
export type KeyType = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448';

/** An accepted, imported public key. */
export interface PublicKey {
  readonly key: KeyObject;
  readonly type: KeyType;
  /** What one signature check with this key costs, in units of an RSA-2048 check (see {@link checkSpki}). */
  readonly cost: number;
}

/** An accepted key as read from its SubjectPublicKeyInfo, before any import. */
export interface KeyProfile {
  readonly type: KeyType;
  /** Relative cost of a signature check with a freshly imported key: 1 for RSA-2048. */
  readonly cost: number;
}

const KEY_TYPES: Record<string, KeyType> = {
  '1.2.840.113549.1.1.1': 'rsa', '1.2.840.113549.1.1.10': 'rsa-pss', '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448',
};
// Named curves (RFC 5480) and what one verification costs, key import included, relative to RSA-2048. The
// figures follow node:crypto's measured verification times (BENCHMARKS.md); they bound a path builder's
// work, so a rough ratio is enough.
const CURVE_COSTS: Record<string, number> = { '1.2.840.10045.3.1.7': 1.5, '1.3.132.0.34': 5.5, '1.3.132.0.35': 10 };
const EDWARDS_COSTS: Record<string, number> = { ed25519: 1.5, ed448: 2.5 };
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

function unsignedInteger(spki: Uint8Array, tlv: Tlv | undefined, what: string): Uint8Array {
  if (tlv?.tag !== TAG.INTEGER) throw new DerError(`bad RSAPublicKey ${what}`);
  let n = content(spki, tlv);
  while (n.length > 0 && n[0] === 0) n = n.subarray(1);
  return n;
}

function bitLength(n: Uint8Array): number {
  return n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
}

/** Checks an RSAPublicKey's modulus size and exponent; returns its cost relative to RSA-2048. */
function rsaCost(spki: Uint8Array, bits: Tlv): number {
  if (spki[bits.contentStart] !== 0) throw new DerError('bad subjectPublicKey');
  const rsaKey = readTlv(spki, bits.contentStart + 1, bits.end);
  if (rsaKey.tag !== TAG.SEQUENCE) throw new DerError('bad RSAPublicKey');
  const [modulusTlv, exponentTlv, ...rest] = children(spki, rsaKey);
  if (rest.length) throw new DerError('bad RSAPublicKey');
  const modulusBits = bitLength(unsignedInteger(spki, modulusTlv, 'modulus'));
  const exponent = unsignedInteger(spki, exponentTlv, 'exponent');
  if (modulusBits < MIN_RSA_BITS) throw new UnsupportedAlgorithmError(`RSA key shorter than ${MIN_RSA_BITS} bits`);
  if (modulusBits > MAX_RSA_BITS) throw new WeakKeyError(`RSA key longer than ${MAX_RSA_BITS} bits`);
  // Verification time grows with the exponent's length: real keys use 65537, and a 3,000-bit exponent
  // makes one check cost as much as a hundred ordinary ones.
  const value = exponent.length > 4 ? Infinity : exponent.reduce((v, byte) => v * 256 + byte, 0);
  if (value < 3 || value > 0xffffffff || value % 2 === 0) {
    throw new WeakKeyError('RSA public exponent is not an odd number between 3 and 2^32 - 1');
  }
  return modulusBits <= 2048 ? 1 : modulusBits <= 4096 ? 1.3 : 3;
}

/**
 * Reads a SubjectPublicKeyInfo and decides whether this library accepts the key: RSA (PKCS#1 or PSS) of
 * 2048 to 8192 bits with an odd public exponent from 3 to 2^32 - 1, EC on a named P-256/P-384/P-521 curve
 * (RFC 5480 forbids explicit parameters), Ed25519, Ed448. Nothing is imported.
 * @throws WeakKeyError for an RSA key outside those bounds; UnsupportedAlgorithmError for another refused
 *   key; DerError when the structure is unreadable.
 */
export function keyProfile(spki: Uint8Array): KeyProfile {
  const [alg, bits, ...rest] = children(spki, readTlv(spki, 0, spki.length));
  if (alg?.tag !== TAG.SEQUENCE || bits?.tag !== TAG.BIT_STRING || rest.length) throw new DerError('bad SubjectPublicKeyInfo');
  const [oid, params] = children(spki, alg);
  if (oid?.tag !== TAG.OID) throw new DerError('bad SubjectPublicKeyInfo algorithm');
  const type = KEY_TYPES[decodeOid(content(spki, oid))];
  if (type === undefined) throw new UnsupportedAlgorithmError('unsupported key type');
  if (type === 'rsa' || type === 'rsa-pss') return { type, cost: rsaCost(spki, bits) };
  if (type === 'ec') {
    const cost = params?.tag === TAG.OID ? CURVE_COSTS[decodeOid(content(spki, params))] : undefined;
    if (cost === undefined) throw new UnsupportedAlgorithmError('EC key without a named P-256, P-384 or P-521 curve');
    return { type, cost };
  }
  return { type, cost: EDWARDS_COSTS[type]! };
}

/** The key type of an accepted SubjectPublicKeyInfo; see {@link keyProfile}, which this checks with. */
export function checkSpki(spki: Uint8Array): KeyType {
  return keyProfile(spki).type;
}

const cache = new LRUCache<string, PublicKey>({ max: 1024 });

/**
 * Imports an accepted SubjectPublicKeyInfo (DER), from the cache when it was seen before.
 * @throws UnsupportedAlgorithmError for a refused key; DerError when it cannot be decoded.
 */
export function importPublicKey(spki: Uint8Array): PublicKey {
  const bytes = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
  const id = bytes.toString('base64');
  let imported = cache.get(id);
  if (imported === undefined) {
    const { type, cost } = keyProfile(spki);
    try {
      imported = { key: createPublicKey({ key: bytes, format: 'der', type: 'spki' }), type, cost };
    } catch {
      throw new DerError('public key cannot be decoded');
    }
    cache.set(id, imported);
  }
  return imported;
}

/** Empties the key cache (benchmarks measure a first-ever verification with it). @internal */
export function clearPublicKeyCache(): void {
  cache.clear();
}
