/**
 * `req.clientCert` itself: an accessor on Express's request prototype (an own read-only property elsewhere),
 * reading a record bound to the one request `albMtls()` handled, and what guards make of any other value.
 */
import assert from 'node:assert/strict';
import { Agent, createServer, get, IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import util from 'node:util';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { ErrorRequestHandler, Express, Request, RequestHandler } from 'express';
import { albMtls } from '../src/middleware.js';
import { requireCN } from '../src/guards.js';
import { EXPRESS_VERSIONS, jsonErrors } from './helpers/apps.js';
import { certFixtures, type Fixtures } from './helpers/cert-fixtures.js';
import { skipWithoutOpenssl } from './helpers/openssl.js';
import { clientCertHolder } from './helpers/prototypes.js';

const ok: RequestHandler = (_req, res) => {
  res.type('text').send('ok');
};

/** albMtls(), then `between` (a middleware that tampers with the request), then requireCN('clientA') on /a. */
function tamperedApp(create: () => Express, between: (req: Record<string, unknown>) => void): Express {
  const app = create();
  app.use(albMtls(), (req, _res, next) => {
    between(req as unknown as Record<string, unknown>);
    next();
  });
  app.get('/a', requireCN('clientA'), (req, res) => res.json({ cn: req.clientCert?.commonName }));
  app.use(jsonErrors);
  return app;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function getJson(port: number, path: string, headers: Record<string, string>, agent: Agent): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get({ port, host: '127.0.0.1', path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`req.clientCert (${name})`, { skip: skipWithoutOpenssl() }, () => {
    let certs: Fixtures;
    let kept: unknown;
    before(async () => {
      certs = certFixtures();
      const app = create();
      app.get('/login', albMtls(), (req, res) => { kept = req.clientCert; res.end(); });
      await request(app).get('/login').set(certs.clientA).expect(200);
      assert.ok(kept !== undefined);
    });

    test('albMtls() adds no property to the request: req.clientCert is an accessor on Express\'s request prototype', async () => {
      const app = create();
      let added: Array<string | symbol> = ['not run'];
      let streamStateKeys: Array<string | symbol> = [];
      app.use((req, _res, next) => {
        const keys = Reflect.ownKeys(req);
        const streamState = (req as unknown as { _readableState: object })._readableState;
        const stateKeys = Reflect.ownKeys(streamState);
        const raw = [...req.rawHeaders];
        albMtls()(req, _res, (error?: unknown) => {
          added = Reflect.ownKeys(req).filter((key) => !keys.includes(key));
          if (!util.isDeepStrictEqual(Reflect.ownKeys(req.rawHeaders), Reflect.ownKeys(raw))) added.push('rawHeaders changed');
          if (Object.getOwnPropertySymbols(req.headers).length > 0) added.push('symbols on req.headers');
          streamStateKeys = Reflect.ownKeys(streamState).filter((key) => !stateKeys.includes(key));
          next(error);
        });
      });
      app.get('/a', requireCN('clientA'), (req, res) => {
        const [holder, descriptor] = clientCertHolder(req) ?? [undefined, undefined];
        res.json({
          cn: req.clientCert?.commonName,
          onExpressBase: holder !== undefined && Object.getPrototypeOf(holder) === IncomingMessage.prototype,
          accessor: typeof descriptor?.get === 'function' && typeof descriptor.set === 'function',
          enumerable: descriptor?.enumerable,
          inspected: util.inspect(req, { depth: 0 }).includes('clientCert'),
        });
      });
      app.use(jsonErrors);
      const res = await request(app).get('/a').set(certs.clientA);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { cn: 'clientA', onExpressBase: true, accessor: true, enumerable: false, inspected: false });
      assert.deepEqual(added, []);
      assert.deepEqual(streamStateKeys, []);
    });

    test('assigning req.clientCert after albMtls() throws a TypeError, in strict and in sloppy code (500)', async () => {
      const thrown: unknown[] = [];
      const capture: ErrorRequestHandler = (err, _req, res, _next) => {
        thrown.push(err);
        res.status(500).json({ code: (err as { code?: unknown }).code });
      };
      const sloppy = new Function('req', "req.clientCert = { commonName: 'clientA' };") as (req: unknown) => void;
      const tampers: Array<(req: Record<string, unknown>) => void> = [
        (req) => { req.clientCert = { commonName: 'clientA' }; },
        (req) => { req.clientCert = kept; },
        (req) => { req.clientCert = undefined; },
        sloppy,
      ];
      for (const tamper of tampers) {
        for (const headers of [certs.clientB, {}]) {
          const app = tamperedApp(create, tamper);
          app.use(capture);
          const res = await request(app).get('/a').set(headers);
          assert.equal(res.status, 500, tamper.toString());
          assert.equal(res.body.code, undefined, 'the tampering code threw, not a guard');
        }
      }
      assert.equal(thrown.length, tampers.length * 2);
      for (const error of thrown) assert.ok(error instanceof TypeError && /read-only/.test(error.message), String(error));
    });

    test('shadowing req.clientCert with Object.defineProperty after albMtls(): guards refuse it (500)', async () => {
      const attributes = { writable: false, enumerable: true, configurable: false };
      const shadows: Array<(req: Record<string, unknown>) => void> = [
        (req) => { Object.defineProperty(req, 'clientCert', { value: kept }); },
        (req) => { Object.defineProperty(req, 'clientCert', { ...attributes, value: kept }); },
        (req) => { Object.defineProperty(req, 'clientCert', { ...attributes, value: { commonName: 'clientA' } }); },
        (req) => { Object.defineProperty(req, 'clientCert', { get: () => kept }); },
      ];
      for (const shadow of shadows) {
        for (const headers of [certs.clientB, {}]) {
          const res = await request(tamperedApp(create, shadow)).get('/a').set(headers);
          assert.equal(res.status, 500, shadow.toString());
          assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
        }
      }
    });

    test('deleting req.clientCert after albMtls() changes nothing', async () => {
      const app = tamperedApp(create, (req) => { delete req.clientCert; });
      assert.deepEqual((await request(app).get('/a').set(certs.clientA)).body, { cn: 'clientA' });
      assert.equal((await request(app).get('/a').set(certs.clientB)).status, 403);
      assert.equal((await request(app).get('/a')).status, 401);
    });

    test('on a request albMtls() did not handle, a req.clientCert put there any other way is refused (500)', async () => {
      const attributes = { writable: false, enumerable: true, configurable: false };
      const puts: Array<(req: Record<string, unknown>) => void> = [
        (req) => { req.clientCert = kept; },
        (req) => { req.clientCert = { commonName: 'clientA' }; },
        (req) => { req.clientCert = undefined; },
        (req) => { Object.defineProperty(req, 'clientCert', { value: kept }); },
        (req) => { Object.defineProperty(req, 'clientCert', { value: kept, enumerable: true, configurable: true }); },
        (req) => { Object.defineProperty(req, 'clientCert', { ...attributes, value: kept }); },
        (req) => { Object.defineProperty(req, 'clientCert', { ...attributes, value: { ...(kept as object) } }); },
        (req) => { Object.defineProperty(req, 'clientCert', { ...attributes, value: Object.create(kept as object) }); },
        (req) => { Object.defineProperty(req, 'clientCert', { ...attributes, value: 'clientA' }); },
        (req) => { Object.defineProperty(req, 'clientCert', { ...attributes, value: undefined }); }, // would be 401
        (req) => { Object.defineProperty(req, 'clientCert', { enumerable: true, configurable: false, get: () => kept }); },
      ];
      for (const put of puts) {
        const app = create();
        app.get('/a', (req, _res, next) => { put(req as unknown as Record<string, unknown>); next(); }, requireCN('clientA'), ok);
        app.use(jsonErrors);
        const res = await request(app).get('/a').set(certs.clientA);
        assert.equal(res.status, 500, put.toString());
        assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
      }
    });

    test('an app without albMtls() in the same process: req.clientCert is undefined and assignable as on any object', async () => {
      let seen: unknown;
      const app = create();
      app.get('/x', (req, _res, next) => {
        const before = req.clientCert;
        (req as { clientCert?: unknown }).clientCert = 'assigned';
        seen = { before, after: req.clientCert, own: Object.getOwnPropertyDescriptor(req, 'clientCert') };
        next();
      }, requireCN('clientA'), ok);
      app.use(jsonErrors);
      const res = await request(app).get('/x').set(certs.clientA);
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
      assert.deepEqual(seen, { before: undefined, after: 'assigned', own: { value: 'assigned', writable: true, enumerable: true, configurable: true } });
    });

    test('a req.clientCert assigned before albMtls() gives way to albMtls()\'s result, read-only', async () => {
      let own: PropertyDescriptor | undefined;
      const app = create();
      app.use((req, _res, next) => { (req as { clientCert?: unknown }).clientCert = { commonName: 'clientA' }; next(); }, albMtls());
      app.get('/a', requireCN('clientA'), (req, res) => {
        own = Object.getOwnPropertyDescriptor(req, 'clientCert');
        res.json({ cn: req.clientCert?.commonName, fingerprint: typeof req.clientCert?.fingerprint256 });
      });
      app.use(jsonErrors);
      assert.equal((await request(app).get('/a').set(certs.clientB)).status, 403);
      assert.deepEqual((await request(app).get('/a').set(certs.clientA)).body, { cn: 'clientA', fingerprint: 'string' });
      assert.deepEqual({ ...own, value: undefined }, { value: undefined, writable: false, enumerable: true, configurable: false });
    });

    test('the accessor on Express\'s request prototype cannot be assigned over; odd receivers read undefined', async () => {
      const app = create();
      app.get('/a', albMtls(), (_req, res) => res.end());
      await request(app).get('/a').set(certs.clientA).expect(200);
      const [base, descriptor] = clientCertHolder(app.request) ?? [];
      assert.ok(base !== undefined && descriptor?.get !== undefined);
      assert.throws(() => { (base as { clientCert?: unknown }).clientCert = null; }, TypeError);
      assert.equal(Object.getOwnPropertyDescriptor(base, 'clientCert')?.get, descriptor.get, 'still the accessor');
      for (const receiver of [1, 'x', null, undefined, {}, base]) assert.equal(Reflect.apply(descriptor.get, receiver, []), undefined);
    });

    test('an object made from a handled request cannot take its record, even through albMtls()', async () => {
      let outcome: unknown;
      const app = create();
      app.use(albMtls());
      app.get('/a', (req, res, next) => {
        const derived = Object.create(req) as Request;
        albMtls()(derived, res, (error?: unknown) => {
          requireCN('clientA')(req, res, (guardError?: unknown) => {
            outcome = { derived: (error as { code?: string } | undefined)?.code, original: guardError ?? 'passed', cn: req.clientCert?.commonName };
            next();
          });
        });
      }, ok);
      await request(app).get('/a').set(certs.clientA).expect(200);
      assert.deepEqual(outcome, { derived: 'ERR_MTLS_NOT_CONFIGURED', original: 'passed', cn: 'clientA' });
    });

    test('the record lives in the request\'s stream state: replacing req._readableState loses it (refused, 500)', async () => {
      const app = tamperedApp(create, (req) => {
        const state = req._readableState as object;
        req._readableState = Object.assign(Object.create(Object.getPrototypeOf(state) as object) as object, state);
      });
      const res = await request(app).get('/a').set(certs.clientA);
      assert.equal(res.status, 500);
      assert.equal(res.body.code, 'ERR_MTLS_NOT_CONFIGURED');
    });

    test('a sub-app reads and guards the certificate that albMtls() attached in its parent', async () => {
      const app = create();
      const sub = create();
      sub.get('/x', requireCN('clientA'), (req, res) => res.json({ cn: req.clientCert?.commonName }));
      app.use(albMtls());
      app.use('/s', sub);
      app.use(jsonErrors);
      assert.deepEqual((await request(app).get('/s/x').set(certs.clientA)).body, { cn: 'clientA' });
      assert.equal((await request(app).get('/s/x').set(certs.clientB)).status, 403);
    });

    test('requests on one keep-alive connection never see each other\'s certificate', async () => {
      const requests: Request[] = [];
      const app = create();
      app.get('/with', albMtls(), (req, res) => { requests.push(req); res.json({ cn: req.clientCert?.commonName ?? null }); });
      app.get('/without', (req, res, next) => { requests.push(req); res.locals.seen = req.clientCert ?? null; next(); }, requireCN('clientA'), ok);
      app.use(jsonErrors);
      const server = createServer(app);
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const port = await listen(server);
        assert.deepEqual(await getJson(port, '/with', certs.clientA, agent), { status: 200, body: { cn: 'clientA' } });
        const second = await getJson(port, '/without', certs.clientA, agent);
        assert.equal(second.status, 500);
        assert.equal((second.body as { code?: string }).code, 'ERR_MTLS_NOT_CONFIGURED');
        const [first, other] = requests;
        assert.equal(first!.socket, other!.socket, 'one connection');
        assert.equal(other!.clientCert, undefined);
        assert.equal(first!.clientCert?.commonName, 'clientA', 'the first request keeps its certificate');
        assert.equal((Object.create(first!) as Request).clientCert, undefined, 'an object made from the request is not the request');
      } finally {
        agent.destroy();
        server.close();
      }
    });
  });
}

