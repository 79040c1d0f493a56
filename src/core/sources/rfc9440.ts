/**
 * RFC 9440: `Client-Cert` (the leaf, one RFC 8941 byte sequence) and `Client-Cert-Chain` (a list of byte
 * sequences, the leaf excluded, which may be split over several header lines). A proxy that follows the
 * RFC sends them only for a certificate its policy accepted and removes client copies, so the certificate
 * is `verifiedBy: 'proxy'` unless `trustStore` asks this library to validate the chain itself.
 * @module
 */
import { chainFromDer, type ChainEngine } from '../cert/chain-engine.js';
import { checkSize, headerValue, type HeaderBag } from '../cert/header-values.js';
import { chainEngineFor, malformed, ownedNames, readDecoding, readHeaderNames } from './common.js';
import { parseByteSequence, parseByteSequenceList, tailSlot, type EncodedCertificate } from './encodings.js';
import type { CertificateSource, SourceResult } from './source.js';
import type { SourceName } from '../types.js';

/** Header roles of the `'rfc9440'` source. */
export type Rfc9440Role = 'cert' | 'chain';

/** RFC 9440's names. */
export const RFC9440_HEADER_NAMES: Readonly<Record<Rfc9440Role, string>> = Object.freeze({
  cert: 'client-cert', chain: 'client-cert-chain',
});

/** A reader of one `Client-Cert` / `Client-Cert-Chain` pair, shared with the sources that embed RFC 9440. */
export interface Rfc9440Reader {
  /** The certificate, `undefined` when `cert` is absent or an empty byte sequence (`::`, an empty template variable). */
  read(cert: string | undefined, chain: string | undefined, now: number): SourceResult | undefined;
}

/** Builds the reader over a chain engine. */
export function rfc9440Reader(engine: ChainEngine, names: Readonly<Record<Rfc9440Role, string>>,
  limits: { maxHeaderBytes: number; maxCertificates: number }): Rfc9440Reader {
  const decode = (cert: string, chain: string | undefined): EncodedCertificate[] => {
    checkSize(cert, names.cert, limits.maxHeaderBytes);
    if (cert.includes(',')) throw malformed(names.cert, 'holds a list; RFC 9440 allows one certificate');
    const leaf = parseByteSequence(cert.trim(), names.cert, 'leaf certificate');
    if (chain === undefined) return [leaf];
    checkSize(chain, names.chain, limits.maxHeaderBytes);
    const rest = parseByteSequenceList(chain, names.chain, 'chain certificate');
    if (rest.length + 1 > limits.maxCertificates) throw malformed(names.chain, `more than ${limits.maxCertificates} certificates`);
    return [leaf, ...rest];
  };
  return {
    read(cert, chain, now) {
      if (cert === undefined || cert.trim() === '::') {
        if (chain !== undefined) throw malformed(names.chain, `present without ${names.cert}`);
        return undefined;
      }
      return engine({
        value: cert, sides: [chain], slot: tailSlot(cert), header: names.cert,
        decode: () => {
          const certs = decode(cert, chain);
          return chainFromDer(certs.map((c) => c.der), certs.map((c) => c.pem), names.cert);
        },
      }, now);
    },
  };
}

/** The `'rfc9440'` source (also used with another name by the sources that forward RFC 9440 fields). */
export function rfc9440Source(options: Record<string, unknown>, from: SourceName = 'rfc9440'): CertificateSource {
  const names = readHeaderNames(options, RFC9440_HEADER_NAMES);
  const reader = rfc9440Reader(chainEngineFor(options, from, 'proxy'), names, readDecoding(options));
  return Object.freeze({
    name: from, owned: ownedNames(names, RFC9440_HEADER_NAMES), ownedPrefix: '', singletons: [names.cert], lists: [names.chain],
    usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) =>
      reader.read(headerValue(req.headers, names.cert), headerValue(req.headers, names.chain), now),
  });
}
