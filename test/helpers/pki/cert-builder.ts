/**
 * A tiny DER writer for test certificates and CRLs with exact control over every field (the openssl CLI
 * cannot produce most malformed or unusual shapes). Keys are node:crypto keys; signatures are real.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** Encodes one TLV. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff]
    : n < 0x1000000 ? [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff] : [0x84, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
export const seq = (...p: Uint8Array[]): Uint8Array => tlv(0x30, ...p);
export const set = (...p: Uint8Array[]): Uint8Array => tlv(0x31, ...p);
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const bool = (v: boolean): Uint8Array => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const utf8 = (s: string): Uint8Array => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printable = (s: string): Uint8Array => tlv(0x13, Buffer.from(s, 'latin1'));
export const ia5 = (s: string, tag = 0x16): Uint8Array => tlv(tag, Buffer.from(s, 'latin1'));
export const bits = (b: Uint8Array, unused = 0): Uint8Array => tlv(0x03, Buffer.from([unused]), b);

/** OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(BigInt);
  const out: number[] = [];
  for (const arc of [a! * 40n + b!, ...rest]) {
    const bytes = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}

/** INTEGER from a bigint (two's complement, minimal). */
export function int(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v !== 0n && v !== -1n);
  if (value >= 0 && out[0]! & 0x80) out.unshift(0);
  if (value < 0 && !(out[0]! & 0x80)) out.unshift(0xff);
  return tlv(0x02, Buffer.from(out));
}

/** GeneralizedTime (YYYYMMDDHHMMSSZ). */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString();
  return tlv(0x18, Buffer.from(iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z', 'latin1'));
}

/** A Name from `[['2.5.4.3', 'value'], ...]` RDNs (one attribute each), DER order; strings as UTF8String. */
export function name(...rdns: Array<[string, string | Uint8Array]>): Uint8Array {
  return seq(...rdns.map(([type, value]) => set(seq(oid(type), typeof value === 'string' ? utf8(value) : value))));
}
export const CN = '2.5.4.3';
export const O = '2.5.4.10';
export const cn = (value: string): Uint8Array => name([CN, value]);

/** One extension. */
export function ext(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** A key pair for tests. */
export interface TestKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly spki: Uint8Array;
  readonly keyId: Uint8Array;
}

/** `ec` P-256 by default (fast to generate); also 'ed25519', 'rsa' (2048) or a curve name. */
export function newKey(kind: 'P-256' | 'P-384' | 'ed25519' | 'rsa' | 'rsa1024' = 'P-256'): TestKey {
  const pair = kind === 'ed25519' ? generateKeyPairSync('ed25519')
    : kind === 'rsa' || kind === 'rsa1024' ? generateKeyPairSync('rsa', { modulusLength: kind === 'rsa' ? 2048 : 1024 })
    : generateKeyPairSync('ec', { namedCurve: kind });
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  return { ...pair, spki, keyId: createHash('sha1').update(spki).digest() };
}

const SIG: Record<string, { alg: Uint8Array; hash: string | null }> = {
  ec: { alg: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' },
  rsa: { alg: seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)), hash: 'sha256' },
  rsa1: { alg: seq(oid('1.2.840.113549.1.1.5'), tlv(0x05)), hash: 'sha1' },
  ed25519: { alg: seq(oid('1.3.101.112')), hash: null },
};

/** Signs `tbs` with `key`, returning the whole signed structure (Certificate or CertificateList). */
export function signed(tbs: Uint8Array, key: KeyObject, algorithm?: string): Uint8Array {
  const sig = SIG[algorithm ?? key.asymmetricKeyType!]!;
  return seq(tbs, sig.alg, bits(sign(sig.hash, tbs, { key, dsaEncoding: 'der' })));
}

