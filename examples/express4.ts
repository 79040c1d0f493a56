/**
 * The same middleware on Express 4: nothing changes. `albMtls()` and the guards pass their errors to
 * `next(err)` themselves, so Express 4 (which does not catch rejected promises from handlers) needs no
 * wrapper for them; only your own async handlers do.
 *
 * Run: `npx tsx examples/express4.ts` (port 3000, or PORT), behind ALB or the local emulator.
 * This repository installs Express 4 under the alias `express4`; in your app it is `import express from 'express'`,
 * and these names come from 'express-alb-mtls'.
 */
import { pathToFileURL } from 'node:url';
import express from 'express4';
import type { ErrorRequestHandler, Express } from 'express';
import { albMtls, clientCertOf, isMtlsError, requireCN } from '../src/index.js'; // 'express-alb-mtls' in your app

/** Answers refused requests with their status and code. */
const errors: ErrorRequestHandler = (err, _req, res, next) => {
  if (!isMtlsError(err)) {
    next(err);
    return;
  }
  res.status(err.status).json({ error: err.code });
};

/** The example app on Express 4. */
export function createApp(): Express {
  const app = express();
  app.get('/health', (_req, res) => {
    res.send('ok');
  });
  app.use(albMtls());
  app.get('/', requireCN('clientA'), (req, res) => {
    res.type('text').send(`Success!! hello ${clientCertOf(req).commonName ?? ''}`);
  });
  app.use(errors);
  return app;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, '127.0.0.1', () => {
    console.log(`express4 example on http://127.0.0.1:${port}`);
  });
}
