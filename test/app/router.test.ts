import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import express, { type Express, type RequestHandler } from 'express';
import { not } from '../../src/core/match/match.js';
import { MtlsConfigError } from '../../src/core/errors.js';
import { certRouter, routeByCert, type CertRoute } from '../../src/router.js';
import { albMtls } from '../../src/middleware.js';
import { EXPRESS_VERSIONS, jsonErrors } from '../helpers/servers/apps.js';
import { certFixtures, type FixtureName, type Fixtures } from '../helpers/pki/cert-fixtures.js';
import { skipWithoutOpenssl } from '../helpers/pki/openssl.js';

const send = (body: string): RequestHandler => (_req, res) => {
  res.type('text').send(body);
};

function routerApp(create: () => Express): Express {
  const app = create();
  app.use(albMtls());
  const ops = certRouter({ ou: 'ops' });
  ops.get('/status', send('ops status'));
  const sub = express.Router();
  sub.get('/x', send('ops sub'));
  ops.use('/sub', sub);
  app.use('/ops', ops);
  const tenant = certRouter({ cn: 'clientA' }, { mergeParams: true });
  tenant.get('/whoami', (req, res) => {
    res.type('text').send(`tenant ${String((req.params as Record<string, string>).tenant)}`);
  });
  app.use('/t/:tenant', tenant);

  const routerA = express.Router();
  routerA.get('/hello', (req, res) => {
    res.type('text').send(`A ${req.baseUrl}${req.path}`);
  });
  const routes: CertRoute[] = [
    [{ cn: 'clientA', issuer: { CN: 'Test Root CA' } }, routerA],
    [{ issuer: { CN: 'partnerCA' } }, send('B')],
    [{ cn: 'clientAdmin' }, (async () => { throw new Error('handler bug'); }) as RequestHandler],
    [{ cn: 'clienta' }, () => { throw new Error('sync handler bug'); }],
  ];
  app.use('/api', routeByCert(routes));
  app.use('/custom', routeByCert([[{ cn: 'clientA' }, send('A')]], { otherwise: (req, res) => { res.status(418).send(req.clientCert ? 'other' : 'none'); } }));
  // The safe form of the listener rule: the CN compared as a parsed value, not a substring.
  // A two-CN subject is refused by any matcher that reads the CN, not() included.
  app.use('/not-a', routeByCert([[not({ cn: 'clientA' }), send('not A')]]));
  app.use('/not-a-sub', certRouter(not({ subject: { commonName: 'clientA' } })).get('/', send('not A')));
  app.use('/safe', routeByCert([[{ cn: 'clientA' }, send('Success!!')]], { otherwise: 'next' }));
  // A rule with a predicate on the request before pure rules: asked on every request, whatever was remembered.
  const beta = (_cert: unknown, req: express.Request): boolean => req.get('x-beta') === '1';
  app.use('/mixed', routeByCert([[{ custom: beta }, send('beta')], [{ cn: 'clientA' }, send('A')], [{ ou: 'ops' }, send('ops')]]));
  app.use(send('fell through'));
  app.use(jsonErrors);
  return app;
}

type Row = readonly [path: string, cert: FixtureName | null, status: number, bodyOrCode: string];

