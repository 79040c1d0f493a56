/** albMtls() / decodeAlbHeaders() option validation: every mistake throws MtlsConfigError at construction. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { albMtls, decodeAlbHeaders, MtlsConfigError } from '../../src/index.js';

interface BadOption {
  readonly options: unknown;
  readonly option: string;
  readonly message: RegExp;
}

const BAD: BadOption[] = [
  { options: 'verify', option: 'options', message: /expected an object/ },
  { options: [], option: 'options', message: /expected an object/ },
  { options: { requierd: true }, option: 'options.requierd', message: /Did you mean "required"/ },
  { options: { trustedProxy: 'loopback' }, option: 'options.trustedProxy', message: /Did you mean "trustedProxies"/ },
  { options: { mode: 'verfy' }, option: 'mode', message: /Did you mean "verify"/ },
  { options: { mode: 'off' }, option: 'mode', message: /'verify', 'passthrough'/ },
  { options: { required: 'yes' }, option: 'required', message: /true or false/ },
  { options: { checkValidity: 1 }, option: 'checkValidity', message: /true or false/ },
  { options: { crossCheck: null }, option: 'crossCheck', message: /true or false/ },
  { options: { clockTolerance: -1 }, option: 'clockTolerance', message: /0 to 86400/ },
  { options: { clockTolerance: '5' }, option: 'clockTolerance', message: /seconds/ },
  { options: { cache: 10 }, option: 'cache', message: /\{ max: number \} or false/ },
  { options: { cache: { size: 10 } }, option: 'cache.size', message: /is not supported; use max/ },
  { options: { cache: { max: 0 } }, option: 'cache.max', message: /whole number/ },
  { options: { headerNames: { subjct: 'x' } }, option: 'headerNames.subjct', message: /Did you mean "subject"/ },
  { options: { headerNames: { subject: 'bad header' } }, option: 'headerNames.subject', message: /header name/ },
  { options: { headerNames: { subject: 'x-amzn-mtls-clientcert-issuer' } }, option: 'headerNames', message: /share one header name/ },
  { options: { trustedProxies: 'not-an-address' }, option: 'trustedProxies', message: /invalid IP address/ },
  { options: { trustedProxies: 42 }, option: 'trustedProxies', message: /proxy-addr/ },
  { options: { skip: true }, option: 'skip', message: /function/ },
  { options: { onEvent: 'log' }, option: 'onEvent', message: /function/ },
  { options: { trustStore: 'x' }, option: 'trustStore', message: /mode 'passthrough' only/ },
  { options: { mode: 'passthrough' }, option: 'trustStore', message: /required in passthrough mode.*dangerouslySkipChainVerification/ },
  { options: { mode: 'passthrough', crossCheck: false, dangerouslySkipChainVerification: true }, option: 'crossCheck', message: /mode 'verify' only/ },
];

describe('option validation', () => {
  for (const bad of BAD) {
    test(`${JSON.stringify(bad.options)} -> ${bad.option}`, () => {
      assert.throws(() => albMtls(bad.options as never), (error: unknown) => {
        assert.ok(error instanceof MtlsConfigError);
        assert.equal(error.code, 'ERR_MTLS_INVALID_OPTION');
        assert.equal(error.option, bad.option);
        assert.match(error.message, bad.message);
        return true;
      });
    });
  }

  test('app.use(albMtls) without the call is explained', () => {
    const fakeNext = (): void => undefined;
    assert.throws(() => (albMtls as unknown as (...a: unknown[]) => unknown)({}, {}, fakeNext),
      /write app\.use\(albMtls\(\)\), not app\.use\(albMtls\)/);
  });

  test('decodeAlbHeaders rejects middleware-only options and accepts now', () => {
    assert.throws(() => decodeAlbHeaders({}, { required: true } as never), MtlsConfigError);
    assert.equal(decodeAlbHeaders({}, { now: 0 }), undefined);
    assert.throws(() => decodeAlbHeaders({}, { now: Number.NaN }), /Date or epoch/);
  });

  test('valid options construct', () => {
    assert.equal(typeof albMtls({ mode: 'verify', trustedProxies: ['10.0.0.0/8', 'loopback'], cache: false, clockTolerance: 30 }), 'function');
    assert.equal(typeof albMtls({ mode: 'passthrough', dangerouslySkipChainVerification: true }), 'function');
  });
});
