/**
 * What every benchmark server mounts around the middleware under test: the Express app of a major version,
 * the `GET /` handler and a terse error handler.
 * @module
 */
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';

/** A new Express 4 or 5 app. */
export async function createApp(version: string): Promise<Express> {
  if (version === '4') return ((await import('express4')).default as unknown as () => Express)();
  if (version === '5') return (await import('express')).default();
  throw new Error(`express version must be 4 or 5, got ${version}`);
}

/** Answers `ok`, or 500 when a certificate was expected and none is attached. */
export function finalHandler(expectsCert: boolean): RequestHandler {
  return (req, res) => {
    // Reading the property is all the handler does with it: the cost under test is the chain's.
    const ok = !expectsCert || req.clientCert !== undefined;
    res.status(ok ? 200 : 500).send(ok ? 'ok' : 'no certificate attached');
  };
}

/** Answers errors tersely: Express's default handler would print stacks and skew a broken run further. */
export const errorHandler: ErrorRequestHandler = (err: { status?: number }, _req, res, _next) => {
  res.status(typeof err.status === 'number' ? err.status : 500).end();
};
