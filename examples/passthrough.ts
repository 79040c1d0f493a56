/**
 * Passthrough mode: the ALB listener requests the client certificate but verifies nothing; it forwards the
 * whole chain the client sent in `X-Amzn-Mtls-Clientcert`. `albMtls({ mode: 'passthrough', trustStore,
 * crls })` validates that chain (RFC 5280: signatures, validity, CA constraints, key usage, clientAuth EKU,
 * name constraints, CRLs) before `req.clientCert` is set, with `verifiedBy: 'local'`.
 *
 * Run: `CA_FILE=ca.pem [CRL_FILE=ca.crl.pem] npx tsx examples/passthrough.ts` (port 3000, or PORT).
 * A chain header can exceed Node's default 16 KiB header limit: the server below raises it to 64 KiB,
 * ALB's own limit for all request headers (`node --max-http-header-size=65536` does the same).
 * In your app, import these names from 'express-alb-mtls'.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import express, { type ErrorRequestHandler, type Express } from 'express';
// 'express-alb-mtls' in your app
import {
  albMtls, clientCertOf, isMtlsError, loadCrls, loadTrustStore, requireClientCert, requireCN,
} from '../src/index.js';

/** Options of {@link createApp}. */
export interface PassthroughExampleOptions {
  /** The CA certificates that issue your client certificates (PEM text, or file contents). */
  readonly trustStore: string | Buffer;
  /** Their CRLs (PEM or DER), if you publish any. */
  readonly crls?: string | Buffer;
  /** Where startup warnings and refusal reasons go. Default `console.warn`. */
  readonly log?: (line: string) => void;
}

/** Refusals as `{ error: code }` with their status; the reason (never request data) goes to the log. */
function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (!isMtlsError(err)) {
      next(err);
      return;
    }
    log(`refused ${err.code}: ${err.cause instanceof Error ? err.cause.message : 'no detail'}`);
    res.status(err.status).json({ error: err.code });
  };
}

/** The example app (Express 5). */
export function createApp(options: PassthroughExampleOptions): Express {
  const log = options.log ?? console.warn;
  // Parsed here once more only to print what the store and the CRLs will refuse (expired anchors, CRLs
  // without nextUpdate...): albMtls() checks the same inputs and throws for unusable ones.
  for (const warning of loadTrustStore(options.trustStore).warnings) log(warning);
  if (options.crls !== undefined) for (const warning of loadCrls(options.crls).warnings) log(warning);

  const app = express();
  app.get('/health', (_req, res) => {
    res.send('ok'); // ALB health checks carry no certificate
  });
  app.use(albMtls({
    mode: 'passthrough',
    trustStore: options.trustStore,
    ...(options.crls === undefined ? {} : { crls: options.crls }),
  }));
  app.get('/me', requireClientCert(), (req, res) => {
    const cert = clientCertOf(req);
    res.json({
      commonName: cert.commonName,
      issuer: cert.issuer.toString(),
      serialNumber: cert.serialNumber,
      verifiedBy: cert.verifiedBy,
      intermediatesSent: cert.chain.length,
    });
  });
  app.get('/admin', requireCN('clientA'), (_req, res) => {
    res.type('text').send('Success!!');
  });
  app.use(errorHandler(log));
  return app;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const caFile = process.env.CA_FILE;
  if (caFile === undefined) {
    console.error('Set CA_FILE to a PEM file of the CA certificates that issue your client certificates.');
    process.exit(1);
  }
  const app = createApp({
    trustStore: readFileSync(caFile),
    ...(process.env.CRL_FILE === undefined ? {} : { crls: readFileSync(process.env.CRL_FILE) }),
  });
  const port = Number(process.env.PORT ?? 3000);
  createServer({ maxHeaderSize: 65_536 }, app).listen(port, '127.0.0.1', () => {
    console.log(`passthrough example on http://127.0.0.1:${port} (behind an ALB listener in passthrough mode)`);
  });
}
