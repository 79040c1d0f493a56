/**
 * Google Cloud Application Load Balancer mTLS custom headers. The header names are yours (a backend
 * service's `customRequestHeaders`); map them with `headerNames`. The load balancer overwrites headers
 * of the names it sets, so client copies cannot pass. A certificate is accepted only with
 * `{client_cert_chain_verified}` true: in `ALLOW_INVALID_OR_MISSING_CLIENT_CERT` mode the backend
 * sees every request, verified or not.
 * @module
 */
import { checkSize, headerValue, type HeaderBag } from '../cert/header-values.js';
import { MtlsError } from '../errors.js';
import { chainEngineFor, malformed, MAX_FIELD_BYTES, ownedNames, readDecoding, readHeaderNames } from './common.js';
import { rfc9440Reader } from './rfc9440.js';
import type { CertificateSource } from './source.js';

/** Header roles of the `'gcp'` source, and the variables they carry. */
export type GcpRole = 'present' | 'chainVerified' | 'error' | 'leaf' | 'chain';

/** Default names, as Google's examples spell them. */
export const GCP_HEADER_NAMES: Readonly<Record<GcpRole, string>> = Object.freeze({
  present: 'x-client-cert-present', // {client_cert_present}
  chainVerified: 'x-client-cert-chain-verified', // {client_cert_chain_verified}
  error: 'x-client-cert-error', // {client_cert_error}
  leaf: 'x-client-cert-leaf', // {client_cert_leaf}, RFC 9440
  chain: 'x-client-cert-chain', // {client_cert_chain}, RFC 9440, the leaf excluded
});

function flag(bag: HeaderBag, header: string): boolean | undefined {
  const value = headerValue(bag, header);
  if (value === undefined) return undefined;
  checkSize(value, header, MAX_FIELD_BYTES);
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw malformed(header, 'expected true or false');
}

/** The `'gcp'` source. */
export function gcpSource(options: Record<string, unknown>): CertificateSource {
  const n = readHeaderNames(options, GCP_HEADER_NAMES);
  const reader = rfc9440Reader(chainEngineFor(options, 'gcp', 'proxy'), { cert: n.leaf, chain: n.chain }, readDecoding(options));
  const all = [n.present, n.chainVerified, n.error, n.leaf, n.chain];
  return Object.freeze({
    name: 'gcp', owned: ownedNames(n, GCP_HEADER_NAMES), ownedPrefix: '', singletons: all, lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => {
      const bag = req.headers;
      const present = flag(bag, n.present);
      const leaf = headerValue(bag, n.leaf) || undefined; // variables that cannot be determined expand to ''
      const chain = headerValue(bag, n.chain) || undefined;
      if (present === undefined) {
        if (leaf === undefined && chain === undefined) return undefined;
        throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', { header: n.present, cause: `${n.leaf} without ${n.present}` });
      }
      if (!present) {
        if (leaf !== undefined) throw new MtlsError('ERR_MTLS_HEADER_MISMATCH', { header: n.leaf, cause: `certificate present while ${n.present} is false` });
        return undefined;
      }
      if (flag(bag, n.chainVerified) !== true) {
        const error = headerValue(bag, n.error) || 'no client_cert_error given';
        throw new MtlsError('ERR_MTLS_CHAIN_INVALID', { header: n.chainVerified, cause: `the load balancer did not verify the chain: ${error.slice(0, 200)}` });
      }
      if (leaf === undefined) {
        throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', { header: n.leaf, cause: `${n.leaf} is empty or missing (leaf and chain over 16 KB, or the header is not configured)` });
      }
      return reader.read(leaf, chain, now);
    },
  });
}
