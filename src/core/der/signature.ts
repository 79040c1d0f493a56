/**
 * Signature verification with node:crypto for certificates and CRLs (RFC 5280 6.1.3 (a)(1)).
 *
 * Accepted: RSA PKCS#1 v1.5 with SHA-256/384/512, RSASSA-PSS (SHA-256/384/512, MGF1 with the same hash,
 * trailer 1), ECDSA with SHA-256/384/512 on P-256/P-384/P-521, Ed25519 and Ed448. Refused: SHA-1 and MD5
 * (collisions are practical; OpenSSL 3.0 still accepts SHA-1 at its default level, we do not), RSA keys
 * under 2048 bits, EC keys with explicit or other curves, DSA.
 * @module
 */
import { constants, verify } from 'node:crypto';
import { smallUnsigned } from './cert-extensions.js';
import { DerError, TAG, children, content, decodeOid, encoding, readTlv, type Tlv } from './der.js';
import { UnsupportedAlgorithmError, type KeyType, type PublicKey } from './public-key.js';

/** The three parts of a signed structure (Certificate or CertificateList). */
export interface Signed {
  /** The signed bytes (the whole TBS element). */
  readonly tbs: Uint8Array;
  /** The outer AlgorithmIdentifier element. */
  readonly algorithm: Uint8Array;
  /** The signature BIT STRING's bits. */
  readonly signature: Uint8Array;
}

/** Splits a DER Certificate or CertificateList into its signed parts. */
export function signedParts(der: Uint8Array): Signed {
  const outer = children(der, readTlv(der, 0, der.length));
  const [tbs, alg, sig] = outer;
  if (outer.length !== 3 || tbs?.tag !== TAG.SEQUENCE || alg?.tag !== TAG.SEQUENCE || sig?.tag !== TAG.BIT_STRING) {
    throw new DerError('bad signed structure');
  }
  const bits = content(der, sig);
  if (bits[0] !== 0) throw new DerError('signature BIT STRING with unused bits');
  return { tbs: encoding(der, tbs), algorithm: encoding(der, alg), signature: bits.subarray(1) };
}

interface Scheme {
  readonly keyTypes: readonly KeyType[];
  readonly hash: string | null;
  readonly pss?: { readonly saltLength: number };
}

const RSA_PKCS1: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
};
const EDDSA: Record<string, KeyType> = { '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448' };
const HASHES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};
const RSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';

function hashOf(der: Uint8Array, alg: Tlv | undefined): string {
  const [oid, params, ...rest] = alg?.tag === TAG.SEQUENCE ? children(der, alg) : [];
  const name = oid?.tag === TAG.OID ? HASHES[decodeOid(content(der, oid))] : undefined;
  // RFC 4055 2.1: the hash parameters are NULL or absent.
  if (!name || rest.length || (params && (params.tag !== TAG.NULL || params.end !== params.contentStart))) {
    throw new UnsupportedAlgorithmError('unsupported RSASSA-PSS hash');
  }
  return name;
}

function pssScheme(der: Uint8Array, params: Tlv | undefined): Scheme {
  if (params?.tag !== TAG.SEQUENCE) throw new UnsupportedAlgorithmError('RSASSA-PSS without parameters (SHA-1 default)');
  const fields = new Map(children(der, params).map((t) => [t.tag, t] as const));
  const wrapped = (tag: number): Tlv | undefined => {
    const t = fields.get(tag);
    return t && children(der, t)[0];
  };
  const hash = hashOf(der, wrapped(0xa0));
  const mgf = wrapped(0xa1);
  const [mgfOid, mgfHash] = mgf?.tag === TAG.SEQUENCE ? children(der, mgf) : [];
  if (!mgfOid || decodeOid(content(der, mgfOid)) !== MGF1 || hashOf(der, mgfHash) !== hash) {
    throw new UnsupportedAlgorithmError('RSASSA-PSS with a different MGF1 hash');
  }
  const salt = wrapped(0xa2);
  const saltLength = salt ? smallUnsigned(content(der, salt)) : 20;
  const trailer = wrapped(0xa3);
  if (trailer && !(content(der, trailer).length === 1 && content(der, trailer)[0] === 1)) {
    throw new UnsupportedAlgorithmError('RSASSA-PSS trailer field');
  }
  return { keyTypes: ['rsa', 'rsa-pss'], hash, pss: { saltLength } };
}

/** The verification scheme for an AlgorithmIdentifier element (its whole encoding). */
function schemeOf(algorithm: Uint8Array): Scheme {
  const [oidTlv, params, ...rest] = children(algorithm, readTlv(algorithm, 0, algorithm.length));
  if (oidTlv?.tag !== TAG.OID || rest.length) throw new DerError('bad AlgorithmIdentifier');
  const oid = decodeOid(content(algorithm, oidTlv));
  const noParams = params === undefined;
  const nullParams = params?.tag === TAG.NULL && params.end === params.contentStart;
  if (RSA_PKCS1[oid] && (noParams || nullParams)) return { keyTypes: ['rsa'], hash: RSA_PKCS1[oid]! };
  if (ECDSA[oid] && noParams) return { keyTypes: ['ec'], hash: ECDSA[oid]! };
  if (EDDSA[oid] && noParams) return { keyTypes: [EDDSA[oid]!], hash: null };
  if (oid === RSA_PSS) return pssScheme(algorithm, params);
  throw new UnsupportedAlgorithmError(`unsupported signature algorithm ${oid}`);
}

/**
 * Verifies `signed` with `key`. Returns `false` for a wrong signature; throws `UnsupportedAlgorithmError`
 * when the algorithm is refused or does not fit the key type.
 */
export function verifySigned(signed: Signed, publicKey: PublicKey): boolean {
  const scheme = schemeOf(signed.algorithm);
  const { key } = publicKey;
  if (!scheme.keyTypes.includes(publicKey.type)) {
    throw new UnsupportedAlgorithmError('signature algorithm does not match the issuer key type');
  }
  const options = scheme.pss
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.pss.saltLength }
    : { key, dsaEncoding: 'der' as const };
  try {
    return verify(scheme.hash, signed.tbs, options, signed.signature);
  } catch {
    return false; // malformed signature value (e.g. a bad ECDSA DER encoding)
  }
}
