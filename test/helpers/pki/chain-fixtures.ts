/** Shared fixtures for the chain tests: a root, an intermediate and a leaf, plus helpers to verify. */
import { verifyChain, type ChainPolicy, type ChainResult } from '../../../src/core/path/chain.js';
import { loadTrustStore, type TrustStore } from '../../../src/core/path/trust-store.js';
import { parseCertificateStructure } from '../../../src/core/der/x509.js';
import { caExtensions, cn, leafExtensions, makeCert, newKey, pem, type CertSpec, type TestCert, type TestKey } from './cert-builder.js';

/** Epoch ms inside every default validity period. */
export const NOW = Date.parse('2030-06-01T00:00:00Z');

/** A CA certificate (self-signed when `issuer` is omitted). */
export function ca(subject: string, issuer?: TestCert, more: Partial<CertSpec> = {}): TestCert {
  const key: TestKey = more.key ?? newKey();
  return makeCert({ subject: cn(subject), key, ca: true, ...(issuer ? { issuer } : {}), ...more });
}

/** A leaf certificate issued by `issuer`. */
export function leafOf(issuer: TestCert, more: Partial<CertSpec> = {}): TestCert {
  return makeCert({ subject: cn('client'), key: more.key ?? newKey(), issuer, ...more });
}

/** A trust store of `anchors`. */
export function storeOf(...anchors: TestCert[]): TrustStore {
  return loadTrustStore(anchors.map((a) => pem(a.der)).join(''));
}

/** `verifyChain` over test certificates, at {@link NOW} unless the policy says otherwise. */
export function check(leaf: TestCert, presented: TestCert[], store: TrustStore, policy: Partial<ChainPolicy> = {}): ChainResult {
  const parse = (c: TestCert) => parseCertificateStructure(c.der);
  return verifyChain(parse(leaf), presented.map(parse), store, { now: NOW, ...policy });
}

/** The failure reason, or `'ok'`. */
export function reasonOf(result: ChainResult): string {
  return result.ok ? 'ok' : result.failure.reason;
}

/** A standard root -> intermediate -> leaf set. */
export function standardChain(): { root: TestCert; ica: TestCert; leaf: TestCert; store: TrustStore } {
  const root = ca('Root');
  const ica = ca('Intermediate', root);
  const leaf = leafOf(ica);
  return { root, ica, leaf, store: storeOf(root) };
}

/** A CA with custom extensions (defaults: critical cA, keyCertSign|cRLSign, SKI, AKI). */
export function caWith(subject: string, issuer: TestCert | undefined, replace: Parameters<typeof caExtensions>[2], extra: Uint8Array[] = []): TestCert {
  const key = newKey();
  return makeCert({ subject: cn(subject), key, ...(issuer ? { issuer } : {}), extensions: [...caExtensions(key, (issuer ?? { key }).key, replace), ...extra] });
}

/** A leaf with custom extensions (defaults: critical digitalSignature, clientAuth, SKI, AKI). */
export function leafWith(issuer: TestCert, replace: Parameters<typeof leafExtensions>[2], extra: Uint8Array[] = []): TestCert {
  const key = newKey();
  return makeCert({ subject: cn('client'), key, issuer, extensions: [...leafExtensions(key, issuer.key, replace), ...extra] });
}
