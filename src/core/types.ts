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
 * The front door a certificate came through: `'alb'` (AWS ALB), `'envoy'` (Envoy / Istio
 * `x-forwarded-client-cert`), `'rfc9440'` (`Client-Cert`), `'nginx'` (nginx, ingress-nginx, Apache),
 * `'traefik'`, `'gcp'` (Google Cloud load balancers), `'azure'` (App Service, Application Gateway),
 * `'cloudfront'` (CloudFront viewer mTLS), or `'tls'` (the request's own TLS socket).
 */
export type SourceName = 'alb' | 'envoy' | 'rfc9440' | 'nginx' | 'traefik' | 'gcp' | 'azure' | 'cloudfront' | 'tls';

/**
 * Who verified the client certificate chain: `'alb'` (ALB verify mode), `'proxy'` (a front door that
 * verifies before it forwards), `'local'` (this library, against `trustStore`), `'tls'` (Node's TLS server
 * in this process), or `'none'` (nobody: `dangerouslySkipChainVerification`).
 */
export type VerifiedBy = 'alb' | 'proxy' | 'local' | 'tls' | 'none';

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
  /** The certificates the client sent after the leaf, PEM, when the front door forwards them. */
  readonly chain: readonly string[];
  /** Who verified the chain (see {@link VerifiedBy}). */
  readonly verifiedBy: VerifiedBy;
  /** The front door the certificate came through. */
  readonly source: SourceName;
  /** `true`: the certificate itself was forwarded, so every field is known. */
  readonly complete: true;
}

/**
 * What a front door said of the client certificate without forwarding the certificate itself: an Envoy
 * `x-forwarded-client-cert` element without `Cert` (Istio's sidecar default sends `Hash`, `Subject`,
 * `URI` and `DNS`). The fields the front door did not send are `undefined`, and a matcher on one of
 * them never matches, so a guard refuses rather than passes. Narrow with `cert.complete`.
 */
export interface PartialClientCertificate {
  /** Subject DN from the front door's subject field; empty when it sent none. */
  readonly subject: DistinguishedName;
  /** Issuer DN, when the front door sent one. */
  readonly issuer: DistinguishedName | undefined;
  /** Left-most CN of `subject`. */
  readonly commonName: string | undefined;
  /**
   * The SANs the front door listed (Envoy: `URI` and `DNS`); the other kinds are empty. A kind it did not say
   * (an Envoy element without any `URI` or `DNS` pair) is empty too, and named in `unknownSanKinds`.
   */
  readonly subjectAltNames: SubjectAltNames;
  /**
   * The SAN kinds the front door did not say, whose lists in `subjectAltNames` are empty but unknown: a
   * matcher reading one refuses the certificate. `email` and `ip` are never forwarded, so always unknown.
   */
  readonly unknownSanKinds: ReadonlyArray<keyof SubjectAltNames>;
  /** SHA-256 fingerprint (`AB:CD:...`) from the front door's hash, when it sent one. */
  readonly fingerprint256: string | undefined;
  /** Not forwarded. */
  readonly serialNumber: undefined;
  /** Not forwarded. */
  readonly notBefore: undefined;
  /** Not forwarded. */
  readonly notAfter: undefined;
  /** Not forwarded. */
  readonly extKeyUsage: undefined;
  /** Not forwarded. */
  readonly pem: undefined;
  /** Not forwarded. */
  readonly raw: undefined;
  /** Always empty. */
  readonly chain: readonly string[];
  /** Who verified the chain: the front door (`'proxy'`). */
  readonly verifiedBy: VerifiedBy;
  /** The front door. */
  readonly source: SourceName;
  /** `false`: only what the front door said, not the certificate. */
  readonly complete: false;
}

/** `req.clientCert`: a whole certificate, or what a front door said of one ({@link PartialClientCertificate}). */
export type AnyClientCertificate = ClientCertificate | PartialClientCertificate;
