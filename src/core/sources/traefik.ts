/**
 * Traefik's `PassTLSClientCert` middleware (`pem: true`): `X-Forwarded-Tls-Client-Cert` holds every
 * certificate the client sent, leaf first, each as bare base64 DER, joined with `,`. Traefik up to 2.9.1
 * query-escaped the value; both forms are read (a value with `%` is percent-decoded, never form-decoded:
 * `+` is base64). The `-Info` header is owned (removed from untrusted peers) but never read: its DN values
 * are not escaped, so a comma in a value cannot be told from a separator.
 * @module
 */
import { chainFromDer } from '../cert/chain-engine.js';
import { checkSize, headerValue, type HeaderBag } from '../cert/header-values.js';
import { urlDecodeHeader } from '../der/pem.js';
import { chainEngineFor, malformed, ownedNames, readDecoding, readHeaderNames } from './common.js';
import { derFromBase64, tailSlot } from './encodings.js';
import type { CertificateSource } from './source.js';

/** Traefik's names. */
export const TRAEFIK_HEADER_NAMES: Readonly<Record<'cert' | 'info', string>> = Object.freeze({
  cert: 'x-forwarded-tls-client-cert', info: 'x-forwarded-tls-client-cert-info',
});

/** The `'traefik'` source. */
export function traefikSource(options: Record<string, unknown>): CertificateSource {
  const names = readHeaderNames(options, TRAEFIK_HEADER_NAMES);
  const engine = chainEngineFor(options, 'traefik', 'proxy');
  const { maxHeaderBytes, maxCertificates } = readDecoding(options);
  const header = names.cert;
  const decodeValue = (value: string) => {
    checkSize(value, header, maxHeaderBytes);
    const parts = urlDecodeHeader(value, header).split(',');
    if (parts.length > maxCertificates) throw malformed(header, `more than ${maxCertificates} certificates`);
    const certs = parts.map((part, i) => derFromBase64(part, header, i === 0 ? 'leaf certificate' : `certificate #${i + 1}`));
    return chainFromDer(certs.map((c) => c.der), certs.map((c) => c.pem), header);
  };
  return Object.freeze({
    name: 'traefik', owned: ownedNames(names, TRAEFIK_HEADER_NAMES), ownedPrefix: '', singletons: [names.cert], lists: [], usesHeaders: true,
    decode: (req: { headers: HeaderBag }, now: number) => {
      const value = headerValue(req.headers, header);
      if (value === undefined || value === '') return undefined;
      const comma = value.indexOf(',');
      return engine({ value, header, slot: tailSlot(value, comma === -1 ? value.length : comma), decode: () => decodeValue(value) }, now);
    },
  });
}
