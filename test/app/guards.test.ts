import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import { albMtls } from '../../src/middleware.js';
import { MtlsConfigError } from '../../src/core/errors.js';
import { anyOf, not } from '../../src/core/match/match.js';
import { clientCertOf, requireClientCert, requireCN, requireOU, type CertRequest } from '../../src/guards.js';
import { EXPRESS_VERSIONS, jsonErrors } from '../helpers/servers/apps.js';
import { certFixtures, type FixtureName, type Fixtures } from '../helpers/pki/cert-fixtures.js';
import { skipWithoutOpenssl } from '../helpers/pki/openssl.js';

const ok: RequestHandler = (_req, res) => {
  res.type('text').send('ok');
};

/** albMtls(), then `between` (a middleware that tampers with the request, if any), then requireCN('clientA') on /a. */
function tamperedApp(create: () => Express, between?: RequestHandler): Express {
  const app = create();
  app.use(albMtls());
  if (between) app.use(between);
  app.get('/a', requireCN('clientA'), ok);
  app.use(jsonErrors);
  return app;
}

function guardedApp(create: () => Express): Express {
  const app = create();
  app.use(albMtls());
  app.get('/any', requireClientCert(), ok);
  app.get('/a', requireCN('clientA'), ok);
  app.get('/ab', requireCN('clientA', /^clientB$/), ok);
  app.get('/ab-array', requireCN(['clientA', 'clientB']), ok);
  app.get('/cn-predicate', requireCN((cn) => cn.endsWith('B')), ok);
  app.get('/ops', requireOU('ops'), ok);
  app.get('/partner', requireClientCert({ issuer: { CN: 'partnerCA' } }), ok);
  app.get('/not-a', requireClientCert(not({ cn: 'clientA' })), ok);
  app.get('/method', requireClientCert({ cn: 'clientA', custom: (_cert, req) => req.query.x === '1' }), ok);
  app.get('/combo', requireClientCert(anyOf({ ou: 'ops' }, { cn: 'clientAdmin' })), ok);
  app.get('/throws', requireClientCert({ custom: () => { throw new Error('predicate bug'); } }), ok);
  app.get('/typed', requireCN('clientA'), (req, res) => {
    res.json({ cn: clientCertOf(req).commonName, o: (req as CertRequest).clientCert.subject.get('O') });
  });
  app.get('/unguarded-typed', (req, res) => {
    res.json({ cn: clientCertOf(req).commonName });
  });
  app.use(jsonErrors);
  return app;
}

type Row = readonly [path: string, cert: FixtureName | null, status: number, code?: string];

