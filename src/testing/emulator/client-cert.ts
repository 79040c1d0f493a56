/**
 * What the emulator learns from a TLS client: the chain it presented, and (verify mode) whether ALB would
 * have accepted it, including the `IgnoreClientCertificateExpiry` listener option Node's TLS cannot express.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

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

function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

/**
 * `true` when each certificate of `chain` is signed by the next and the last is a trust anchor or signed
 * by one. Node reported `CERT_HAS_EXPIRED` and stopped there, so the signatures are re-checked here rather
 * than assumed.
 */
function signaturesHold(chain: readonly X509Certificate[], anchors: readonly X509Certificate[]): boolean {
  for (let i = 0; i + 1 < chain.length; i++) {
    const issuer = chain[i + 1]!;
    if (!issuer.ca || !chain[i]!.checkIssued(issuer) || !chain[i]!.verify(issuer.publicKey)) return false;
  }
  const top = chain[chain.length - 1]!;
  return anchors.some((anchor) => anchor.fingerprint256 === top.fingerprint256 ||
    (anchor.ca && top.checkIssued(anchor) && top.verify(anchor.publicKey)));
}

/** Parses every PEM block of a trust store. */
export function parseAnchors(pems: readonly string[]): X509Certificate[] {
  return pems.flatMap((text) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [])
    .map((pem) => new X509Certificate(pem));
}

/**
 * Verify mode with `IgnoreClientCertificateExpiry`: Node's TLS ran with `rejectUnauthorized: false`, and
 * this decides as ALB would. Accepted: a chain Node found valid, or one whose only fault is an expired
 * leaf (OpenSSL said `CERT_HAS_EXPIRED`, every other certificate is in its validity period now, and every
 * signature up to a trust anchor holds). Everything else (no certificate, unknown CA, bad signature, an
 * expired intermediate) is refused.
 */
export function acceptIgnoringExpiry(socket: TLSSocket, anchors: readonly X509Certificate[], now = Date.now()): boolean {
  if (socket.authorized) return true;
  if (String(socket.authorizationError) !== 'CERT_HAS_EXPIRED') return false;
  const chain = peerChain(socket).map((der) => new X509Certificate(der));
  const [leaf, ...issuers] = chain;
  if (leaf === undefined || Date.parse(leaf.validTo) >= now) return false;
  if (!issuers.every((cert) => validAt(cert, now))) return false;
  // Node may append the root from the trust store; a chain ending in an anchor is checked against itself.
  const last = chain[chain.length - 1]!;
  const withoutSelfSigned = chain.length > 1 && last.checkIssued(last) ? chain.slice(0, -1) : chain;
  return signaturesHold(withoutSelfSigned, anchors);
}
