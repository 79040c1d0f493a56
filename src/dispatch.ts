/**
 * Calling a user's handler or router from our own middleware. Express only catches what the handlers it
 * calls itself throw or reject (rejections: Express 5 only), so a handler we call must get the same care.
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MtlsConfigError } from './core/errors.js';

/** Calls `handler`; a synchronous throw or a rejected promise reaches `next(err)`, in Express 4 and 5 alike. */
export function invokeHandler(handler: RequestHandler, req: Request, res: Response, next: NextFunction): void {
  let result: unknown;
  try {
    result = handler(req, res, next);
  } catch (error) {
    next(error);
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).then(undefined, (error: unknown) => {
      next(error ?? new Error('Rejected promise'));
    });
  }
}

/**
 * Checks that `value` can be called as middleware (a function, an `express.Router()`, an app).
 * Arrays are refused: compose them with `express.Router().use(a, b)`.
 * @throws MtlsConfigError naming `path`.
 */
export function checkHandler(value: unknown, path: string): RequestHandler {
  if (typeof value === 'function') return value as RequestHandler;
  const hint = Array.isArray(value) ? '; for several handlers, use express.Router().use(...handlers)' : '';
  throw new MtlsConfigError(path, `is ${value === null ? 'null' : typeof value}; expected a handler (req, res, next) or an express.Router()${hint}`);
}
