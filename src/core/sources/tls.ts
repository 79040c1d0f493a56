/**
 * No proxy: the request's own TLS socket (an `https` server with `requestCert: true`). Node's TLS verified
 * the chain against the server's `ca` when `socket.authorized` is true (`verifiedBy: 'tls'`); with
 * `trustStore`, this library validates the chain the client sent instead (for servers that set
 * `rejectUnauthorized: false` to answer with an error rather than a reset). `chain` holds the issuers Node
 * linked to the leaf: for a verified connection, the whole path, the root from the server's `ca` included.
 * @module
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { chainFromDer, type ChainEvidence } from '../cert/chain-engine.js';
import { toPem } from '../der/pem.js';
import { MtlsError } from '../errors.js';
import { chainEngineFor, readDecoding } from './common.js';
import type { CertificateSource, SourceRequest } from './source.js';

const HEADER = '(TLS connection)';

function isTlsSocket(socket: unknown): socket is TLSSocket {
  return typeof socket === 'object' && socket !== null && typeof (socket as TLSSocket).getPeerCertificate === 'function';
}

/** The leaf and the issuers Node linked to it (a root links to itself). */
function peerChain(socket: TLSSocket, max: number): Uint8Array[] {
  const ders: Uint8Array[] = [];
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw !== undefined && ders.length < max) {
    ders.push(new Uint8Array(cert.raw));
    const next: PeerCertificate | undefined = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate;
    cert = next === cert ? undefined : next;
  }
  return ders;
}

/** The `'tls'` source. */
export function tlsSource(options: Record<string, unknown>): CertificateSource {
  const local = options.trustStore !== undefined;
  const engine = chainEngineFor(options, 'tls', 'tls');
  const { maxCertificates } = readDecoding(options);
  // One connection carries one client certificate: decode it once per socket, check validity per request.
  const bySocket = new WeakMap<object, ChainEvidence | null>();
  const evidenceOf = (socket: TLSSocket): ChainEvidence | null => {
    let evidence = bySocket.get(socket);
    if (evidence !== undefined) return evidence;
    const ders = peerChain(socket, maxCertificates);
    if (ders.length === 0) {
      evidence = null;
    } else {
      const pems = ders.map(toPem);
      const value = pems.join('');
      // The slot is the end of the leaf's body, not of the chain's (the root's, the same for every client).
      evidence = { value, slot: pems[0]!.slice(-128, -64), header: HEADER, decode: () => chainFromDer(ders, pems, HEADER) };
    }
    bySocket.set(socket, evidence);
    return evidence;
  };
  return Object.freeze({
    name: 'tls', owned: [], ownedPrefix: '', singletons: [], lists: [], usesHeaders: false,
    decode: (req: SourceRequest, now: number) => {
      const socket = req.socket;
      if (!isTlsSocket(socket)) return undefined;
      const evidence = evidenceOf(socket);
      if (evidence === null) return undefined;
      if (!local && !socket.authorized) {
        const reason = String(socket.authorizationError ?? 'not authorized');
        throw new MtlsError('ERR_MTLS_CHAIN_INVALID', { header: HEADER, cause: `TLS did not verify the client certificate: ${reason}` });
      }
      return engine(evidence, now);
    },
  });
}
