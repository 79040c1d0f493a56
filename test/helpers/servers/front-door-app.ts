/**
 * An Express app behind `mtls(options)` that answers with what the middleware decoded, or the error.
 */
import express from 'express';
import { mtls, type MtlsOptions } from '../../../src/index.js';

/** An app that reports what mtls() decoded, or the error code. */
export function reportingApp(options: MtlsOptions): express.Express {
  const app = express();
  app.use(mtls(options));
  app.get('/', (req, res) => {
    const c = req.clientCert;
    res.json(c === undefined ? null : {
      complete: c.complete, source: c.source, verifiedBy: c.verifiedBy, subject: c.subject.toString(),
      issuer: c.issuer?.toString(), serialNumber: c.serialNumber, fingerprint256: c.fingerprint256,
      notAfter: c.notAfter?.toISOString(), uri: c.subjectAltNames.uri, dns: c.subjectAltNames.dns, chain: c.chain.length,
    });
  });
  app.use((err: { status?: number; code?: string; cause?: unknown }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ error: err.code ?? String(err), cause: String(err.cause ?? '') });
  });
  return app;
}

