/**
 * The app behind a real proxy (front-doors-e2e): `/headers` echoes what the proxy forwarded (before any
 * middleware, to see the proxy's own work), every other path runs `mtls({ source, required: true })` and
 * reports what it decoded. It counts requests, so a test can tell that the proxy stopped one.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { mtls } from '../../../src/index.js';

/** The sources the front doors are configured for. */
export type ProxySource = 'rfc9440' | 'nginx';

/** What the app answers for a decoded certificate. */
export interface DecodedReport {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly commonName: string | null;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint256: string;
  /** The DER the app decoded, base64. */
  readonly raw: string;
  readonly pem: string;
  readonly chain: number;
  readonly source: string;
  readonly verifiedBy: string;
}

/** A listening app. */
export interface ProxyApp {
  readonly port: number;
  /** Requests that reached the app so far. */
  hits(): number;
  close(): Promise<void>;
}

function reportingApp(source: ProxySource, count: () => void): express.Express {
  const app = express();
  app.use((_req, _res, next) => { count(); next(); });
  app.get('/headers', (req, res) => { res.json(req.headers); });
  app.use(mtls({ source, required: true }));
  app.use((req, res) => {
    const c = req.clientCert!;
    // These sources forward the certificate itself: a partial one (fields unknown) is a failure here.
    if (!c.complete) {
      res.status(500).json({ error: 'partial certificate', source: c.source });
      return;
    }
    const report: DecodedReport = {
      subject: c.subject.toString(), issuer: c.issuer.toString(), serialNumber: c.serialNumber, commonName: c.commonName ?? null,
      notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), fingerprint256: c.fingerprint256,
      raw: Buffer.from(c.raw).toString('base64'), pem: c.pem, chain: c.chain.length, source: c.source, verifiedBy: c.verifiedBy,
    };
    res.json(report);
  });
  app.use((err: { status?: number; code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ error: err.code ?? String(err) });
  });
  return app;
}

/** Starts the app on a free loopback port. */
export async function startProxyApp(source: ProxySource): Promise<ProxyApp> {
  let hits = 0;
  const server = await new Promise<Server>((resolve) => {
    const s = reportingApp(source, () => { hits += 1; }).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
