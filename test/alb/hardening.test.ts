/**
 * Attacks on the code that decides who a client is: renamed-header smuggling, two-CN certificates under
 * not(), source-ip from client-chosen addresses, quadratic DER parsing, unchecked Lambda header values,
 * prototype-key lookups, and uncompilable RegExp suggestions. Each test shows the attack refused.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import type { RequestHandler } from 'express';
import { decodeAlbHeaders } from '../../src/core/alb/alb.js';
import { not } from '../../src/core/match/match.js';
import { regExpProblem } from '../../src/core/match/match-values.js';
import { isMtlsError, MtlsConfigError } from '../../src/core/errors.js';
import { requireClientCert } from '../../src/guards.js';
import { fromListenerRules, type ListenerRule } from '../../src/listener-rules/rules.js';
import { albMtls } from '../../src/middleware.js';
import { EXPRESS_VERSIONS, jsonErrors } from '../helpers/servers/apps.js';
import { certFixtures, type Fixtures } from '../helpers/pki/cert-fixtures.js';
import { issueCert, makeCa, opensslAlbHeaders, type TestCa } from '../helpers/pki/certs.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

const SUBJECT = 'x-amzn-mtls-clientcert-subject';

/** The listener rule of issue 3, verbatim. */
const ISSUE_RULE: ListenerRule = {
  Priority: '1',
  Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Amzn-Mtls-Clientcert-Subject', Values: ['*CN=clientA*'] } }],
  Actions: [{ Type: 'fixed-response', FixedResponseConfig: { ContentType: 'text/plain', StatusCode: '200', MessageBody: 'Success!!' } }],
};

const fellThrough: RequestHandler = (_req, res) => {
  res.status(404).type('text').send('fell through');
};

/** Listener renamed every verify-mode header (`routing.http.request.x_amzn_mtls_clientcert_*.header_name`). */
const RENAMED = {
  subject: 'x-client-subject',
  issuer: 'x-client-issuer',
  serialNumber: 'x-client-serial',
  validity: 'x-client-validity',
  leaf: 'x-client-leaf',
} as const;

/** The fixture's default-named ALB headers under the renamed names. */
function renamed(headers: Record<string, string>): Record<string, string> {
  const byDefault: Record<string, string> = {
    'x-amzn-mtls-clientcert-subject': RENAMED.subject,
    'x-amzn-mtls-clientcert-issuer': RENAMED.issuer,
    'x-amzn-mtls-clientcert-serial-number': RENAMED.serialNumber,
    'x-amzn-mtls-clientcert-validity': RENAMED.validity,
    'x-amzn-mtls-clientcert-leaf': RENAMED.leaf,
  };
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [byDefault[k] ?? k, v]));
}

