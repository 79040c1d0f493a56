/**
 * ALB as a source: the decoder of `core/alb` (verify and passthrough modes), with ALB's header ownership
 * (every `x-amzn-mtls-` name, and ALB's default names while `headerNames` renames them).
 * @module
 */
import { compileDecoder } from '../alb/alb.js';
import { DEFAULT_HEADER_NAMES } from '../alb/headers.js';
import type { HeaderBag } from '../cert/header-values.js';
import type { CertificateSource } from './source.js';

/** The `'alb'` source. */
export function albSource(options: Record<string, unknown>): CertificateSource {
  const decoder = compileDecoder(options);
  const owned = [...new Set([...Object.values(decoder.names), ...Object.values(DEFAULT_HEADER_NAMES)])];
  return Object.freeze({
    name: 'alb', owned, ownedPrefix: 'x-amzn-mtls-', singletons: decoder.modeHeaders, lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => decoder.decode(req.headers, now),
  });
}
