/**
 * Envoy's `x-forwarded-client-cert` (Envoy, Istio, Envoy Gateway, Consul, Contour, Cilium). The element
 * that decides is the one the nearest trusted proxy appended: the right-most by default, `hops` to count
 * further left (an Istio gateway in front of a sidecar). Elements further left came from earlier hops or,
 * under APPEND_FORWARD, from the client, and are never read.
 * @module
 */
import { LRUCache } from 'lru-cache';
import type { ChainEngine, ChainEvidence } from '../cert/chain-engine.js';
import { checkSize, headerValue, type HeaderBag } from '../cert/header-values.js';
import { createPartialCertificate } from '../cert/partial.js';
import { DerError } from '../der/der.js';
import { MtlsError } from '../errors.js';
import { integerOption } from '../options/readers.js';
import {
  chainEngineFor, crossCheckOption, malformed, ownedNames, parseDnHeader, readDecoding, readHeaderNames,
} from './common.js';
import { tailSlot } from './encodings.js';
import type { CertificateSource, SourceResult } from './source.js';
import type { PartialClientCertificate } from '../types.js';
import { checkSans, crossCheck, decodeCertificates, fieldsOf, parseXfcc, type Fields, type XfccElement } from './xfcc.js';

/** Envoy's name. */
export const ENVOY_HEADER_NAMES: Readonly<Record<'xfcc', string>> = Object.freeze({ xfcc: 'x-forwarded-client-cert' });

/**
 * A SAN holding "," ends Envoy's element and starts one the certificate's holder wrote, right of the genuine
 * one (envoyproxy/envoy#32945), which then lists a truncated SAN. So every element left of the decisive one
 * that carries a certificate must list exactly its SANs. (Under APPEND_FORWARD, elements a client put there
 * can only get its own request refused.)
 */
function checkEarlierElement(element: XfccElement, c: Config): void {
  const f = fieldsOf(element, c.header);
  if (!f.single.has('cert') && !f.single.has('chain')) return;
  try {
    checkSans(f, decodeCertificates(f, c.header, c.maxCertificates).structures[0], c.header);
  } catch (error) {
    if (error instanceof DerError) throw malformed(c.header, `certificate of an earlier element: ${error.message}`);
    throw error;
  }
}

interface Config {
  readonly header: string;
  readonly hops: number;
  readonly crossCheck: boolean;
  readonly maxHeaderBytes: number;
  readonly maxCertificates: number;
  readonly verifiesLocally: boolean;
  readonly cacheMax: number | false;
}

/** The element the nearest trusted proxy appended (`hops` from the right), after checking the ones left of it. */
function decisiveElement(value: string, c: Config): XfccElement {
  checkSize(value, c.header, c.maxHeaderBytes);
  const first = value.trimStart()[0];
  if (first === '[' || first === '{') throw malformed(c.header, 'JSON format is not supported: configure Envoy with the TEXT format');
  const elements = parseXfcc(value, c.header);
  if (elements.length < c.hops) throw malformed(c.header, `expected at least ${c.hops} elements (hops), got ${elements.length}`);
  const decisive = elements.length - c.hops;
  if (c.crossCheck) for (const element of elements.slice(0, decisive)) checkEarlierElement(element, c);
  return elements[decisive]!;
}

function partialCertificate(f: Fields, c: Config): PartialClientCertificate {
  if (f.single.get('hash') === undefined) throw malformed(c.header, 'the element carries neither Cert, Chain nor Hash');
  if (c.verifiesLocally) {
    throw new MtlsError('ERR_MTLS_INCOMPLETE_HEADERS', { header: c.header, cause: 'trustStore is set but the element carries no Cert or Chain to verify' });
  }
  const dn = (key: string) => {
    const raw = f.single.get(key);
    return raw === undefined ? undefined : parseDnHeader(raw, c.header);
  };
  return createPartialCertificate({
    subject: dn('subject'), issuer: dn('issuer'), sha256Hex: f.single.get('hash'),
    dns: f.hasDns ? f.dns : undefined, uri: f.hasUri ? f.uri : undefined,
    from: 'envoy', verifiedBy: 'proxy',
  });
}

/** What a header value says: the chain evidence for the engine, or a partial certificate. */
interface Parsed {
  readonly value: string;
  readonly evidence?: ChainEvidence;
  readonly partial?: PartialClientCertificate;
}

function analyse(value: string, c: Config): Parsed {
  const element = decisiveElement(value, c);
  const f = fieldsOf(element, c.header);
  // The leaf's encoding: Cert, or the first block of Chain (its end is the CA's, the same for every client).
  const leaf = f.single.get('cert') ?? f.single.get('chain');
  if (leaf === undefined) return { value, partial: partialCertificate(f, c) };
  return {
    value,
    evidence: {
      value: element.text, slot: tailSlot(leaf, leaf.indexOf('-----END')), header: c.header,
      decode: () => decodeCertificates(f, c.header, c.maxCertificates),
      check: (chain) => crossCheck(f, chain, c.header, c.crossCheck),
    },
  };
}

/**
 * Parsing is most of a warm request's cost, and a client sends the same value on every request: remember
 * what each exact value says. The slot is the last `Hash` (it differs from client to client); a hit needs
 * the whole value identical. A refusal is not remembered (it is parsed again).
 */
function decoder(engine: ChainEngine, c: Config): (bag: HeaderBag, now: number) => SourceResult | undefined {
  const parsed = c.cacheMax === false ? undefined : new LRUCache<string, Parsed>({ max: c.cacheMax });
  return (bag, now) => {
    const value = headerValue(bag, c.header);
    if (value === undefined) return undefined;
    const at = value.lastIndexOf('Hash=');
    const slot = at === -1 ? value.slice(-64) : value.slice(at, at + 69);
    let found = parsed?.get(slot);
    const cached = found !== undefined && found.value === value;
    if (!cached) {
      found = analyse(value, c);
      parsed?.set(slot, found);
    }
    if (found!.partial !== undefined) return { certificate: found!.partial, cached };
    return engine(found!.evidence!, now);
  };
}

/** The `'envoy'` source. */
export function envoySource(options: Record<string, unknown>): CertificateSource {
  const { xfcc } = readHeaderNames(options, ENVOY_HEADER_NAMES);
  const limits = readDecoding(options);
  const decode = decoder(chainEngineFor(options, 'envoy', 'proxy'), {
    header: xfcc, hops: integerOption(options, 'hops', { min: 1, max: 16, fallback: 1 }), crossCheck: crossCheckOption(options),
    maxHeaderBytes: limits.maxHeaderBytes, maxCertificates: limits.maxCertificates, verifiesLocally: options.trustStore !== undefined,
    cacheMax: limits.cacheMax,
  });
  return Object.freeze({
    name: 'envoy', owned: ownedNames({ xfcc }, ENVOY_HEADER_NAMES), ownedPrefix: '', singletons: [xfcc], lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => decode(req.headers, now),
  });
}
