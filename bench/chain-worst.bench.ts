/**
 * The most CPU a client can make one passthrough verification cost, against an ordinary 3-certificate
 * verification measured in the same run (the ratio is what SECURITY.md bounds at about 10x).
 *   ordinary         = leaf + intermediate presented, root in the store, key cache emptied (a new client's first request)
 *   decoy ring       = decoy CAs named like the leaf's issuer, each validly signing the next: the builder walks
 *                      them checking signatures until the work bound stops it (RSA-2048, P-256, P-384, P-521)
 *   huge exponent    = nine decoys with RSA-3072 keys and a 3,064-bit public exponent: refused before any check;
 *                      "one check" is what each signature check would have cost without the key bound
 *   limbo            = x509-limbo's pathological::* and nc-dos-* cases (path-building and name-constraint shapes)
 * CPU time per call (process.cpuUsage), median and range over rounds, so the figures hold on a loaded machine.
 * Run: npm run bench:worst   (node --import tsx bench/chain-worst.bench.ts [--rounds N])
 * @module
 */
import { createHash, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyChain, type ChainResult } from '../src/core/path/chain.js';
import { clearPublicKeyCache } from '../src/core/der/public-key.js';
import { loadTrustStore, type TrustStore } from '../src/core/path/trust-store.js';
import { parsePemCertificates } from '../src/core/der/pem.js';
import { parseCertificateStructure, type CertificateStructure } from '../src/core/der/x509.js';
import { bits, cn, int, makeCert, oid, pem, seq, tlv, type TestCert, type TestKey } from '../test/helpers/pki/cert-builder.js';
import { decoyRing, keyOf } from '../test/helpers/pki/decoys.js';
import { buildCert, caExtensions as ladderCaExtensions, caLadder, clientExtensions, manySans, newKey as ladderKey, permittedDns } from '../test/helpers/pki/der-builder.js';
import { createPassthroughVerifier } from '../src/core/alb/passthrough.js';

const { values: flags } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(flags.rounds);
const NOW = Date.parse('2030-06-01T00:00:00Z');

function testKey(pair: { privateKey: KeyObject; publicKey: KeyObject }, spki?: Uint8Array): TestKey {
  const der = spki ?? pair.publicKey.export({ type: 'spki', format: 'der' });
  return { ...pair, spki: der, keyId: createHash('sha1').update(der).digest() };
}

interface Case {
  readonly leaf: CertificateStructure; readonly presented: CertificateStructure[]; readonly store: TrustStore; readonly now: number;
  /** limbo cases mostly validate server certificates: no EKU or key-usage policy, so the builder runs in full. */
  readonly anyPurpose?: boolean;
}
const parse = (c: TestCert): CertificateStructure => parseCertificateStructure(c.der);

function ordinary(kind: string): Case {
  const root = makeCert({ subject: cn('Root'), key: keyOf(kind), ca: true });
  const ica = makeCert({ subject: cn('Intermediate'), key: keyOf(kind), issuer: root, ca: true });
  const leaf = makeCert({ subject: cn('client'), key: keyOf(kind), issuer: ica });
  return { leaf: parse(leaf), presented: [parse(ica)], store: loadTrustStore(pem(root.der)), now: NOW };
}

function decoyCase(kind: string, count: number): Case {
  const { leaf, decoys } = decoyRing(count, kind);
  const root = makeCert({ subject: cn('Root'), key: keyOf('P-256'), ca: true });
  return { leaf: parse(leaf), presented: decoys.map(parse), store: loadTrustStore(pem(root.der)), now: NOW };
}

/** An RSA-3072 key pair with a 3,064-bit public exponent (what the attack used), built from two primes. */
function hugeExponentKey(): { key: TestKey; verifyOnce: () => void } {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey.export({ format: 'jwk' });
  const big = (s: string | undefined): bigint => BigInt('0x' + Buffer.from(s!, 'base64url').toString('hex'));
  const n = big(jwk.n);
  const e = (1n << 3063n) + 1n;
  const spki = seq(seq(oid('1.2.840.113549.1.1.1'), tlv(0x05)), bits(seq(int(n), int(e))));
  const publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(800, 1);
  const signature = Buffer.alloc(384, 1); // below the modulus: verification runs in full and fails
  const verifyOnce = (): void => {
    verify('sha256', data, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }), signature);
  };
  return { key: testKey({ privateKey: signer.privateKey, publicKey }, spki), verifyOnce };
}

function hugeExponentAttack(): { attack: Case; verifyOnce: () => void } {
  const { key, verifyOnce } = hugeExponentKey();
  const name = cn('Decoy CA');
  const signer = keyOf('P-256');
  const decoys = Array.from({ length: 9 }, () => makeCert({ subject: name, key, issuer: { subject: name, key: signer }, ca: true }));
  const leaf = makeCert({ subject: cn('client'), key: keyOf('P-256'), issuer: { subject: name, key: signer } });
  const root = makeCert({ subject: cn('Root'), key: keyOf('P-256'), ca: true });
  return { attack: { leaf: parse(leaf), presented: decoys.map(parse), store: loadTrustStore(pem(root.der)), now: NOW }, verifyOnce };
}

