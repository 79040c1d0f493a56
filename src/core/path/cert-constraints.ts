/**
 * What path validation needs to know about one certificate, decoded once: basicConstraints, keyUsage,
 * extKeyUsage, key identifiers, name constraints, policy constraints, the names name constraints apply to,
 * and the first RFC 5280 profile violation that makes the certificate unusable in any position.
 * @module
 */
import type { ChainFailureReason } from './chain-failure.js';
import { DerError, TAG } from '../der/der.js';
import { KU, OID, checkPolicyMappings, decodeAuthorityKeyId, decodeBasicConstraints, decodeInhibitAnyPolicy,
  decodeKeyUsage, decodePolicies, decodePolicyConstraints, decodeSubjectKeyId } from '../der/cert-extensions.js';
import { decodeGeneralNames, type GeneralName } from './general-names.js';
import { readExtKeyUsage } from '../der/leaf-extensions.js';
import { emailAttributes, isEmptyName } from '../dn/name-canon.js';
import { parseNameConstraints, type NameConstraints } from './name-constraints.js';
import { readWhole, type CertificateStructure, type Extension } from '../der/x509.js';

/** A reason a certificate cannot be used, position-independent. */
export interface Problem {
  readonly reason: ChainFailureReason;
  /** Completes "<position> ..." (no certificate contents). */
  readonly message: string;
}

/** Decoded constraints of one certificate. */
export interface CertInfo {
  readonly ca: boolean;
  readonly bcCritical: boolean;
  readonly pathLen: number | undefined;
  /** keyUsage mask (see `KU`), `undefined` when the extension is absent. */
  readonly keyUsage: number | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly ski: Uint8Array | undefined;
  readonly akiKeyId: Uint8Array | undefined;
  /** Netscape certificate type bits (bit 0 = SSL client), `undefined` when the extension is absent. */
  readonly netscapeCertType: number | undefined;
  readonly nameConstraints: NameConstraints | undefined;
  readonly requireExplicitPolicy: number | undefined;
  /** Subject (when not empty), subjectAltName entries and emailAddress attributes: what constraints apply to. */
  readonly names: readonly GeneralName[];
  readonly problem: Problem | undefined;
}

// RFC 5280 says these MUST be non-critical (4.2.1.1, 4.2.1.2, 4.2.1.8, 4.2.2.1, 4.2.2.2, 5.2.6).
const MUST_NOT_BE_CRITICAL = new Set<string>([OID.AKI, OID.SKI, OID.AIA, OID.SIA, OID.SUBJECT_DIRECTORY_ATTRIBUTES,
  OID.FRESHEST_CRL]);
// ... and these MUST be critical (4.2.1.10, 4.2.1.11, 4.2.1.14).
const MUST_BE_CRITICAL = new Set<string>([OID.NAME_CONSTRAINTS, OID.POLICY_CONSTRAINTS, OID.INHIBIT_ANY_POLICY]);
// Critical extensions we process (or whose processing cannot change the result, see CONFORMANCE.md).
// cRLDistributionPoints is read for CRL scope (issuingDistributionPoint matching), so it may be critical.
const UNDERSTOOD = new Set<string>([OID.BASIC_CONSTRAINTS, OID.KEY_USAGE, OID.EKU, OID.SAN, OID.IAN,
  OID.NAME_CONSTRAINTS, OID.POLICIES, OID.POLICY_MAPPINGS, OID.POLICY_CONSTRAINTS, OID.INHIBIT_ANY_POLICY, OID.CRL_DP]);

type Draft = { -readonly [K in keyof CertInfo]: CertInfo[K] } & { names: GeneralName[] };

function criticality(ext: Extension): Problem | undefined {
  if (ext.critical && MUST_NOT_BE_CRITICAL.has(ext.oid)) {
    return { reason: 'profile', message: `marks extension ${ext.oid} critical, which RFC 5280 forbids` };
  }
  if (!ext.critical && MUST_BE_CRITICAL.has(ext.oid)) {
    return { reason: 'profile', message: `does not mark extension ${ext.oid} critical, which RFC 5280 requires` };
  }
  if (ext.critical && !UNDERSTOOD.has(ext.oid)) {
    return { reason: 'critical-extension', message: `has an unsupported critical extension (${ext.oid})` };
  }
  return undefined;
}

function decodeExtension(s: CertificateStructure, ext: Extension, d: Draft): void {
  switch (ext.oid) {
    case OID.BASIC_CONSTRAINTS: {
      const bc = decodeBasicConstraints(ext.value);
      [d.ca, d.pathLen, d.bcCritical] = [bc.ca, bc.pathLen, ext.critical];
      break;
    }
    case OID.KEY_USAGE: d.keyUsage = decodeKeyUsage(ext.value); break;
    case OID.EKU: d.extKeyUsage = readExtKeyUsage(s); break;
    case OID.SKI: d.ski = decodeSubjectKeyId(ext.value); break;
    case OID.AKI: d.akiKeyId = decodeAuthorityKeyId(ext.value).keyId; break;
    case OID.NETSCAPE_CERT_TYPE: d.netscapeCertType = decodeKeyUsage(ext.value); break; // same BIT STRING shape
    case OID.NAME_CONSTRAINTS: d.nameConstraints = parseNameConstraints(ext.value); break;
    case OID.POLICY_CONSTRAINTS: d.requireExplicitPolicy = decodePolicyConstraints(ext.value).requireExplicitPolicy; break;
    case OID.POLICIES: decodePolicies(ext.value); break;
    case OID.POLICY_MAPPINGS: checkPolicyMappings(ext.value); break;
    case OID.INHIBIT_ANY_POLICY: decodeInhibitAnyPolicy(ext.value); break;
    case OID.SAN: d.names.push(...decodeGeneralNames(ext.value, readWhole(ext.value, TAG.SEQUENCE))); break;
    default: break;
  }
}

