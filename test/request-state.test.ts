import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attachCertificate, attachRefusal, certificateOf } from '../src/request-state.js';
import { MtlsError } from '../src/errors.js';
import type { ClientCertificate } from '../src/core/types.js';

const HEADERS: ReadonlySet<string> = new Set(['x-amzn-mtls-clientcert-leaf']);
const certificate = (fingerprint256: string): ClientCertificate => ({ fingerprint256 }) as unknown as ClientCertificate;

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof MtlsError && error.code === code;
}

describe('request state', () => {
  test('a request nothing can be defined on: attaching throws the TypeError, a refusal leaves it refused', () => {
    const frozen = Object.freeze({});
    assert.throws(() => attachCertificate(frozen, undefined, HEADERS), TypeError);
    attachRefusal(frozen, HEADERS);
    assert.throws(() => certificateOf(frozen), isCode('ERR_MTLS_NOT_CONFIGURED'));
  });

  test('the first result stays; a second that agrees changes nothing, one that disagrees disputes the request', () => {
    const first = certificate('AA');
    const req = {};
    attachCertificate(req, first, HEADERS);
    attachCertificate(req, certificate('AA'), HEADERS); // the same certificate, decoded by another albMtls()
    assert.equal(certificateOf(req), first);
    assert.throws(() => attachCertificate(req, certificate('BB'), HEADERS), isCode('ERR_MTLS_NOT_CONFIGURED'));
    assert.throws(() => certificateOf(req), isCode('ERR_MTLS_NOT_CONFIGURED'));
    // A third albMtls() on a disputed request gets the same answer, whatever it found.
    assert.throws(() => attachCertificate(req, certificate('AA'), HEADERS), isCode('ERR_MTLS_NOT_CONFIGURED'));
  });

  test('a refusal after a certificate disputes the request; after none, it is a request without a certificate', () => {
    const certified = {};
    attachCertificate(certified, certificate('AA'), HEADERS);
    attachRefusal(certified, HEADERS);
    assert.throws(() => certificateOf(certified), isCode('ERR_MTLS_NOT_CONFIGURED'));
    const uncertified = {};
    attachRefusal(uncertified, HEADERS);
    attachRefusal(uncertified, HEADERS);
    assert.equal(certificateOf(uncertified), undefined);
  });
});