function limboCases(): Array<[string, Case]> {
  const file = new URL('../../shared/conformance/x509-limbo/limbo-subset.json', import.meta.url);
  const { testcases } = JSON.parse(readFileSync(file, 'utf8')) as { testcases: Array<Record<string, unknown>> };
  const certs = (pems: string) => parsePemCertificates(pems, 'limbo', 64).map((b) => parseCertificateStructure(b.der));
  return testcases.filter((t) => /^pathological::|nc-dos/.test(t.id as string)).map((t) => [t.id as string, {
    leaf: certs(t.peer_certificate as string)[0]!, presented: (t.untrusted_intermediates as string[]).flatMap(certs),
    store: loadTrustStore((t.trusted_certs as string[]).join('\n')),
    now: t.validation_time ? Date.parse(t.validation_time as string) : Date.now(), anyPurpose: true,
  }]);
}

/** CPU µs per call: median and range over rounds of `n` calls each. */
function cpuMicros(fn: () => unknown, n: number): { median: number; min: number; max: number } {
  for (let i = 0; i < Math.min(n, 5); i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / n);
  }
  rounds.sort((a, b) => a - b);
  return { median: rounds[rounds.length >> 1]!, min: rounds[0]!, max: rounds[rounds.length - 1]! };
}

const run = (c: Case) => (): ChainResult => {
  clearPublicKeyCache();
  return verifyChain(c.leaf, c.presented, c.store,
    c.anyPurpose ? { now: c.now, requiredEku: null, requiredKeyUsage: null } : { now: c.now });
};
const outcome = (c: Case): string => {
  const r = run(c)();
  return r.ok ? 'accepted' : `${r.failure.reason}`;
};

const rows: Array<Record<string, string>> = [];
let base: number | undefined; // the first row: an ordinary RSA-2048 verification, the unit of the ratios
function add(name: string, c: Case | undefined, fn: () => unknown, n: number): void {
  const t = cpuMicros(fn, n);
  base ??= t.median;
  rows.push({ case: name, outcome: c ? outcome(c) : '-', 'CPU µs (median)': t.median.toFixed(0),
    range: `${t.min.toFixed(0)}–${t.max.toFixed(0)}`, 'x ordinary RSA-2048': (t.median / base).toFixed(1) });
}
add('ordinary, RSA-2048 (baseline)', ordinary('rsa'), run(ordinary('rsa')), 40);
add('ordinary, P-256', ordinary('P-256'), run(ordinary('P-256')), 40);
for (const [kind, count] of [['rsa', 12], ['P-256', 9], ['P-384', 9], ['P-521', 9]] as const) {
  const c = decoyCase(kind, count);
  add(`decoy ring, ${count} x ${kind === 'rsa' ? 'RSA-2048' : kind}`, c, run(c), 5);
}
const { attack, verifyOnce } = hugeExponentAttack();
add('huge exponent, 9 x RSA-3072 (refused)', attack, run(attack), 200);
add('huge exponent: one signature check it would cost', undefined, verifyOnce, 3);
for (const [id, c] of limboCases()) add(`limbo ${id}`, c, run(c), 5);
const [, ncDos] = limboCases().find(([id]) => id.endsWith('nc-dos-1'))!;
add('limbo nc-dos-1, certificates parsed per call', ncDos, () => {
  clearPublicKeyCache();
  const reparse = (s: CertificateStructure): CertificateStructure => parseCertificateStructure(s.der);
  return verifyChain(reparse(ncDos.leaf), ncDos.presented.map(reparse), ncDos.store, { now: ncDos.now, requiredEku: null, requiredKeyUsage: null });
}, 5);
/** A whole passthrough header at the default 64 KiB bound: a leaf of one-letter dNSNames under a constrained CA. */
function largestHeader(): { ordinary: () => unknown; largest: () => unknown; outcome: string } {
  const { certs, keys, names } = caLadder(1);
  const constrained = ladderKey();
  const caDer = buildCert({ subject: 'CN=Constrained CA', issuer: names[1]!, key: constrained, signer: keys[1]!,
    extensions: ladderCaExtensions(constrained, keys[1]!, [permittedDns('example.com')]) });
  const leafKey = ladderKey();
  const header = (sans: number): string => {
    const leaf = buildCert({ subject: 'CN=client', issuer: 'CN=Constrained CA', key: leafKey, signer: constrained,
      extensions: [...clientExtensions(leafKey, constrained), ...(sans ? [manySans(sans)] : [])] });
    return encodeURIComponent([leaf, caDer, certs[1]!].map((d) => pem(d)).join('')).replace(/%2B/g, '+').replace(/%2F/g, '/');
  };
  let sans = 20_000;
  while (header(sans).length > 65_536) sans -= 500;
  const verifier = createPassthroughVerifier({ trustStore: loadTrustStore(pem(certs[0]!)), cache: false });
  const big = header(sans);
  const small = header(0);
  let outcome = 'accepted';
  try {
    verifier.verify(big, 'h', Date.now());
  } catch (error) {
    outcome = String((error as { cause?: unknown }).cause ?? 'refused').slice(0, 60);
  }
  return { ordinary: () => { clearPublicKeyCache(); return verifier.verify(small, 'h', Date.now()); },
    largest: () => { clearPublicKeyCache(); try { verifier.verify(big, 'h', Date.now()); } catch { /* refused, as expected */ } }, outcome: `${sans} SANs: ${outcome}` };
}
const headers = largestHeader();
add('whole header, ordinary 3 certificates (P-256)', undefined, headers.ordinary, 20);
add(`whole header at 64 KiB (${headers.outcome})`, undefined, headers.largest, 5);
console.log(`${ROUNDS} rounds; ratios against the first row, measured in the same run`);
console.table(rows);
