/**
 * Why the emulator refused a TLS connection, in the words of this library's path validation: the reason
 * codes of {@link ChainFailureReason} (`untrusted`, `expired`, `eku`, ...) plus `no-certificate` and
 * `handshake`, a message for people, OpenSSL's or Node's code, and the client's address and subject when
 * known.
 * @module
 */
import type { TLSSocket } from 'node:tls';
import { DerError } from '../../core/der/der.js';
import { parseCertificateStructure } from '../../core/der/x509.js';
import type { ChainFailureReason } from '../../core/path/chain-failure.js';
import { verifyChain } from '../../core/path/chain.js';
import type { TrustStore } from '../../core/path/trust-store.js';
import { albHeaders } from '../alb-headers.js';

/** A refusal reason: the library's chain reasons, `no-certificate`, or `handshake` (TLS failed before any certificate check). */
export type TlsRefusalReason = ChainFailureReason | 'no-certificate' | 'handshake';

/** One refused (or failed) TLS connection, for logs. */
export interface TlsRefusal {
  /** The client's address (without the `::ffff:` prefix of an IPv4-mapped one), `undefined` when unknown. */
  readonly client: string | undefined;
  readonly reason: TlsRefusalReason;
  /** For people: what was wrong, and for handshake failures what usually causes it. Never key material. */
  readonly message: string;
  /** OpenSSL's verify code (`CERT_HAS_EXPIRED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, ...) or Node's error code. */
  readonly code: string | undefined;
  /** The client certificate's subject (RFC 2253), when one was presented and could be read. */
  readonly subject: string | undefined;
}

/** What the emulator saw of a connection before its TLS layer could drop it. */
export interface SeenConnection {
  readonly client: string | undefined;
  /** The presented chain, leaf first (DER); empty without a certificate. */
  chain: Uint8Array[] | undefined;
}

