/**
 * Options of the ALB emulator, their validation, and its TLS server certificate (given or generated).
 * @module
 */
import { isIP } from 'node:net';
import type { HeaderRole } from '../../core/alb/headers.js';
import { readCertificates, type CertificateInput } from '../alb-headers.js';
import { createTestPki } from '../pki.js';
import { ownOptions } from '../../core/options/own.js';
import type { TlsRefusal } from './refusal.js';

/** One forwarded request, for logs. */
export interface AccessLogEntry {
  readonly method: string;
  readonly path: string;
  /** Status sent to the client (502/504 when the target failed). */
  readonly status: number;
  /** The client's address. */
  readonly client: string;
  /** The client certificate's subject (RFC 2253), `undefined` without one. */
  readonly subject: string | undefined;
  readonly ms: number;
}

/** Options of `startAlbEmulator()`. */
export interface AlbEmulatorOptions {
  /** The target group: an `http://host:port` URL (a path prefix is kept). */
  readonly target: string | URL;
  /** Listener mTLS mode. Default `'verify'`. */
  readonly mode?: 'verify' | 'passthrough';
  /** Verify mode (required there): the CA certificates clients must chain to, PEM or DER. */
  readonly trustStore?: CertificateInput | ReadonlyArray<CertificateInput>;
  /** Verify mode: forward expired client certificates (the listener's `IgnoreClientCertificateExpiry`). */
  readonly ignoreClientCertificateExpiry?: boolean;
  /** Server certificate (PEM, may include intermediates) and key. Default: generated for localhost. */
  readonly cert?: string | Uint8Array;
  readonly key?: string | Uint8Array;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Default `'127.0.0.1'`. */
  readonly host?: string;
  /** Renamed mTLS headers (listener attributes `routing.http.request.x_amzn_mtls_clientcert_*.header_name`). */
  readonly headerNames?: Partial<Record<HeaderRole, string>>;
  /** Local address of the connections to the target: what the app sees as the "ALB node" peer. */
  readonly sourceAddress?: string;
  /** Seconds to wait for the target before answering 504. Default 60 (ALB's default idle timeout). */
  readonly idleTimeout?: number;
  /** Called after each request with what was forwarded and answered. */
  readonly onRequest?: (entry: AccessLogEntry) => void;
  /** Called with Node's error for each failed TLS handshake and each certificate Node's TLS refused. */
  readonly onTlsError?: (error: Error) => void;
  /**
   * Called for each refused TLS connection, in every mode, with why: the library's path validation reason
   * (`untrusted`, `expired`, `leaf-expired`, `eku`, ...), `no-certificate` or `handshake`, a message, OpenSSL's
   * or Node's code, and the client's address and certificate subject when known.
   */
  readonly onRefusal?: (refusal: TlsRefusal) => void;
}

/** Options after validation. */
export interface CheckedEmulatorOptions {
  readonly mode: 'verify' | 'passthrough';
  readonly target: URL;
  readonly trustStore: Uint8Array[];
  readonly port: number;
  readonly host: string;
  readonly idleTimeoutMs: number;
}

function bad(option: string, problem: string): never {
  throw new TypeError(`startAlbEmulator: ${option}: ${problem}`);
}

function checkTarget(value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return bad('target', `'${String(value)}' is not a URL; expected e.g. http://127.0.0.1:3000`);
  }
  if (url.protocol !== 'http:') bad('target', 'must be an http:// URL (the emulator terminates TLS, as ALB does)');
  return url;
}

function checkTrustStore(options: AlbEmulatorOptions, mode: string): Uint8Array[] {
  const value = options.trustStore;
  if (mode === 'passthrough') {
    if (value !== undefined) bad('trustStore', "applies to mode 'verify' only: in passthrough mode ALB verifies nothing");
    if (options.ignoreClientCertificateExpiry) bad('ignoreClientCertificateExpiry', "applies to mode 'verify' only");
    return [];
  }
  if (value === undefined) bad('trustStore', "is required in mode 'verify' (the CA certificates clients must chain to)");
  const items: CertificateInput[] = typeof value === 'string' || value instanceof Uint8Array ? [value] : [...value];
  return items.flatMap((item, i) => readCertificates(item, `trustStore[${i}]`, 'startAlbEmulator'));
}

/** Validates options. @throws TypeError naming the option. */
export function checkEmulatorOptions(given: AlbEmulatorOptions): CheckedEmulatorOptions {
  if (typeof given !== 'object' || given === null) bad('options', 'expected an object');
  const options = ownOptions(given);
  const mode = options.mode ?? 'verify';
  if (mode !== 'verify' && mode !== 'passthrough') bad('mode', "expected 'verify' or 'passthrough'");
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) bad('port', 'expected an integer from 0 to 65535');
  const idle = options.idleTimeout ?? 60;
  if (typeof idle !== 'number' || !(idle > 0 && idle <= 4000)) bad('idleTimeout', 'expected seconds from 1 to 4000');
  if ((options.cert === undefined) !== (options.key === undefined)) bad('cert', 'cert and key go together: give both or neither');
  if (options.sourceAddress !== undefined && isIP(options.sourceAddress) === 0) bad('sourceAddress', 'expected an IP address');
  return { mode, target: checkTarget(options.target), trustStore: checkTrustStore(options, mode), port,
    host: options.host ?? '127.0.0.1', idleTimeoutMs: idle * 1000 };
}

/** The listener's certificate: the one given, or one generated for localhost and `host` by a throwaway CA. */
export async function serverCredentials(options: AlbEmulatorOptions, host: string):
  Promise<{ cert: string | Uint8Array; key: string | Uint8Array; caPem: string | undefined }> {
  if (options.cert !== undefined && options.key !== undefined) return { cert: options.cert, key: options.key, caPem: undefined };
  const pki = await createTestPki({ rootSubject: 'CN=express-alb-mtls emulator CA (generated)' });
  const ips = new Set(['127.0.0.1', '::1']);
  const dns = new Set(['localhost']);
  if (isIP(host)) ips.add(host);
  else dns.add(host);
  const server = await pki.issueServer({ subject: 'CN=localhost', sans: { dns: [...dns], ip: [...ips] } });
  return { cert: server.pem, key: server.keyPem, caPem: pki.root.pem };
}
