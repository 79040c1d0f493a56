/**
 * An app in an Istio mesh, authorizing callers by their SPIFFE identity, behind the sidecar's
 * `x-forwarded-client-cert`. Istio's sidecar forwards `Hash`, `Subject`, `URI` and `DNS`, not the
 * certificate, so `req.clientCert` is a partial certificate (`complete: false`): a matcher on its URI SAN
 * works; one on a field Envoy did not send (the serial, the validity) refuses the request.
 *
 * - `/orders`: only the `checkout` service account.
 * - `/admin`: only `ops` callers whose certificate Envoy forwarded whole (`Cert` configured on the gateway).
 * - `/whoami`: what the sidecar said of the caller.
 *
 * Run: `node --import tsx examples/istio-spiffe.ts` (port 3000, or PORT) behind the sidecar.
 * In your app, import these names from 'express-alb-mtls'.
 */
import { pathToFileURL } from 'node:url';
import express, { type Express } from 'express';
// 'express-alb-mtls' in your app
import { mtls, requireClientCert } from '../src/index.js';

/** The SPIFFE identity of the service account allowed to place orders. */
export const CHECKOUT = 'spiffe://cluster.local/ns/shop/sa/checkout';

/** The example app (Express 5). */
export function createApp(): Express {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  // The sidecar is on loopback: the default trustedProxies trusts it. `required`: the mesh enforces mTLS.
  app.use(mtls({ source: 'envoy', required: true }));
  app.post('/orders', requireClientCert({ san: { uri: CHECKOUT } }), (_req, res) => {
    res.status(201).send('order placed');
  });
  // A whole certificate only: a partial one lacks what `custom` checks, so the request is refused.
  app.get('/admin', requireClientCert({ ou: 'ops', custom: (cert) => cert.complete }), (_req, res) => {
    res.send('admin');
  });
  app.get('/whoami', (req, res) => {
    const cert = req.clientCert!;
    res.json({ complete: cert.complete, subject: cert.subject.toString(), uri: cert.subjectAltNames.uri, verifiedBy: cert.verifiedBy });
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, () => console.log(`listening on http://localhost:${port}`));
}
