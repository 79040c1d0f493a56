/**
 * Verify mode: ALB checked the chain and sends five headers. Decode them, cross-check the side headers
 * against the leaf (defence in depth), and cache the result per exact header set.
 * @module
 */
import { MtlsError } from '../errors.js';
import { createClientCertificate, decodeLeafPem, malformedLeaf, parseLeafStructure, type HeaderFields } from '../cert/certificate.js';
import { createDN, dnEquals } from '../dn/dn.js';
import { nameFromDer } from '../dn/dn-der.js';
import { parseDnHeaderValue, sideHeaderMismatch } from '../cert/header-values.js';
import { checkSize, headerValue, MAX_HEADER_BYTES, type HeaderBag, type HeaderNames } from './headers.js';
import { urlDecodeHeader } from '../der/pem.js';
import { serialsEqual } from '../der/serial.js';
import type { ClientCertificate, DistinguishedName } from '../types.js';
import { checkValidityPeriod, parseSerialHeader, parseValidityHeader, type Validity } from './validity.js';
import { VerifyCache } from './verify-cache.js';
import type { CertificateStructure } from '../der/x509.js';

/** Verify-mode settings, already validated. */
export interface VerifyModeConfig {
  readonly names: HeaderNames;
  readonly crossCheck: boolean;
  readonly checkValidity: boolean;
  readonly clockToleranceMs: number;
  readonly cacheMax: number | false;
}

/** What a decoder found: the certificate, and whether it came from the cache. */
export interface Decoded {
  readonly certificate: ClientCertificate;
  readonly cached: boolean;
}

interface RawHeaders {
  readonly subject: string | undefined;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly validity: string;
  readonly leaf: string;
}

interface Entry {
  readonly certificate: ClientCertificate;
  /** What a hit returns: made once, so a hit allocates nothing. */
  readonly hit: Decoded;
  /** The five header values it was built from: a hit needs every one identical. */
  readonly raw: RawHeaders;
  readonly validity: Validity;
}

const EMPTY_DN = createDN([]);

/** Reads the five headers: `undefined` when none is present, `ERR_MTLS_INCOMPLETE_HEADERS` when some are. */
function readHeaders(bag: HeaderBag, names: HeaderNames, crossCheck: boolean): RawHeaders | undefined {
  const subject = headerValue(bag, names.subject);
  const issuer = headerValue(bag, names.issuer);
  const serialNumber = headerValue(bag, names.serialNumber);
  const validity = headerValue(bag, names.validity);
  const leaf = headerValue(bag, names.leaf);
  if (subject === undefined && issuer === undefined && serialNumber === undefined && validity === undefined &&
      leaf === undefined) return undefined;
  // An empty subject may arrive as no header at all; only the leaf can confirm that, so it needs crossCheck.
  const subjectOk = subject !== undefined || crossCheck;
  if (issuer === undefined || serialNumber === undefined || validity === undefined || leaf === undefined || !subjectOk) {
    throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', { cause: 'some of the five verify-mode headers are missing' });
  }
  return { subject, issuer, serialNumber, validity, leaf };
}

function parseDnHeader(value: string | undefined, header: string): DistinguishedName | undefined {
  return value === undefined ? undefined : parseDnHeaderValue(value, header, MAX_HEADER_BYTES);
}

function parseSideHeaders(raw: RawHeaders, names: HeaderNames): HeaderFields & { subjectGiven: boolean } {
  const subject = parseDnHeader(raw.subject, names.subject);
  const issuer = parseDnHeader(raw.issuer, names.issuer)!;
  checkSize(raw.serialNumber, names.serialNumber, MAX_HEADER_BYTES);
  checkSize(raw.validity, names.validity, MAX_HEADER_BYTES);
  const serialNumber = parseSerialHeader(raw.serialNumber, names.serialNumber);
  const validity = parseValidityHeader(raw.validity, names.validity);
  return {
    subject: subject ?? EMPTY_DN, subjectGiven: subject !== undefined, issuer, serialNumber,
    notBefore: new Date(validity.notBefore), notAfter: new Date(validity.notAfter),
  };
}

