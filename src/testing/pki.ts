/**
 * `createTestPki()`: a root CA, optionally an intermediate, and client (and server) certificates made in
 * process with pkijs and WebCrypto, for tests and for the local ALB emulator. Not for production use.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { nameFromDer } from '../core/dn/dn-der.js';
import { parseCertificateStructure } from '../core/der/x509.js';
import { encodeName, type SubjectInput } from './pki-der.js';
import {
  authorityKeyIdentifier, basicConstraints, crlNumber, extKeyUsage, KEY_USAGE, keyUsage, subjectAltName,
  subjectKeyIdentifier,
} from './pki-extensions.js';
import { generateKeyPair, pemBlock, signCertificate, signCrl, type EncodedExtension, type KeyAlgorithm,
  type TestKeyPair } from './pki-sign.js';
import type { IssueOptions, TestCa, TestCertificate, TestPki, TestPkiOptions } from './pki-types.js';
import { ownOptions } from '../core/options/own.js';

export type { CrlOptions, IssueOptions, TestCa, TestCertificate, TestCrl, TestPki, TestPkiOptions } from './pki-types.js';

interface Ca extends TestCa {
  readonly keys: TestKeyPair;
  readonly name: Uint8Array;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Minimal positive INTEGER content octets for a hex serial (or 16 random bytes). */
export function serialOctets(hex?: string): Uint8Array {
  if (hex === undefined) {
    const bytes = randomBytes(16);
    bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, and no redundant leading zero
    return new Uint8Array(bytes);
  }
  const clean = hex.replace(/[:\s]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(clean)) throw new TypeError(`createTestPki: serialNumber '${hex}' is not hex`);
  let digits = BigInt('0x' + clean).toString(16);
  if (digits.length % 2) digits = '0' + digits;
  if (parseInt(digits.slice(0, 2), 16) >= 0x80) digits = '00' + digits;
  return new Uint8Array(Buffer.from(digits, 'hex'));
}

function describe(der: Uint8Array, keyPem: string): TestCa {
  const s = parseCertificateStructure(der);
  return { pem: pemBlock('CERTIFICATE', der), der, keyPem, subject: nameFromDer(der, s.subject).toString() };
}

async function makeCa(subject: SubjectInput, algorithm: KeyAlgorithm, parent: Ca | undefined): Promise<Ca> {
  const keys = await generateKeyPair(algorithm);
  const name = encodeName(subject);
  const now = Date.now();
  const extensions: EncodedExtension[] = [
    basicConstraints(true, parent ? 0 : undefined),
    keyUsage([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]),
    subjectKeyIdentifier(keys.keyId),
  ];
  if (parent) extensions.push(authorityKeyIdentifier(parent.keys.keyId));
  const der = await signCertificate({
    subject: name, issuer: parent?.name ?? name, serial: serialOctets(), notBefore: new Date(now - 60 * MINUTE),
    notAfter: new Date(now + 3650 * DAY), publicKey: keys.publicKey, signer: (parent?.keys ?? keys).privateKey, extensions,
  });
  return { ...describe(der, keys.keyPem), keys, name };
}

function pickCa(root: Ca, intermediate: Ca | undefined, which: 'root' | 'intermediate' | undefined): Ca {
  if (which === 'root') return root;
  if (which === 'intermediate' && intermediate === undefined) {
    throw new TypeError('createTestPki: no intermediate CA (create the PKI with { intermediate: true })');
  }
  return intermediate ?? root;
}

function leafExtensions(o: IssueOptions, keys: TestKeyPair, ca: Ca, defaultEku: string): EncodedExtension[] {
  const usage = keys.algorithm === 'RSA-2048' ? [KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment]
    : [KEY_USAGE.digitalSignature];
  const list = [basicConstraints(false), keyUsage(usage), subjectKeyIdentifier(keys.keyId),
    authorityKeyIdentifier(ca.keys.keyId)];
  if (o.eku !== false) list.push(extKeyUsage(o.eku ?? [defaultEku]));
  const san = subjectAltName(o.sans);
  if (san) list.push(san);
  return list;
}

async function issue(o: IssueOptions, ca: Ca, intermediate: Ca | undefined, defaultEku: string): Promise<TestCertificate> {
  const keys = await generateKeyPair(o.keyAlgorithm ?? 'ECDSA-P256');
  const notBefore = o.notBefore ?? new Date(Date.now() - 5 * MINUTE);
  const der = await signCertificate({
    subject: encodeName(o.subject), issuer: ca.name, serial: serialOctets(o.serialNumber), notBefore,
    notAfter: o.notAfter ?? new Date(notBefore.getTime() + 30 * DAY), publicKey: keys.publicKey,
    signer: ca.keys.privateKey, extensions: leafExtensions(o, keys, ca, defaultEku),
  });
  const leaf = describe(der, keys.keyPem);
  const chain = ca === intermediate ? [intermediate.pem] : [];
  return { ...leaf, serialNumber: parseCertificateStructure(der).serialNumber, chain, chainPem: leaf.pem + chain.join('') };
}

function publicCa(ca: Ca): TestCa {
  return { pem: ca.pem, der: ca.der, keyPem: ca.keyPem, subject: ca.subject };
}

/**
 * Creates a test PKI: a root CA (basicConstraints cA and keyUsage keyCertSign+cRLSign, both critical),
 * optionally an intermediate, and functions to issue client certificates, server certificates and CRLs.
 * Everything is generated in memory (ECDSA P-256 unless told otherwise), in milliseconds.
 * @example
 * const pki = await createTestPki();
 * const clientA = await pki.issueClient({ subject: 'CN=clientA,OU=ops' });
 * await request(app).get('/').set(albHeaders(clientA.pem)).expect(200);
 */
export async function createTestPki(given: TestPkiOptions = {}): Promise<TestPki> {
  const options = ownOptions(given);
  const algorithm = options.keyAlgorithm ?? 'ECDSA-P256';
  const root = await makeCa(options.rootSubject ?? 'CN=Test Root CA,O=express-alb-mtls testing', algorithm, undefined);
  const intermediate = options.intermediate === true
    ? await makeCa(options.intermediateSubject ?? 'CN=Test Intermediate CA,O=express-alb-mtls testing', algorithm, root)
    : undefined;
  let crlCounter = 0;
  return {
    root: publicCa(root),
    intermediate: intermediate && publicCa(intermediate),
    trustStorePem: root.pem,
    // async: a bad option becomes a rejected promise, not a synchronous throw.
    issueClient: async (o) => issue(o, pickCa(root, intermediate, o.issuer), intermediate, 'clientAuth'),
    issueServer: async (o = {}) => issue({ subject: 'CN=localhost', sans: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] }, ...o },
      pickCa(root, intermediate, o.issuer), intermediate, 'serverAuth'),
    async issueCrl(serials = [], o = {}) {
      const ca = pickCa(root, intermediate, o.issuer);
      const thisUpdate = o.thisUpdate ?? new Date(Date.now() - MINUTE);
      const der = await signCrl({
        issuer: ca.name, thisUpdate, nextUpdate: o.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY),
        revoked: serials.map((s) => serialOctets(s)), revocationDate: thisUpdate, signer: ca.keys.privateKey,
        extensions: [authorityKeyIdentifier(ca.keys.keyId), crlNumber(serialOctets((++crlCounter).toString(16)))],
      });
      return { pem: pemBlock('X509 CRL', der), der };
    },
  };
}
