/**
 * Apps and event capture for test/alb/spoofing.test.ts: each app reports the certificate it saw (or none) and
 * which mTLS-looking headers survived, and keeps every onEvent payload in a serialisable form.
 */
import type { Express, Request, RequestHandler, Response } from 'express';
import { albMtls, fromListenerRules, requireCN, type AlbMtlsOptions, type MtlsEvent } from '../../../src/index.js';
import { jsonErrors } from './apps.js';

/** Names that look like mTLS headers, ALB's or renamed ones. */
const LOOKS_MTLS = /^(x-amzn-mtls-|x-client-)/i;

/** What the report route answers. */
export interface Report {
  readonly subject: string | null;
  /** mTLS-looking header names still in `req.headers` after albMtls(). */
  readonly leftover: string[];
  /** The same in `req.rawHeaders`. */
  readonly rawLeftover: string[];
}

function report(req: Request, res: Response): void {
  res.json({
    subject: req.clientCert?.subject.toString() ?? null,
    leftover: Object.keys(req.headers).filter((k) => LOOKS_MTLS.test(k)),
    rawLeftover: req.rawHeaders.filter((k, i) => i % 2 === 0 && LOOKS_MTLS.test(k)),
  } satisfies Report);
}

/** Flattens an event for searching: errors with their message and cause chain, no `req`, no certificate body. */
export function flatten(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, ...flattenEntries(value, depth), cause: flatten(value.cause, depth + 1) };
  }
  if (Array.isArray(value)) return value.map((v) => flatten(v, depth + 1));
  if (value !== null && typeof value === 'object') return flattenEntries(value, depth);
  return value;
}

function flattenEntries(value: object, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // The request is the app's own object, and an accepted certificate is the decoded data itself.
    if (k === 'req') out[k] = '[request]';
    else if (k === 'certificate') out[k] = '[certificate]';
    else out[k] = flatten(v, depth + 1);
  }
  return out;
}

/** What only an administrator may see. */
export const ADMIN_BODY = 'ADMIN AREA';
const admin: RequestHandler = (_req, res) => {
  res.send(ADMIN_BODY);
};

/**
 * `/admin` behind requireCN('admin'), and `/lr` behind a listener rule on the subject header (the rule ALB
 * itself cannot run): no header trick may reach either.
 */
function adminRoutes(app: Express, subjectHeader: string): void {
  app.get('/admin', requireCN('admin'), admin);
  app.use('/lr', fromListenerRules([{ Priority: '1', Actions: [{ Type: 'forward', TargetGroupArn: 'admin' }],
    Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: subjectHeader, Values: ['CN=admin*'] } }] }],
  { admin }, { onWarning: () => undefined }));
}

/** An app with its captured events (flattened to JSON text). */
export interface SpoofApp {
  readonly app: Express;
  readonly events: string[];
  readonly types: Array<MtlsEvent['type']>;
}

/** `albMtls(options)` then the report route and JSON errors; `configure` runs first (e.g. `trust proxy`). */
export function spoofApp(create: () => Express, options: AlbMtlsOptions, configure?: (app: Express) => void): SpoofApp {
  const events: string[] = [];
  const types: Array<MtlsEvent['type']> = [];
  const app = create();
  configure?.(app);
  app.use(albMtls({
    ...options,
    onEvent: (event) => {
      types.push(event.type);
      events.push(JSON.stringify(flatten(event)));
    },
  }));
  adminRoutes(app, options.headerNames?.subject ?? 'x-amzn-mtls-clientcert-subject');
  app.use(report);
  app.use(jsonErrors);
  return { app, events, types };
}
