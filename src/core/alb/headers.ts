/**
 * ALB's header names (each renamable by a listener attribute) and their roles.
 * @module
 */
export { checkSize, headerValue, lowercaseKeys, repairUtf8, type HeaderBag } from '../cert/header-values.js';

/** The ALB header roles. */
export type HeaderRole = 'subject' | 'issuer' | 'serialNumber' | 'validity' | 'leaf' | 'chain';

/** Lowercase header names, by role. */
export type HeaderNames = Readonly<Record<HeaderRole, string>>;

/** ALB's own names (listener attributes can rename each one). */
export const DEFAULT_HEADER_NAMES: HeaderNames = Object.freeze({
  subject: 'x-amzn-mtls-clientcert-subject',
  issuer: 'x-amzn-mtls-clientcert-issuer',
  serialNumber: 'x-amzn-mtls-clientcert-serial-number',
  validity: 'x-amzn-mtls-clientcert-validity',
  leaf: 'x-amzn-mtls-clientcert-leaf',
  chain: 'x-amzn-mtls-clientcert',
});

/** Roles of verify mode's five headers. */
export const VERIFY_ROLES = ['subject', 'issuer', 'serialNumber', 'validity', 'leaf'] as const;

/** Largest accepted value of a single verify-mode header: ALB's own limit for a header line. */
export const MAX_HEADER_BYTES = 16 * 1024;

