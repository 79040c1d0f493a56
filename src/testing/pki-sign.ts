/**
 * Keys and signatures for the test PKI: WebCrypto (`node:crypto` `webcrypto`) keys, pkijs to assemble and
 * sign certificates and CRLs. Extensions and names arrive pre-encoded (see `pki-der.ts`).
 * @module
 */
import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { children, content, readTlv } from '../core/der/der.js';

/** Key algorithms the test PKI can generate. */
export type KeyAlgorithm = 'ECDSA-P256' | 'RSA-2048';

/** A generated key pair with its PKCS #8 PEM. */
export interface TestKeyPair {
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: webcrypto.CryptoKey;
  readonly publicKey: webcrypto.CryptoKey;
  /** PKCS #8 `PRIVATE KEY` PEM, as `tls` and `openssl` read it. */
  readonly keyPem: string;
  /** SHA-1 of the subjectPublicKey bits: the subject key identifier (RFC 5280 4.2.1.2, method 1). */
  readonly keyId: Uint8Array;
}

/** An extension, value already DER. */
export interface EncodedExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

// pkijs types its API with the DOM's Crypto and CryptoKey, which this Node project does not load.
type DomCryptoKey = Parameters<pkijs.Certificate['sign']>[0];
type DomCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];

// An explicit engine, not pkijs' global setEngine(): a test helper must not change library-wide state.
const engine = new pkijs.CryptoEngine({ name: 'express-alb-mtls-testing', crypto: webcrypto as unknown as DomCrypto });

const PARAMS: Record<KeyAlgorithm, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  'ECDSA-P256': { name: 'ECDSA', namedCurve: 'P-256' },
  'RSA-2048': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};

/** PEM armour, 64 columns. */
export function pemBlock(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Generates a key pair. */
export async function generateKeyPair(algorithm: KeyAlgorithm): Promise<TestKeyPair> {
  const params = PARAMS[algorithm];
  if (params === undefined) throw new TypeError(`createTestPki: keyAlgorithm must be 'ECDSA-P256' or 'RSA-2048'`);
  const pair = await webcrypto.subtle.generateKey(params, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', pair.publicKey));
  const bits = children(spki, readTlv(spki, 0))[1]!;
  const keyId = createHash('sha1').update(content(spki, bits).subarray(1)).digest();
  return { algorithm, privateKey: pair.privateKey, publicKey: pair.publicKey, keyPem: pemBlock('PRIVATE KEY', pkcs8),
    keyId: new Uint8Array(keyId) };
}

/** A Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), whole seconds. */
function time(date: Date): pkijs.Time {
  const value = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return new pkijs.Time({ type: value.getUTCFullYear() >= 2050 ? 1 : 0, value });
}

function name(der: Uint8Array): pkijs.RelativeDistinguishedNames {
  // Handing pkijs the finished encoding keeps RDN grouping, SET order and string types exactly as built.
  return new pkijs.RelativeDistinguishedNames({ valueBeforeDecode: toArrayBuffer(der) });
}

function extension(e: EncodedExtension): pkijs.Extension {
  return new pkijs.Extension({ extnID: e.oid, critical: e.critical, extnValue: toArrayBuffer(e.value) });
}

/** What {@link signCertificate} needs. */
export interface CertificateParams {
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  /** INTEGER content octets (positive, minimal). */
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: webcrypto.CryptoKey;
  readonly signer: webcrypto.CryptoKey;
  readonly extensions: readonly EncodedExtension[];
}

/** Assembles and signs a v3 certificate; returns its DER. */
export async function signCertificate(p: CertificateParams): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(p.serial) });
  cert.subject = name(p.subject);
  cert.issuer = name(p.issuer);
  cert.notBefore = time(p.notBefore);
  cert.notAfter = time(p.notAfter);
  await cert.subjectPublicKeyInfo.importKey(p.publicKey as unknown as DomCryptoKey, engine);
  cert.extensions = p.extensions.map(extension);
  await cert.sign(p.signer as unknown as DomCryptoKey, 'SHA-256', engine);
  return new Uint8Array(cert.toSchema().toBER(false));
}

/** What {@link signCrl} needs. */
export interface CrlParams {
  readonly issuer: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** INTEGER content octets of each revoked serial. */
  readonly revoked: readonly Uint8Array[];
  readonly revocationDate: Date;
  readonly signer: webcrypto.CryptoKey;
  readonly extensions: readonly EncodedExtension[];
}

/** Assembles and signs a v2 CRL; returns its DER. */
export async function signCrl(p: CrlParams): Promise<Uint8Array> {
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = name(p.issuer);
  crl.thisUpdate = time(p.thisUpdate);
  crl.nextUpdate = time(p.nextUpdate);
  if (p.revoked.length > 0) {
    crl.revokedCertificates = p.revoked.map((serial) => new pkijs.RevokedCertificate({
      userCertificate: new asn1js.Integer({ valueHex: toArrayBuffer(serial) }),
      revocationDate: time(p.revocationDate),
    }));
  }
  crl.crlExtensions = new pkijs.Extensions({ extensions: p.extensions.map(extension) });
  await crl.sign(p.signer as unknown as DomCryptoKey, 'SHA-256', engine);
  return new Uint8Array(crl.toSchema().toBER(false));
}
