import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { attachCertificate, attachRefusal, certificateOf } from '../../src/request-state.js';
import { MtlsError } from '../../src/core/errors.js';
import type { ClientCertificate } from '../../src/core/types.js';

const HEADERS: ReadonlySet<string> = new Set(['x-amzn-mtls-clientcert-leaf']);
const certificate = (fingerprint256: string): ClientCertificate => ({ fingerprint256 }) as unknown as ClientCertificate;

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof MtlsError && error.code === code;
}

describe('request state', () => {
  test('a request nothing can be defined on: attaching answers ERR_MTLS_NOT_CONFIGURED, a refusal leaves it refused', () => {
    const frozen = Object.freeze({});
    assert.throws(() => attachCertificate(frozen, undefined, HEADERS), isCode('ERR_MTLS_NOT_CONFIGURED'));
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

  test('a polluted Object.prototype (get, set, value) changes nothing albMtls() defines', () => {
    const polluted = ['get', 'set', 'value'] as const;
    const forged = certificate('FF');
    const base = Object.create(IncomingMessage.prototype, { clientCert: { value: 'theirs', writable: true } }) as object;
    const shadowed = Object.setPrototypeOf(new IncomingMessage(new Socket()), Object.create(base) as object) as IncomingMessage;
    const plain = new IncomingMessage(new Socket());
    const cert = certificate('AA');
    try {
      for (const key of polluted) {
        // A descriptor without a prototype itself: each key defined makes the next literal descriptor invalid.
        const pollution = Object.assign(Object.create(null) as PropertyDescriptor, { value: key === 'value' ? forged : () => forged, configurable: true, writable: true });
        Object.defineProperty(Object.prototype, key, pollution);
      }
      attachCertificate(shadowed, cert, HEADERS);
      attachCertificate(plain, cert, HEADERS);
      for (const req of [shadowed, plain]) {
        assert.equal(Object.getOwnPropertyDescriptor(req, 'clientCert')?.value, cert);
        assert.equal(certificateOf(req), cert);
      }
    } finally {
      for (const key of polluted) Reflect.deleteProperty(Object.prototype, key);
    }
  });
});
