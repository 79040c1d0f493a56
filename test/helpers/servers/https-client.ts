/**
 * A small HTTP(S) client for tests and the demo: one request, optional client certificate, bounded by a
 * timeout, resolving with status, headers and body (or rejecting with the TLS/socket error).
 */
import http from 'node:http';
import https from 'node:https';

/** One request. */
export interface ClientRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string | Buffer;
  /** Client certificate chain (PEM) and key. */
  readonly cert?: string;
  readonly key?: string;
  /** CA of the server certificate. */
  readonly ca?: string;
  /** TLS server name (SNI) to send; Node sends none for an IP address. */
  readonly servername?: string;
  /** Local address to connect from. */
  readonly localAddress?: string;
  /** Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** What came back. */
export interface ClientResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Sends one request on a fresh connection (no agent: every request does its own TLS handshake). */
export function send(r: ClientRequest): Promise<ClientResponse> {
  const url = new URL(r.url);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method: r.method ?? 'GET', headers: r.headers, agent: false, cert: r.cert, key: r.key, ca: r.ca, servername: r.servername,
      localAddress: r.localAddress, timeout: r.timeoutMs ?? 5000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${r.url} within ${r.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** `true` when `address` can be bound here (127.0.0.2 works on Linux, not on macOS by default). */
export function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = http.createServer();
    server.once('error', () => resolve(false));
    server.listen(0, address, () => server.close(() => resolve(true)));
  });
}
