/**
 * Spoofing: mTLS headers from peers that are not trusted proxies, headers of the mode not configured,
 * mixed-case and repeated names, values split across lines, renamed headers plus ALB's default names.
 * None may produce `req.clientCert` (or only the legitimate one, where a legitimate set is present), on
 * Express 4 and 5; onEvent payloads and responses never carry the raw header values.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { albHeaders, createTestPki } from '../../src/testing/index.js';
import { decodeAlbHeaders, type AlbMtlsOptions, type MtlsError } from '../../src/index.js';
import { EXPRESS_VERSIONS } from '../helpers/servers/apps.js';
import { ADMIN_BODY, spoofApp, type Report, type SpoofApp } from '../helpers/servers/spoof-apps.js';
import { CASES, MARKER, RENAMED, type Fixtures, type SpoofCase } from '../helpers/spoof-cases.js';

const untrusted = { trustedProxies: '10.0.0.0/8' };

/** The apps the cases run against, by name. */
function appOptions(trustStore: string): Record<SpoofCase['app'], [AlbMtlsOptions, ((app: Express) => void)?]> {
  const passthrough = { mode: 'passthrough' as const, trustStore };
  return {
    untrusted: [untrusted],
    untrustedPassthrough: [{ ...passthrough, ...untrusted }],
    untrustedRequired: [{ trustedProxies: ['192.0.2.0/24', '2001:db8::/32'], required: true }],
    mismatched: [{ trustedProxies: '192.0.2.0/24, 2001:db8::/32' }],
    // A JavaScript caller returning a truthy non-boolean: only `true` may mean trusted.
    truthyFunction: [{ trustedProxies: (() => 'yes') as unknown as (address: string | undefined) => boolean }],
    trustProxy: [untrusted, (app) => app.set('trust proxy', true)],
    renamedUntrusted: [{ ...untrusted, headerNames: RENAMED }],
    verify: [{}],
    passthrough: [passthrough],
    renamed: [{ headerNames: RENAMED }],
  };
}

/** Every header value sent that is long enough to be recognisable if echoed. */
function sentValues(headers: Record<string, string | string[]>): string[] {
  return Object.values(headers).flat().filter((v) => v.length >= 8);
}

function send(app: SpoofApp, path: string, headers: Record<string, string | string[]>): Promise<request.Response> {
  let req = request(app.app).get(path);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value as string);
  return req;
}

async function runCase(app: SpoofApp, c: SpoofCase, f: Fixtures): Promise<void> {
  const headers = c.headers(f);
  // The guard refuses; the listener rule does not match and falls through to the report route.
  for (const path of ['/admin', '/lr']) {
    const res = await send(app, path, headers);
    assert.ok(!res.text.includes(ADMIN_BODY) && (path === '/lr' || res.status >= 400), `${path} answered ${res.status} ${res.text}`);
  }
  const eventsBefore = app.events.length;
  const res = await send(app, '/', headers);
  assert.equal(res.status, c.status, JSON.stringify(res.body));
  if (c.code !== undefined) assert.equal(res.body.code, c.code);
  if (c.status === 200) {
    const body = res.body as Report;
    assert.equal(body.subject, c.subject === 'legit' ? f.legitSubject : null);
    if (c.stripped !== undefined) {
      const kept = c.kept === undefined ? [] : Object.keys(f[c.kept]).sort();
      assert.deepEqual([body.leftover.sort(), body.rawLeftover.map((n) => n.toLowerCase()).sort()], [kept, kept],
        'stripped from req.headers and req.rawHeaders');
    }
  }
  const events = app.events.slice(eventsBefore).join('\n');
  if (c.stripped !== undefined) assert.ok(events.includes(`"reason":"${c.stripped}"`), events);
  for (const value of [...sentValues(headers), MARKER]) {
    assert.ok(!events.includes(value) && !events.includes(JSON.stringify(value).slice(1, -1)), `an event carries ${value.slice(0, 40)}`);
    assert.ok(!JSON.stringify(res.headers).includes(value), 'a response header echoes a header value');
    if (c.status !== 200) assert.ok(!res.text.includes(value), 'the error response echoes a header value');
  }
}

