/**
 * CloudFront viewer mTLS: CloudFront validates the client's chain (Required and Optional modes) and sends
 * the origin `CloudFront-Viewer-Cert-Present`, the leaf as URL-encoded PEM in `-Pem` (when the origin
 * request policy includes it), and its fields in `-Subject`, `-Issuer` (RFC 2253, as ALB), `-Serial-Number`
 * (hex with colons), `-Sha256` and `-Validity` (ISO 8601), each cross-checked against the leaf.
 * @module
 */
import { chainFromDer } from '../cert/chain-engine.js';
import { checkSize, headerValue, sideHeaderMismatch, type HeaderBag } from '../cert/header-values.js';
import { parsePemCertificates, urlDecodeHeader } from '../der/pem.js';
import { serialsEqual } from '../der/serial.js';
import type { CertificateStructure } from '../der/x509.js';
import { MtlsError } from '../errors.js';
import { fingerprint } from '../cert/certificate.js';
import {
  chainEngineFor, checkDnHeader, crossCheckOption, malformed, MAX_FIELD_BYTES, ownedNames, readDecoding, readHeaderNames,
} from './common.js';
import { tailSlot } from './encodings.js';
import type { CertificateSource } from './source.js';

/** Header roles of the `'cloudfront'` source. */
export type CloudFrontRole = 'pem' | 'present' | 'subject' | 'issuer' | 'serialNumber' | 'sha256' | 'validity';

/** CloudFront's names. */
export const CLOUDFRONT_HEADER_NAMES: Readonly<Record<CloudFrontRole, string>> = Object.freeze({
  pem: 'cloudfront-viewer-cert-pem', present: 'cloudfront-viewer-cert-present', subject: 'cloudfront-viewer-cert-subject',
  issuer: 'cloudfront-viewer-cert-issuer', serialNumber: 'cloudfront-viewer-cert-serial-number',
  sha256: 'cloudfront-viewer-cert-sha256', validity: 'cloudfront-viewer-cert-validity',
});

type Names = Readonly<Record<CloudFrontRole, string>>;
type Sides = Readonly<Partial<Record<CloudFrontRole, string>>>;
const VALIDITY = /^NotBefore=([^;]+);NotAfter=([^;]+)$/;

function checkValidityHeader(value: string, header: string, leaf: CertificateStructure): void {
  const match = VALIDITY.exec(value);
  const times = match === null ? [] : [Date.parse(match[1]!), Date.parse(match[2]!)];
  if (match === null || times.some(Number.isNaN)) throw malformed(header, 'expected NotBefore=<ISO 8601>;NotAfter=<ISO 8601>');
  if (times[0] !== leaf.notBefore.getTime() || times[1] !== leaf.notAfter.getTime()) throw sideHeaderMismatch(header, 'validity');
}

function crossCheck(sides: Sides, n: Names, leaf: CertificateStructure): void {
  for (const role of ['serialNumber', 'sha256', 'validity'] as const) checkSize(sides[role] ?? '', n[role], MAX_FIELD_BYTES);
  checkDnHeader(sides.subject, n.subject, leaf, 'subject');
  checkDnHeader(sides.issuer, n.issuer, leaf, 'issuer');
  if (sides.serialNumber !== undefined && !serialsEqual(sides.serialNumber, leaf.serialNumber)) throw sideHeaderMismatch(n.serialNumber, 'serial number');
  if (sides.sha256 !== undefined && sides.sha256.replace(/:/g, '').toUpperCase() !== fingerprint(leaf.der).replace(/:/g, '')) {
    throw sideHeaderMismatch(n.sha256, 'SHA-256');
  }
  if (sides.validity !== undefined) checkValidityHeader(sides.validity, n.validity, leaf);
}

/** The `'cloudfront'` source. */
export function cloudFrontSource(options: Record<string, unknown>): CertificateSource {
  const n = readHeaderNames(options, CLOUDFRONT_HEADER_NAMES);
  const engine = chainEngineFor(options, 'cloudfront', 'proxy');
  const checks = crossCheckOption(options);
  const { maxHeaderBytes } = readDecoding(options);
  const all = Object.values(n);
  return Object.freeze({
    name: 'cloudfront', owned: ownedNames(n, CLOUDFRONT_HEADER_NAMES), ownedPrefix: 'cloudfront-viewer-cert-', singletons: all, lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => {
      const bag = req.headers;
      const present = headerValue(bag, n.present);
      const pem = headerValue(bag, n.pem);
      if (present !== undefined && present !== '0' && present !== '1') throw malformed(n.present, 'expected 1 or 0');
      if (present === '0' || (present === undefined && pem === undefined)) {
        if (pem !== undefined) throw new MtlsError('ERR_MTLS_HEADER_MISMATCH', { header: n.pem, cause: `certificate present while ${n.present} is 0` });
        return undefined;
      }
      if (pem === undefined) {
        throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', { header: n.pem, cause: `${n.pem} is missing: add it to the origin request policy` });
      }
      const sides: Sides = checks ? {
        subject: headerValue(bag, n.subject), issuer: headerValue(bag, n.issuer), serialNumber: headerValue(bag, n.serialNumber),
        sha256: headerValue(bag, n.sha256), validity: headerValue(bag, n.validity),
      } : {};
      return engine({
        value: pem, sides: [sides.subject, sides.issuer, sides.serialNumber, sides.sha256, sides.validity],
        slot: tailSlot(pem, pem.lastIndexOf('-----END')), header: n.pem,
        decode: () => {
          checkSize(pem, n.pem, maxHeaderBytes);
          const [leaf] = parsePemCertificates(urlDecodeHeader(pem, n.pem), n.pem, 1);
          return chainFromDer([leaf!.der], [leaf!.pem], n.pem);
        },
        check: (chain) => crossCheck(sides, n, chain.structures[0]),
      }, now);
    },
  });
}
