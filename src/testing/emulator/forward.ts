/**
 * The emulator's HTTP leg: header hygiene as ALB does it (inbound `X-Amzn-Mtls-*` removed, mTLS and
 * `X-Forwarded-*` headers added), then a streaming forward to the target with `node:http`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Per-listener forwarding settings. */
export interface ForwardTarget {
  readonly url: URL;
  readonly agent: http.Agent;
  /** Port the emulator listens on, for `X-Forwarded-Port`. */
  readonly listenerPort: number;
  /** Lowercase names to remove from every inbound request (ALB's mTLS headers, renamed ones included). */
  readonly isOwnedHeader: (name: string) => boolean;
  /** Milliseconds without a target response before answering 504 (ALB's idle timeout). */
  readonly timeoutMs: number;
}

// RFC 9110 7.6.1: connection-specific headers a proxy must not forward.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

// Set by ALB itself (For: the inbound value with the client appended).
const ALB_SETS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);

function hopByHop(headers: IncomingMessage['headers']): Set<string> {
  const named = String(headers.connection ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return new Set([...HOP_BY_HOP, ...named]);
}

/** The client's address without the `::ffff:` prefix of an IPv4-mapped one. */
export function clientAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
}

function traceId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')}`;
}

/** Headers for the target: inbound ones cleaned, then ALB's own. Repeated inbound headers stay repeated. */
export function upstreamHeaders(req: IncomingMessage, target: ForwardTarget, mtls: Readonly<Record<string, string>>):
  OutgoingHttpHeaders {
  const drop = hopByHop(req.headers);
  const out: Record<string, string | string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (drop.has(name) || target.isOwnedHeader(name) || ALB_SETS.has(name)) continue;
    const previous = out[name];
    out[name] = previous === undefined ? raw[i + 1]! : [previous, raw[i + 1]!].flat();
  }
  // ALB appends the client to an existing X-Forwarded-For and sets Proto and Port itself.
  const forwardedFor = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${clientAddress(req)}` : clientAddress(req);
  out['x-forwarded-proto'] = 'https';
  out['x-forwarded-port'] = String(target.listenerPort);
  out['x-amzn-trace-id'] ??= traceId();
  return { ...out, ...mtls };
}

/** ALB's own error page shape, so apps and tests see what they would in AWS. */
export function albErrorPage(res: ServerResponse, status: 502 | 504 | 400): void {
  const title = { 400: '400 Bad Request', 502: '502 Bad Gateway', 504: '504 Gateway Time-out' }[status];
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/html', server: 'awselb/2.0', connection: 'close' });
  res.end(`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`);
}

function responseHeaders(upstream: IncomingMessage): OutgoingHttpHeaders {
  const drop = hopByHop(upstream.headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !drop.has(name)) out[name] = value;
  }
  return out;
}

/**
 * Forwards `req` to the target with `headers` and streams the answer back; 502 when the target cannot be
 * reached or fails mid-way, 504 when it does not answer within the timeout. Resolves with the status sent.
 */
export function forward(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, headers: OutgoingHttpHeaders):
  Promise<number> {
  return new Promise((resolve) => {
    const upstream = http.request({
      protocol: 'http:', hostname: target.url.hostname.replace(/^\[|\]$/g, ''), port: target.url.port || 80,
      method: req.method, path: joinPath(target.url, req.url ?? '/'), headers, agent: target.agent,
      timeout: target.timeoutMs,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer));
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      res.on('close', () => resolve(answer.statusCode ?? 502));
    });
    upstream.on('timeout', () => upstream.destroy(new TimeoutError()));
    upstream.on('error', (error) => {
      const status = error instanceof TimeoutError ? 504 : 502;
      albErrorPage(res, status);
      resolve(status);
    });
    req.pipe(upstream);
    req.on('error', () => upstream.destroy());
  });
}

class TimeoutError extends Error {}

/** The target URL's path prefix (if any) joined with the request path. */
function joinPath(base: URL, path: string): string {
  const prefix = base.pathname.replace(/\/$/, '');
  return prefix + (path.startsWith('/') ? path : '/' + path);
}
