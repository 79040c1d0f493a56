/**
 * Public data types shared by the core, the middleware, the guards and the routers.
 * @module
 */

/** One attribute of a relative distinguished name, such as `CN=clientA`. */
export interface RdnAttribute {
  /** OpenSSL's short name where one exists (`CN`, `OU`, `SN` = surname), else the long name, else the dotted OID. */
  readonly type: string;
  /** Dotted OID (`2.5.4.3`), or `''` for a name this library does not know. */
  readonly oid: string;
  /** The decoded value (escapes removed, UTF-8 decoded). Unknown non-string values stay `#` + hex of their DER. */
  readonly value: string;
  /**
   * `true` when `value` is not text but `#` + uppercase hex of the value's DER encoding: a non-string type, or
   * any value of an attribute type OpenSSL does not know (it prints those as `#hex`). Absent or `false` for text.
   */
  readonly binary?: boolean;
}

/** A relative distinguished name: usually one attribute, several for a multi-valued RDN (`O=x+OU=y`). */
export type Rdn = ReadonlyArray<RdnAttribute>;

/** A parsed distinguished name, in string order: most specific RDN (usually CN) first. */
export interface DistinguishedName {
  /** The RDNs in string order (the reverse of their DER order). */
  readonly rdns: ReadonlyArray<Rdn>;
  /** Left-most value of `type` (short name, long name or OID, case-insensitive), or `undefined`. */
  get(type: string): string | undefined;
  /** Every value of `type`, left to right. */
  getAll(type: string): string[];
  /** RFC 4514 string with OpenSSL's `-nameopt RFC2253` escaping (what ALB sends). */
  toString(): string;
}

/** Subject alternative names of a certificate, by kind. */
export interface SubjectAltNames {
  /** dNSName entries, as encoded. */
  readonly dns: readonly string[];
  /** rfc822Name entries, as encoded. */
  readonly email: readonly string[];
  /** uniformResourceIdentifier entries, as encoded. */
  readonly uri: readonly string[];
  /** iPAddress entries in canonical text (dotted IPv4, RFC 5952 IPv6). */
  readonly ip: readonly string[];
}

/**
 * Who verified the client certificate chain: `'alb'` (verify mode), `'local'` (passthrough mode, this
 * library), or `'none'` (passthrough with `dangerouslySkipChainVerification`).
 */
export type VerifiedBy = 'alb' | 'local' | 'none';

/** The client certificate of a request, as `req.clientCert`. Immutable; may be shared between requests. */
export interface ClientCertificate {
  /** Subject DN. */
  readonly subject: DistinguishedName;
  /** Issuer DN. */
  readonly issuer: DistinguishedName;
  /** Serial number: uppercase hex, no separators, no DER `00` pad (OpenSSL's form). */
  readonly serialNumber: string;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** Left-most (most specific) CN of the subject. */
  readonly commonName: string | undefined;
  /** Subject alternative names. */
  readonly subjectAltNames: SubjectAltNames;
  /** Extended key usage OIDs, or `undefined` when the certificate has no EKU extension. */
  readonly extKeyUsage: readonly string[] | undefined;
  /** SHA-256 fingerprint, `AB:CD:...`, as node:crypto and OpenSSL print it. */
  readonly fingerprint256: string;
  /** The leaf certificate, PEM. */
  readonly pem: string;
  /** The leaf certificate, DER. */
  readonly raw: Uint8Array;
  /** Passthrough mode: PEMs the client sent after the leaf. Empty in verify mode. */
  readonly chain: readonly string[];
  /** `'alb'` in verify mode, `'local'` when this library validated the chain (passthrough), `'none'` when nobody did. */
  readonly verifiedBy: VerifiedBy;
}
