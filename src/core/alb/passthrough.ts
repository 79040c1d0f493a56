/**
 * Passthrough mode: ALB forwards the client's whole chain in `X-Amzn-Mtls-Clientcert` and verifies
 * nothing. The shared chain engine (`core/cert/chain-engine.ts`) decodes the header, validates the path
 * against the trust store (and CRLs), and caches verdicts by the exact header value.
 * @module
 */
import { createChainEngine, chainFromDer, type ChainEngine, type ChainEvidence, type DecodedChain } from '../cert/chain-engine.js';
import { checkSize } from './headers.js';
import { parsePemCertificates, urlDecodeHeader } from '../der/pem.js';
import { readDecodeConfig, readPassthroughConfig, type PassthroughConfig, type UnverifiedConfig } from '../cert/chain-config.js';
import type { ClientCertificate } from '../types.js';

export type { PassthroughConfig, UnverifiedConfig } from '../cert/chain-config.js';

/** What `decode` returns: the certificate, and whether the verdict came from the cache. */
export interface PassthroughResult {
  readonly certificate: ClientCertificate;
  readonly cached: boolean;
}

/** A compiled passthrough decoder. */
export interface PassthroughVerifier {
  /**
   * Decodes and (for the verifier) validates one `X-Amzn-Mtls-Clientcert` value at `now` (epoch ms).
   * @param header the header's name, reported in errors (never its value).
   * @throws MtlsError `ERR_MTLS_MALFORMED_HEADER`, `ERR_MTLS_CHAIN_INVALID` (reason in `cause`),
   *   `ERR_MTLS_CERT_REVOKED`, `ERR_MTLS_CERT_EXPIRED`, `ERR_MTLS_CERT_NOT_YET_VALID`.
   */
  verify(headerValue: string, header: string, now: number): ClientCertificate;
  /** Like {@link PassthroughVerifier.verify}, also telling whether the verdict came from the cache. */
  decode(headerValue: string, header: string, now: number): PassthroughResult;
}

/** URL-encoded PEM chain (ALB's format) to certificates, bounded in size and count. */
export function decodePemChain(value: string, header: string, maxBytes: number, maxCerts: number): DecodedChain {
  checkSize(value, header, maxBytes);
  const blocks = parsePemCertificates(urlDecodeHeader(value, header), header, maxCerts);
  return chainFromDer(blocks.map((b) => b.der), blocks.map((b) => b.pem), header);
}

/**
 * The cache slot: the 64 characters before the first END marker (the tail of the leaf's signature), which
 * differ from leaf to leaf; hashing the whole 2-4 KB value on every warm request would cost more than the
 * rest of the hit. A hit is confirmed by comparing the whole value, so a shared slot only misses.
 */
export function pemSlot(value: string): string {
  const end = value.indexOf('-----END');
  return end < 64 ? value.slice(0, 64) : value.slice(end - 64, end);
}

function wrap(engine: ChainEngine, maxBytes: number, maxCerts: number): PassthroughVerifier {
  const decode = (value: string, header: string, now: number): PassthroughResult => {
    const evidence: ChainEvidence = {
      value, header, slot: pemSlot(value), decode: () => decodePemChain(value, header, maxBytes, maxCerts),
    };
    return engine(evidence, now);
  };
  return Object.freeze({ decode, verify: (value: string, header: string, now: number) => decode(value, header, now).certificate });
}

/**
 * The passthrough verifier: RFC 5280 path validation of the chain in `X-Amzn-Mtls-Clientcert` against
 * `config.trustStore` (and `config.crls`). A success is cached until the earliest CA `notAfter` of the
 * path or the CRLs' `nextUpdate`, a refusal for 10 seconds; the leaf's own validity is checked on every
 * call (when `checkValidity`).
 * @throws MtlsConfigError for bad configuration.
 */
export function createPassthroughVerifier(config: PassthroughConfig): PassthroughVerifier {
  const c = readPassthroughConfig(config);
  return wrap(createChainEngine({ from: 'alb', decode: c, verify: c, verifiedBy: 'local' }), c.maxHeaderBytes, c.maxCertificates);
}

/**
 * The documented opt-out (`dangerouslySkipChainVerification: true`): decodes the chain header strictly
 * and returns the leaf with `verifiedBy: 'none'`. Nothing is verified: any client can present a certificate
 * for any name, so use it only when something else verified the chain before the request got here. The
 * leaf's validity is still checked when `checkValidity`.
 */
export function createUnverifiedPassthroughDecoder(config: UnverifiedConfig = {}): PassthroughVerifier {
  const c = readDecodeConfig(config);
  return wrap(createChainEngine({ from: 'alb', decode: c, verifiedBy: 'none' }), c.maxHeaderBytes, c.maxCertificates);
}