/** What a test certificate is made of. Omitted extensions get CA or leaf defaults. */
export interface CertSpec {
  readonly subject: Uint8Array;
  readonly key: TestKey;
  /** The issuer; omitted: self-signed. */
  readonly issuer?: { readonly subject: Uint8Array; readonly key: TestKey };
  readonly ca?: boolean;
  readonly serial?: bigint;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Replaces the default extension list entirely. */
  readonly extensions?: Uint8Array[];
  /** Added after the defaults. */
  readonly extra?: Uint8Array[];
  readonly signatureAlgorithm?: string;
}

/** A built test certificate. */
export interface TestCert {
  readonly der: Uint8Array;
  readonly subject: Uint8Array;
  readonly key: TestKey;
}

let serialCounter = 1000n;

/** The default extensions: CA (critical BC, KU keyCertSign|cRLSign, SKI, AKI) or leaf (KU, EKU clientAuth). */
export function defaultExtensions(spec: CertSpec): Uint8Array[] {
  const issuerKey = (spec.issuer ?? spec).key;
  const common = [ext('2.5.29.14', false, octets(spec.key.keyId)), ext('2.5.29.35', false, seq(tlv(0x80, issuerKey.keyId)))];
  if (spec.ca) {
    return [ext('2.5.29.19', true, seq(bool(true))), ext('2.5.29.15', true, bits(Buffer.from([0x06]), 1)), ...common];
  }
  return [ext('2.5.29.15', true, bits(Buffer.from([0x80]), 7)), ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.2'))), ...common];
}

/** Builds and signs a certificate. */
export function makeCert(spec: CertSpec): TestCert {
  const issuer = spec.issuer ?? spec;
  const exts = [...(spec.extensions ?? defaultExtensions(spec)), ...(spec.extra ?? [])];
  const sigAlg = SIG[spec.signatureAlgorithm ?? issuer.key.privateKey.asymmetricKeyType!]!.alg;
  const tbs = seq(
    tlv(0xa0, int(2)), int(spec.serial ?? serialCounter++), sigAlg, issuer.subject,
    seq(time(spec.notBefore ?? new Date('2020-01-01T00:00:00Z')), time(spec.notAfter ?? new Date('2040-01-01T00:00:00Z'))),
    spec.subject, spec.key.spki, ...(exts.length ? [tlv(0xa3, seq(...exts))] : []),
  );
  return { der: signed(tbs, issuer.key.privateKey, spec.signatureAlgorithm), subject: spec.subject, key: spec.key };
}

/** Builds a CRL (v2, CRLNumber unless `extensions` replaces it); `entryExtensions` go in every entry. */
export function makeCrl(issuer: { subject: Uint8Array; key: TestKey }, options: {
  revoked?: bigint[]; thisUpdate?: Date; nextUpdate?: Date | null; extensions?: Uint8Array[]; entryExtensions?: Uint8Array[];
} = {}): Uint8Array {
  const entryExts = options.entryExtensions?.length ? [seq(...options.entryExtensions)] : [];
  const entries = (options.revoked ?? []).map((s) => seq(int(s), time(new Date('2021-01-01T00:00:00Z')), ...entryExts));
  const exts = options.extensions ?? [ext('2.5.29.20', false, int(1)), ext('2.5.29.35', false, seq(tlv(0x80, issuer.key.keyId)))];
  const next = options.nextUpdate === undefined ? new Date('2039-01-01T00:00:00Z') : options.nextUpdate;
  const tbs = seq(int(1), SIG[issuer.key.privateKey.asymmetricKeyType!]!.alg, issuer.subject,
    time(options.thisUpdate ?? new Date('2021-01-01T00:00:00Z')), ...(next ? [time(next)] : []),
    ...(entries.length ? [tlv(0x30, Buffer.concat(entries))] : []), ...(exts.length ? [tlv(0xa0, seq(...exts))] : []));
  return signed(tbs, issuer.key.privateKey);
}

/** PEM text of DER bytes with the given label. */
export function pem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KU_BIT = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

function kuBits(bitNumbers: number[]): Uint8Array {
  if (bitNumbers.length === 0) return bits(new Uint8Array(0));
  const high = Math.max(...bitNumbers);
  const bytes = new Uint8Array((high >> 3) + 1);
  for (const b of bitNumbers) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return bits(bytes, bytes.length * 8 - (high + 1));
}

/** Extension builders. */
export const X = {
  bc: (ca: boolean, pathLen?: number, critical = true): Uint8Array =>
    ext('2.5.29.19', critical, seq(...(ca ? [bool(true)] : []), ...(pathLen === undefined ? [] : [int(pathLen)]))),
  ku: (bitNumbers: number[], critical = true): Uint8Array => ext('2.5.29.15', critical, kuBits(bitNumbers)),
  eku: (...oids: string[]): Uint8Array => ext('2.5.29.37', false, seq(...oids.map(oid))),
  ski: (key: TestKey): Uint8Array => ext('2.5.29.14', false, octets(key.keyId)),
  aki: (key: TestKey): Uint8Array => ext('2.5.29.35', false, seq(tlv(0x80, key.keyId))),
  san: (names: Uint8Array[], critical = false): Uint8Array => ext('2.5.29.17', critical, seq(...names)),
  nc: (permitted: Uint8Array[], excluded: Uint8Array[] = [], critical = true): Uint8Array => ext('2.5.29.30', critical, seq(
    ...(permitted.length ? [tlv(0xa0, ...permitted.map((p) => seq(p)))] : []),
    ...(excluded.length ? [tlv(0xa1, ...excluded.map((e) => seq(e)))] : []))),
  policyConstraints: (requireExplicitPolicy: number): Uint8Array => ext('2.5.29.36', true, seq(tlv(0x80, Buffer.from([requireExplicitPolicy])))),
  crlDp: (uri: string): Uint8Array => ext('2.5.29.31', false, seq(seq(tlv(0xa0, tlv(0xa0, ia5(uri, 0x86)))))),
};

/** GeneralName builders. */
export const GN = {
  dns: (s: string): Uint8Array => ia5(s, 0x82),
  email: (s: string): Uint8Array => ia5(s, 0x81),
  uri: (s: string): Uint8Array => ia5(s, 0x86),
  ip: (...bytes: number[]): Uint8Array => tlv(0x87, Buffer.from(bytes)),
  dn: (n: Uint8Array): Uint8Array => tlv(0xa4, n),
  other: (): Uint8Array => tlv(0xa0, oid('1.3.6.1.4.1.311.20.2.3'), tlv(0xa0, utf8('upn@example.com'))),
};

/** CA extensions with overrides: `caExtensions(spec, { ku: X.ku([...]) })`; `null` drops one. */
export function caExtensions(subjectKey: TestKey, issuerKey: TestKey, replace: Partial<Record<'bc' | 'ku' | 'ski' | 'aki', Uint8Array | null>> = {}): Uint8Array[] {
  const base = { bc: X.bc(true), ku: X.ku([KU_BIT.keyCertSign, KU_BIT.cRLSign]), ski: X.ski(subjectKey), aki: X.aki(issuerKey) };
  return (Object.keys(base) as Array<keyof typeof base>).map((k) => (k in replace ? replace[k] : base[k])).filter((e): e is Uint8Array => e !== null && e !== undefined);
}

/** Leaf extensions with overrides; `null` drops one. */
export function leafExtensions(subjectKey: TestKey, issuerKey: TestKey, replace: Partial<Record<'ku' | 'eku' | 'ski' | 'aki', Uint8Array | null>> = {}): Uint8Array[] {
  const base = { ku: X.ku([KU_BIT.digitalSignature]), eku: X.eku('1.3.6.1.5.5.7.3.2'), ski: X.ski(subjectKey), aki: X.aki(issuerKey) };
  return (Object.keys(base) as Array<keyof typeof base>).map((k) => (k in replace ? replace[k] : base[k])).filter((e): e is Uint8Array => e !== null && e !== undefined);
}
