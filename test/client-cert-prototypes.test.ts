/**
 * What handlers read when prototypes in a request's chain hold a `clientCert` of their own, are proxies, or
 * wrap the accessor: `albMtls()` then gives the request its own read-only property, so handlers read what it
 * attached and nothing else.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { Request } from 'express';
import { albMtls } from '../src/middleware.js';
import { requireCN } from '../src/guards.js';
import { EXPRESS_VERSIONS, jsonErrors } from './helpers/apps.js';
import { certFixtures, type Fixtures } from './helpers/cert-fixtures.js';
import { skipWithoutOpenssl } from './helpers/openssl.js';
import { clientCertHolder } from './helpers/prototypes.js';

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`req.clientCert and the prototypes of requests (${name})`, { skip: skipWithoutOpenssl() }, () => {
    let certs: Fixtures;
    before(() => {
      certs = certFixtures();
    });
    test('a clientCert given to an app\'s request prototype later does not change what handlers read', async () => {
      const app = create();
      app.use(albMtls());
      app.get('/a', requireCN('clientA'), (req, res) => res.json({ cn: req.clientCert?.commonName ?? null }));
      app.get('/any', (req, res) => res.json({ cn: req.clientCert?.commonName ?? null }));
      app.use(jsonErrors);
      assert.deepEqual((await request(app).get('/a').set(certs.clientA)).body, { cn: 'clientA' }); // the accessor serves it
      (app.request as { clientCert?: unknown }).clientCert = { commonName: 'clientA' }; // through the setter
      assert.deepEqual((await request(app).get('/any').set(certs.clientB)).body, { cn: 'clientB' });
      assert.deepEqual((await request(app).get('/any')).body, { cn: null });
      assert.equal((await request(app).get('/a').set(certs.clientB)).status, 403);
      assert.deepEqual((await request(app).get('/a').set(certs.clientA)).body, { cn: 'clientA' });
    });

    test('a clientCert getter given to an app\'s request prototype later does not change what handlers read either', async () => {
      const app = create();
      app.use(albMtls());
      app.get('/any', (req, res) => res.json({ cn: req.clientCert?.commonName ?? null }));
      assert.deepEqual((await request(app).get('/any').set(certs.clientA)).body, { cn: 'clientA' });
      // A getter that answers for any receiver, as a probe of what req.clientCert reaches would see it.
      Object.defineProperty(app.request, 'clientCert', { get: () => ({ commonName: 'forged' }), configurable: true });
      assert.deepEqual((await request(app).get('/any').set(certs.clientB)).body, { cn: 'clientB' });
    });

    test('a getter given to an app\'s request prototype later that reads `this` runs for no request albMtls() handles', async () => {
      const app = create();
      app.use(albMtls());
      app.get('/any', (req, res) => res.json({ cn: req.clientCert?.commonName ?? null }));
      app.use(jsonErrors);
      assert.deepEqual((await request(app).get('/any').set(certs.clientA)).body, { cn: 'clientA' });
      let calls = 0;
      Object.defineProperty(app.request, 'clientCert', {
        get(this: Request) {
          calls++;
          return this.headers['x-other-proxy-cn'] === undefined ? undefined : { commonName: 'from another proxy' };
        },
        configurable: true,
      });
      assert.deepEqual((await request(app).get('/any').set(certs.clientB).set('x-other-proxy-cn', 'x')).body, { cn: 'clientB' });
      assert.deepEqual((await request(app).get('/any')).body, { cn: null });
      assert.equal(calls, 0);
    });

    test('a getter wrapping the accessor with a fallback: handlers read what albMtls() attached, nothing else', async () => {
      const app = create();
      app.use(albMtls());
      app.get('/any', (req, res) => res.json({ cn: req.clientCert?.commonName ?? null }));
      app.get('/a', requireCN('clientA'), (req, res) => res.json({ cn: req.clientCert?.commonName ?? null }));
      app.use(jsonErrors);
      assert.deepEqual((await request(app).get('/any').set(certs.clientA)).body, { cn: 'clientA' });
      const [holder, accessor] = clientCertHolder(app.request)!;
      Object.defineProperty(app.request, 'clientCert', {
        get(this: object) {
          return (accessor.get!.call(this) as unknown) ?? { commonName: 'fallback' };
        },
        configurable: true,
      });
      assert.notEqual(holder, app.request);
      assert.deepEqual((await request(app).get('/any')).body, { cn: null });
      assert.deepEqual((await request(app).get('/any').set(certs.clientB)).body, { cn: 'clientB' });
      assert.deepEqual((await request(app).get('/a').set(certs.clientA)).body, { cn: 'clientA' });
    });

    test('a request wrapped in a proxy: its handlers and guards see the certificate through the proxy', async () => {
      const app = create();
      const middleware = albMtls();
      const guard = requireCN('clientA');
      app.get('/proxied', (req, res) => {
        // A trap that reads from the target, so getters run with the target, not the proxy, as `this`.
        const proxied = new Proxy(req, {
          get: (target, key) => {
            const value: unknown = Reflect.get(target, key);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
        middleware(proxied, res, (error?: unknown) => {
          guard(proxied, res, (refusal?: unknown) => {
            res.json({ error: (error as { code?: string } | undefined)?.code ?? null, refusal: (refusal as { code?: string } | undefined)?.code ?? null, cn: proxied.clientCert?.commonName ?? null });
          });
        });
      });
      assert.deepEqual((await request(app).get('/proxied').set(certs.clientA)).body, { error: null, refusal: null, cn: 'clientA' });
      assert.deepEqual((await request(app).get('/proxied')).body, { error: null, refusal: 'ERR_MTLS_CERT_REQUIRED', cn: null });
    });
  });
}
