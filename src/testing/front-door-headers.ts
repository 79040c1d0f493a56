/**
 * `frontDoorHeaders(source, cert)`: the headers a front door other than ALB sends for a client certificate,
 * written the way each producer writes them (Envoy's five-character URL encoding, nginx's
 * `$ssl_client_escaped_cert`, RFC 8941 byte sequences, Traefik's bare base64), for tests of apps behind it.
 * @module
 */
import { createHash } from 'node:crypto';
import { nameFromDer } from '../core/dn/dn-der.js';
import { readSubjectAltNames } from '../core/der/leaf-extensions.js';
import { toPem } from '../core/der/pem.js';
import { parseCertificateStructure } from '../core/der/x509.js';
import { ownOptions } from '../core/options/own.js';
import type { SourceName } from '../core/types.js';
import { readCertificates, type CertificateInput } from './alb-headers.js';

/** The keys Envoy can add besides `By` and `Hash` (`set_current_client_cert_details`). */
export type XfccDetail = 'Cert' | 'Chain' | 'Subject' | 'Issuer' | 'URI' | 'DNS';

/** Options of {@link frontDoorHeaders}. */
export interface FrontDoorHeadersOptions {
  /** The certificates the client sent after the leaf (sources that forward them: envoy, rfc9440, traefik, gcp). */
  readonly chain?: ReadonlyArray<CertificateInput>;
  /**
   * Envoy: the details configured. Default `['Cert', 'Subject', 'URI', 'DNS']`, with `'Chain'` when `chain` is
   * given (`Hash` is always set).
   */
  readonly details?: readonly XfccDetail[];
  /** Envoy: the proxy's own URI SAN (`By`). */
  readonly by?: string;
  /** Envoy: elements earlier hops (or, under APPEND_FORWARD, the client) put before this one. */
  readonly earlierElements?: readonly string[];
  /** nginx / Azure Application Gateway: the verdict. Default `'SUCCESS'`. */
  readonly verify?: string;
  /** Google Cloud: `{client_cert_chain_verified}`. Default `true`. */
  readonly chainVerified?: boolean;
  /** Azure: `'app-service'` (default) or `'application-gateway'`. */
  readonly mode?: 'app-service' | 'application-gateway';
}

const b64 = (der: Uint8Array): string => Buffer.from(der).toString('base64');
const sf = (der: Uint8Array): string => `:${b64(der)}:`;
const sha256 = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');

