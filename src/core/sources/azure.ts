/**
 * Azure. App Service forwards the client's leaf in `X-ARR-ClientCert` (base64 DER) and, in its own words,
 * does nothing else with it: it is not validated, so this source needs `trustStore`, a `fingerprints`
 * pin list, or an explicit `dangerouslySkipChainVerification`. Application Gateway (v2) rewrite rules
 * put its server variables in headers you name: `client_certificate` (PEM) and
 * `client_certificate_verification` (`SUCCESS`, `FAILED:<reason>`, `NONE`), read like nginx's.
 * @module
 */
import { createHash } from 'node:crypto';
import { chainFromDer } from '../cert/chain-engine.js';
import { checkSize, headerValue, type HeaderBag } from '../cert/header-values.js';
import { MtlsConfigError, MtlsError } from '../errors.js';
import { booleanOption, enumOption } from '../options/readers.js';
import { chainEngineFor, ownedNames, readDecoding, readHeaderNames } from './common.js';
import { derFromBase64, tailSlot } from './encodings.js';
import { verdictDecoder } from './nginx.js';
import type { CertificateSource } from './source.js';

/** App Service's header. */
export const APP_SERVICE_HEADER = 'x-arr-clientcert';
/** Default names for Application Gateway's rewrite headers (yours to choose). */
export const APP_GATEWAY_HEADER_NAMES: Readonly<Record<'cert' | 'verify', string>> = Object.freeze({
  cert: 'x-client-cert', verify: 'x-client-cert-verification',
});

const SHA256 = /^[0-9A-F]{64}$/;

function readFingerprints(options: Record<string, unknown>): ReadonlySet<string> | undefined {
  const value = options.fingerprints;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw new MtlsConfigError('fingerprints', 'expected a non-empty array of SHA-256 fingerprints.');
  return new Set(value.map((v: unknown, i) => {
    const hex = typeof v === 'string' ? v.replace(/:/g, '').toUpperCase() : '';
    if (!SHA256.test(hex)) throw new MtlsConfigError(`fingerprints[${i}]`, "expected a SHA-256 fingerprint such as 'AB:CD:...' (64 hex digits).");
    return hex;
  }));
}

function checkAppServiceTrust(options: Record<string, unknown>, pins: ReadonlySet<string> | undefined): boolean {
  const dangerously = booleanOption(options, 'dangerouslySkipChainVerification', false);
  const verified = options.trustStore !== undefined || pins !== undefined;
  if (dangerously && verified) throw new MtlsConfigError('dangerouslySkipChainVerification', 'cannot be combined with trustStore or fingerprints.');
  if (!dangerously && !verified) {
    throw new MtlsConfigError('trustStore', "(or fingerprints) is required with mode 'app-service': App Service forwards the client certificate without validating it. " +
      'Pass your CA certificates, pin the accepted certificates, or set dangerouslySkipChainVerification: true.');
  }
  return dangerously;
}

function appService(options: Record<string, unknown>): CertificateSource {
  const pins = readFingerprints(options);
  const dangerously = checkAppServiceTrust(options, pins);
  const engine = chainEngineFor(options, 'azure', dangerously ? 'none' : 'local');
  const { maxHeaderBytes } = readDecoding(options);
  const header = APP_SERVICE_HEADER;
  return Object.freeze({
    name: 'azure', owned: [header], ownedPrefix: '', singletons: [header], lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => {
      const value = headerValue(req.headers, header);
      if (value === undefined || value === '') return undefined;
      return engine({
        value, header, slot: tailSlot(value),
        decode: () => {
          checkSize(value, header, maxHeaderBytes);
          const leaf = derFromBase64(value, header, 'leaf certificate');
          return chainFromDer([leaf.der], [leaf.pem], header);
        },
        check: (chain) => {
          if (pins === undefined) return;
          const hex = createHash('sha256').update(chain.structures[0].der).digest('hex').toUpperCase();
          if (!pins.has(hex)) throw new MtlsError('ERR_MTLS_CHAIN_INVALID', { header, cause: 'certificate is not in fingerprints' });
        },
      }, now);
    },
  });
}

function appGateway(options: Record<string, unknown>): CertificateSource {
  for (const key of ['fingerprints', 'dangerouslySkipChainVerification']) {
    if (options[key] !== undefined) throw new MtlsConfigError(key, "applies to mode 'app-service' only: Application Gateway verifies the chain.");
  }
  const names = readHeaderNames(options, APP_GATEWAY_HEADER_NAMES);
  const decode = verdictDecoder(chainEngineFor(options, 'azure', 'proxy'), names, false, readDecoding(options));
  const all = [names.cert, names.verify];
  return Object.freeze({
    name: 'azure', owned: ownedNames(names, APP_GATEWAY_HEADER_NAMES), ownedPrefix: '', singletons: all, lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => decode(req.headers, now),
  });
}

/** The `'azure'` source: `mode` `'app-service'` (default) or `'application-gateway'`. */
export function azureSource(options: Record<string, unknown>): CertificateSource {
  const mode = enumOption(options, 'mode', ['app-service', 'application-gateway'], 'app-service');
  if (mode === 'app-service' && options.headerNames !== undefined) {
    throw new MtlsConfigError('headerNames', "applies to mode 'application-gateway' only: App Service always sends X-ARR-ClientCert.");
  }
  return mode === 'app-service' ? appService(options) : appGateway(options);
}