const quiet = { onWarning: (): undefined => undefined };

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`header trust and listener rules (${name})`, { skip: skipWithoutOpenssl() }, () => {
    let certs: Fixtures;
    before(() => {
      certs = certFixtures();
    });

    // with renamed headers, client-supplied default-named x-amzn-mtls-* headers survive from the trusted
    // peer, and fromListenerRules (which knows only the default names) matches them once any cert is present.
    test('a client-supplied default-named Subject header does not satisfy the listener rule when headers are renamed',
      async () => {
        const app = create();
        app.use(albMtls({ headerNames: RENAMED }));
        app.use(fromListenerRules([ISSUE_RULE], {}, quiet));
        app.use(fellThrough);
        app.use(jsonErrors);
        // A genuine clientB certificate under the renamed headers, plus a forged default-named subject.
        const res = await request(app).get('/').set({ ...renamed(certs.clientB), [SUBJECT]: 'CN=clientA' });
        assert.notEqual(res.text, 'Success!!', 'clientB passed the CN=clientA listener rule with a forged header');
        assert.equal(res.status, 404);
      });

    test('default-named x-amzn-mtls-* headers the configured mode does not read are removed from req.headers',
      async () => {
        const app = create();
        app.use(albMtls({ headerNames: RENAMED }));
        app.get('/', (req, res) => {
          res.json({ cn: req.clientCert?.commonName ?? null, forged: req.headers[SUBJECT] ?? null });
        });
        app.use(jsonErrors);
        const res = await request(app).get('/').set({ ...renamed(certs.clientB), [SUBJECT]: 'CN=clientA' });
        assert.equal(res.status, 200);
        assert.equal(res.body.cn, 'clientB');
        assert.equal(res.body.forged, null, 'a forged x-amzn-mtls-clientcert-subject reached the application');
      });

    test('a listener rule on a renamed mTLS header needs an accepted certificate, like one on the default name',
      async () => {
        const app = create();
        app.use(albMtls({ headerNames: RENAMED, skip: (req) => (req.url ?? '').startsWith('/public') }));
        app.use(fromListenerRules([{
          ...ISSUE_RULE,
          Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Client-Subject', Values: ['*CN=clientA*'] } }],
        }], {}, quiet));
        app.use(fellThrough);
        app.use(jsonErrors);
        // No certificate at all (skipped request): only a forged renamed subject header.
        const res = await request(app).get('/public/x').set(RENAMED.subject, 'CN=clientA');
        assert.notEqual(res.text, 'Success!!');
        assert.equal(res.status, 404);
      });

    // not() inverts the "ambiguous identity never matches" rule: a certificate with CN=clientA and a
    // second CN satisfies not({ cn: 'clientA' }), although its commonName is clientA.
    test('not({ cn }) refuses a certificate with two CNs (ambiguous identity), one of them the excluded CN',
      async () => {
        const app = create();
        app.use(albMtls());
        app.get('/', requireClientCert(not({ cn: 'clientA' })), (req, res) => {
          res.json({ commonName: req.clientCert?.commonName });
        });
        app.use(jsonErrors);
        const res = await request(app).get('/').set(certs.twoCNs); // CN=clientA,CN=evil,O=example.org
        assert.equal(res.status, 403, `passed as commonName ${JSON.stringify(res.body.commonName)}`);
        assert.equal(res.body.code, 'ERR_MTLS_CERT_FORBIDDEN');
      });

    // source-ip conditions read req.ip by default: behind ALB that is the load balancer's (private)
    // address without `trust proxy`, or the client's own first X-Forwarded-For entry with `trust proxy: true`.
    const internalOnly: ListenerRule = {
      Priority: 1,
      // 127.0.0.0/8 stands for the VPC CIDR; the test's loopback peer stands for the ALB node.
      Conditions: [{ Field: 'source-ip', SourceIpConfig: { Values: ['127.0.0.0/8', '::1/128'] } }],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'internal' } }],
    };

    test('source-ip does not match the load balancer\'s own address for an outside client (no trust proxy)',
      async () => {
        const app = create();
        app.use(fromListenerRules([internalOnly], {}, quiet));
        app.use(fellThrough);
        const res = await request(app).get('/').set('X-Forwarded-For', '203.0.113.5');
        assert.notEqual(res.text, 'internal', 'an outside client matched the internal source-ip rule');
      });

    test('source-ip ignores a client-supplied X-Forwarded-For entry (trust proxy: true)',
      async () => {
        const app = create();
        app.set('trust proxy', true);
        app.use(fromListenerRules([internalOnly], {}, quiet));
        app.use(fellThrough);
        // The client sent "X-Forwarded-For: 127.0.0.1"; ALB appended the real address.
        const res = await request(app).get('/').set('X-Forwarded-For', '127.0.0.1, 203.0.113.5');
        assert.notEqual(res.text, 'internal', 'a spoofed X-Forwarded-For entry matched the internal source-ip rule');
      });
  });
}

describe('construction-time validation', () => {
  // prototype keys pass the redirect StatusCode lookup, and the request then fails with a 500.
  test('a redirect StatusCode naming an Object.prototype key is refused at construction',
    () => {
      for (const code of ['constructor', 'toString', '__proto__']) {
        assert.throws(() => fromListenerRules([{
          Priority: 1,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/old'] } }],
          Actions: [{ Type: 'redirect', RedirectConfig: { StatusCode: code, Path: '/new' } }],
        }], {}, quiet), MtlsConfigError, `StatusCode ${code} accepted`);
      }
    });

  test('the "did you mean" hint for a prototype-named matcher key is not an Object.prototype value',
    () => {
      for (const key of ['constructor', '__proto__']) {
        assert.throws(() => requireClientCert(JSON.parse(`{"${key}": "x"}`)), (error: unknown) =>
          error instanceof MtlsConfigError && !/function Object|\[object Object\]/.test(error.message));
      }
    });

  // the fix suggested for an unanchored RegExp ending in an escaped dollar is not a valid RegExp.
  test('the RegExp suggested for /^clientA\\$/ compiles',
    () => {
      const problem = regExpProblem(/^clientA\$/);
      assert.ok(problem !== undefined);
      const suggested = /write \/(.*)\/$/.exec(problem)?.[1];
      assert.ok(suggested !== undefined, problem);
      assert.doesNotThrow(() => new RegExp(suggested), `suggested ${suggested}`);
    });
});

