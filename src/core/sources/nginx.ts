/**
 * A certificate header and a verdict header, as nginx (`$ssl_client_escaped_cert`, `$ssl_client_verify`),
 * ingress-nginx (`ssl-client-cert`, `ssl-client-verify`), Apache httpd (`SSL_CLIENT_CERT`,
 * `SSL_CLIENT_VERIFY`) and Azure Application Gateway (`client_certificate`,
 * `client_certificate_verification`) send them. A certificate is accepted only with `SUCCESS`: nginx's
 * `ssl_verify_client optional` forwards a certificate whose verification failed, saying so only there.
 * @module
 */
import { chainFromDer, type ChainEngine } from '../cert/chain-engine.js';
import { checkSize, headerValue, type HeaderBag } from '../cert/header-values.js';
import { MtlsError } from '../errors.js';
import {
  chainEngineFor, checkDnHeader, crossCheckOption, malformed, MAX_FIELD_BYTES, ownedNames, readDecoding, readHeaderNames,
} from './common.js';
import { decodeLoosePem, tailSlot } from './encodings.js';
import type { CertificateSource, SourceResult } from './source.js';
import type { SourceName } from '../types.js';

/** Header roles of the `'nginx'` source. */
export type NginxRole = 'cert' | 'verify' | 'subject' | 'issuer';

/** ingress-nginx's names (plain nginx and Apache send whatever their configuration names). */
export const NGINX_HEADER_NAMES: Readonly<Record<NginxRole, string>> = Object.freeze({
  cert: 'ssl-client-cert', verify: 'ssl-client-verify', subject: 'ssl-client-subject-dn', issuer: 'ssl-client-issuer-dn',
});

/** What a verdict header said. */
type Verdict = { readonly kind: 'success' } | { readonly kind: 'none' } | { readonly kind: 'failed'; readonly reason: string };

/** Reads `SUCCESS`, `NONE` or `FAILED:<reason>`; anything else (Apache's `GENEROUS` included) is refused. */
export function readVerdict(value: string, header: string): Verdict {
  checkSize(value, header, MAX_FIELD_BYTES);
  if (value === 'SUCCESS') return { kind: 'success' };
  if (value === 'NONE') return { kind: 'none' };
  if (value.startsWith('FAILED')) return { kind: 'failed', reason: value.slice(value.indexOf(':') + 1) || 'no reason given' };
  throw malformed(header, 'verdict is not SUCCESS, NONE or FAILED:<reason>');
}

interface Names {
  readonly cert: string;
  readonly verify: string;
  readonly subject?: string;
  readonly issuer?: string;
}

/** The decoder of a certificate + verdict pair, shared by `'nginx'` and `'azure'` (Application Gateway). */
export function verdictDecoder(engine: ChainEngine, names: Names, crossCheck: boolean, limits: { maxHeaderBytes: number }):
  (bag: HeaderBag, now: number) => SourceResult | undefined {
  return (bag, now) => {
    const cert = headerValue(bag, names.cert);
    const verify = headerValue(bag, names.verify);
    if (verify === undefined) {
      if (cert === undefined) return undefined;
      throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', { header: names.verify, cause: `${names.cert} without ${names.verify}` });
    }
    const verdict = readVerdict(verify, names.verify);
    if (verdict.kind === 'failed') {
      throw new MtlsError('ERR_MTLS_CHAIN_INVALID', { header: names.verify, cause: `the front door refused the certificate: ${verdict.reason}` });
    }
    if (verdict.kind === 'none') {
      if (cert !== undefined && cert !== '') throw new MtlsError('ERR_MTLS_HEADER_MISMATCH', { header: names.cert, cause: `certificate present while ${names.verify} says NONE` });
      return undefined;
    }
    if (cert === undefined || cert === '') {
      throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', {
        header: names.cert, cause: `${names.verify} is SUCCESS but the front door forwarded no certificate (ingress-nginx: set auth-tls-pass-certificate-to-upstream)`,
      });
    }
    const subject = names.subject === undefined || !crossCheck ? undefined : headerValue(bag, names.subject);
    const issuer = names.issuer === undefined || !crossCheck ? undefined : headerValue(bag, names.issuer);
    return engine({
      value: cert, sides: [subject, issuer], slot: tailSlot(cert, cert.lastIndexOf('END')), header: names.cert,
      decode: () => {
        checkSize(cert, names.cert, limits.maxHeaderBytes);
        const [leaf] = decodeLoosePem(cert, names.cert, 1);
        return chainFromDer([leaf!.der], [leaf!.pem], names.cert);
      },
      check: (chain) => {
        checkDnHeader(subject, names.subject!, chain.structures[0], 'subject');
        checkDnHeader(issuer, names.issuer!, chain.structures[0], 'issuer');
      },
    }, now);
  };
}

/** The `'nginx'` source. */
export function nginxSource(options: Record<string, unknown>, from: SourceName = 'nginx'): CertificateSource {
  const names = readHeaderNames(options, NGINX_HEADER_NAMES);
  const decode = verdictDecoder(chainEngineFor(options, from, 'proxy'), names, crossCheckOption(options), readDecoding(options));
  const all = [names.cert, names.verify, names.subject, names.issuer];
  return Object.freeze({
    name: from, owned: ownedNames(names, NGINX_HEADER_NAMES), ownedPrefix: '', singletons: all, lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => decode(req.headers, now),
  });
}
