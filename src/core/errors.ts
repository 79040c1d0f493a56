/**
 * Error types. Two families are kept apart on purpose:
 * - {@link MtlsConfigError}: the caller's mistake, thrown at construction time.
 * - {@link MtlsError}: a request the library refuses, passed to `next(err)` with an HTTP status.
 * @module
 */

/** Every code an {@link MtlsError} can carry. See docs/error-codes.md for status, cause and fix. */
export type MtlsErrorCode =
  | 'ERR_MTLS_CERT_REQUIRED'
  | 'ERR_MTLS_CERT_FORBIDDEN'
  | 'ERR_MTLS_DUPLICATE_HEADER'
  | 'ERR_MTLS_INCOMPLETE_HEADERS'
  | 'ERR_MTLS_MALFORMED_HEADER'
  | 'ERR_MTLS_HEADER_MISMATCH'
  | 'ERR_MTLS_CERT_EXPIRED'
  | 'ERR_MTLS_CERT_NOT_YET_VALID'
  | 'ERR_MTLS_CHAIN_INVALID'
  | 'ERR_MTLS_CERT_REVOKED'
  | 'ERR_MTLS_NOT_CONFIGURED';

interface CodeInfo {
  readonly status: number;
  readonly message: string;
}

// Generic, fixed messages: never attacker-controlled text in a response.
const CODES: Readonly<Record<MtlsErrorCode, CodeInfo>> = {
  ERR_MTLS_CERT_REQUIRED: { status: 401, message: 'Client certificate required' },
  ERR_MTLS_CERT_FORBIDDEN: { status: 403, message: 'Client certificate not allowed' },
  ERR_MTLS_DUPLICATE_HEADER: { status: 400, message: 'Duplicate client certificate header' },
  ERR_MTLS_INCOMPLETE_HEADERS: { status: 400, message: 'Incomplete client certificate headers' },
  ERR_MTLS_MALFORMED_HEADER: { status: 400, message: 'Malformed client certificate header' },
  ERR_MTLS_HEADER_MISMATCH: { status: 400, message: 'Inconsistent client certificate headers' },
  ERR_MTLS_CERT_EXPIRED: { status: 401, message: 'Client certificate expired' },
  ERR_MTLS_CERT_NOT_YET_VALID: { status: 401, message: 'Client certificate not yet valid' },
  ERR_MTLS_CHAIN_INVALID: { status: 401, message: 'Client certificate chain invalid' },
  ERR_MTLS_CERT_REVOKED: { status: 401, message: 'Client certificate revoked' },
  ERR_MTLS_NOT_CONFIGURED: {
    status: 500,
    message: 'express-alb-mtls: mount albMtls() before guards and routers that read req.clientCert',
  },
};

/** Options accepted by the {@link MtlsError} constructor. */
export interface MtlsErrorOptions {
  /** Detail for logs (never sent to the client). A string becomes `new Error(detail)`. */
  readonly cause?: unknown;
  /** Name (never the value) of the header at fault, lowercase. */
  readonly header?: string;
}

/**
 * A request the library refuses. Shaped like `http-errors` so Express's default
 * handler answers with `status` and the generic `message`; switch on `code` in your own handler.
 */
export class MtlsError extends Error {
  /** HTTP status (401, 403, 400, or 500 for a mounting mistake). */
  readonly status: number;
  /** Same as {@link MtlsError.status}, for handlers that read `statusCode`. */
  readonly statusCode: number;
  /** Stable machine-readable code. */
  readonly code: MtlsErrorCode;
  /** `true` except for the 500 `ERR_MTLS_NOT_CONFIGURED`: the message is safe to send. */
  readonly expose: boolean;
  /** Name of the header at fault, if one is. */
  readonly header: string | undefined;

  constructor(code: MtlsErrorCode, options: MtlsErrorOptions = {}) {
    const info = CODES[code];
    const cause = typeof options.cause === 'string' ? new Error(options.cause) : options.cause;
    super(info.message, cause === undefined ? undefined : { cause });
    this.name = 'MtlsError';
    this.code = code;
    this.status = info.status;
    this.statusCode = info.status;
    this.expose = info.status < 500;
    this.header = options.header;
  }
}

/** `true` when `value` is an {@link MtlsError}, across copies of the package. */
export function isMtlsError(value: unknown): value is MtlsError {
  return value instanceof MtlsError || (value instanceof Error && value.name === 'MtlsError' && 'code' in value);
}

/**
 * A mistake in the options or arguments given to a factory of this library.
 * Thrown at construction time, never during a request.
 */
export class MtlsConfigError extends TypeError {
  /** Always `ERR_MTLS_INVALID_OPTION`. */
  readonly code = 'ERR_MTLS_INVALID_OPTION' as const;
  /** The option path at fault, such as `headerNames.subject` or `matcher.san.dns[2]`. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`express-alb-mtls: ${option}: ${problem}`);
    this.name = 'MtlsConfigError';
    this.option = option;
  }
}
