/**
 * Passthrough mode: ALB forwards the client's whole chain in `X-Amzn-Mtls-Clientcert` and verifies
 * nothing. This engine decodes the header, validates the path with `verifyChain` against the trust store
 * (and CRLs), and caches verdicts by a SHA-256 of the header value.
 * @module
 */
import { LRUCache } from 'lru-cache';
import { MtlsError, type MtlsErrorCode } from '../errors.js';
import { createClientCertificate } from './certificate.js';
import { ChainFailure } from '../path/chain-failure.js';
import { verifyChain } from '../path/chain.js';
import { checkSize } from './headers.js';
import { parsePemCertificates, urlDecodeHeader } from '../der/pem.js';
import { readDecodeConfig, readPassthroughConfig, type PassthroughConfig, type UnverifiedConfig } from './passthrough-config.js';
import { DerError } from '../der/der.js';
import type { ClientCertificate } from '../types.js';
import { parseCertificateStructure, type CertificateStructure } from '../der/x509.js';

export type { PassthroughConfig, UnverifiedConfig } from './passthrough-config.js';

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

type Entry =
  | { readonly ok: true; readonly certificate: ClientCertificate; readonly leaf: CertificateStructure; readonly expires: number }
  | { readonly ok: false; readonly code: MtlsErrorCode; readonly cause: unknown; readonly expires: number };

/** How long a refusal is remembered: long enough to absorb a retry storm, short enough for a fixed clock or CRL. */
const FAILURE_TTL_MS = 10_000;

interface Decoded {
  readonly pems: readonly string[];
  readonly structures: readonly [CertificateStructure, ...CertificateStructure[]];
}

function decodeChain(value: string, header: string, maxBytes: number, maxCerts: number): Decoded {
  checkSize(value, header, maxBytes);
  const blocks = parsePemCertificates(urlDecodeHeader(value, header), header, maxCerts);
  const structures = blocks.map((block, i) => {
    try {
      return parseCertificateStructure(block.der);
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      const which = i === 0 ? 'leaf certificate' : `certificate #${i + 1}`;
      throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: `${which}: ${error.message}` });
    }
  });
  return { pems: blocks.map((b) => b.pem), structures: structures as [CertificateStructure, ...CertificateStructure[]] };
}

function certificateOf(decoded: Decoded, header: string, verifiedBy: 'local' | 'none'): ClientCertificate {
  const leaf = decoded.structures[0];
  return createClientCertificate({
    source: { kind: 'decoded', pem: decoded.pems[0]!, der: leaf.der, structure: leaf },
    chain: decoded.pems.slice(1), verifiedBy, header,
  });
}

/** The leaf's validity at `now` (whole seconds, like certificate times), as the request error. */
function checkLeaf(leaf: CertificateStructure, header: string, now: number, tolerance: number): void {
  const at = Math.floor(now / 1000) * 1000;
  if (at + tolerance < leaf.notBefore.getTime()) {
    throw new MtlsError('ERR_MTLS_CERT_NOT_YET_VALID', { header, cause: 'leaf certificate is not valid yet' });
  }
  if (at - tolerance > leaf.notAfter.getTime()) {
    throw new MtlsError('ERR_MTLS_CERT_EXPIRED', { header, cause: 'leaf certificate has expired' });
  }
}

function codeFor(failure: ChainFailure): MtlsErrorCode {
  return failure.reason === 'revoked' ? 'ERR_MTLS_CERT_REVOKED' : 'ERR_MTLS_CHAIN_INVALID';
}

/** A cached verdict and the exact header value it is for. */
interface Slot {
  readonly value: string;
  readonly entry: Entry;
}

function makeCache(max: number | false): LRUCache<string, Slot> | undefined {
  return max === false ? undefined : new LRUCache<string, Slot>({ max });
}

/** Longest header value cached; longer ones are refused as oversize anyway. */
const MAX_KEY_LENGTH = 64 * 1024;

/**
 * The cache key: the 64 characters before the first END marker (the tail of the leaf's signature), which
 * differ from leaf to leaf. Hashing the whole 2-4 KB header on every warm request would cost more than
 * the rest of the hit; a hit is confirmed by comparing the whole value, so a shared key only misses.
 */
function cacheKey(value: string): string {
  const end = value.indexOf('-----END');
  return end < 64 ? value.slice(0, 64) : value.slice(end - 64, end);
}

/** Shared request path: cache lookup, compute on a miss, then the per-request leaf validity check. */
function compile(compute: (value: string, header: string, now: number) => Entry, cacheMax: number | false,
  checkValidity: boolean, tolerance: number): PassthroughVerifier {
  const cache = makeCache(cacheMax);
  const decode = (value: string, header: string, now: number): PassthroughResult => {
    const cacheable = cache !== undefined && value.length <= MAX_KEY_LENGTH;
    const key = cacheable ? cacheKey(value) : '';
    const slot = cacheable ? cache.get(key) : undefined;
    let entry = slot !== undefined && slot.value === value ? slot.entry : undefined;
    const cached = entry !== undefined && now <= entry.expires;
    if (!cached) {
      try {
        entry = compute(value, header, now);
      } catch (error) {
        if (!(error instanceof MtlsError)) throw error;
        entry = { ok: false, code: error.code, cause: error.cause, expires: now + FAILURE_TTL_MS };
      }
      if (cacheable) cache.set(key, { value, entry });
    }
    if (!entry!.ok) throw new MtlsError(entry!.code, { header, cause: entry!.cause });
    if (checkValidity) checkLeaf(entry!.leaf, header, now, tolerance);
    return { certificate: entry!.certificate, cached };
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
  const compute = (value: string, header: string, now: number): Entry => {
    const decoded = decodeChain(value, header, c.maxHeaderBytes, c.maxCertificates);
    const [leaf, ...presented] = decoded.structures;
    const result = verifyChain(leaf, presented, c.trustStore, {
      now, clockTolerance: c.clockToleranceMs / 1000, checkLeafValidity: false, requiredEku: c.requiredEku,
      requiredKeyUsage: c.requiredEku === null ? null : undefined, crls: c.crls, crlStale: c.crlStale,
      maxDepth: c.maxDepth,
    });
    if (!result.ok) return { ok: false, code: codeFor(result.failure), cause: result.failure, expires: now + FAILURE_TTL_MS };
    return { ok: true, certificate: certificateOf(decoded, header, 'local'), leaf, expires: result.expires };
  };
  return compile(compute, c.cacheMax, c.checkValidity, c.clockToleranceMs);
}

/**
 * The documented opt-out (`dangerouslySkipChainVerification: true`): decodes the chain header strictly
 * and returns the leaf with `verifiedBy: 'none'`. Nothing is verified: any client can present a certificate
 * for any name, so use it only when something else verified the chain before the request got here. The
 * leaf's validity is still checked when `checkValidity`.
 */
export function createUnverifiedPassthroughDecoder(config: UnverifiedConfig = {}): PassthroughVerifier {
  const c = readDecodeConfig(config);
  const compute = (value: string, header: string): Entry => {
    const decoded = decodeChain(value, header, c.maxHeaderBytes, c.maxCertificates);
    return { ok: true, certificate: certificateOf(decoded, header, 'none'), leaf: decoded.structures[0], expires: Infinity };
  };
  return compile(compute, c.cacheMax, c.checkValidity, c.clockToleranceMs);
}