/** The leaf's own fields, compared with the side headers; throws `ERR_MTLS_HEADER_MISMATCH` on any difference. */
function crossCheckedFields(s: CertificateStructure, sides: HeaderFields & { subjectGiven: boolean }, names: HeaderNames):
  HeaderFields {
  let subject: DistinguishedName;
  let issuer: DistinguishedName;
  try {
    subject = nameFromDer(s.der, s.subject);
    issuer = nameFromDer(s.der, s.issuer);
  } catch (error) {
    throw malformedLeaf(error, names.leaf);
  }
  if (!sides.subjectGiven && subject.rdns.length > 0) {
    throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', { header: names.subject, cause: 'subject header missing' });
  }
  if (!dnEquals(subject, sides.subject)) throw sideHeaderMismatch(names.subject, 'subject');
  if (!dnEquals(issuer, sides.issuer)) throw sideHeaderMismatch(names.issuer, 'issuer');
  if (!serialsEqual(s.serialNumber, sides.serialNumber)) throw sideHeaderMismatch(names.serialNumber, 'serial number');
  if (s.notBefore.getTime() !== sides.notBefore.getTime() || s.notAfter.getTime() !== sides.notAfter.getTime()) {
    throw sideHeaderMismatch(names.validity, 'validity');
  }
  return { subject, issuer, serialNumber: s.serialNumber, notBefore: s.notBefore, notAfter: s.notAfter };
}

function decodeLeafHeader(value: string, header: string): ReturnType<typeof decodeLeafPem> {
  checkSize(value, header, MAX_HEADER_BYTES);
  return decodeLeafPem(urlDecodeHeader(value, header), header);
}

function buildEntry(raw: RawHeaders, config: VerifyModeConfig): Entry {
  const { names } = config;
  const fromHeaders = parseSideHeaders(raw, names);
  const validity = { notBefore: fromHeaders.notBefore.getTime(), notAfter: fromHeaders.notAfter.getTime() };
  if (!config.crossCheck) {
    const source = { kind: 'header', value: raw.leaf, header: names.leaf, decode: decodeLeafHeader } as const;
    const certificate = createClientCertificate({ source, fields: fromHeaders, verifiedBy: 'alb', header: names.leaf });
    return { certificate, hit: { certificate, cached: true }, raw, validity };
  }
  const { pem, der } = decodeLeafHeader(raw.leaf, names.leaf);
  const structure = parseLeafStructure(der, names.leaf);
  const fields = crossCheckedFields(structure, fromHeaders, names);
  const source = { kind: 'decoded', pem, der, structure } as const;
  const certificate = createClientCertificate({ source, fields, verifiedBy: 'alb', header: names.leaf });
  return { certificate, hit: { certificate, cached: true }, raw, validity };
}

function sameHeaders(a: RawHeaders, b: RawHeaders): boolean {
  return a.leaf === b.leaf && a.subject === b.subject && a.issuer === b.issuer && a.serialNumber === b.serialNumber &&
    a.validity === b.validity;
}

/** A verify-mode decoder: `decode(headers, now)` returns the certificate, `undefined` without headers, or throws. */
export function createVerifyModeDecoder(config: VerifyModeConfig): (bag: HeaderBag, now: number) => Decoded | undefined {
  const cache = config.cacheMax === false ? undefined : new VerifyCache<Entry>(config.cacheMax);
  return function decodeVerifyMode(bag, now) {
    const raw = readHeaders(bag, config.names, config.crossCheck);
    if (raw === undefined) return undefined;
    // A hit needs all five values identical to a set that was fully decoded and cross-checked before. Two
    // sets of one serial and issuer (another encoding of the leaf, a changed side header) share a slot,
    // so a client varying its encoding cannot fill the cache; the last one decoded holds it.
    let entry = cache?.get(raw.serialNumber, raw.issuer);
    const cached = entry !== undefined && sameHeaders(entry.raw, raw);
    if (!cached) {
      entry = buildEntry(raw, config);
      cache?.set(entry);
    }
    if (config.checkValidity) checkValidityPeriod(entry!.validity, now, config.clockToleranceMs);
    return cached ? entry!.hit : { certificate: entry!.certificate, cached: false };
  };
}
