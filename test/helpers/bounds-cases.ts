/**
 * The oversized and pathological inputs of test/core/bounds.test.ts, each with the answer it must get.
 * Certificates are assembled and signed here (der-builder.ts) so passthrough mode reaches path validation.
 */
import { toPem } from '../../src/core/der/pem.js';
import { albHeaders, encodePemHeader } from '../../src/testing/index.js';
import { buildCert, caExtensions, caLadder, clientExtensions, manySans, nestedSequences, newKey, permittedDns,
  type Key } from './pki/der-builder.js';

/** One input: the headers to send, the mode of the app, and the status it must get. */
export interface BoundsCase {
  readonly name: string;
  readonly mode: 'verify' | 'passthrough';
  readonly headers: Readonly<Record<string, string>>;
  /** The exact status (a 4xx), or `'ok'` for a valid (if huge) certificate that may be accepted. */
  readonly status: number | 'ok';
}

const SUBJECT = 'x-amzn-mtls-clientcert-subject';
const LEAF = 'x-amzn-mtls-clientcert-leaf';
const CHAIN = 'x-amzn-mtls-clientcert';
const KIB = 1024;

/** The PKI the cases are signed by: root (the trust store) -> intermediate -> leaves. */
export interface BoundsPki {
  readonly trustStore: string;
  readonly intermediate: Uint8Array;
  readonly key: Key;
  readonly name: string;
  /** A good leaf and its verify-mode headers. */
  readonly good: Readonly<Record<string, string>>;
  leaf(extra: Parameters<typeof clientExtensions>[2], subject?: string | Uint8Array): Uint8Array;
}

/** Makes the PKI (synchronously: node:crypto keys and signatures). */
export function makePki(): BoundsPki {
  const ladder = caLadder(1);
  const [rootDer, intermediate] = ladder.certs as [Uint8Array, Uint8Array];
  const issuerKey = ladder.keys[1]!;
  const leaf = (extra: Parameters<typeof clientExtensions>[2], subject: string | Uint8Array = 'CN=bounds'): Uint8Array => {
    const key = newKey();
    return buildCert({ subject, issuer: ladder.names[1]!, key, signer: issuerKey, extensions: clientExtensions(key, issuerKey, extra) });
  };
  return { trustStore: toPem(rootDer), intermediate, key: issuerKey, name: ladder.names[1]!, good: albHeaders(leaf([])), leaf };
}

const chainOf = (...ders: Uint8Array[]): Record<string, string> => ({ [CHAIN]: ders.map((d) => encodePemHeader(toPem(d))).join('') });
const withLeafDer = (good: Readonly<Record<string, string>>, der: Uint8Array): Record<string, string> =>
  ({ ...good, [LEAF]: encodePemHeader(toPem(der)) });

/** Verify-mode header sets: DN escapes, RDN counts, malformed leaves, oversize values. */
export function verifyCases(pki: BoundsPki): BoundsCase[] {
  const fill = (unit: string, bytes: number): string => 'CN=' + unit.repeat(Math.floor((bytes - 3) / unit.length));
  const subject = (value: string): Record<string, string> => ({ ...pki.good, [SUBJECT]: value });
  const der = Buffer.from(pki.leaf([]));
  const indefinite = Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(4), Buffer.from([0, 0])]);
  return [
    { name: '16 KiB subject of valid \\XX escapes', mode: 'verify', headers: subject(fill('\\C3\\84', 16 * KIB)), status: 400 },
    { name: '16 KiB subject of \\FF (not UTF-8)', mode: 'verify', headers: subject(fill('\\FF', 16 * KIB)), status: 400 },
    { name: '16 KiB subject of lone lead bytes \\C3', mode: 'verify', headers: subject(fill('\\C3\\C3', 16 * KIB)), status: 400 },
    { name: '16 KiB + 1 subject', mode: 'verify', headers: subject('CN=' + 'a'.repeat(16 * KIB - 2)), status: 400 },
    { name: '5,000 RDNs in 16 KiB', mode: 'verify', headers: subject(Array.from({ length: 5000 }, () => 'C=').join(',')), status: 400 },
    { name: '10,000 RDNs (30 KB)', mode: 'verify', headers: subject(Array.from({ length: 10000 }, () => 'C=').join(',')), status: 400 },
    { name: '5,000 attributes in one RDN', mode: 'verify', headers: subject(Array.from({ length: 5000 }, () => 'C=').join('+')), status: 400 },
    { name: 'leaf with indefinite-length outer SEQUENCE', mode: 'verify', headers: withLeafDer(pki.good, indefinite), status: 400 },
    { name: 'leaf whose subject is 3,000 nested SEQUENCEs', mode: 'verify', headers: withLeafDer(pki.good, pki.leaf([], nestedSequences(3000))), status: 400 },
    { name: 'leaf with a 2^32-byte length', mode: 'verify', headers: withLeafDer(pki.good, Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0])), status: 400 },
    { name: '64 KiB leaf header', mode: 'verify', headers: { ...pki.good, [LEAF]: pki.good[LEAF]! + '%0A'.repeat(22 * KIB) }, status: 400 },
    { name: '64 KiB+ chain header in verify mode (ignored)', mode: 'verify', headers: { [CHAIN]: 'A'.repeat(64 * KIB + 1) }, status: 'ok' },
  ];
}

