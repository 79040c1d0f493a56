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
import { DerError, TAG, children, content, decodeOid, readTlv } from './der.js';

/** Thrown for an algorithm or key this library refuses (reason `unsupported-algorithm`). */
export class UnsupportedAlgorithmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedAlgorithmError';
  }
}

/** Key types accepted. */
export type KeyType = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448';

/** An accepted, imported public key. */
export interface PublicKey {
  readonly key: KeyObject;
  readonly type: KeyType;
}

const KEY_TYPES: Record<string, KeyType> = {
  '1.2.840.113549.1.1.1': 'rsa', '1.2.840.113549.1.1.10': 'rsa-pss', '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448',
};
// P-256, P-384, P-521 by OID.
const CURVES = new Set(['1.2.840.10045.3.1.7', '1.3.132.0.34', '1.3.132.0.35']);

function rsaModulusBits(spki: Uint8Array, bits: { contentStart: number; end: number }): number {
  if (spki[bits.contentStart] !== 0) throw new DerError('bad subjectPublicKey');
  const rsaKey = readTlv(spki, bits.contentStart + 1, bits.end);
  const modulus = children(spki, rsaKey)[0];
  if (rsaKey.tag !== TAG.SEQUENCE || modulus?.tag !== TAG.INTEGER) throw new DerError('bad RSAPublicKey');
  let n = content(spki, modulus);
  while (n.length > 0 && n[0] === 0) n = n.subarray(1);
  return n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
}

/**
 * The key type of a SubjectPublicKeyInfo, if this library accepts it: RSA (PKCS#1 or PSS) of at least
 * 2048 bits, EC on a named P-256/P-384/P-521 curve (RFC 5480 forbids explicit parameters), Ed25519, Ed448.
 * @throws UnsupportedAlgorithmError for a refused key; DerError when the structure is unreadable.
 */
export function checkSpki(spki: Uint8Array): KeyType {
  const [alg, bits, ...rest] = children(spki, readTlv(spki, 0, spki.length));
  if (alg?.tag !== TAG.SEQUENCE || bits?.tag !== TAG.BIT_STRING || rest.length) throw new DerError('bad SubjectPublicKeyInfo');
  const [oid, params] = children(spki, alg);
  if (oid?.tag !== TAG.OID) throw new DerError('bad SubjectPublicKeyInfo algorithm');
  const type = KEY_TYPES[decodeOid(content(spki, oid))];
  if (type === undefined) throw new UnsupportedAlgorithmError('unsupported key type');
  if (type === 'ec' && (params?.tag !== TAG.OID || !CURVES.has(decodeOid(content(spki, params))))) {
    throw new UnsupportedAlgorithmError('EC key without a named P-256, P-384 or P-521 curve');
  }
  if ((type === 'rsa' || type === 'rsa-pss') && rsaModulusBits(spki, bits) < 2048) {
    throw new UnsupportedAlgorithmError('RSA key shorter than 2048 bits');
  }
  return type;
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
    const type = checkSpki(spki);
    try {
      imported = { key: createPublicKey({ key: bytes, format: 'der', type: 'spki' }), type };
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