const rows: Row[] = [
  ['/any', 'clientA', 200],
  ['/any', null, 401, 'ERR_MTLS_CERT_REQUIRED'],
  ['/a', 'clientA', 200],
  ['/a', null, 401, 'ERR_MTLS_CERT_REQUIRED'],
  ['/a', 'clientB', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/a', 'clientAdmin', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/a', 'ouIsCnClientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/a', 'twoCNs', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/a', 'lookalike', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/a', 'lowercase', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/a', 'commaCN', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/a', 'partner', 200], // CN only: the issuer is not checked (see /partner)
  ['/ab', 'clientB', 200],
  ['/ab', 'clientAdmin', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/ab-array', 'clientB', 200],
  ['/cn-predicate', 'clientB', 200],
  ['/cn-predicate', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/ops', 'clientB', 200],
  ['/ops', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/partner', 'partner', 200],
  ['/partner', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/not-a', 'clientB', 200],
  ['/not-a', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/not-a', null, 401, 'ERR_MTLS_CERT_REQUIRED'],
  ['/not-a', 'twoCNs', 403, 'ERR_MTLS_CERT_FORBIDDEN'], // CN=clientA,CN=evil: ambiguous, refused even under not()
  ['/not-a', 'ouIsCnClientA', 200], // one CN (mallory); OU=CN=clientA is not a CN
  ['/method?x=1', 'clientA', 200],
  ['/method?x=2', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/combo', 'clientAdmin', 200],
  ['/combo', 'clientA', 403, 'ERR_MTLS_CERT_FORBIDDEN'],
  ['/throws', 'clientA', 500],
  ['/unguarded-typed', null, 401, 'ERR_MTLS_CERT_REQUIRED'],
];

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`guards (${name})`, { skip: skipWithoutOpenssl() }, () => {
    let certs: Fixtures;
    let app: Express;
    before(() => {
      certs = certFixtures();
      app = guardedApp(create);
    });

    for (const [path, cert, status, code] of rows) {
      test(`${path} with ${cert ?? 'no certificate'} -> ${status} ${code ?? ''}`, async () => {
        const res = await request(app).get(path).set(cert === null ? {} : certs[cert]);
        assert.equal(res.status, status);
        if (code !== undefined) assert.equal(res.body.code, code);
        if (status === 200) assert.equal(res.text, 'ok');
      });
    }

    test('after a guard, clientCertOf(req) is the certificate', async () => {
      const res = await request(app).get('/typed').set(certs.clientA);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { cn: 'clientA', o: 'example.org' });
    });

    test('a guard without albMtls() answers 500 ERR_MTLS_NOT_CONFIGURED, never a silent 401', async () => {
      const bare = create();
      bare.get('/a', requireCN('clientA'), ok);
      bare.use(jsonErrors);
      const res = await request(bare).get('/a').set(certs.clientA);
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
      assert.match(res.body.message, /mount albMtls\(\)/);
    });

    test('when albMtls() runs twice on a request and both agree, the first one\'s req.clientCert stays', async () => {
      const attached: unknown[] = [];
      const app = create();
      app.use(albMtls({ onEvent: (event) => { if (event.type === 'accepted') attached.push(event.certificate); } }), albMtls());
      app.get('/a', requireCN('clientA'), (req, res) => res.json({ first: req.clientCert === attached.at(-1) }));
      app.use(jsonErrors);
      const res = await request(app).get('/a').set(certs.clientA);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { first: true });
      assert.equal((await request(app).get('/a')).status, 401);
    });

    test('when a second albMtls() comes to another result than the first, the request is refused (500)', async () => {
      const events: string[] = [];
      const swallow: ErrorRequestHandler = (_err, _req, _res, next) => { next(); }; // an error handler that lets it continue
      const second: Array<[string, RequestHandler]> = [
        ['no certificate after a certificate: stricter trustedProxies', albMtls({ trustedProxies: ['10.0.0.0/8'] })],
        ['a refusal after a certificate', albMtls({ trustedProxies: ['10.0.0.0/8'], required: true })],
        ['no certificate after a certificate: other header names', albMtls({ headerNames: { leaf: 'x-client-leaf' } })],
      ];
      for (const [what, inner] of second) {
        const app = create();
        app.use(albMtls());
        const sub = create();
        sub.use(inner, swallow);
        sub.get('/a', requireCN('clientA'), ok);
        app.use('/r', sub);
        app.use(jsonErrors);
        const res = await request(app).get('/r/a').set(certs.clientA);
        assert.equal(res.status, 500, what);
        assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED', what);
      }
      // A certificate after none (the first skipped the request): the second reports the refusal.
      const app = create();
      app.use(albMtls({ skip: () => true }), albMtls({ onEvent: (event) => events.push(event.type) }));
      app.get('/a', requireCN('clientA'), ok);
      app.use(jsonErrors);
      const res = await request(app).get('/a').set(certs.clientA);
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
      assert.deepEqual(events, ['rejected']);
    });

    test('guards still recognise the request when a middleware replaces req.rawHeaders or req.headers', async () => {
      const app = tamperedApp(create, (req, _res, next) => {
        req.rawHeaders = req.rawHeaders.filter(() => true);
        req.headers = { ...req.headers };
        next();
      });
      const res = await request(app).get('/a').set(certs.clientA);
      assert.equal(res.status, 200);
    });

    test('a request albMtls() refused or found no certificate on still counts as handled (401, not 500)', async () => {
      const res = await request(tamperedApp(create)).get('/a');
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 'ERR_MTLS_CERT_REQUIRED');
    });

    test('a guard mounted without calling it fails closed with a MtlsConfigError', async () => {
      const errors: unknown[] = [];
      const capture: ErrorRequestHandler = (err, _req, res, _next) => {
        errors.push(err);
        res.status(500).end();
      };
      const wrong = create();
      wrong.use(albMtls());
      wrong.get('/x', requireCN as unknown as RequestHandler, ok);
      wrong.get('/y', requireClientCert as unknown as RequestHandler, ok);
      wrong.use(capture);
      assert.equal((await request(wrong).get('/x').set(certs.clientA)).status, 500);
      assert.equal((await request(wrong).get('/y').set(certs.clientA)).status, 500);
      assert.equal(errors.length, 2);
      for (const error of errors) assert.ok(error instanceof MtlsConfigError && /mounted without being called/.test(error.message));
    });
  });
}

describe('guard construction errors', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['requireCN()', () => requireCN(), 'requireCN', /at least one value/],
    ['requireOU()', () => requireOU(), 'requireOU', /at least one value/],
    ['requireCN unanchored', () => requireCN('clientA', /clientB/), 'requireCN[1]', /not anchored/],
    ['requireCN array element', () => requireCN(['a', 'b', 7 as unknown as string]), 'requireCN[0][2]', /is a number/],
    ['requireCN empty string', () => requireCN(''), 'requireCN[0]', /empty string/],
    ['requireCN undefined (missing env var)', () => requireCN(process.env.SURELY_UNSET_CN as string), 'requireCN[0]', /environment variable/],
    ['requireOU g flag', () => requireOU(/^ops$/g), 'requireOU[0]', /g flag/],
    ['requireClientCert({})', () => requireClientCert({}), 'matcher', /empty/],
    ['requireClientCert typo', () => requireClientCert({ cm: 'clientA' } as never), 'matcher.cm', /Did you mean "cn"/],
    ['requireClientCert san path', () => requireClientCert({ san: { dns: ['a', 'b', /c/] } }), 'matcher.san.dns[2]', /not anchored/],
  ];
  for (const [name, build, option, message] of cases) {
    test(name, () => {
      assert.throws(build, (error: unknown) => error instanceof MtlsConfigError && error.option === option && message.test(error.message));
    });
  }
});

describe('a request object without rawHeaders (called directly, not through Node)', () => {
  test('albMtls() still records it, so guards answer 401 rather than 500', () => {
    const req = { headers: {}, socket: { remoteAddress: '203.0.113.9' } } as unknown as Parameters<RequestHandler>[0];
    const res = {} as Parameters<RequestHandler>[1];
    const seen: unknown[] = [];
    albMtls()(req, res, (error?: unknown) => seen.push(error));
    requireCN('clientA')(req, res, (error?: unknown) => seen.push(error));
    assert.equal(seen[0], undefined);
    assert.equal((seen[1] as { code?: string } | undefined)?.code, 'ERR_MTLS_CERT_REQUIRED');
  });
});
