/**
 * CertificateList (RFC 5280 5.1) parsing with the strict DER reader. Structure errors throw `DerError`;
 * a well-formed CRL this library cannot rely on gets a `problem` and is refused when it applies (fail closed).
 * @module
 */
import { DerError, TAG, children, content, decodeBoolean, decodeOid, encoding, readTlv, toHex, type Tlv } from '../der/der.js';
import { parseTime } from '../der/der-time.js';
import { signedParts, type Signed } from '../der/signature.js';
import { sameBytes, serialFromInteger } from '../der/x509.js';

/** Which certificates a CRL covers, from its issuingDistributionPoint (5.2.5). */
export interface CrlScope {
  /** `'user'`: onlyContainsUserCerts, `'ca'`: onlyContainsCACerts, `'none'`: attribute certificates only. */
  readonly only: 'all' | 'user' | 'ca' | 'none';
  /** Hex encodings of the IDP's fullName GeneralNames, when it names a distribution point. */
  readonly distributionPoint: ReadonlySet<string> | undefined;
}

/** The parsed contents of a CRL. */
export interface ParsedCrl {
  readonly signed: Signed;
  readonly issuer: Tlv;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** Revoked serials, formatted like `CertificateStructure.serialNumber`. */
  readonly revoked: ReadonlySet<string>;
  readonly scope: CrlScope;
  /** Why the CRL cannot be relied on, or `undefined`. */
  readonly problem: string | undefined;
  /** An indirect CRL (issuingDistributionPoint indirectCRL, or certificateIssuer entries): it may list
   * certificates of other CAs, so which certificates it speaks for cannot be told from its issuer. */
  readonly indirect: boolean;
}

interface Ext { oid: string; critical: boolean; value: Tlv }

function readExtensions(der: Uint8Array, list: Tlv): Ext[] {
  const seen = new Set<string>();
  return children(der, list).map((ext) => {
    const parts = ext.tag === TAG.SEQUENCE ? children(der, ext) : [];
    const critical = parts.length === 3 && parts[1]!.tag === TAG.BOOLEAN && decodeBoolean(content(der, parts[1]!));
    const value = parts[parts.length - 1];
    if (parts[0]?.tag !== TAG.OID || value?.tag !== TAG.OCTET_STRING || parts.length > 3 || (parts.length === 3 && !critical)) {
      throw new DerError('bad CRL extension');
    }
    const oid = decodeOid(content(der, parts[0]));
    if (seen.has(oid)) throw new DerError('duplicate CRL extension');
    seen.add(oid);
    return { oid, critical, value };
  });
}

/** Hex encodings of the GeneralNames in a `[0] DistributionPointName` wrapper, or `undefined` (relative name). */
export function fullNames(der: Uint8Array, wrapper: Tlv): Set<string> | undefined {
  const [choice, ...rest] = children(der, wrapper);
  if (!choice || rest.length) throw new DerError('bad DistributionPointName');
  if (choice.tag !== 0xa0) return undefined; // nameRelativeToCRLIssuer: not supported, matches nothing
  return new Set(children(der, choice).map((name) => toHex(encoding(der, name))));
}

interface ScopeRead { scope: CrlScope; problem?: string; indirect: boolean }

function readScope(der: Uint8Array, ext: Ext): ScopeRead {
  const seq = readTlv(der, ext.value.contentStart, ext.value.end);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== ext.value.end) throw new DerError('bad issuingDistributionPoint');
  let only: CrlScope['only'] = 'all';
  let distributionPoint: Set<string> | undefined;
  let problem: string | undefined;
  let indirect = false;
  // Every field is read: indirectCRL comes after onlySomeReasons and must not be missed.
  for (const field of children(der, seq)) {
    if (field.tag === 0xa0) distributionPoint = fullNames(der, field) ?? new Set();
    else if (field.tag === 0x81 && decodeBoolean(content(der, field))) only = 'user';
    else if (field.tag === 0x82 && decodeBoolean(content(der, field))) only = 'ca';
    else if (field.tag === 0x85 && decodeBoolean(content(der, field))) only = 'none';
    // A CRL for some reasons only cannot show that a certificate it does not list is unrevoked.
    else if (field.tag === 0x83) problem = 'covers only some revocation reasons (onlySomeReasons)';
    else if (field.tag === 0x84 && decodeBoolean(content(der, field))) indirect = true;
    else throw new DerError('bad issuingDistributionPoint field');
  }
  return { scope: { only, distributionPoint }, problem, indirect };
}

const CRL_NUMBER = '2.5.29.20';
const DELTA = '2.5.29.27';
const IDP = '2.5.29.28';
const NON_CRITICAL_OK = new Set(['2.5.29.35', '2.5.29.18', '2.5.29.46', '1.3.6.1.5.5.7.1.1']);

