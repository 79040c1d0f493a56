/**
 * The engine every front door that forwards certificates shares: decode the forwarded chain, run the
 * front door's own cross-checks, validate the path against the trust store when one is configured, cache
 * the verdict by the exact header value, and check the leaf's validity on every request.
 * @module
 */
import { LRUCache } from 'lru-cache';
import { MtlsError, type MtlsErrorCode } from '../errors.js';
import { createClientCertificate } from './certificate.js';
import type { ReadConfig, ReadDecodeConfig } from './chain-config.js';
import { ChainFailure } from '../path/chain-failure.js';
import { verifyChain } from '../path/chain.js';
import { DerError } from '../der/der.js';
import type { ClientCertificate, SourceName, VerifiedBy } from '../types.js';
import { parseCertificateStructure, type CertificateStructure } from '../der/x509.js';

/** A forwarded chain, decoded: leaf first, as PEM and as parsed structures. */
export interface DecodedChain {
  readonly pems: readonly string[];
  readonly structures: readonly [CertificateStructure, ...CertificateStructure[]];
}

/** What a front door forwarded for one request, before any decoding. */
export interface ChainEvidence {
  /** The certificate header's value: a cache hit needs it identical. */
  readonly value: string;
  /** The other header values the verdict depends on (side headers the check compares): identical too. */
  readonly sides?: readonly (string | undefined)[];
  /** A short string that differs from leaf to leaf (the end of the leaf's encoding): the cache slot. */
  readonly slot: string;
  /** The header reported in errors. */
  readonly header: string;
  /** Decodes the chain. @throws MtlsError `ERR_MTLS_MALFORMED_HEADER`. */
  decode(): DecodedChain;
  /** The front door's cross-checks against the decoded chain (hashes, subject headers). @throws MtlsError */
  check?(chain: DecodedChain): void;
}

/** What the engine returns: the certificate, and whether the verdict came from the cache. */
export interface EngineResult {
  readonly certificate: ClientCertificate;
  readonly cached: boolean;
}

/** A compiled engine. */
export type ChainEngine = (evidence: ChainEvidence, now: number) => EngineResult;

/** How the engine is set up: the source, and either a trust store to verify against or who verified. */
export interface EngineConfig {
  readonly from: SourceName;
  readonly decode: ReadDecodeConfig;
  /** Validate the path against this configuration (`verifiedBy: 'local'`); without it, trust `verifiedBy`. */
  readonly verify?: ReadConfig;
  /** Who verified the chain when `verify` is absent. */
  readonly verifiedBy: VerifiedBy;
}

type Entry =
  | { readonly ok: true; readonly certificate: ClientCertificate; readonly leaf: CertificateStructure; readonly expires: number }
  | { readonly ok: false; readonly code: MtlsErrorCode; readonly cause: unknown; readonly expires: number };

/** How long a refusal is remembered: long enough to absorb a retry storm, short enough for a fixed clock or CRL. */
const FAILURE_TTL_MS = 10_000;
/** Longest value cached; longer ones are refused as oversize anyway. */
const MAX_CACHED_LENGTH = 64 * 1024;

/** Parses DER certificates (leaf first) into a chain, naming the one that fails. */
export function chainFromDer(ders: readonly Uint8Array[], pems: readonly string[], header: string): DecodedChain {
  const structures = ders.map((der, i) => {
    try {
      return parseCertificateStructure(der);
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      const which = i === 0 ? 'leaf certificate' : `certificate #${i + 1}`;
      throw new MtlsError('ERR_MTLS_MALFORMED_HEADER', { header, cause: `${which}: ${error.message}` });
    }
  });
  return { pems, structures: structures as unknown as DecodedChain['structures'] };
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

function certificateOf(chain: DecodedChain, header: string, verifiedBy: VerifiedBy, from: SourceName): ClientCertificate {
  const leaf = chain.structures[0];
  return createClientCertificate({
    source: { kind: 'decoded', pem: chain.pems[0]!, der: leaf.der, structure: leaf },
    chain: chain.pems.slice(1), verifiedBy, from, header,
  });
}

/** Decodes, cross-checks and (with `verify`) validates one chain at `now`: the verdict to cache. */
function computeEntry(config: EngineConfig, evidence: ChainEvidence, now: number): Entry {
  const chain = evidence.decode();
  evidence.check?.(chain);
  const [leaf, ...presented] = chain.structures;
  const v = config.verify;
  if (v === undefined) {
    return { ok: true, certificate: certificateOf(chain, evidence.header, config.verifiedBy, config.from), leaf, expires: Infinity };
  }
  const result = verifyChain(leaf, presented, v.trustStore, {
    now, clockTolerance: v.clockToleranceMs / 1000, checkLeafValidity: false, requiredEku: v.requiredEku,
    requiredKeyUsage: v.requiredEku === null ? null : undefined, crls: v.crls, crlStale: v.crlStale, maxDepth: v.maxDepth,
  });
  if (!result.ok) return { ok: false, code: codeFor(result.failure), cause: result.failure, expires: now + FAILURE_TTL_MS };
  return { ok: true, certificate: certificateOf(chain, evidence.header, 'local', config.from), leaf, expires: result.expires };
}

/** A cached verdict and the exact header values it is for. */
interface Slot {
  readonly value: string;
  readonly sides: readonly (string | undefined)[] | undefined;
  readonly entry: Entry;
}

function sameEvidence(slot: Slot, evidence: ChainEvidence): boolean {
  if (slot.value !== evidence.value) return false;
  const a = slot.sides;
  const b = evidence.sides;
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((side, i) => side === b[i]);
}

/**
 * A chain engine. A success is cached until the earliest CA `notAfter` of the path or the CRLs'
 * `nextUpdate` (forever without a trust store), a refusal for 10 seconds; the leaf's own validity is
 * checked on every call (when `checkValidity`).
 */
export function createChainEngine(config: EngineConfig): ChainEngine {
  const { cacheMax, checkValidity, clockToleranceMs } = config.decode;
  const cache = cacheMax === false ? undefined : new LRUCache<string, Slot>({ max: cacheMax });
  return (evidence, now) => {
    const cacheable = cache !== undefined && evidence.value.length <= MAX_CACHED_LENGTH;
    const slot = cacheable ? cache.get(evidence.slot) : undefined;
    let entry = slot !== undefined && sameEvidence(slot, evidence) ? slot.entry : undefined;
    const cached = entry !== undefined && now <= entry.expires;
    if (!cached) {
      try {
        entry = computeEntry(config, evidence, now);
      } catch (error) {
        // A cross-check reads parts of the leaf that parsing left for later (names, SANs): the DER reader's
        // refusal there is a malformed certificate (400), not a server error.
        if (error instanceof DerError) entry = { ok: false, code: 'ERR_MTLS_MALFORMED_HEADER', cause: `certificate: ${error.message}`, expires: now + FAILURE_TTL_MS };
        else if (error instanceof MtlsError) entry = { ok: false, code: error.code, cause: error.cause, expires: now + FAILURE_TTL_MS };
        else throw error;
      }
      if (cacheable) cache.set(evidence.slot, { value: evidence.value, sides: evidence.sides, entry });
    }
    if (!entry!.ok) throw new MtlsError(entry!.code, { header: evidence.header, cause: entry!.cause });
    if (checkValidity) checkLeaf(entry!.leaf, evidence.header, now, clockToleranceMs);
    return { certificate: entry!.certificate, cached };
  };
}
