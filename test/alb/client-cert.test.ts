/**
 * `req.clientCert`: an own read-only property that albMtls() defines on each request it handles, and a
 * module-private record that guards trust. What users rely on: handlers read the certificate, nothing can
 * change what guards see, wiring mistakes are 500s that say what went wrong, and nothing is left on
 * Express's shared objects.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import express5 from 'express';
import express4 from 'express4';
import request from 'supertest';
import type { ErrorRequestHandler, Express, Request, RequestHandler } from 'express';
import { albMtls, requireCN } from '../../src/index.js';
import { albHeaders, createTestPki } from '../../src/testing/index.js';
import { EXPRESS_VERSIONS } from '../helpers/servers/apps.js';

/** Answers the error's status, code and cause, so tests can tell the wiring refusals apart. */
const explain: ErrorRequestHandler = (err: { status?: number; code?: string; cause?: unknown; message?: string }, _req, res, _next) => {
  res.status(err.status ?? 500).json({ code: err.code ?? null, cause: String(err.cause ?? err.message ?? '') });
};
const cn: RequestHandler = (req, res) => {
  res.json({ cn: req.clientCert?.commonName ?? null });
};

let clientA: Record<string, string>;
let clientB: Record<string, string>;

before(async () => {
  const pki = await createTestPki();
  clientA = albHeaders((await pki.issueClient({ subject: 'CN=clientA' })).pem);
  clientB = albHeaders((await pki.issueClient({ subject: 'CN=clientB' })).pem);
});

/** albMtls(), then `between`, then requireCN('clientA') on /a. */
function appWith(create: () => Express, between: (req: Request) => void): Express {
  const app = create();
  app.use(albMtls(), (req, _res, next) => {
    between(req);
    next();
  });
  app.get('/a', requireCN('clientA'), cn);
  app.use(explain);
  return app;
}

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`req.clientCert (${name})`, () => {
    test('an own, enumerable, read-only property; Express\'s request prototypes stay untouched', async () => {
      let descriptor: PropertyDescriptor | undefined;
      const app = appWith(create, (req) => { descriptor = Object.getOwnPropertyDescriptor(req, 'clientCert'); });
      assert.deepEqual((await request(app).get('/a').set(clientA).expect(200)).body, { cn: 'clientA' });
      assert.equal(descriptor?.enumerable, true);
      assert.equal(descriptor?.writable, false);
      assert.equal(descriptor?.configurable, false);
      for (const shared of [express5.request, express4.request, app.request]) {
        assert.equal(Object.getOwnPropertyDescriptor(shared, 'clientCert'), undefined);
      }
    });

    test('assigning, redefining or deleting it throws in strict code and changes nothing guards see', async () => {
      const tampers: Array<(req: Request) => void> = [
        (req) => { (req as { clientCert?: unknown }).clientCert = { commonName: 'clientA' }; },
        (req) => { Object.defineProperty(req, 'clientCert', { value: { commonName: 'clientA' } }); },
        (req) => { delete (req as { clientCert?: unknown }).clientCert; },
      ];
      for (const tamper of tampers) {
        const errors: unknown[] = [];
        const app = appWith(create, (req) => {
          try {
            tamper(req);
          } catch (error) {
            errors.push(error);
          }
        });
        assert.equal((await request(app).get('/a').set(clientB)).status, 403, tamper.toString());
        assert.equal((await request(app).get('/a').set(clientA)).status, 200, tamper.toString());
        assert.equal(errors.length, 2);
        for (const error of errors) assert.ok(error instanceof TypeError, String(error));
      }
    });

    test('a request albMtls() did not handle: a clientCert put there is refused, saying albMtls() is missing', async () => {
      const app = create();
      app.use((req, _res, next) => {
        (req as { clientCert?: unknown }).clientCert = { commonName: 'clientA' };
        next();
      });
      app.get('/a', requireCN('clientA'), cn);
      app.use(explain);
      const res = await request(app).get('/a').set(clientA).expect(500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
      assert.match(res.body.cause, /did not handle this request/);
    });

    test('two albMtls() that disagree: 500, saying so; an object made from a handled request is not that request', async () => {
      const app = create();
      app.use(albMtls(), albMtls({ trustedProxies: () => false }), cn);
      app.use(explain);
      const res = await request(app).get('/').set(clientA).expect(500);
      assert.match(res.body.cause, /ran twice on this request/);
      const derived = create();
      derived.use(albMtls(), (req, res, next) => requireCN('clientA')(Object.create(req) as Request, res, next), cn);
      derived.use(explain);
      assert.match((await request(derived).get('/').set(clientA).expect(500)).body.cause, /did not handle this request/);
    });

    test('requests on one keep-alive connection never share a certificate', async () => {
      const app = create();
      app.get('/with', albMtls(), cn);
      app.get('/without', requireCN('clientA'), cn);
      app.use(explain);
      const server = createServer(app).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const fetchJson = (path: string): Promise<{ status: number; body: { cn?: string; code?: string } }> => new Promise((resolve, reject) => {
        get({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', path, headers: clientA, agent }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
            .on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { cn?: string; code?: string } }));
        }).on('error', reject);
      });
      try {
        assert.deepEqual(await fetchJson('/with'), { status: 200, body: { cn: 'clientA' } });
        assert.equal((await fetchJson('/without')).body.code, 'ERR_MTLS_NOT_CONFIGURED');
      } finally {
        agent.destroy();
        server.close();
      }
    });

    test('another app in the process may use clientCert on its own request prototype, before and after requests', async () => {
      const other = create();
      const shared = other.request as { clientCert?: unknown };
      shared.clientCert = 'theirs';
      await request(appWith(create, () => undefined)).get('/a').set(clientA).expect(200);
      shared.clientCert = 'still theirs';
      assert.equal(shared.clientCert, 'still theirs');
      assert.equal(Object.getOwnPropertyDescriptor(express5.request, 'clientCert'), undefined);
    });
  });
}

describe('the ESM and CommonJS builds loaded together', () => {
  const root = new URL('../..', import.meta.url);
  const built = existsSync(new URL('dist/index.js', root)) && existsSync(new URL('dist/index.cjs', root));
  test('a guard from one build refuses a request the other build\'s albMtls() handled, naming the dual load',
    { skip: built ? false : 'dist/ not built (npm run build)' }, async () => {
      const esm = (await import(new URL('dist/index.js', root).href)) as typeof import('../../src/index.js');
      const cjs = createRequire(import.meta.url)('../../dist/index.cjs') as typeof import('../../src/index.js');
      const app = express5();
      app.use(esm.albMtls());
      app.get('/', cjs.requireCN('clientA'), cn);
      app.use(explain);
      const res = await request(app).get('/').set(clientA).expect(500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
      assert.match(res.body.cause, /another copy of express-alb-mtls/);
      assert.match(res.body.cause, /ESM and the CommonJS/);
      const oneBuild = express5().use(cjs.albMtls()).get('/', cjs.requireCN('clientA'), cn);
      assert.deepEqual((await request(oneBuild).get('/').set(clientA).expect(200)).body, { cn: 'clientA' });
    });
});