describe('req.clientCert on a plain Node server (no Express prototype)', { skip: skipWithoutOpenssl() }, () => {
  test('it is an own property, enumerable and read-only, and guards accept only that request', async () => {
    const certs = certFixtures();
    const seen: unknown[] = [];
    const server = createServer((req, res) => {
      const express = req as unknown as Request;
      const response = res as unknown as Parameters<RequestHandler>[1];
      albMtls()(express, response, () => {
        const own = Object.getOwnPropertyDescriptor(req, 'clientCert');
        seen.push({ writable: own?.writable, enumerable: own?.enumerable, configurable: own?.configurable });
        requireCN('clientA')(express, response, (error?: unknown) => seen.push(error ?? 'passed'));
        requireCN('clientA')(Object.create(express) as Request, response, (error?: unknown) => seen.push((error as { code?: string }).code));
        res.end(JSON.stringify(express.clientCert?.commonName));
      });
    });
    const agent = new Agent();
    try {
      const port = await listen(server);
      assert.deepEqual(await getJson(port, '/', certs.clientA, agent), { status: 200, body: 'clientA' });
      assert.deepEqual(seen, [{ writable: false, enumerable: true, configurable: false }, 'passed', 'ERR_MTLS_NOT_CONFIGURED']);
    } finally {
      agent.destroy();
      server.close();
    }
  });
});
