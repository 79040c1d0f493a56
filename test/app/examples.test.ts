/**
 * The examples, exercised the way their comments say they behave, and `npm run demo` end to end.
 * Certificates come from createTestPki (checked against `openssl verify` in testing.test.ts); header
 * values from albHeaders (checked against openssl byte for byte there); the fixture against openssl here.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp as customErrorApp } from '../../examples/custom-error-handler.js';
import { createApp as express4App } from '../../examples/express4.js';
import { createHandler, FIXTURE_RECORDED_AT, loadFixtureEvent, type AlbEvent } from '../../examples/lambda-handler.js';
import { createApp as verifyBasicApp } from '../../examples/verify-basic.js';
import { albHeaders, createTestPki } from '../../src/testing/index.js';
import { readOpensslFields } from '../helpers/dn-corpus.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

const skip = skipWithoutOpenssl();

describe('examples', { skip }, () => {
  const dir = tempDir();
  let clientA: Record<string, string>;
  let clientB: Record<string, string>;
  let expired: Record<string, string>;
  let clientAPath: string;
  before(async () => {
    const pki = await createTestPki({ intermediate: true });
    const a = await pki.issueClient({ subject: 'CN=clientA,OU=ops,OU=dev,O=Example', sans: { dns: ['a.example'] } });
    clientA = albHeaders(a.pem);
    clientB = albHeaders((await pki.issueClient({ subject: 'CN=clientB,O=Example' })).pem);
    expired = albHeaders((await pki.issueClient({ subject: 'CN=clientA', notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z') })).pem);
    clientAPath = join(dir, 'clientA.pem');
    writeFileSync(clientAPath, a.pem);
  });

  describe('verify-basic.ts', () => {
    test('optional certificate, any certificate, CN=clientA only, health without one', async () => {
      const app = verifyBasicApp();
      assert.deepEqual((await request(app).get('/').expect(200)).body, { hello: 'anonymous' });
      assert.deepEqual((await request(app).get('/').set(clientA).expect(200)).body, { hello: 'clientA' });
      await request(app).get('/me').expect(401);
      const me = (await request(app).get('/me').set(clientA).expect(200)).body;
      const fields = readOpensslFields(clientAPath);
      assert.equal(me.subject, fields.subject);
      assert.equal(me.issuer, fields.issuer);
      assert.equal(me.serialNumber, fields.serial);
      assert.deepEqual(me.organizationalUnits, ['ops', 'dev']);
      assert.deepEqual(me.subjectAltNames.dns, ['a.example']);
      assert.equal((await request(app).get('/admin').set(clientA).expect(200)).text, 'Success!!');
      await request(app).get('/admin').set(clientB).expect(403);
      await request(app).get('/health').expect(200, 'ok');
    });
  });

  describe('custom-error-handler.ts', () => {
    test('problem details per code, a log line, nothing from the request in the body', async () => {
      const lines: string[] = [];
      const app = customErrorApp({ log: (line) => lines.push(line) });
      const none = await request(app).get('/').expect(401).expect('content-type', /application\/problem\+json/);
      assert.equal(none.body.type, 'https://example.com/problems/err-mtls-cert-required');
      assert.match(none.body.detail, /Connect with a client certificate/);
      const old = await request(app).get('/').set(expired).expect(401);
      assert.match(old.body.detail, /expired/);
      assert.equal((await request(app).get('/admin').set(clientB).expect(403)).body.status, 403);
      const forged = { ...clientA, 'x-amzn-mtls-clientcert-leaf': 'SECRET-LOOKING-GARBAGE' };
      const bad = await request(app).get('/').set(forged).expect(400);
      assert.equal(bad.body.type, 'https://example.com/problems/err-mtls-malformed-header');
      assert.doesNotMatch(bad.text, /SECRET-LOOKING-GARBAGE/);
      assert.ok(lines.some((l) => l.startsWith('mtls ERR_MTLS_MALFORMED_HEADER GET /')), lines.join('\n'));
      await request(app).get('/health').expect(200, 'ok');
      assert.deepEqual((await request(app).get('/').set(clientA).expect(200)).body, { hello: 'clientA' });
    });
  });

  describe('express4.ts', () => {
    test('runs on Express 4: clientA 200, clientB 403, none 401', async () => {
      const version = (createRequire(import.meta.url)('express4/package.json') as { version: string }).version;
      assert.match(version, /^4\./);
      const app = express4App();
      assert.equal((await request(app).get('/').set(clientA).expect(200)).text, 'Success!! hello clientA');
      assert.deepEqual((await request(app).get('/').set(clientB).expect(403)).body, { error: 'ERR_MTLS_CERT_FORBIDDEN' });
      assert.deepEqual((await request(app).get('/').expect(401)).body, { error: 'ERR_MTLS_CERT_REQUIRED' });
    });
  });

  describe('lambda-handler.ts', () => {
    const withHeaders = (event: AlbEvent, headers: Record<string, string>): AlbEvent => ({ ...event, headers: {
      ...Object.fromEntries(Object.entries(event.headers ?? {}).filter(([k]) => !k.startsWith('x-amzn-mtls-'))), ...headers } });

    test('the recorded fixture is what openssl says about its own leaf', () => {
      const h = loadFixtureEvent().headers!;
      const path = join(dir, 'fixture-leaf.pem');
      writeFileSync(path, decodeURIComponent(h['x-amzn-mtls-clientcert-leaf']!));
      const fields = readOpensslFields(path);
      assert.equal(h['x-amzn-mtls-clientcert-subject'], fields.subject);
      assert.equal(h['x-amzn-mtls-clientcert-issuer'], fields.issuer);
      assert.equal(h['x-amzn-mtls-clientcert-serial-number'], fields.serial);
      assert.equal(h['x-amzn-mtls-clientcert-validity'], `NotBefore=${fields.notBefore};NotAfter=${fields.notAfter}`);
    });

    test('at the recording time: Success!! for CN=clientA', async () => {
      const result = await createHandler({ now: FIXTURE_RECORDED_AT })(loadFixtureEvent());
      assert.equal(result.statusCode, 200);
      assert.equal(result.statusDescription, '200 OK');
      const body = JSON.parse(result.body);
      assert.equal(body.message, 'Success!!');
      assert.equal(body.subject, 'CN=clientA,OU=example.org.unit,O=example.org,L=Default City,ST=Osaka,C=JP');
      assert.equal(body.serialNumber, '6DD0CF55AA5313FCC73D477D553C34174808B8BE');
    });

    test('once the fixture certificate expired: 401, unless validity checks are off', async () => {
      const later = new Date('2028-01-01T00:00:00Z');
      const result = await createHandler({ now: later })(loadFixtureEvent());
      assert.deepEqual([result.statusCode, JSON.parse(result.body)], [401, { error: 'ERR_MTLS_CERT_EXPIRED' }]);
      assert.equal((await createHandler({ now: later, checkValidity: false })(loadFixtureEvent())).statusCode, 200);
    });

    test('multi-value headers, duplicates, other CNs, tampering, no certificate', async () => {
      const handler = createHandler({ now: FIXTURE_RECORDED_AT });
      const event = loadFixtureEvent();
      const multi = Object.fromEntries(Object.entries(event.headers!).map(([k, v]) => [k, [v]]));
      const asMulti = { ...event, headers: undefined, multiValueHeaders: multi };
      assert.equal((await handler(asMulti)).statusCode, 200);
      const doubled = { ...asMulti, multiValueHeaders: { ...multi, 'x-amzn-mtls-clientcert-subject': ['CN=clientA', 'CN=x'] } };
      assert.equal(JSON.parse((await handler(doubled)).body).error, 'ERR_MTLS_DUPLICATE_HEADER');
      const now = createHandler();
      assert.equal((await now(withHeaders(event, clientB))).statusCode, 403);
      assert.equal((await now(withHeaders(event, clientA))).statusCode, 200);
      const tampered = withHeaders(event, { ...clientB, 'x-amzn-mtls-clientcert-subject': clientA['x-amzn-mtls-clientcert-subject']! });
      assert.equal(JSON.parse((await now(tampered)).body).error, 'ERR_MTLS_HEADER_MISMATCH');
      assert.equal((await now(withHeaders(event, {}))).statusCode, 401);
    });
  });
});

describe('npm run demo (scripts/demo.ts)', { skip }, () => {
  test('runs non-interactively, every outcome as expected, exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c; });
    child.stderr.on('data', (c: Buffer) => { out += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.match(out, /Success!!/);
    assert.match(out, /handshake refused/i);
    assert.match(out, /all \d+ outcomes as expected/i);
    assert.doesNotMatch(out, /UNEXPECTED/);
  });
});