/** OpenSSL verify codes (as Node's `authorizationError`) in this library's reason vocabulary. */
const OPENSSL_REASONS: Readonly<Record<string, readonly [ChainFailureReason, string]>> = {
  CERT_HAS_EXPIRED: ['expired', 'a certificate of the chain has expired'],
  CERT_NOT_YET_VALID: ['not-yet-valid', 'a certificate of the chain is not valid yet'],
  UNABLE_TO_GET_ISSUER_CERT: ['untrusted', 'the certificate does not chain to the trust store (unknown CA)'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['untrusted', 'the certificate does not chain to the trust store (unknown CA)'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['untrusted', 'the certificate does not chain to the trust store (unknown CA)'],
  DEPTH_ZERO_SELF_SIGNED_CERT: ['untrusted', 'a self-signed certificate that is not in the trust store'],
  SELF_SIGNED_CERT_IN_CHAIN: ['untrusted', 'the chain ends in a self-signed CA that is not in the trust store'],
  CERT_UNTRUSTED: ['untrusted', 'the trust store does not trust this certificate'],
  CERT_REJECTED: ['untrusted', 'the trust store rejects this certificate'],
  CERT_SIGNATURE_FAILURE: ['bad-signature', 'a signature of the chain does not verify'],
  INVALID_PURPOSE: ['eku', 'the certificate is not for TLS clients (its extendedKeyUsage lacks clientAuth)'],
  INVALID_CA: ['not-ca', 'an issuer of the chain is not a CA'],
  PATH_LENGTH_EXCEEDED: ['path-length', 'a pathLenConstraint of the chain is exceeded'],
  KEYUSAGE_NO_CERTSIGN: ['key-usage', "an issuer's keyUsage does not allow signing certificates"],
  UNHANDLED_CRITICAL_EXTENSION: ['critical-extension', 'a certificate has a critical extension OpenSSL does not process'],
  PERMITTED_VIOLATION: ['name-constraints', 'a name is outside the permitted subtrees of a CA'],
  EXCLUDED_VIOLATION: ['name-constraints', 'a name is in the excluded subtrees of a CA'],
  CERT_REVOKED: ['revoked', 'a certificate of the chain is revoked'],
  EE_KEY_TOO_SMALL: ['unsupported-algorithm', "the certificate's key is too small"],
  CA_KEY_TOO_SMALL: ['unsupported-algorithm', "a CA's key is too small"],
  CA_MD_TOO_WEAK: ['unsupported-algorithm', 'a CA signed with a digest that is too weak'],
};

/** Node's handshake error codes that have a usual cause worth saying. */
const HANDSHAKE_HINTS: Readonly<Record<string, string>> = {
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "the client refused the emulator's server certificate (a generated one: give clients " +
    'its CA, serverCaPem, or use curl -k)',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "the client refused the emulator's server certificate",
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: "the client refused the emulator's server certificate",
  ERR_SSL_HTTP_REQUEST: 'plain HTTP sent to the HTTPS listener (use https://)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not a TLS client hello (plain HTTP, or another protocol, sent to the HTTPS listener?)',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'the client offered only TLS versions below 1.2',
  ECONNRESET: 'the client closed the connection during the handshake (as clients do that refuse the server ' +
    'certificate: give them its CA, or use curl -k)',
};

/** The RFC 2253 subject of a DER certificate, `undefined` when it cannot be read. */
function subjectOf(leaf: Uint8Array | undefined): string | undefined {
  if (leaf === undefined) return undefined;
  try {
    return albHeaders(leaf)['x-amzn-mtls-clientcert-subject'];
  } catch {
    return undefined;
  }
}

/** The address of a socket without the `::ffff:` prefix of an IPv4-mapped one. */
export function socketAddress(socket: TLSSocket): string | undefined {
  return socket.remoteAddress?.replace(/^::ffff:(?=\d+\.)/, '');
}

/**
 * The certificate refusal for a chain that OpenSSL refused with `code` (or that the emulator refuses itself).
 * The library's path validation runs on the presented chain when there is a trust store, so the reason and
 * message are this library's; OpenSSL's code is kept beside it. When the library would accept the chain (or
 * there is no chain or store), the OpenSSL code is translated instead.
 */
export function certificateRefusal(seen: SeenConnection, code: string | undefined, store: TrustStore | undefined,
  options: { readonly ignoreExpiry: boolean; readonly now?: number }): TlsRefusal {
  const chain = seen.chain ?? [];
  const [leaf, ...presented] = chain;
  const base = { client: seen.client, code, subject: subjectOf(leaf) };
  if (leaf === undefined) return { ...base, reason: 'no-certificate', message: 'the client sent no certificate', code: undefined };
  if (store !== undefined) {
    try {
      const result = verifyChain(parseCertificateStructure(leaf), presented.map(parseCertificateStructure), store,
        { now: options.now ?? Date.now(), checkLeafValidity: !options.ignoreExpiry });
      if (!result.ok) return { ...base, reason: result.failure.reason, message: result.failure.message };
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      return { ...base, reason: 'malformed', message: `a presented certificate is not valid DER (${error.message})` };
    }
  }
  const known = code === undefined ? undefined : OPENSSL_REASONS[code];
  if (known) return { ...base, reason: known[0], message: known[1] };
  return { ...base, reason: 'untrusted', message: `OpenSSL refused the certificate (${code ?? 'no reason given'})` };
}

/**
 * The refusal for a server `tlsClientError`: no certificate (OpenSSL's `certificate required`), a certificate
 * Node's TLS refused after the handshake (its `authorizationError`), or a handshake that failed before that.
 */
export function tlsErrorRefusal(error: Error, socket: TLSSocket, seen: SeenConnection | undefined, store: TrustStore | undefined):
  TlsRefusal {
  const errorCode = (error as NodeJS.ErrnoException).code;
  const client = seen?.client ?? socketAddress(socket);
  if (errorCode === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') {
    return { client, reason: 'no-certificate', message: 'the client sent no certificate', code: errorCode, subject: undefined };
  }
  const verifyCode = socket.authorizationError ? String(socket.authorizationError) : undefined;
  if (verifyCode !== undefined) return certificateRefusal({ client, chain: seen?.chain }, verifyCode, store, { ignoreExpiry: false });
  const hint = errorCode === undefined ? undefined : HANDSHAKE_HINTS[errorCode];
  const detail = error.message.split('\n')[0]!.replace(/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:/, '').replace(/:\.\.\/deps\/.*$/, '');
  return { client, reason: 'handshake', message: hint ?? `the TLS handshake failed: ${detail}`, code: errorCode, subject: undefined };
}

/**
 * One log line: `refused TLS connection from <client>: <reason>: <message> [OpenSSL: <code>] subject "<subject>"`
 * (OpenSSL's code is its first complaint, which need not be the library's reason).
 */
export function refusalLine(r: TlsRefusal): string {
  const certificate = r.reason !== 'handshake' && r.reason !== 'no-certificate';
  const code = r.code === undefined ? '' : certificate ? ` [OpenSSL: ${r.code}]` : ` [${r.code}]`;
  return `refused TLS connection from ${r.client ?? 'unknown'}: ${r.reason}: ${r.message}${code}` +
    `${r.subject !== undefined ? ` subject "${r.subject}"` : ''}`;
}
