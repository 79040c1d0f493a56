/** Hostile chains for the path builder's work bounds, shared by the tests and bench/chain-worst.bench.ts. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { caExtensions, cn, ext, leafExtensions, makeCert, octets, seq, tlv, type TestCert, type TestKey } from './cert-builder.js';

/** A fresh key: `'rsa'` (2048 bits) or a named curve (`'P-256'`, `'P-384'`, `'P-521'`). */
export function keyOf(kind: string): TestKey {
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: kind });
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  return { ...pair, spki, keyId: createHash('sha1').update(spki).digest() };
}

const SHARED_KEY_ID = Buffer.alloc(20, 0x5a);

/**
 * Decoy CAs that all carry the leaf's issuer name and sign each other in a ring, so every decoy is a
 * candidate issuer of every other and each link verifies: the builder walks deep paths that never reach an
 * anchor, checking a signature at each step. They share one key identifier, as an attacker would write it,
 * so that no AKI/SKI comparison rules any of them out.
 */
export function decoyRing(count: number, kind: string): { leaf: TestCert; decoys: TestCert[] } {
  const keys = Array.from({ length: count }, () => keyOf(kind));
  const name = cn('Decoy CA');
  const shared = { ski: ext('2.5.29.14', false, octets(SHARED_KEY_ID)), aki: ext('2.5.29.35', false, seq(tlv(0x80, SHARED_KEY_ID))) };
  const decoys = keys.map((k, i) => makeCert({ subject: name, key: k, issuer: { subject: name, key: keys[(i + 1) % count]! },
    extensions: caExtensions(k, k, shared) }));
  const leafKey = keyOf('P-256');
  const leaf = makeCert({ subject: cn('client'), key: leafKey, issuer: decoys[0]!, extensions: leafExtensions(leafKey, leafKey, { aki: shared.aki }) });
  return { leaf, decoys };
}
