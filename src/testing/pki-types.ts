/**
 * Types of the test PKI (`createTestPki`).
 * @module
 */
import type { SubjectInput } from './pki-der.js';
import type { SanInput } from './pki-extensions.js';
import type { KeyAlgorithm } from './pki-sign.js';

/** Options of {@link createTestPki}. */
export interface TestPkiOptions {
  /** Put an intermediate CA (pathLen 0) between the root and the certificates issued. Default `false`. */
  readonly intermediate?: boolean;
  /** Key algorithm of the CAs. Default `'ECDSA-P256'`. */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Root subject. Default `'CN=Test Root CA,O=express-alb-mtls testing'`. */
  readonly rootSubject?: SubjectInput;
  /** Intermediate subject. Default `'CN=Test Intermediate CA,O=express-alb-mtls testing'`. */
  readonly intermediateSubject?: SubjectInput;
}

/** Options of {@link TestPki.issueClient} (and {@link TestPki.issueServer}). */
export interface IssueOptions {
  /** RFC 4514 text (`'CN=clientA,OU=ops'`) or attributes in string order (most specific first). */
  readonly subject: SubjectInput;
  /** Subject alternative names. */
  readonly sans?: SanInput;
  /** Extended key usages (names such as `clientAuth`, or OIDs); `false` for none. Default `['clientAuth']`. */
  readonly eku?: readonly string[] | false;
  /** Default: 5 minutes ago (clock skew). */
  readonly notBefore?: Date;
  /** Default: 30 days after `notBefore`. */
  readonly notAfter?: Date;
  /** Default `'ECDSA-P256'`. */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** Serial as hex (`'03A5B1'`). Default: 16 random bytes. */
  readonly serialNumber?: string;
  /** Which CA signs: default the intermediate when there is one, else the root. */
  readonly issuer?: 'root' | 'intermediate';
}

/** A CA of the test PKI. */
export interface TestCa {
  readonly pem: string;
  readonly der: Uint8Array;
  /** PKCS #8 PEM of its private key. */
  readonly keyPem: string;
  /** Its subject as OpenSSL prints it with `-nameopt RFC2253` (the issuer header of what it signs). */
  readonly subject: string;
}

/** A certificate issued by the test PKI, with its key. */
export interface TestCertificate extends TestCa {
  /** Serial as OpenSSL prints it (uppercase hex). */
  readonly serialNumber: string;
  /** The intermediates a client sends after the leaf (empty without an intermediate). */
  readonly chain: readonly string[];
  /** Leaf then intermediates: what `tls.connect({ cert })` should present. */
  readonly chainPem: string;
}

/** A CRL, PEM and DER. */
export interface TestCrl {
  readonly pem: string;
  readonly der: Uint8Array;
}

/** Options of {@link TestPki.issueCrl}. */
export interface CrlOptions {
  /** Which CA signs: default the one that issues certificates. */
  readonly issuer?: 'root' | 'intermediate';
  /** Default: 1 minute ago. */
  readonly thisUpdate?: Date;
  /** Default: 7 days after `thisUpdate`. */
  readonly nextUpdate?: Date;
}

/** A test PKI. */
export interface TestPki {
  readonly root: TestCa;
  readonly intermediate: TestCa | undefined;
  /** The root's PEM: the trust store of an ALB listener, of the emulator, or of passthrough mode. */
  readonly trustStorePem: string;
  /** Issues a client certificate (keyUsage digitalSignature, EKU clientAuth unless told otherwise). */
  issueClient(options: IssueOptions): Promise<TestCertificate>;
  /** Issues a TLS server certificate; default `CN=localhost` with SANs localhost, 127.0.0.1 and ::1. */
  issueServer(options?: Partial<IssueOptions>): Promise<TestCertificate>;
  /** A CRL revoking `serials` (hex), signed by the issuing CA unless told otherwise. */
  issueCrl(serials?: readonly string[], options?: CrlOptions): Promise<TestCrl>;
}
