/**
 * A custom error handler switching on `err.code`: JSON problem details (RFC 9457) with advice a client can
 * act on, a log line with the reason for operators, and nothing taken from the request in either.
 *
 * Run: `npx tsx examples/custom-error-handler.ts` (port 3000, or PORT), behind ALB or the local emulator.
 * In your app, import these names from 'express-alb-mtls'.
 */
import { pathToFileURL } from 'node:url';
import express, { type ErrorRequestHandler, type Express } from 'express';
// 'express-alb-mtls' in your app
import {
  albMtls, clientCertOf, isMtlsError, requireCN, type MtlsErrorCode,
} from '../src/index.js';

/** The answer for each code. A `switch` with a `never` default: a code added to the library breaks the build here. */
function advice(code: MtlsErrorCode): string {
  switch (code) {
    case 'ERR_MTLS_CERT_REQUIRED': return 'Connect with a client certificate issued by our CA.';
    case 'ERR_MTLS_CERT_EXPIRED': return 'Your client certificate has expired: request a new one.';
    case 'ERR_MTLS_CERT_NOT_YET_VALID': return 'Your client certificate is not valid yet: check the clock, or wait.';
    case 'ERR_MTLS_CERT_REVOKED': return 'Your client certificate was revoked.';
    case 'ERR_MTLS_CHAIN_INVALID': return 'Your client certificate was not issued by a CA we trust.';
    case 'ERR_MTLS_CERT_FORBIDDEN': return 'Your client certificate does not give access to this resource.';
    case 'ERR_MTLS_DUPLICATE_HEADER':
    case 'ERR_MTLS_INCOMPLETE_HEADERS':
    case 'ERR_MTLS_MALFORMED_HEADER':
    case 'ERR_MTLS_HEADER_MISMATCH': return 'The load balancer sent unusable certificate headers.';
    case 'ERR_MTLS_NOT_CONFIGURED': return 'Server misconfiguration.';
    default: {
      const unknown: never = code;
      return String(unknown);
    }
  }
}

/** Options of {@link createApp}. */
export interface ExampleOptions {
  /** Where log lines go. Default `console.warn`. */
  readonly log?: (line: string) => void;
}

/** The error handler: MtlsErrors become problem details; anything else goes on to Express. */
export function mtlsProblemHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (!isMtlsError(err)) {
      next(err);
      return;
    }
    // The code and the cause are for operators; the cause may quote the request, so it stays in the log.
    log(`mtls ${err.code} ${req.method} ${req.path}: ${err.cause instanceof Error ? err.cause.message : 'no detail'}`);
    res.status(err.status).type('application/problem+json').json({
      type: `https://example.com/problems/${err.code.toLowerCase().replace(/_/g, '-')}`,
      title: err.message, // a fixed, generic message chosen by the library
      status: err.status,
      detail: advice(err.code),
    });
  };
}

/** The example app (Express 5): every route but /health needs a certificate; /admin needs CN=clientA. */
export function createApp(options: ExampleOptions = {}): Express {
  const app = express();
  app.use(albMtls({ required: true, skip: (req) => req.url === '/health' }));
  app.get('/health', (_req, res) => {
    res.send('ok');
  });
  app.get('/', (req, res) => {
    res.json({ hello: clientCertOf(req).commonName });
  });
  app.get('/admin', requireCN('clientA'), (_req, res) => {
    res.type('text').send('Success!!');
  });
  app.use(mtlsProblemHandler(options.log ?? ((line) => console.warn(line))));
  return app;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => {
    console.log(`custom-error-handler example on http://127.0.0.1:${port}`);
  });
}