describe('decoder hardening', { skip: skipWithoutOpenssl() }, () => {
  let ca: TestCa;
  let headers: Record<string, string>;
  before(() => {
    const dir = tempDir('alb-mtls-review-');
    ca = makeCa(dir, '/O=review/CN=Review CA');
    headers = opensslAlbHeaders(issueCert(ca, { subj: '/O=review/CN=alice' }).path);
  });

  // repairUtf8 returns early at the first character above U+00FF (a JSON Lambda event), skipping the
  // control-character check for the rest of the value; the DN parser then accepts a raw line feed.
  test('a control character after a non-Latin-1 character is refused (Lambda JSON headers)',
    () => {
      const options = { crossCheck: false, checkValidity: false };
      let outcome: string;
      try {
        const cert = decodeAlbHeaders({ ...headers, [SUBJECT]: 'CN=\u4e2d\nadmin,O=review' }, options);
        outcome = `accepted, CN ${JSON.stringify(cert?.commonName)}`;
      } catch (error) {
        outcome = isMtlsError(error) ? error.code : String(error);
      }
      assert.equal(outcome, 'ERR_MTLS_MALFORMED_HEADER');
    });

  // the strict DER reader is quadratic on two attacker-sized fields: OBJECT IDENTIFIER arcs (BigInt
  // multiply per byte in decodeOid) and negative serial numbers (BigInt shift per byte in serialFromInteger).
  // Passthrough parses every presented certificate before verifying anything, so any client can send them.
  function tlv(tag: number, body: Buffer): Buffer {
    const n = body.length;
    const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
    return Buffer.concat([Buffer.from([tag, ...len]), body]);
  }
  const ecdsaSha256 = tlv(0x30, tlv(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])));
  /** A small certificate-shaped DER (not signed): `serial` as its serial, `outer` as the outer signatureAlgorithm. */
  function certificate(serial: Buffer, outer: Buffer = ecdsaSha256): Buffer {
    const name = tlv(0x30, tlv(0x31, tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from([0x55, 0x04, 0x03])), tlv(0x0c, Buffer.from('x'))]))));
    const time = tlv(0x17, Buffer.from('250101000000Z'));
    const tbs = tlv(0x30, Buffer.concat([tlv(0x02, serial), ecdsaSha256, name, tlv(0x30, Buffer.concat([time, time])), name, tlv(0x30, ecdsaSha256)]));
    return tlv(0x30, Buffer.concat([tbs, outer, tlv(0x03, Buffer.from([0]))]));
  }
  /** ALB's encoding of the chain header: `%0A` line ends, `+/=` raw. */
  const chainHeader = (der: Buffer): string =>
    `-----BEGIN CERTIFICATE-----%0A${der.toString('base64').replace(/(.{64})/g, '$1%0A')}%0A-----END CERTIFICATE-----%0A`;
  const BYTES = 46_000; // fits the default 64 KiB passthrough header limit once base64-encoded

  function timeRefusal(value: string): number {
    assert.ok(value.length <= 65_536, `header of ${value.length} bytes would be refused for its size`);
    const options = { mode: 'passthrough' as const, trustStore: ca.pem, cache: false as const };
    const start = process.hrtime.bigint();
    assert.throws(() => decodeAlbHeaders({ 'x-amzn-mtls-clientcert': value }, options), isMtlsError);
    return Number(process.hrtime.bigint() - start) / 1e6;
  }

  test('a certificate with a 46 KB OBJECT IDENTIFIER is refused in bounded time',
    () => {
      const oid = Buffer.alloc(BYTES, 0xff);
      oid[0] = 0x81;
      oid[BYTES - 1] = 0x7f;
      const ms = timeRefusal(chainHeader(certificate(Buffer.from([1]), tlv(0x30, tlv(0x06, oid)))));
      assert.ok(ms < 200, `took ${ms.toFixed(0)} ms`);
    });

  test('a certificate with a 46 KB negative serial number is refused in bounded time',
    () => {
      const serial = Buffer.alloc(BYTES, 0x12);
      serial[0] = 0x80;
      const ms = timeRefusal(chainHeader(certificate(serial)));
      assert.ok(ms < 200, `took ${ms.toFixed(0)} ms`);
    });
});

