/** Test apps on Express 4 and 5 alike. */
import express5 from 'express';
import express4 from 'express4';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { isMtlsError } from '../../../src/core/errors.js';

/** Both major versions, so every HTTP test runs against each. */
export const EXPRESS_VERSIONS = [
  { name: 'express 5', create: () => express5() as Express },
  { name: 'express 4', create: () => express4() as unknown as Express },
] as const;

/** Answers `{ status, code }` for MtlsErrors so tests can assert the exact code. */
export const jsonErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (!isMtlsError(err)) {
    next(err);
    return;
  }
  res.status(err.status).json({ code: err.code, message: err.message });
};

/** Reports the decoded certificate (or null) as JSON. */
export const reportCert: RequestHandler = (req, res) => {
  const cert = req.clientCert;
  res.json(cert === undefined ? null : {
    commonName: cert.commonName,
    subject: cert.subject.toString(),
    issuer: cert.issuer?.toString(),
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore?.toISOString(),
    notAfter: cert.notAfter?.toISOString(),
    fingerprint256: cert.fingerprint256,
    subjectAltNames: cert.subjectAltNames,
    verifiedBy: cert.verifiedBy,
  });
};

/** An app: `middleware`, then `reportCert` on every path, then JSON errors. */
export function appWith(create: () => Express, ...middleware: RequestHandler[]): Express {
  const app = create();
  app.use(...middleware);
  app.use(reportCert);
  app.use(jsonErrors);
  return app;
}