describe('spoofed mTLS headers', () => {
  const fixtures = {} as Fixtures;
  let trustStore = '';
  before(async () => {
    const legit = await createTestPki({ intermediate: true });
    // The attacker's PKI copies the real CA names: only keys tell them apart.
    const forged = await createTestPki({ intermediate: true, rootSubject: 'CN=Test Root CA,O=express-alb-mtls testing' });
    const client = await legit.issueClient({ subject: 'CN=clientA,OU=ops' });
    const mallory = await forged.issueClient({ subject: `CN=admin,OU=${MARKER}` });
    const admin = await legit.issueClient({ subject: 'CN=admin' });
    trustStore = legit.trustStorePem;
    Object.assign(fixtures, {
      legit: albHeaders(client.pem),
      legitChain: albHeaders(client.pem, { mode: 'passthrough', chain: client.chain }),
      legitRenamed: albHeaders(client.pem, { headerNames: RENAMED }),
      legitRenamedChain: albHeaders(client.pem, { mode: 'passthrough', chain: client.chain, headerNames: RENAMED }),
      attacker: albHeaders(mallory.pem),
      attackerChain: albHeaders(mallory.pem, { mode: 'passthrough', chain: mallory.chain }),
      legitAdmin: albHeaders(admin.pem),
      legitSubject: 'CN=clientA,OU=ops',
    } satisfies Fixtures);
  });

  test('the table covers every app and at least 20 cases', () => {
    assert.ok(CASES.length >= 20);
    assert.deepEqual(new Set(CASES.map((c) => c.app)), new Set(Object.keys(appOptions(''))));
  });

  for (const { name: version, create } of EXPRESS_VERSIONS) {
    describe(version, () => {
      const apps = new Map<string, SpoofApp>();
      const appFor = (name: SpoofCase['app']): SpoofApp => {
        if (!apps.has(name)) {
          const [options, configure] = appOptions(trustStore)[name];
          apps.set(name, spoofApp(create, options, configure));
        }
        return apps.get(name)!;
      };
      test('control: a real administrator from the trusted proxy reaches /admin and /lr', async () => {
        for (const path of ['/admin', '/lr']) {
          const res = await send(appFor('verify'), path, fixtures.legitAdmin);
          assert.deepEqual([res.status, res.text], [200, ADMIN_BODY], path);
        }
      });
      for (const c of CASES) {
        test(`${c.name} [${c.app}] -> ${c.status}${c.subject === 'legit' ? ' (the legitimate certificate)' : ''}`,
          () => runCase(appFor(c.app), c, fixtures));
      }
    });
  }

  describe('decodeAlbHeaders: header bags from Lambda events and other frameworks', () => {
    const code = (run: () => unknown): string | undefined => {
      try {
        run();
        return undefined;
      } catch (error) {
        return (error as MtlsError).code;
      }
    };

    test('a multi-value header with two values, or one name in two cases, is refused', () => {
      const subject = fixtures.legit['x-amzn-mtls-clientcert-subject']!;
      const multi = Object.fromEntries(Object.entries(fixtures.legit).map(([k, v]) => [k, [v]]));
      assert.equal(code(() => decodeAlbHeaders({ ...multi, 'x-amzn-mtls-clientcert-subject': [subject, fixtures.attacker['x-amzn-mtls-clientcert-subject']!] })), 'ERR_MTLS_DUPLICATE_HEADER');
      assert.equal(code(() => decodeAlbHeaders({ ...fixtures.legit, 'X-Amzn-Mtls-Clientcert-Subject': subject })), 'ERR_MTLS_DUPLICATE_HEADER');
    });

    test('each mode ignores the other mode\'s headers', () => {
      assert.equal(decodeAlbHeaders(fixtures.legitChain), undefined);
      assert.equal(decodeAlbHeaders(fixtures.attacker, { mode: 'passthrough', trustStore }), undefined);
    });

    // Bug (src/core/alb/headers.ts, lowercaseKeys): the copy is a plain object, so `out['constructor']` finds
    // Object.prototype.constructor and the first key lowercasing to 'constructor' or '__proto__' is taken for
    // a duplicate. Any bag with a non-lowercase key and a header such as `Constructor: x` is refused.
    test('a header named like an Object.prototype member changes nothing', () => {
      for (const name of ['Constructor', '__proto__', 'CONSTRUCTOR']) {
        const bag = { Host: 'app.example', [name]: 'x' };
        assert.equal(code(() => decodeAlbHeaders(bag)), undefined, `${name} alone`);
        const withCert = { ...fixtures.legit, 'User-Agent': 'curl', [name]: 'x' };
        assert.equal(code(() => decodeAlbHeaders(withCert)), undefined, `${name} with a certificate`);
      }
    });

    // Bug (src/core/alb/passthrough.ts, cacheKey): the SHA-256 cache key hashes the value as latin1, which keeps
    // only the low byte of each UTF-16 unit. A value with 'M' + 0x100 in place of 'M' has the key of the real
    // chain: its cached refusal (10 s) is then served to the real, valid chain. Certificates are public, so
    // anyone able to put Unicode in the header (a Lambda event) can lock a client out, again and again.
    test('a look-alike chain value cannot poison the cache entry of the real one', () => {
      const options = { mode: 'passthrough' as const, trustStore };
      const real = fixtures.legitChain['x-amzn-mtls-clientcert']!;
      const at = real.indexOf('MII');
      const lookAlike = real.slice(0, at) + String.fromCharCode(real.charCodeAt(at) + 0x100) + real.slice(at + 1);
      assert.equal(code(() => decodeAlbHeaders({ 'x-amzn-mtls-clientcert': lookAlike }, options)), 'ERR_MTLS_MALFORMED_HEADER');
      assert.equal(code(() => decodeAlbHeaders({ 'x-amzn-mtls-clientcert': real }, options)), undefined);
    });
  });
});
