/**
 * Verify mode, the basics: ALB verified the client certificate against its trust store and sends five
 * headers; `albMtls()` decodes them into `req.clientCert`, and guards authorize by its fields.
 *
 * Run: `npx tsx examples/verify-basic.ts` (port 3000, or PORT). Locally, put the ALB emulator in front:
 *   npx express-alb-mtls proxy --trust-store ca.pem --target http://127.0.0.1:3000
 *   curl -k --cert client.pem --key client.key https://127.0.0.1:8443/me
 * In your app, import these names from 'express-alb-mtls'.
 */
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
// 'express-alb-mtls' in your app
import {
  albMtls, clientCertOf, requireClientCert, requireCN,
} from '../src/index.js';

/** The example app (Express 5). */
export function createApp(): Express {
  const app = express();
  // ALB health checks carry no certificate: answer them before anything looks for one.
  app.get('/health', (_req, res) => {
    res.send('ok');
  });
  // Verify mode with the defaults: headers trusted only from loopback and private addresses (ALB nodes
  // live in your VPC), certificates outside their validity period refused.
  app.use(albMtls());

  // A certificate is optional here: `req.clientCert` is undefined without one.
  app.get('/', (req, res) => {
    res.json({ hello: req.clientCert?.commonName ?? 'anonymous' });
  });

  // Any valid certificate (401 without one).
  app.get('/me', requireClientCert(), (req, res) => {
    const cert = clientCertOf(req);
    res.json({
      subject: cert.subject.toString(),
      issuer: cert.issuer.toString(),
      commonName: cert.commonName,
      organizationalUnits: cert.subject.getAll('OU'),
      serialNumber: cert.serialNumber,
      notAfter: cert.notAfter.toISOString(),
      subjectAltNames: cert.subjectAltNames,
      fingerprint256: cert.fingerprint256,
    });
  });

  // Only CN=clientA (the whole parsed CN, not a substring of the header): 403 for other certificates.
  app.get('/admin', requireCN('clientA'), (_req, res) => {
    res.type('text').send('Success!!');
  });
  return app;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => {
    console.log(`verify-basic example on http://127.0.0.1:${port} (put the ALB emulator in front of it)`);
  });
}
