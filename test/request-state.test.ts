import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { attachCertificate, attachRefusal, certificateOf } from '../src/request-state.js';
import { MtlsError } from '../src/core/errors.js';
import type { ClientCertificate } from '../src/core/types.js';

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

  test('behind a prototype like Express\'s, req.clientCert is an accessor reading the record of that request only', () => {
    const base = Object.create(IncomingMessage.prototype) as object; // Express's `request`
    const appRequest = Object.create(base) as object; // an app's `request`
    const make = (): IncomingMessage => Object.setPrototypeOf(new IncomingMessage(new Socket()), appRequest) as IncomingMessage;
    const req = make();
    const cert = certificate('AA');
    attachCertificate(req, cert, HEADERS);
    assert.equal(Object.getOwnPropertyDescriptor(req, 'clientCert'), undefined);
    assert.equal(typeof Object.getOwnPropertyDescriptor(base, 'clientCert')?.get, 'function');
    assert.equal((req as { clientCert?: unknown }).clientCert, cert);
    assert.equal(certificateOf(req), cert);
    const other = make(); // shares the prototypes, not the record
    assert.equal((other as { clientCert?: unknown }).clientCert, undefined);
    assert.throws(() => certificateOf(other), isCode('ERR_MTLS_NOT_CONFIGURED'));
    // Sharing the stream state does not share the record: it names its request.
    Object.defineProperty(other, '_readableState', { value: (req as unknown as { _readableState: object })._readableState });
    assert.equal((other as { clientCert?: unknown }).clientCert, undefined);
    assert.throws(() => certificateOf(other), isCode('ERR_MTLS_NOT_CONFIGURED'));
    // A prototype that already has its own clientCert: albMtls() defines the property on the request.
    const shadowing = Object.create(Object.create(IncomingMessage.prototype, { clientCert: { value: 'theirs', writable: true } })) as object;
    const third = Object.setPrototypeOf(new IncomingMessage(new Socket()), shadowing) as IncomingMessage;
    attachCertificate(third, cert, HEADERS);
    assert.equal(Object.getOwnPropertyDescriptor(third, 'clientCert')?.value, cert);
    assert.equal(certificateOf(third), cert);
  });

  test('a proxy among the prototypes: no trap runs, and the request gets its own property', () => {
    const base = Object.create(IncomingMessage.prototype) as object;
    let traps = 0;
    const counted = <T>(result: T): T => {
      traps++;
      return result;
    };
    const proxy = new Proxy(base, {
      get: (target, key, receiver) => (key === 'clientCert' ? counted({ fingerprint256: 'forged' }) : Reflect.get(target, key, receiver)),
      getOwnPropertyDescriptor: (target, key) => counted(Reflect.getOwnPropertyDescriptor(target, key)),
      getPrototypeOf: (target) => counted(Reflect.getPrototypeOf(target)),
      has: (target, key) => counted(Reflect.has(target, key)),
    });
    const req = Object.setPrototypeOf(new IncomingMessage(new Socket()), Object.create(proxy) as object) as IncomingMessage;
    const cert = certificate('AA');
    attachCertificate(req, cert, HEADERS);
    assert.equal(traps, 0);
    assert.ok(Object.hasOwn(req, 'clientCert'));
    assert.equal((req as { clientCert?: unknown }).clientCert, cert);
    assert.equal(certificateOf(req), cert);
  });

  test('a non-extensible Express request prototype: the request gets its own property, nothing throws', () => {
    const base = Object.preventExtensions(Object.create(IncomingMessage.prototype) as object);
    const req = Object.setPrototypeOf(new IncomingMessage(new Socket()), Object.create(base) as object) as IncomingMessage;
    const cert = certificate('AA');
    attachCertificate(req, cert, HEADERS);
    assert.equal(Object.getOwnPropertyDescriptor(req, 'clientCert')?.value, cert);
    assert.equal(certificateOf(req), cert);
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
