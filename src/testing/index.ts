/**
 * `express-alb-mtls/testing`: helpers to test apps that use express-alb-mtls without an ALB.
 * - {@link albHeaders}: the exact headers ALB sends for a certificate (set them with supertest).
 * - {@link frontDoorHeaders}: the same for Envoy, RFC 9440 proxies, nginx, Traefik, Google Cloud, Azure, CloudFront.
 * - {@link createTestPki}: CAs, client and server certificates and CRLs, generated in memory.
 * - {@link startAlbEmulator}: a local HTTPS listener that terminates mTLS like an ALB listener and forwards.
 * @packageDocumentation
 */
export { albHeaders, encodePemHeader, type AlbHeadersOptions, type CertificateInput } from './alb-headers.js';
export {
  frontDoorHeaders, envoyEncodePem, nginxEscapePem, type FrontDoorHeadersOptions, type XfccDetail,
} from './front-door-headers.js';
export {
  createTestPki, type CrlOptions, type IssueOptions, type TestCa, type TestCertificate, type TestCrl, type TestPki,
  type TestPkiOptions,
} from './pki.js';
export type { StringEncoding, SubjectAttribute, SubjectInput } from './pki-der.js';
export type { SanInput } from './pki-extensions.js';
export type { KeyAlgorithm } from './pki-sign.js';
export { startAlbEmulator, type AlbEmulator, type TlsRefusal, type TlsRefusalReason } from './emulator/emulator.js';
export type { AccessLogEntry, AlbEmulatorOptions } from './emulator/options.js';
