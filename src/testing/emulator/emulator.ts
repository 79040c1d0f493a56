/**
 * `startAlbEmulator()`: a local stand-in for an ALB HTTPS listener with mutual TLS, in front of an HTTP
 * target. Used by `express-alb-mtls proxy`, `npm run demo` and the tests.
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { albHeaders } from '../alb-headers.js';
import { toPem } from '../../core/der/pem.js';
import { acceptIgnoringExpiry, emulatorTrustStore, peerChain } from './client-cert.js';
import { certificateRefusal, socketAddress, tlsErrorRefusal, type SeenConnection } from './refusal.js';
import { albErrorPage, clientAddress, forward, upstreamHeaders, type ForwardTarget } from './forward.js';
import { checkEmulatorOptions, serverCredentials, type AlbEmulatorOptions, type CheckedEmulatorOptions } from './options.js';
import { ownOptions } from '../../core/options/own.js';

export type { AccessLogEntry, AlbEmulatorOptions } from './options.js';
export type { TlsRefusal, TlsRefusalReason } from './refusal.js';

/** A running emulator. */
export interface AlbEmulator {
  /** `https://host:port`. */
  readonly url: string;
  readonly port: number;
  /** CA of the generated server certificate (give it to clients as `ca`), `undefined` with `cert`/`key`. */
  readonly serverCaPem: string | undefined;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

interface ConnectionCert {
  readonly headers: Record<string, string>;
  readonly subject: string | undefined;
}

/** The mTLS headers for a connection: computed once per TLS socket, reused by its keep-alive requests. */
function connectionCert(socket: TLSSocket, options: AlbEmulatorOptions): ConnectionCert {
  const [leaf, ...rest] = peerChain(socket);
  if (leaf === undefined) return { headers: {}, subject: undefined };
  const mode = options.mode ?? 'verify';
  const headers = albHeaders(leaf, { mode, headerNames: options.headerNames, ...(mode === 'passthrough' ? { chain: rest } : {}) });
  return { headers, subject: albHeaders(leaf)['x-amzn-mtls-clientcert-subject'] };
}

function ownedHeaderTest(options: AlbEmulatorOptions): (name: string) => boolean {
  const renamed = new Set(Object.values(options.headerNames ?? {}).map((n) => String(n).toLowerCase()));
  return (name) => name.startsWith('x-amzn-mtls-') || name === 'x-amzn-mtls-clientcert' || renamed.has(name);
}

function asTlsInput(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value);
}

function listen(server: https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

interface Listener {
  readonly server: https.Server;
  /** Sockets disconnected for their certificate: their already-parsed requests must not be forwarded. */
  readonly refused: WeakSet<TLSSocket>;
}

/**
 * Node destroys a socket whose certificate its TLS refused before any public event sees it, then reports
 * only `ECONNRESET` with the socket's `authorizationError`; by then the presented chain and the address are
 * gone. `keylog` is the one public server event emitted for every connection during the handshake: it is
 * used here only to get hold of the socket (its address, and a `secure` listener that runs before Node's and
 * keeps the presented chain). The key material itself is dropped.
 */
function watchHandshakes(server: https.Server): WeakMap<TLSSocket, SeenConnection> {
  const seen = new WeakMap<TLSSocket, SeenConnection>();
  server.on('keylog', (_line: Buffer, socket: TLSSocket) => {
    if (seen.has(socket)) return;
    const entry: SeenConnection = { client: socketAddress(socket), chain: undefined };
    seen.set(socket, entry);
    socket.prependOnceListener('secure', () => { entry.chain = peerChain(socket); });
  });
  return seen;
}

/**
 * The HTTPS server: verify mode lets Node's TLS decide, except with the expiry exemption, decided here.
 * Every refusal is reported to `onRefusal` with the reason in the library's terms.
 */
function createListener(options: AlbEmulatorOptions, config: CheckedEmulatorOptions, cert: string | Uint8Array,
  key: string | Uint8Array): Listener {
  const verify = config.mode === 'verify';
  const trustPems = config.trustStore.map((der: Uint8Array) => toPem(der));
  const ignoreExpiry = verify && options.ignoreClientCertificateExpiry === true;
  const store = verify ? emulatorTrustStore(trustPems) : undefined;
  const server = https.createServer({
    cert: asTlsInput(cert), key: asTlsInput(key), requestCert: true, minVersion: 'TLSv1.2',
    rejectUnauthorized: verify && !ignoreExpiry, ...(verify ? { ca: trustPems } : {}),
  });
  const onRefusal = options.onRefusal;
  const seen = onRefusal ? watchHandshakes(server) : undefined;
  const refused = new WeakSet<TLSSocket>();
  // Before the HTTP layer's own listener, and remembered: a TLS 1.3 client sends its request right behind
  // its Finished message, and the HTTP parser may already hold it when the socket is destroyed.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    if (!ignoreExpiry || acceptIgnoringExpiry(socket, store)) return;
    refused.add(socket);
    const code = socket.authorizationError ? String(socket.authorizationError) : undefined;
    onRefusal?.(certificateRefusal({ client: socketAddress(socket), chain: peerChain(socket) }, code, store, { ignoreExpiry: true }));
    socket.destroy();
  });
  server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
    options.onTlsError?.(error);
    onRefusal?.(tlsErrorRefusal(error, socket, seen?.get(socket), store));
  });
  return { server, refused };
}

