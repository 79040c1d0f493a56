/**
 * Options are read as own properties only: an option name planted on Object.prototype (by a separate
 * prototype-pollution bug in the app) changes nothing. Each case pollutes one name with a value that would
 * change the outcome if it were read, builds the component without that option, and compares what it does
 * with what it does unpolluted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { albMtls, certRouter, decodeAlbHeaders, fromListenerRules, requireClientCert, routeByCert } from '../../src/index.js';
import { albHeaders, createTestPki, type TestCertificate } from '../../src/testing/index.js';

const prototype = Object.prototype as unknown as Record<string, unknown>;

/** Runs `fn` with `Object.prototype[name] = value`, always removing it again. */
async function polluted<T>(name: string, value: unknown, fn: () => Promise<T> | T): Promise<T> {
  Object.defineProperty(prototype, name, { value, configurable: true, writable: true, enumerable: false });
  try {
    return await fn();
  } finally {
    Reflect.deleteProperty(prototype, name);
  }
}

let good: TestCertificate;
let expired: TestCertificate;

before(async () => {
  const pki = await createTestPki();
  good = await pki.issueClient({ subject: 'CN=clientA,OU=ops' });
  expired = await pki.issueClient({ subject: 'CN=old', notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
});

after(() => {
  assert.equal(Object.getOwnPropertyNames(prototype).filter((n) => /^(required|mode|Priority)$/.test(n)).length, 0);
});

/** Status and body of three requests (a good certificate, an expired one, none) through `app`. */
async function outcomes(app: express.Express): Promise<string[]> {
  const results: string[] = [];
  for (const headers of [albHeaders(good.pem), albHeaders(expired.pem), {}]) {
    const res = await request(app).get('/').set(headers);
    results.push(`${res.status} ${res.text.slice(0, 40)}`);
  }
  return results;
}

const reply = (req: express.Request, res: express.Response): void => {
  res.send(req.clientCert?.commonName ?? 'none');
};
const quietErrors: express.ErrorRequestHandler = (err: { status?: number; code?: string }, _req, res, _next) => {
  res.status(err.status ?? 500).send(err.code ?? 'error');
};

const MIDDLEWARE_POLLUTION: Record<string, unknown> = {
  mode: 'passthrough', trustStore: 'not a PEM', crls: 'not a CRL', crlStale: 'ignore',
  dangerouslySkipChainVerification: true, checkValidity: false, clockTolerance: 1e9, crossCheck: false,
  headerNames: { subject: 'x-elsewhere' }, cache: { max: -1 }, trustedProxies: () => false, required: true,
  skip: () => true, onEvent: () => { throw new Error('polluted onEvent ran'); }, max: -1,
};

describe('options read as own properties only', () => {
  test('albMtls() with no options, each option name polluted in turn', async () => {
    const app = (): express.Express => express().use(albMtls(), reply, quietErrors);
    const expected = await outcomes(app());
    assert.deepEqual(expected.map((o) => o.slice(0, 3)), ['200', '401', '200']);
    for (const [name, value] of Object.entries(MIDDLEWARE_POLLUTION)) {
      assert.deepEqual(await polluted(name, value, () => outcomes(app())), expected, `Object.prototype.${name}`);
    }
  });

  test('albMtls({}) and albMtls({ cache: {} }) likewise', async () => {
    for (const options of [{}, { cache: {} }]) {
      const app = (): express.Express => express().use(albMtls(options), reply, quietErrors);
      const expected = await outcomes(app());
      for (const [name, value] of Object.entries(MIDDLEWARE_POLLUTION)) {
        assert.deepEqual(await polluted(name, value, () => outcomes(app())), expected, `Object.prototype.${name}`);
      }
    }
  });

  test('decodeAlbHeaders() with no options', async () => {
    const decode = (headers: Record<string, string>): string => {
      try {
        return decodeAlbHeaders(headers)?.commonName ?? 'none';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    const expected = [decode(albHeaders(good.pem)), decode(albHeaders(expired.pem))];
    for (const [name, value] of Object.entries(MIDDLEWARE_POLLUTION)) {
      const got = await polluted(name, value, () => [decode(albHeaders(good.pem)), decode(albHeaders(expired.pem))]);
      assert.deepEqual(got, expected, `Object.prototype.${name}`);
    }
  });

  test('routeByCert() without otherwise, certRouter() without router options', async () => {
    const app = (): express.Express => {
      const a = express.Router().get('/', (_req, res) => { res.send('routed'); });
      return express().use(albMtls(), routeByCert([[{ cn: 'nobody' }, a]]), quietErrors);
    };
    const expected = await outcomes(app());
    const polluter = (_req: unknown, res: express.Response): void => { res.status(299).send('polluted'); };
    assert.deepEqual(await polluted('otherwise', polluter, () => outcomes(app())), expected);
    const routed = (): express.Express => {
      const router = certRouter({ cn: 'clientA' });
      router.get('/', (_req, res) => { res.send('ops'); });
      return express().use(albMtls(), router, quietErrors);
    };
    const expectedRouted = await outcomes(routed());
    assert.deepEqual(await polluted('caseSensitive', 'yes', () => outcomes(routed())), expectedRouted);
    assert.deepEqual(await polluted('strict', 'yes', () => outcomes(routed())), expectedRouted);
  });

  test('fromListenerRules(): rule, condition and action fields', async () => {
    const rules = [{ Priority: '1', Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }] }];
    const app = (): express.Express => express().use(albMtls(), fromListenerRules(rules, {}), quietErrors);
    const expected = await outcomes(app());
    const pollution: Record<string, unknown> = {
      MessageBody: 'polluted body', ContentType: 'text/html', HttpHeaderName: 'x-other', onWarning: 'not a function',
      clientIp: () => '192.0.2.1', Order: 'x', Values: ['/nothing'],
    };
    for (const [name, value] of Object.entries(pollution)) {
      assert.deepEqual(await polluted(name, value, () => outcomes(app())), expected, `Object.prototype.${name}`);
    }
  });

  test('requireClientCert() with a matcher whose nested maps are plain objects', async () => {
    const app = (): express.Express => express().use(albMtls(), requireClientCert({ subject: { OU: 'ops' } }), reply, quietErrors);
    const expected = await outcomes(app());
    assert.deepEqual(await polluted('CN', 'clientA', () => outcomes(app())), expected);
    assert.deepEqual(await polluted('cn', 'nobody', () => outcomes(app())), expected);
  });

  test('the testing kit: albHeaders() and createTestPki() with no options', async () => {
    const expected = Object.keys(albHeaders(good.pem)).sort();
    const got = await polluted('mode', 'passthrough', () => Object.keys(albHeaders(good.pem)).sort());
    assert.deepEqual(got, expected);
    const pki = await polluted('keyAlgorithm', 'RSA-PSS-4096', () => createTestPki());
    const client = await pki.issueClient({ subject: 'CN=x' });
    assert.match(client.pem, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(new (await import('node:crypto')).X509Certificate(client.pem).publicKey.asymmetricKeyType, 'ec');
  });
});
