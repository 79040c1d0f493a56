/**
 * Hand-assembled, properly signed certificates (node:crypto ECDSA P-256) for shapes no CA tool makes:
 * 10,000 SANs, deeply nested extensions, chains of any length. Names and extensions reuse the test PKI's
 * encoders; the assembly is here so each byte is under the test's control.
 */
import { generateKeyPairSync, createHash, sign, type KeyObject } from 'node:crypto';
import { encodeName, oid, tlv, type SubjectInput } from '../../../src/testing/pki-der.js';
import { KEY_USAGE, authorityKeyIdentifier, basicConstraints, extKeyUsage, keyUsage, subjectKeyIdentifier }
  from '../../../src/testing/pki-extensions.js';
import type { EncodedExtension } from '../../../src/testing/pki-sign.js';
import { serialOctets } from '../../../src/testing/pki.js';

/** A P-256 key pair with its SubjectPublicKeyInfo DER and key identifier. */
export interface Key {
  readonly privateKey: KeyObject;
  readonly spki: Uint8Array;
  readonly keyId: Uint8Array;
}

/** A fresh P-256 key. */
export function newKey(): Key {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  return { privateKey, spki, keyId: new Uint8Array(createHash('sha1').update(spki).digest()) };
}

/** What {@link buildCert} assembles. */
export interface CertSpec {
  /** A name, or raw DER used as is (to put any bytes where the Name goes). */
  readonly subject: SubjectInput | Uint8Array;
  readonly issuer: SubjectInput;
  readonly key: Key;
  readonly signer: Key;
  readonly extensions: readonly EncodedExtension[];
  readonly serial?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const ECDSA_SHA256 = tlv(0x30, oid('1.2.840.10045.4.3.2'));

function utcTime(date: Date): Uint8Array {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'latin1'));
}

function extension(e: EncodedExtension): Uint8Array {
  const critical = e.critical ? [tlv(0x01, Uint8Array.of(0xff))] : [];
  return tlv(0x30, oid(e.oid), ...critical, tlv(0x04, e.value));
}

let serialCounter = 1;

/** A signed v3 certificate, DER. */
export function buildCert(spec: CertSpec): Uint8Array {
  const serial = spec.serial ?? serialCounter++;
  const tbs = tlv(0x30,
    tlv(0xa0, tlv(0x02, Uint8Array.of(2))),
    tlv(0x02, serialOctets(serial.toString(16))),
    ECDSA_SHA256,
    encodeName(spec.issuer),
    tlv(0x30, utcTime(spec.notBefore ?? new Date(Date.now() - 3_600_000)), utcTime(spec.notAfter ?? new Date(Date.now() + 86_400_000))),
    spec.subject instanceof Uint8Array ? spec.subject : encodeName(spec.subject),
    spec.key.spki,
    tlv(0xa3, tlv(0x30, ...spec.extensions.map(extension))));
  const signature = sign('sha256', tbs, { key: spec.signer.privateKey, dsaEncoding: 'der' });
  return tlv(0x30, tbs, ECDSA_SHA256, tlv(0x03, Uint8Array.of(0), signature));
}

/** Extensions of a CA certificate (cA, keyCertSign, key identifiers). */
export function caExtensions(key: Key, issuer: Key, extra: readonly EncodedExtension[] = []): EncodedExtension[] {
  return [basicConstraints(true), keyUsage([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]), subjectKeyIdentifier(key.keyId),
    authorityKeyIdentifier(issuer.keyId), ...extra];
}

/** Extensions of a client certificate, plus `extra`. */
export function clientExtensions(key: Key, issuer: Key, extra: readonly EncodedExtension[] = []): EncodedExtension[] {
  return [basicConstraints(false), keyUsage([KEY_USAGE.digitalSignature]), extKeyUsage(['clientAuth']),
    subjectKeyIdentifier(key.keyId), authorityKeyIdentifier(issuer.keyId), ...extra];
}

/** A root and `intermediates` CAs below it, each signing the next: root first. */
export function caLadder(intermediates: number): { certs: Uint8Array[]; keys: Key[]; names: string[] } {
  const keys = [newKey()];
  const names = ['CN=Ladder Root'];
  const certs = [buildCert({ subject: names[0]!, issuer: names[0]!, key: keys[0]!, signer: keys[0]!, extensions: caExtensions(keys[0]!, keys[0]!) })];
  for (let i = 1; i <= intermediates; i++) {
    keys.push(newKey());
    names.push(`CN=Ladder CA ${i}`);
    certs.push(buildCert({ subject: names[i]!, issuer: names[i - 1]!, key: keys[i]!, signer: keys[i - 1]!,
      extensions: caExtensions(keys[i]!, keys[i - 1]!) }));
  }
  return { certs, keys, names };
}

/** A subjectAltName extension with `count` one-letter dNSNames (3 bytes each, so 10,000 fit a 64 KiB header). */
export function manySans(count: number): EncodedExtension {
  const names = Array.from({ length: count }, (_, i) => tlv(0x82, Buffer.from(String.fromCharCode(0x61 + (i % 26)), 'latin1')));
  return { oid: '2.5.29.17', critical: false, value: tlv(0x30, ...names) };
}

/** nameConstraints (critical) permitting only dNSNames under `domain`. */
export function permittedDns(domain: string): EncodedExtension {
  return { oid: '2.5.29.30', critical: true, value: tlv(0x30, tlv(0xa0, tlv(0x30, tlv(0x82, Buffer.from(domain, 'latin1'))))) };
}

/** `depth` SEQUENCEs nested inside each other, innermost empty. */
export function nestedSequences(depth: number): Uint8Array {
  let inner: Uint8Array = tlv(0x30);
  for (let i = 1; i < depth; i++) inner = tlv(0x30, inner);
  return inner;
}