const rows: Row[] = [
  ['/ops/status', 'clientB', 200, 'ops status'],
  ['/ops/sub/x', 'clientB', 200, 'ops sub'],
  ['/ops/status', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/ops/sub/x', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/ops/status', null, 401, 'ERR_MTLS_CERT_REQUIRED'],
  ['/ops/no-such-route', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/ops/no-such-route', 'clientB', 200, 'fell through'],
  ['/t/acme/whoami', 'clientA', 200, 'tenant acme'],
  ['/t/acme/whoami', 'clientB', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/api/hello', 'clientA', 200, 'A /api/hello'],
  ['/api/hello', 'partner', 200, 'B'],
  ['/api/hello', 'twoCNs', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/api/hello', 'clientB', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/api/hello', null, 401, 'ERR_MTLS_CERT_REQUIRED'],
  ['/api/nothing-there', 'clientA', 200, 'fell through'],
  ['/api/hello', 'clientAdmin', 500, ''],
  ['/api/hello', 'lowercase', 500, ''],
  ['/custom', 'clientA', 200, 'A'],
  ['/custom', 'clientB', 418, 'other'],
  ['/custom', null, 418, 'none'],
  ['/not-a', 'clientB', 200, 'not A'],
  ['/not-a', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/not-a', 'twoCNs', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/not-a-sub', 'clientB', 200, 'not A'],
  ['/not-a-sub', 'twoCNs', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/safe', 'clientA', 200, 'Success!!'],
  ['/safe', 'clientAdmin', 200, 'fell through'],
  ['/safe', 'ouIsCnClientA', 200, 'fell through'],
  ['/safe', 'lookalike', 200, 'fell through'],
  ['/safe', 'commaCN', 200, 'fell through'],
  ['/safe', null, 200, 'fell through'],
];

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`certRouter and routeByCert (${name})`, { skip: skipWithoutOpenssl() }, () => {
    let certs: Fixtures;
    let app: Express;
    before(() => {
      certs = certFixtures();
      app = routerApp(create);
    });

    for (const [path, cert, status, expected] of rows) {
      test(`${path} with ${cert ?? 'no certificate'} -> ${status} ${expected}`, async () => {
        const res = await request(app).get(path).set(cert === null ? {} : certs[cert]);
        assert.equal(res.status, status);
        if (expected.startsWith('ERR_')) assert.equal(res.body.code, expected);
        else if (status !== 500) assert.equal(res.text, expected);
      });
    }

    test('a predicate rule before pure rules decides on every request, for the same certificate', async () => {
      const sequence: Array<[FixtureName, boolean, number, string]> = [
        ['clientA', false, 200, 'A'], ['clientA', true, 200, 'beta'], ['clientA', false, 200, 'A'],
        ['clientB', false, 200, 'ops'], ['clientB', true, 200, 'beta'], ['clientB', false, 200, 'ops'],
        ['clientAdmin', false, 403, ''], ['clientAdmin', true, 200, 'beta'], ['clientAdmin', false, 403, ''],
      ];
      for (const [cert, isBeta, status, body] of sequence) {
        const res = await request(app).get('/mixed').set({ ...certs[cert], ...(isBeta ? { 'x-beta': '1' } : {}) });
        assert.equal(res.status, status, `${cert} beta=${isBeta}`);
        if (body) assert.equal(res.text, body);
      }
    });

    test('without albMtls() both answer 500 ERR_MTLS_NOT_CONFIGURED', async () => {
      const bare = create();
      bare.use('/r', certRouter({ cn: 'clientA' }).get('/', send('x')));
      bare.use('/d', routeByCert([[{ cn: 'clientA' }, send('x')]], { otherwise: 'next' }));
      bare.use(jsonErrors);
      for (const path of ['/r', '/d']) {
        const res = await request(bare).get(path).set(certs.clientA);
        assert.equal(res.status, 500);
        assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
      }
    });
  });
}

describe('router construction errors', () => {
  const h = send('x');
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['routeByCert([])', () => routeByCert([]), 'rules', /non-empty array/],
    ['routeByCert(not an array)', () => routeByCert({ cn: 'a' } as never), 'rules', /non-empty array/],
    ['rule not a pair', () => routeByCert([[{ cn: 'a' }] as never]), 'rules[0]', /pair/],
    ['bad matcher in rule 1', () => routeByCert([[{ cn: 'a' }, h], [{ cn: /b/ }, h]]), 'rules[1][0].cn', /not anchored/],
    ['empty matcher', () => routeByCert([[{}, h]]), 'rules[0][0]', /empty/],
    ['handler not a function', () => routeByCert([[{ cn: 'a' }, 'routerA' as never]]), 'rules[0][1]', /expected a handler/],
    ['handler array', () => routeByCert([[{ cn: 'a' }, [h, h] as never]]), 'rules[0][1]', /express\.Router\(\)\.use/],
    ['options typo', () => routeByCert([[{ cn: 'a' }, h]], { otherwize: h } as never), 'options.otherwize', /Did you mean "otherwise"/],
    ['otherwise not a handler', () => routeByCert([[{ cn: 'a' }, h]], { otherwise: 403 } as never), 'options.otherwise', /expected a handler/],
    ['certRouter bad matcher', () => certRouter({ san: { dns: ['a', /b/] } }), 'matcher.san.dns[1]', /not anchored/],
    ['certRouter without matcher', () => (certRouter as (m?: unknown) => unknown)(), 'matcher', /is required/],
    ['certRouter option typo', () => certRouter({ cn: 'a' }, { mergeparams: true } as never), 'routerOptions.mergeparams', /Did you mean "mergeParams"/],
  ];
  for (const [name, build, option, message] of cases) {
    test(name, () => {
      assert.throws(build, (error: unknown) => {
        assert.ok(error instanceof MtlsConfigError, String(error));
        assert.equal(error.option, option);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
