/**
 * Fuzz targets for certificates: the DER reader on raw bytes, the leaf header (URL-encoded PEM), the PEM
 * splitter of the chain header, and whole verify-mode header sets through the decoder.
 */
import { certificateFromDer } from '../../../src/core/cert/certificate.js';
import { DerError, readTlv } from '../../../src/core/der/der.js';
import { dnEquals, parseDN } from '../../../src/core/dn/dn.js';
import { nameFromDer } from '../../../src/core/dn/dn-der.js';
import { decodeAlbHeaders } from '../../../src/core/alb/alb.js';
import { readExtKeyUsage, readSubjectAltNames } from '../../../src/core/der/leaf-extensions.js';
import { parsePemCertificates, toPem, urlDecodeHeader } from '../../../src/core/der/pem.js';
import { parseCertificateStructure } from '../../../src/core/der/x509.js';
import { isMtlsError } from '../../../src/core/errors.js';
import type { ClientCertificate } from '../../../src/core/types.js';
import type { FuzzSeeds, FuzzTarget } from './fuzz-types.js';

const isDerOrMtls = (error: unknown): boolean => error instanceof DerError || isMtlsError(error);

/** Reads every field of a certificate, as an application would: lazy fields may throw only `MtlsError`. */
export function touchAll(cert: ClientCertificate): void {
  void [cert.subject.toString(), cert.issuer.toString(), cert.serialNumber, cert.notBefore, cert.notAfter,
    cert.commonName, cert.subjectAltNames, cert.extKeyUsage, cert.fingerprint256, cert.pem, cert.raw, cert.chain,
    cert.verifiedBy, cert.subject.getAll('OU')];
}

/** Our printed form of a name read from DER must parse back to the same name. */
function checkNamePrints(der: Uint8Array, tlv: Parameters<typeof nameFromDer>[1]): void {
  const name = nameFromDer(der, tlv);
  let again;
  try {
    again = parseDN(name.toString());
  } catch (error) {
    throw new Error(`a DER Name prints as a string parseDN refuses: ${(error as Error).cause as string}`, { cause: error });
  }
  if (!dnEquals(again, name)) throw new Error('a DER Name prints as a string that parses to another name');
}

function leafDerTarget(ders: readonly Uint8Array[]): FuzzTarget {
  return {
    name: 'leaf-der',
    kind: 'bytes',
    seeds: ders,
    run(input) {
      const der = input as Uint8Array;
      const s = parseCertificateStructure(der);
      checkNamePrints(der, s.subject);
      checkNamePrints(der, s.issuer);
      readSubjectAltNames(s);
      readExtKeyUsage(s);
      touchAll(certificateFromDer(der));
    },
    allowed: isDerOrMtls,
  };
}

/** A DER Name alone (the subject and issuer of the seeds): read, print, parse back. */
function nameDerTarget(ders: readonly Uint8Array[]): FuzzTarget {
  const names = ders.flatMap((der) => {
    const s = parseCertificateStructure(der);
    return [der.slice(s.subject.start, s.subject.end), der.slice(s.issuer.start, s.issuer.end)];
  });
  return {
    name: 'name-der',
    kind: 'bytes',
    seeds: names,
    run: (input) => checkNamePrints(input as Uint8Array, readTlv(input as Uint8Array, 0)),
    allowed: isDerOrMtls,
  };
}

function leafHeaderTarget(values: readonly string[]): FuzzTarget {
  return {
    name: 'leaf-header',
    kind: 'string',
    seeds: values,
    run(input) {
      const pems = parsePemCertificates(urlDecodeHeader(input as string, 'x-fuzz'), 'x-fuzz', 1);
      touchAll(certificateFromDer(pems[0]!.der));
    },
    allowed: isMtlsError,
  };
}

function pemChainTarget(values: readonly string[]): FuzzTarget {
  return {
    name: 'pem-chain',
    kind: 'string',
    seeds: values,
    run(input) {
      const pems = parsePemCertificates(urlDecodeHeader(input as string, 'x-fuzz'), 'x-fuzz', 10);
      if (pems.length < 1 || pems.length > 10) throw new Error(`${pems.length} certificates returned`);
    },
    allowed: isMtlsError,
  };
}

