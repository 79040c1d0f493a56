/**
 * Options of `fromListenerRules`, validated at construction, and the default client address of `source-ip`
 * conditions: the address ALB appended to `X-Forwarded-For`, the one its own `source-ip` condition reads.
 * @module
 */
import type { Request } from 'express';
import type { HeaderRole } from '../core/alb/headers.js';
import { headerNames, trustedProxies } from '../core/alb/options.js';
import { functionOption, readOptions } from '../core/options/readers.js';

/** Options of `fromListenerRules`. */
export interface ListenerRulesOptions {
  /**
   * Client address for `source-ip`, overriding the default: when the TCP peer is one of `trustedProxies`,
   * the right-most `X-Forwarded-For` entry (the one ALB appended); otherwise the TCP peer itself. Express's
   * `req.ip` is not used: it is the ALB node without `trust proxy`, and a client-chosen entry with it.
   */
  readonly clientIp?: (req: Request) => string | undefined;
  /**
   * Which TCP peers are ALB nodes whose `X-Forwarded-For` is believed, as in `albMtls()`: `proxy-addr` syntax
   * (`loopback`, `linklocal`, `uniquelocal`, addresses, CIDRs) or a function. Default
   * `'loopback, linklocal, uniquelocal'`. Ignored when `clientIp` is given.
   */
  readonly trustedProxies?: string | readonly string[] | ((address: string | undefined) => boolean);
  /**
   * The `headerNames` given to `albMtls()`, when the listener renames its mTLS headers. Lets construction
   * warn about wildcards on the renamed names, and makes a rule on them fail with `ERR_MTLS_NOT_CONFIGURED`
   * without `albMtls()`. Without it both still apply once `albMtls()` has run (it records the names it reads).
   */
  readonly headerNames?: Partial<Record<HeaderRole, string>>;
  /** Receives warnings (construction, or the first request naming a renamed header) instead of `process.emitWarning`. */
  readonly onWarning?: (message: string, code: string) => void;
}

/** Receives a warning message and its code. */
export type Warn = (message: string, code: string) => void;

/** The options of `fromListenerRules`, checked, with defaults applied. */
export interface ListenerSettings {
  /** `options.clientIp`, else {@link albClientIp} over `options.trustedProxies`. */
  readonly clientIp: (req: Request) => string | undefined;
  /** `options.onWarning`, else `process.emitWarning`. */
  readonly onWarning: Warn;
  /** Lowercase names of the mTLS headers the `headerNames` option gives (every role; empty without it). */
  readonly mtlsHeaders: ReadonlySet<string>;
}

const KNOWN = ['clientIp', 'trustedProxies', 'headerNames', 'onWarning'];

/** The right-most entry of the request's single `X-Forwarded-For` line, or `undefined`. */
function lastForwardedFor(req: Request): string | undefined {
  const raw = req.rawHeaders ?? [];
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'x-forwarded-for') continue;
    // Two lines: which one ALB appended to is unknowable, and Node would join them; trust neither.
    if (value !== undefined) return undefined;
    value = raw[i + 1]!;
  }
  const last = value?.slice(value.lastIndexOf(',') + 1).trim();
  return last === '' ? undefined : last;
}

/**
 * The client address as ALB's `source-ip` condition sees it: the TCP peer, or, when the peer is a trusted
 * hop (an ALB node), the entry ALB appended to `X-Forwarded-For` (the right-most one; entries left of it
 * are the client's own words). A trusted peer without that header names no client: `undefined`.
 */
export function albClientIp(trusted: (address: string | undefined) => boolean): (req: Request) => string | undefined {
  return (req) => {
    const peer = req.socket?.remoteAddress;
    return trusted(peer) ? lastForwardedFor(req) : peer;
  };
}

/**
 * Validates the options of `fromListenerRules`.
 * @throws MtlsConfigError for an unknown key or a value of the wrong type.
 */
export function checkListenerOptions(options: unknown): ListenerSettings {
  const o = readOptions(options, KNOWN);
  const clientIp = functionOption<ListenerSettings['clientIp']>(o, 'clientIp', 'options.clientIp');
  // Validated even when clientIp overrides it, so a typo never waits for the day clientIp is removed.
  const trusted = trustedProxies(o);
  const named = o.headerNames === undefined ? [] : Object.values(headerNames(o));
  const defaultWarn: Warn = (message, code) => process.emitWarning(message, { code });
  return {
    clientIp: clientIp ?? albClientIp(trusted),
    onWarning: functionOption<Warn>(o, 'onWarning', 'options.onWarning') ?? defaultWarn,
    mtlsHeaders: new Set(named),
  };
}
