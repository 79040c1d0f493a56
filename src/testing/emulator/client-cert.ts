/**
 * What the emulator learns from a TLS client: the chain it presented, and (verify mode) whether ALB would
 * have accepted it, including the `IgnoreClientCertificateExpiry` listener option Node's TLS cannot express.
 * @module
 */
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { DerError } from '../../core/der/der.js';
import { parseCertificateStructure } from '../../core/der/x509.js';
import { verifyChain } from '../../core/path/chain.js';
import { loadTrustStore, type TrustStore } from '../../core/path/trust-store.js';

/**
 * The certificates the client presented, leaf first, as DER. Node reports them through `issuerCertificate`
 * links; a self-signed root links to itself, so stop at the first certificate seen twice.
 */
export function peerChain(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

/**
 * Verify mode with `IgnoreClientCertificateExpiry`: Node's TLS ran with `rejectUnauthorized: false`, and
 * this decides as ALB would, which ignores the leaf's expiry and nothing else. Accepted: a chain Node found
 * valid, or one Node refused only as `CERT_HAS_EXPIRED` that passes this library's own path validation with
 * the leaf's validity period set aside (the CAs' periods, signatures, basic constraints, path length, key
 * usage and the clientAuth purpose all still apply). Everything else is refused.
 */
export function acceptIgnoringExpiry(socket: TLSSocket, store: TrustStore | undefined, now = Date.now()): boolean {
  if (socket.authorized) return true;
  if (store === undefined || String(socket.authorizationError) !== 'CERT_HAS_EXPIRED') return false;
  const [leaf, ...presented] = peerChain(socket);
  if (leaf === undefined) return false;
  try {
    const result = verifyChain(parseCertificateStructure(leaf), presented.map(parseCertificateStructure), store,
      { now, checkLeafValidity: false });
    return result.ok;
  } catch (error) {
    if (error instanceof DerError) return false;
    throw error;
  }
}

/** The emulator's trust store for the library's path validation, or `undefined` when it cannot serve as one. */
export function emulatorTrustStore(pems: readonly string[]): TrustStore | undefined {
  try {
    return loadTrustStore(pems.join('\n'), 'trustStore');
  } catch {
    return undefined; // anchors this library refuses: Node's own verdict stands, expiry is not waived
  }
}