/** The request handler: certificate headers per connection, then the forward, then the log entry. */
function requestHandler(options: AlbEmulatorOptions, target: ForwardTarget, refused: WeakSet<TLSSocket>):
  (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const perSocket = new WeakMap<TLSSocket, ConnectionCert>();
  return (req, res) => {
    const started = Date.now();
    const socket = req.socket as TLSSocket;
    if (refused.has(socket)) {
      res.destroy();
      return;
    }
    const log = (status: number, subject: string | undefined): void => options.onRequest?.({
      method: req.method ?? '', path: req.url ?? '', status, client: clientAddress(req), ms: Date.now() - started, subject,
    });
    let cert = perSocket.get(socket);
    try {
      if (cert === undefined) perSocket.set(socket, (cert = connectionCert(socket, options)));
    } catch {
      // A certificate OpenSSL took but our strict DER reader refuses: answer, never crash the listener.
      albErrorPage(res, 400);
      log(400, undefined);
      return;
    }
    const { subject } = cert;
    void forward(req, res, target, upstreamHeaders(req, target, cert.headers)).then((status) => log(status, subject));
  };
}

/**
 * Starts an HTTPS listener that requests a client certificate and behaves like an ALB listener with mTLS:
 * in verify mode the handshake fails without a certificate that chains to `trustStore` (expired ones pass
 * with `ignoreClientCertificateExpiry`); in passthrough mode any certificate is accepted. Every inbound
 * `X-Amzn-Mtls-*` header is removed, ALB's mTLS headers and `X-Forwarded-For/Proto/Port` are added, and the
 * request is streamed to `target` (502 when it is down, 504 after `idleTimeout`).
 * @throws TypeError for bad options; rejects when the port cannot be bound.
 */
export async function startAlbEmulator(given: AlbEmulatorOptions): Promise<AlbEmulator> {
  const config = checkEmulatorOptions(given);
  const options = ownOptions(given);
  const credentials = await serverCredentials(options, config.host);
  const { server, refused } = createListener(options, config, credentials.cert, credentials.key);
  const agent = new http.Agent({ keepAlive: true, ...(options.sourceAddress ? { localAddress: options.sourceAddress } : {}) });
  const port = await listen(server, config.port, config.host);
  const target: ForwardTarget = { url: config.target, agent, listenerPort: port, isOwnedHeader: ownedHeaderTest(options),
    timeoutMs: config.idleTimeoutMs };
  server.on('request', requestHandler(options, target, refused));
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `https://${host}:${port}`, port, serverCaPem: credentials.caPem,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    }),
  };
}