function verifyHeadersTarget(sets: ReadonlyArray<Readonly<Record<string, string>>>, now: number): FuzzTarget {
  // One options object per configuration: decodeAlbHeaders compiles each once.
  const configs = [{ now }, { now, crossCheck: false }, { now, checkValidity: false, cache: false as const }];
  return {
    name: 'verify-headers',
    kind: 'headers',
    seeds: sets,
    run: (input) => decodeEach(input as Record<string, string>, configs),
    allowed: isMtlsError,
  };
}

/** Decodes with each options object; only `MtlsError` may escape, and an accepted certificate must read. */
function decodeEach(bag: Record<string, string>, configs: readonly object[]): void {
  for (const options of configs) {
    try {
      const cert = decodeAlbHeaders(bag, options);
      if (cert !== undefined) touchAll(cert);
    } catch (error) {
      if (!isMtlsError(error)) throw error;
    }
  }
}

const CHAIN = 'x-amzn-mtls-clientcert';

/** URL-encodes PEM as ALB does (`+` and `/` raw; `=` encoded, as in AWS's own example). */
function albEncode(pem: string): string {
  return encodeURIComponent(pem).replace(/%2B/g, '+').replace(/%2F/g, '/');
}

function passthroughConfigs(seeds: FuzzSeeds): object[] {
  return [
    { mode: 'passthrough', trustStore: seeds.trustStore, now: seeds.now },
    { mode: 'passthrough', trustStore: seeds.trustStore, now: seeds.now, cache: false, checkValidity: false },
    { mode: 'passthrough', dangerouslySkipChainVerification: true, now: seeds.now },
  ];
}

/** The passthrough header as text: URL-decoding, PEM splitting, then path validation. */
function chainHeaderTarget(seeds: FuzzSeeds, values: readonly string[]): FuzzTarget {
  const configs = passthroughConfigs(seeds);
  return {
    name: 'chain-header',
    kind: 'string',
    seeds: values,
    run: (input) => decodeEach({ [CHAIN]: input as string }, configs),
    allowed: isMtlsError,
  };
}

/** Mutated DER as the leaf, then as the intermediate, of an otherwise valid passthrough chain. */
function chainDerTarget(seeds: FuzzSeeds): FuzzTarget {
  const configs = passthroughConfigs(seeds);
  const chain = seeds.chains[0]!.pems;
  const ders = chain.map((pem) => parsePemCertificates(pem, 'seed', 1)[0]!.der);
  return {
    name: 'chain-der',
    kind: 'bytes',
    seeds: ders,
    run(input) {
      const pem = toPem(input as Uint8Array);
      decodeEach({ [CHAIN]: albEncode(pem) + albEncode(chain[1]!) }, configs);
      decodeEach({ [CHAIN]: albEncode(chain[0]!) + albEncode(pem) }, configs);
    },
    allowed: isMtlsError,
  };
}

/** The certificate targets, seeded from the committed seed certificates. */
export function certTargets(seeds: FuzzSeeds, headerSets: ReadonlyArray<Readonly<Record<string, string>>>): FuzzTarget[] {
  const pems = [...seeds.certificates.map((c) => c.pem), ...seeds.chains.flatMap((c) => c.pems)];
  const ders = pems.map((pem) => parsePemCertificates(pem, 'seed', 1)[0]!.der);
  const leafValues = headerSets.map((h) => h['x-amzn-mtls-clientcert-leaf']!);
  const chainValues = seeds.chains.map((c) => c.pems.map(albEncode).join(''));
  return [
    leafDerTarget(ders),
    nameDerTarget(ders),
    leafHeaderTarget(leafValues),
    pemChainTarget([...chainValues, ...leafValues]),
    verifyHeadersTarget(headerSets, seeds.now),
    chainHeaderTarget(seeds, [...chainValues, ...leafValues]),
    chainDerTarget(seeds),
  ];
}