const profile = (message: string): Problem => ({ reason: 'profile', message });

function serialProblem(serial: string): Problem | undefined {
  // RFC 5280 4.1.2.2: a positive integer of at most 20 octets.
  if (serial.startsWith('-')) return profile('has a negative serial number');
  if (/^0+$/.test(serial)) return profile('has a zero serial number');
  return serial.length > 40 ? profile('has a serial number longer than 20 octets') : undefined;
}

function sanCritical(s: CertificateStructure): boolean {
  return s.extensions.some((e) => e.oid === OID.SAN && e.critical);
}

function profileProblem(s: CertificateStructure, d: Draft, selfIssued: boolean, anchor: boolean): Problem | undefined {
  const ku = d.keyUsage;
  if (s.extensions.length > 0 && s.version !== 3) return { reason: 'malformed', message: 'has extensions but is not v3' };
  const checks: Array<[boolean, string]> = [
    [isEmptyName(s.issuer), 'has an empty issuer name (4.1.2.4)'],
    [d.ca && isEmptyName(s.subject), 'is a CA with an empty subject name (4.1.2.6)'],
    [!d.ca && isEmptyName(s.subject) && !sanCritical(s), 'has an empty subject without a critical subjectAltName (4.1.2.6)'],
    [d.ca && !d.bcCritical, 'is a CA whose basicConstraints is not critical (4.2.1.9)'],
    [!d.ca && d.pathLen !== undefined, 'has a pathLenConstraint without cA (4.2.1.9)'],
    [d.pathLen !== undefined && ku !== undefined && (ku & KU.keyCertSign) === 0, 'has a pathLenConstraint without keyCertSign (4.2.1.9)'],
    [ku === 0, 'has a keyUsage extension with no bit set (4.2.1.3)'],
    [ku !== undefined && (ku & KU.keyCertSign) !== 0 && !d.ca, 'asserts keyCertSign without cA (4.2.1.9)'],
    [d.nameConstraints !== undefined && !d.ca, 'has nameConstraints but is not a CA (4.2.1.10)'],
    // Not for anchors: a trusted certificate's link to its own issuer is never used (cross-signed roots).
    [!anchor && !selfIssued && d.akiKeyId === undefined, 'lacks an authorityKeyIdentifier keyIdentifier (4.2.1.1)'],
    [d.ca && d.ski === undefined, 'is a CA without subjectKeyIdentifier (4.2.1.2)'],
  ];
  const hit = checks.find(([bad]) => bad);
  // Anchors are exempt from the serial rules: old roots with serial 0 are still in service.
  return hit ? profile(hit[1]) : anchor ? undefined : serialProblem(s.serialNumber);
}

/**
 * Decodes what path validation needs from `s`. Never throws for certificate contents: a malformed
 * extension becomes `problem` (reason `malformed`), so an unused bad intermediate cannot fail a path.
 * @param subjectRdns canonical subject RDNs (from `canonicalRdns`), for directoryName constraints.
 * @param selfIssued subject and issuer names are equal (RFC 5280 6.1).
 * @param anchor the certificate is a trust anchor (relaxes the rules about its own issuance).
 */
export function certInfo(s: CertificateStructure, subjectRdns: readonly string[], selfIssued: boolean,
  anchor: boolean): CertInfo {
  const d: Draft = {
    ca: false, bcCritical: false, pathLen: undefined, keyUsage: undefined, extKeyUsage: undefined, ski: undefined,
    akiKeyId: undefined, netscapeCertType: undefined, nameConstraints: undefined, requireExplicitPolicy: undefined, names: [], problem: undefined,
  };
  const names = d.names;
  try {
    for (const ext of s.extensions) {
      d.problem ??= criticality(ext);
      decodeExtension(s, ext, d);
    }
    for (const value of emailAttributes(s.der, s.subject)) names.push({ kind: 'email', value });
    if (!isEmptyName(s.subject)) names.push({ kind: 'dn', rdns: subjectRdns });
    d.problem ??= names.some((n) => n.kind === 'ip' && n.value.length !== 4 && n.value.length !== 16)
      ? { reason: 'malformed', message: 'has an iPAddress name that is not 4 or 16 bytes' }
      : profileProblem(s, d, selfIssued, anchor);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    d.problem = { reason: 'malformed', message: `has a malformed extension (${error.message})` };
  }
  return d;
}
