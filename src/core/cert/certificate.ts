/**
 * `ClientCertificate` objects. Leaf-derived fields are computed on first access and kept, so a cached
 * certificate shared by many requests parses each field once, and a request that reads none parses nothing.
 * @module
 */
import { createHash } from 'node:crypto';
import { MtlsError } from '../errors.js';
import { DerError } from '../der/der.js';
import { nameFromDer } from '../dn/dn-der.js';
import { readExtKeyUsage, readSubjectAltNames } from '../der/leaf-extensions.js';
import { parsePemCertificates, toPem, type PemCertificate } from '../der/pem.js';
import type { ClientCertificate, DistinguishedName, SourceName, SubjectAltNames, VerifiedBy } from '../types.js';
import { parseCertificateStructure, type CertificateStructure } from '../der/x509.js';

/** The fields the side headers carry (verify mode), already parsed. */
export interface HeaderFields {
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Where the leaf comes from: decoded already, or a header value to decode on first use. */
export type LeafSource =
  | { readonly kind: 'decoded'; readonly pem: string; readonly der: Uint8Array; structure?: CertificateStructure }
  | { readonly kind: 'header'; readonly value: string; readonly header: string; readonly decode: (value: string, header: string) => PemCertificate };

/** Wraps a DER parsing failure as the request error it is. */
export function malformedLeaf(error: unknown, header: string): MtlsError {
  if (error instanceof MtlsError) return error;
  const reason = error instanceof DerError ? `leaf certificate: ${error.message}` : 'leaf certificate unreadable';
  return new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: reason });
}

/** Parses a certificate's structure, turning `DerError` into `ERR_MTLS_MALFORMED_HEADER`. */
export function parseLeafStructure(der: Uint8Array, header: string): CertificateStructure {
  try {
    return parseCertificateStructure(der);
  } catch (error) {
    throw malformedLeaf(error, header);
  }
}

/** Decodes a single-certificate PEM header value (the verify-mode leaf). */
export function decodeLeafPem(value: string, header: string): PemCertificate {
  return parsePemCertificates(value, header, 1)[0]!;
}

class LazyClientCertificate implements ClientCertificate {
  readonly chain: readonly string[];
  readonly verifiedBy: VerifiedBy;
  readonly source: SourceName;
  readonly complete = true;
  #leaf: LeafSource;
  #header: string;
  #fields: HeaderFields | undefined;
  #subject?: DistinguishedName;
  #issuer?: DistinguishedName;
  #sans?: SubjectAltNames;
  #eku?: readonly string[] | null;
  #fingerprint?: string;

  constructor(options: CreateCertificateOptions) {
    this.#leaf = options.source;
    this.#fields = options.fields;
    this.chain = Object.freeze([...(options.chain ?? [])]);
    this.verifiedBy = options.verifiedBy;
    this.source = options.from ?? 'alb';
    this.#header = options.header;
    Object.freeze(this);
  }

  #decoded(): { pem: string; der: Uint8Array; structure: CertificateStructure } {
    let source = this.#leaf;
    if (source.kind === 'header') {
      const { pem, der } = source.decode(source.value, source.header);
      source = this.#leaf = { kind: 'decoded', pem, der };
    }
    source.structure ??= parseLeafStructure(source.der, this.#header);
    return source as { pem: string; der: Uint8Array; structure: CertificateStructure };
  }

  #read<T>(read: (s: CertificateStructure) => T): T {
    const { structure } = this.#decoded();
    try {
      return read(structure);
    } catch (error) {
      throw malformedLeaf(error, this.#header);
    }
  }

  get subject(): DistinguishedName {
    return (this.#subject ??= this.#fields?.subject ?? this.#read((s) => nameFromDer(s.der, s.subject)));
  }
  get issuer(): DistinguishedName {
    return (this.#issuer ??= this.#fields?.issuer ?? this.#read((s) => nameFromDer(s.der, s.issuer)));
  }
  get serialNumber(): string {
    return this.#fields?.serialNumber ?? this.#decoded().structure.serialNumber;
  }
  get notBefore(): Date {
    return new Date((this.#fields?.notBefore ?? this.#decoded().structure.notBefore).getTime());
  }
  get notAfter(): Date {
    return new Date((this.#fields?.notAfter ?? this.#decoded().structure.notAfter).getTime());
  }
  get commonName(): string | undefined {
    return this.subject.get('CN');
  }
  get subjectAltNames(): SubjectAltNames {
    return (this.#sans ??= this.#read(readSubjectAltNames));
  }
  get extKeyUsage(): readonly string[] | undefined {
    if (this.#eku === undefined) this.#eku = this.#read(readExtKeyUsage) ?? null;
    return this.#eku ?? undefined;
  }
  get fingerprint256(): string {
    return (this.#fingerprint ??= fingerprint(this.#decoded().der));
  }
  get pem(): string {
    return this.#decoded().pem;
  }
  get raw(): Uint8Array {
    return new Uint8Array(this.#decoded().der);
  }
}

/** SHA-256 fingerprint as `AB:CD:...`. */
export function fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Options for {@link createClientCertificate}. */
export interface CreateCertificateOptions {
  /** The leaf, decoded or still encoded. */
  readonly source: LeafSource;
  /** Side-header fields (verify mode): used instead of the leaf's own. */
  readonly fields?: HeaderFields;
  /** PEMs after the leaf (passthrough). */
  readonly chain?: readonly string[];
  /** Who verified the chain. */
  readonly verifiedBy: VerifiedBy;
  /** The front door. Default `'alb'`. */
  readonly from?: SourceName;
  /** Header name reported in errors. */
  readonly header: string;
}

/** Builds an immutable `ClientCertificate`. */
export function createClientCertificate(options: CreateCertificateOptions): ClientCertificate {
  return new LazyClientCertificate(options);
}

/** A `ClientCertificate` for DER bytes, everything read from the certificate itself. */
export function certificateFromDer(der: Uint8Array, verifiedBy: VerifiedBy = 'none', from: SourceName = 'alb'): ClientCertificate {
  const structure = parseLeafStructure(der, 'certificate');
  return createClientCertificate({
    source: { kind: 'decoded', der, pem: toPem(der), structure }, verifiedBy, from, header: 'certificate',
  });
}