/** Passthrough chain headers: long chains, look-alike CAs, huge and nested leaves, oversize values. */
export function passthroughCases(pki: BoundsPki): BoundsCase[] {
  const ladder = caLadder(10);
  const ladderLeafKey = newKey();
  const ladderLeaf = buildCert({ subject: 'CN=deep', issuer: ladder.names[10]!, key: ladderLeafKey, signer: ladder.keys[10]!,
    extensions: clientExtensions(ladderLeafKey, ladder.keys[10]!) });
  const cas = ladder.certs.slice(1).reverse(); // CA 10 .. CA 1
  const constrainedKey = newKey();
  const constrained = buildCert({ subject: 'CN=Constrained CA', issuer: pki.name, key: constrainedKey, signer: pki.key,
    extensions: caExtensions(constrainedKey, pki.key, [permittedDns('example.com')]) });
  const constrainedLeafKey = newKey();
  const constrainedLeaf = buildCert({ subject: 'CN=many', issuer: 'CN=Constrained CA', key: constrainedLeafKey, signer: constrainedKey,
    extensions: clientExtensions(constrainedLeafKey, constrainedKey, [manySans(10000)]) });
  const nested = (critical: boolean, oid: string): Uint8Array => pki.leaf([{ oid, critical, value: nestedSequences(10000) }]);
  return [
    { name: 'chain of 11 certificates', mode: 'passthrough', headers: chainOf(ladderLeaf, ...cas), status: 400 },
    { name: 'chain of 10 certificates, 9 CAs deep', mode: 'passthrough', headers: chainOf(ladderLeaf, ...cas.slice(0, 9)), status: 401 },
    { name: 'ten look-alike CAs with one name', mode: 'passthrough', headers: chainOf(...lookAlikes()), status: 401 },
    { name: 'leaf with 10,000 SANs', mode: 'passthrough', headers: chainOf(pki.leaf([manySans(10000)]), pki.intermediate), status: 'ok' },
    { name: '10,000 SANs under name constraints', mode: 'passthrough', headers: chainOf(constrainedLeaf, constrained, pki.intermediate), status: 401 },
    { name: 'SAN of 10,000 nested SEQUENCEs', mode: 'passthrough', headers: chainOf(nested(false, '2.5.29.17'), pki.intermediate), status: 401 },
    { name: 'critical unknown extension, 10,000 deep', mode: 'passthrough', headers: chainOf(nested(true, '1.3.6.1.4.1.55555.3'), pki.intermediate), status: 401 },
    { name: '64 KiB+ chain header', mode: 'passthrough', headers: { [CHAIN]: chainOf(pki.leaf([]))[CHAIN]! + '%0A'.repeat(22 * KIB) }, status: 400 },
  ];
}

/** A leaf and ten CAs all named `CN=Look Alike`, each signed by another key: path building must stay bounded. */
function lookAlikes(): Uint8Array[] {
  const keys = Array.from({ length: 10 }, () => newKey());
  const cas = keys.map((key, i) => buildCert({ subject: 'CN=Look Alike', issuer: 'CN=Look Alike', key, signer: keys[(i + 1) % 10]!,
    extensions: caExtensions(key, keys[(i + 1) % 10]!) }));
  const leafKey = newKey();
  const leaf = buildCert({ subject: 'CN=victim', issuer: 'CN=Look Alike', key: leafKey, signer: keys[0]!, extensions: clientExtensions(leafKey, keys[0]!) });
  return [leaf, ...cas.slice(0, 9)];
}