/** Envoy's `urlEncodedPemEncodedPeerCertificate`: exactly these five characters, nothing else. */
export function envoyEncodePem(pem: string): string {
  return pem.replace(/\n/g, '%0A').replace(/ /g, '%20').replace(/\+/g, '%2B').replace(/\//g, '%2F').replace(/=/g, '%3D');
}

/** nginx's `$ssl_client_escaped_cert`: everything but ALPHA, DIGIT, `-._~` percent-encoded. */
export function nginxEscapePem(pem: string): string {
  return encodeURIComponent(pem).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function xfccElement(leaf: Uint8Array, chain: readonly Uint8Array[], o: FrontDoorHeadersOptions): string {
  const s = parseCertificateStructure(leaf);
  const sans = readSubjectAltNames(s);
  const pairs = o.by === undefined ? [] : [`By=${o.by}`];
  pairs.push(`Hash=${sha256(leaf)}`);
  const details = o.details ?? ['Cert', ...(chain.length ? ['Chain' as const] : []), 'Subject', 'URI', 'DNS'];
  // Envoy writes the details in this fixed order whatever the configuration's order.
  for (const detail of ['Cert', 'Chain', 'Subject', 'Issuer', 'URI', 'DNS'] as const) {
    if (!details.includes(detail)) continue;
    if (detail === 'Cert') pairs.push(`Cert="${envoyEncodePem(toPem(leaf))}"`);
    if (detail === 'Chain') pairs.push(`Chain="${[leaf, ...chain].map((d) => envoyEncodePem(toPem(d))).join('')}"`);
    if (detail === 'Subject') pairs.push(`Subject="${nameFromDer(leaf, s.subject).toString()}"`);
    if (detail === 'Issuer') pairs.push(`Issuer="${nameFromDer(leaf, s.issuer).toString()}"`);
    if (detail === 'URI') pairs.push(...(sans.uri.length ? sans.uri.map((u) => `URI=${u}`) : ['URI=']));
    if (detail === 'DNS') pairs.push(...sans.dns.map((d) => `DNS=${d}`));
  }
  return pairs.join(';');
}

function verdictHeaders(leaf: Uint8Array, cert: string, verify: string, o: FrontDoorHeadersOptions): Record<string, string> {
  return { [cert]: nginxEscapePem(toPem(leaf)), [verify]: o.verify ?? 'SUCCESS' };
}

type Writer = (leaf: Uint8Array, chain: readonly Uint8Array[], o: FrontDoorHeadersOptions) => Record<string, string>;

const WRITERS: Readonly<Record<Exclude<SourceName, 'alb' | 'tls'>, Writer>> = {
  envoy: (leaf, chain, o) => ({
    'x-forwarded-client-cert': [...(o.earlierElements ?? []), xfccElement(leaf, chain, o)].join(','),
  }),
  rfc9440: (leaf, chain) => ({
    'client-cert': sf(leaf), ...(chain.length ? { 'client-cert-chain': chain.map(sf).join(', ') } : {}),
  }),
  nginx: (leaf, _chain, o) => {
    const s = parseCertificateStructure(leaf);
    return {
      ...verdictHeaders(leaf, 'ssl-client-cert', 'ssl-client-verify', o),
      'ssl-client-subject-dn': nameFromDer(leaf, s.subject).toString(), 'ssl-client-issuer-dn': nameFromDer(leaf, s.issuer).toString(),
    };
  },
  traefik: (leaf, chain) => ({ 'x-forwarded-tls-client-cert': [leaf, ...chain].map(b64).join(',') }),
  gcp: (leaf, chain, o) => ({
    'x-client-cert-present': 'true', 'x-client-cert-chain-verified': String(o.chainVerified ?? true),
    'x-client-cert-error': o.chainVerified === false ? 'client_cert_validation_failed' : '',
    'x-client-cert-leaf': sf(leaf), 'x-client-cert-chain': chain.map(sf).join(','),
  }),
  azure: (leaf, _chain, o) => (o.mode === 'application-gateway'
    ? verdictHeaders(leaf, 'x-client-cert', 'x-client-cert-verification', o)
    : { 'x-arr-clientcert': b64(leaf) }),
  cloudfront: (leaf) => {
    const s = parseCertificateStructure(leaf);
    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      'cloudfront-viewer-cert-present': '1', 'cloudfront-viewer-cert-pem': encodeURIComponent(toPem(leaf)),
      'cloudfront-viewer-cert-subject': nameFromDer(leaf, s.subject).toString(),
      'cloudfront-viewer-cert-issuer': nameFromDer(leaf, s.issuer).toString(),
      'cloudfront-viewer-cert-serial-number': s.serialNumber.toLowerCase().replace(/(..)(?!$)/g, '$1:'),
      'cloudfront-viewer-cert-sha256': sha256(leaf),
      'cloudfront-viewer-cert-validity': `NotBefore=${iso(s.notBefore)};NotAfter=${iso(s.notAfter)}`,
    };
  },
};

/**
 * The headers the front door `source` sends its backend for the client certificate `cert` (PEM or DER),
 * with the default header names and lowercase keys. For ALB, use `albHeaders()`; the `'tls'` source reads
 * no headers. Nothing is verified: pass any certificate to test how your app reacts.
 * @throws TypeError for an unknown source or a `cert` that is not a certificate.
 */
export function frontDoorHeaders(source: Exclude<SourceName, 'alb' | 'tls'>, cert: CertificateInput,
  given: FrontDoorHeadersOptions = {}): Record<string, string> {
  const options = ownOptions(given);
  const writer = Object.hasOwn(WRITERS, source) ? WRITERS[source] : undefined;
  if (writer === undefined) throw new TypeError(`frontDoorHeaders: unknown source '${String(source)}' (use albHeaders() for 'alb')`);
  const leaves = readCertificates(cert, 'cert', 'frontDoorHeaders');
  if (leaves.length !== 1) throw new TypeError('frontDoorHeaders: cert must be one certificate; pass the others as options.chain');
  const chain = (options.chain ?? []).flatMap((c, i) => readCertificates(c, `chain[${i}]`, 'frontDoorHeaders'));
  return writer(leaves[0]!, chain, options);
}
