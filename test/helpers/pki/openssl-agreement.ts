/**
 * One chain made with the openssl CLI, judged twice: by the passthrough engine and by `openssl verify
 * -purpose sslclient -x509_strict -CAfile -untrusted [-crl_check(_all) -CRLfile] -attime`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPassthroughVerifier } from '../../../src/core/alb/passthrough.js';
import { MtlsError } from '../../../src/core/errors.js';
import { opensslVerdict, type Issued, type Pki, type VerifyFlags } from './openssl-pki.js';

/** Validation time of the agreement tests: inside the test PKI's validity, after its CRLs' thisUpdate. */
export const NOW = Date.parse('2030-06-01T00:00:00Z');
const H = 'x-amzn-mtls-clientcert';
const albEncode = (text: string) => encodeURIComponent(text).replace(/%2B/g, '+').replace(/%2F/g, '/');

/** A chain to judge: the leaf, what the client presents after it, the trust store, the CRL files. */
export interface Case {
  readonly leaf: Issued | { pem: string; name: string };
  readonly untrusted: readonly Issued[];
  readonly anchors: readonly Issued[];
  /** CRL files (PEM), given to both sides as one text. */
  readonly crls?: readonly string[];
}

const crlText = (c: Case): string | undefined => c.crls?.map((file) => readFileSync(file, 'utf8')).join('');

/** Our verdict ('ok', the error code, or `ERR_MTLS_CHAIN_INVALID/reason`) and the refusal's message. */
export function oursWithMessage(c: Case): { verdict: string; message: string } {
  const verifier = createPassthroughVerifier({ trustStore: c.anchors.map((a) => a.pem).join(''), crls: crlText(c) });
  try {
    verifier.verify(albEncode(c.leaf.pem + c.untrusted.map((u) => u.pem).join('')), H, NOW);
    return { verdict: 'ok', message: '' };
  } catch (error) {
    assert.ok(error instanceof MtlsError, String(error));
    const cause = error.cause as { reason?: string; message?: string } | string | undefined;
    const message = typeof cause === 'string' ? cause : cause?.message ?? '';
    const reason = typeof cause === 'object' ? cause.reason : undefined;
    return { verdict: error.code === 'ERR_MTLS_CHAIN_INVALID' ? `${error.code}/${reason}` : error.code, message };
  }
}

/** Our verdict alone. */
export function ours(c: Case): string {
  return oursWithMessage(c).verdict;
}

let fileCount = 0;

/** OpenSSL's verdict; `output` names its error number (`error 23 at 1 depth lookup: certificate revoked`). */
export function theirs(pki: Pki, c: Case, flags: VerifyFlags = {}): { ok: boolean; output: string } {
  const n = fileCount++;
  const crls = crlText(c);
  return opensslVerdict({
    caFile: pki.write(`anchors-${n}.pem`, c.anchors.map((a) => a.pem).join('')),
    untrusted: c.untrusted.length ? pki.write(`untrusted-${n}.pem`, c.untrusted.map((u) => u.pem).join('')) : undefined,
    crlFile: crls === undefined ? undefined : pki.write(`crls-${n}.pem`, crls),
    leaf: pki.write(`leaf-${n}.pem`, c.leaf.pem),
    attime: NOW / 1000,
    ...flags,
  });
}

/** Asserts that we and OpenSSL agree, and that our verdict is exactly `expected`. */
export function agree(pki: Pki, c: Case, expected: string, flags: VerifyFlags = {}): void {
  const reference = theirs(pki, c, flags);
  const verdict = ours(c);
  assert.equal(verdict, expected, `our verdict (openssl said: ${reference.output.trim()})`);
  assert.equal(verdict === 'ok', reference.ok, `openssl disagrees: ${reference.output.trim()}`);
}