function crlExtensionProblem(der: Uint8Array, exts: Ext[], state: { scope: CrlScope; indirect: boolean }): string | undefined {
  let problem: string | undefined;
  const crlNumber = exts.find((e) => e.oid === CRL_NUMBER);
  // 5.2.3: conforming issuers MUST include a non-critical CRLNumber.
  if (!crlNumber) problem = 'has no CRLNumber extension';
  else if (crlNumber.critical) problem = 'marks CRLNumber critical';
  for (const ext of exts) {
    if (ext.oid === DELTA) problem ??= 'is a delta CRL (not supported)';
    else if (ext.oid === IDP) {
      const read = readScope(der, ext);
      state.scope = read.scope;
      state.indirect = read.indirect;
      problem ??= read.problem;
    } else if (ext.critical && ext.oid !== CRL_NUMBER && !NON_CRITICAL_OK.has(ext.oid)) {
      problem ??= `has an unsupported critical extension (${ext.oid})`;
    }
  }
  return problem;
}

function readEntries(der: Uint8Array, list: Tlv | undefined): { revoked: Set<string>; problem?: string; indirect: boolean } {
  const revoked = new Set<string>();
  let problem: string | undefined;
  let indirect = false;
  if (!list) return { revoked, indirect };
  for (const entry of children(der, list)) {
    const [serial, date, extList, ...rest] = entry.tag === TAG.SEQUENCE ? children(der, entry) : [];
    if (serial?.tag !== TAG.INTEGER || !date || rest.length || (extList && extList.tag !== TAG.SEQUENCE)) {
      throw new DerError('bad revokedCertificates entry');
    }
    parseTime(der, date);
    revoked.add(serialFromInteger(content(der, serial)));
    for (const ext of extList ? readExtensions(der, extList) : []) {
      // certificateIssuer (5.3.3) only appears in indirect CRLs; other critical entry extensions are unknown.
      if (ext.oid === '2.5.29.29') indirect = true;
      else if (ext.critical) problem ??= `has an unsupported critical entry extension (${ext.oid})`;
    }
  }
  return { revoked, problem, indirect };
}

function readOptionalTail(der: Uint8Array, fields: Tlv[], at: number, v2: boolean) {
  let i = at;
  let nextUpdate: Date | undefined;
  if (fields[i]?.tag === TAG.UTC_TIME || fields[i]?.tag === TAG.GENERALIZED_TIME) nextUpdate = parseTime(der, fields[i++]!);
  const list = fields[i]?.tag === TAG.SEQUENCE ? fields[i++] : undefined;
  let exts: Ext[] = [];
  const wrapper = fields[i];
  if (wrapper?.tag === 0xa0) {
    const inner = children(der, wrapper);
    if (!v2 || inner.length !== 1 || inner[0]!.tag !== TAG.SEQUENCE) throw new DerError('bad crlExtensions');
    exts = readExtensions(der, inner[0]!);
    i++;
  }
  if (i !== fields.length) throw new DerError('trailing data in TBSCertList');
  return { nextUpdate, list, exts };
}

/** Parses a DER CRL. @throws DerError when it is not a DER CertificateList. */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const signed = signedParts(der);
  const outer = readTlv(der, 0, der.length);
  if (outer.end !== der.length) throw new DerError('trailing data after CRL');
  const fields = children(der, children(der, outer)[0]!);
  let i = 0;
  const v2 = fields[0]?.tag === TAG.INTEGER;
  if (v2) {
    const version = content(der, fields[i++]!);
    if (version.length !== 1 || version[0] !== 1) throw new DerError('bad CRL version');
  }
  const algorithm = fields[i++];
  // 5.1.2.2: the inner signature field MUST equal the outer signatureAlgorithm.
  if (algorithm?.tag !== TAG.SEQUENCE || !sameBytes(encoding(der, algorithm), signed.algorithm)) {
    throw new DerError('CRL signature algorithm fields differ');
  }
  const issuer = fields[i++];
  const thisUpdateTlv = fields[i++];
  if (issuer?.tag !== TAG.SEQUENCE || !thisUpdateTlv) throw new DerError('bad TBSCertList');
  const thisUpdate = parseTime(der, thisUpdateTlv);
  const { nextUpdate, list, exts } = readOptionalTail(der, fields, i, v2);
  const state: { scope: CrlScope; indirect: boolean } = { scope: { only: 'all', distributionPoint: undefined }, indirect: false };
  const entries = readEntries(der, list);
  let problem = crlExtensionProblem(der, exts, state) ?? entries.problem;
  // 5.1.2.5: conforming issuers MUST include nextUpdate; without it staleness cannot be judged.
  if (!nextUpdate) problem ??= 'has no nextUpdate';
  else if (nextUpdate < thisUpdate) problem ??= 'has nextUpdate before thisUpdate';
  const indirect = state.indirect || entries.indirect;
  return { signed, issuer, thisUpdate, nextUpdate, revoked: entries.revoked, scope: state.scope, problem, indirect };
}
