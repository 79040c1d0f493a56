import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../examples/route-by-cn.js';
import { WILDCARD_DN_WARNING } from '../../src/listener-rules/rules.js';
import { jsonErrors } from '../helpers/servers/apps.js';
import { certFixtures, type FixtureName, type Fixtures } from '../helpers/pki/cert-fixtures.js';
import { skipWithoutOpenssl } from '../helpers/pki/openssl.js';

describe('examples/route-by-cn.ts', { skip: skipWithoutOpenssl() }, () => {
  let certs: Fixtures;
  let app: Express;
  const warnings: string[] = [];
  before(() => {
    certs = certFixtures();
    app = createApp({ onWarning: (_message, code) => warnings.push(code) });
    app.use(jsonErrors);
  });

  const rows: Array<[path: string, cert: FixtureName | null, status: number, body: string]> = [
    ['/listener', 'clientA', 200, 'Success!!'],
    ['/listener', 'clientB', 403, 'no listener rule matched'],
    ['/listener', null, 403, 'no listener rule matched'],
    ['/listener', 'clientAdmin', 200, 'Success!!'], // the substring pitfall, reproduced
    ['/', 'clientA', 200, 'target A: hello clientA'],
    ['/', 'clientAdmin', 403, 'ERR_MTLS_CERT_FORBIDDEN'], // the safe matcher
    ['/', 'ouIsCnClientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
    ['/', null, 401, 'ERR_MTLS_CERT_REQUIRED'],
    ['/health', null, 200, 'ok'],
  ];
  for (const [path, cert, status, body] of rows) {
    test(`${path} with ${cert ?? 'no certificate'} -> ${status}`, async () => {
      const res = await request(app).get(path).set(cert === null ? {} : certs[cert]);
      assert.equal(res.status, status);
      assert.equal(body.startsWith('ERR_') ? res.body.code : res.text, body);
    });
  }

  test('the verbatim rule warns about substring matching', () => {
    assert.deepEqual(warnings, [WILDCARD_DN_WARNING]);
  });
});
