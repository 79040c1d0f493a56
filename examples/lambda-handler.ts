/**
 * A Lambda function as an ALB target, reading the client certificate with `decodeAlbHeaders()`: no Express,
 * no socket. Trust comes from the invocation itself: give the function a resource policy that lets only
 * `elasticloadbalancing.amazonaws.com` (your target group) invoke it; then every event came through ALB,
 * which verified the chain (verify mode) and wrote the headers. A function URL or API Gateway in front of the
 * same function would let anyone send look-alike headers: do not add one.
 *
 * Run: `npx tsx examples/lambda-handler.ts` invokes the handler with the recorded event in
 * `examples/fixtures/alb-event.json` and prints the response.
 * In your function, import these names from 'express-alb-mtls'.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
// 'express-alb-mtls' in your app
import {
  decodeAlbHeaders, isMtlsError, type DecodeAlbHeadersOptions,
} from '../src/index.js';

/** The parts of an ALB Lambda event used here (see the AWS docs, "Lambda functions as targets"). */
export interface AlbEvent {
  readonly requestContext: { readonly elb: { readonly targetGroupArn: string } };
  readonly httpMethod: string;
  readonly path: string;
  /** Lowercase header names; present unless the target group enables multi-value headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Present instead of `headers` with multi-value headers enabled. */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>>;
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

/** What the function returns to ALB. */
export interface AlbResult {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: false;
}

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

function respond(statusCode: number, body: unknown): AlbResult {
  return {
    statusCode, statusDescription: `${statusCode} ${REASONS[statusCode] ?? ''}`.trim(),
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), isBase64Encoded: false,
  };
}

/**
 * A handler answering `Success!!` to CN=clientA, 403 to other certificates, 401 without one, and the
 * library's status and code for refused headers. `options` go to `decodeAlbHeaders` (compiled once: the
 * same object is reused for every invocation).
 */
export function createHandler(options: DecodeAlbHeadersOptions = {}): (event: AlbEvent) => Promise<AlbResult> {
  const decodeOptions: DecodeAlbHeadersOptions = { ...options };
  return async (event) => {
    // With multi-value headers enabled ALB sends only `multiValueHeaders`; a repeated mTLS header is refused.
    const headers = event.multiValueHeaders ?? event.headers ?? {};
    try {
      const cert = decodeAlbHeaders(headers, decodeOptions);
      if (cert === undefined) return respond(401, { error: 'ERR_MTLS_CERT_REQUIRED' });
      if (cert.commonName !== 'clientA') return respond(403, { error: 'ERR_MTLS_CERT_FORBIDDEN' });
      return respond(200, {
        message: 'Success!!', subject: cert.subject.toString(), serialNumber: cert.serialNumber,
        notAfter: cert.notAfter.toISOString(),
      });
    } catch (error) {
      // Malformed, inconsistent or expired: the library's status and code, never the header values.
      if (isMtlsError(error)) return respond(error.status, { error: error.code });
      throw error;
    }
  };
}

/** The function's entry point (configure the Lambda handler as `lambda-handler.handler`). */
export const handler = createHandler();

/** When `alb-event.json` was recorded: its certificate is valid then (it expires on 2027-11-28). */
export const FIXTURE_RECORDED_AT = new Date('2026-11-28T13:40:00Z');

/** The recorded event. */
export function loadFixtureEvent(): AlbEvent {
  return JSON.parse(readFileSync(new URL('./fixtures/alb-event.json', import.meta.url), 'utf8')) as AlbEvent;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Evaluated at the recording time, not now: a recorded event is a snapshot and its certificate expires.
  const result = await createHandler({ now: FIXTURE_RECORDED_AT })(loadFixtureEvent());
  console.log(JSON.stringify(result, null, 2));
}
