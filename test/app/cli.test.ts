/**
 * The ALB emulator (`startAlbEmulator`, `express-alb-mtls proxy`): real TLS handshakes on loopback against
 * an echo target. Header values are checked against the openssl CLI and the certificates' own bytes.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { startAlbEmulator, type AlbEmulator, type AlbEmulatorOptions, type TlsRefusal } from '../../src/testing/emulator/emulator.js';
import { albMtls } from '../../src/middleware.js';
import { createTestPki, type TestCertificate, type TestPki } from '../../src/testing/index.js';
import { readOpensslFields } from '../helpers/dn-corpus.js';
import { canBind, send } from '../helpers/servers/https-client.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';
import { caExtensions, cn, makeCert, newKey, pem, X } from '../helpers/pki/cert-builder.js';

interface Seen {
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly bodySha256: string;
  readonly peer: string | undefined;
  readonly url: string;
}

/** A target that records each request and answers with a streamed body. */
async function echoTarget(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    req.on('data', (c: Buffer) => hash.update(c));
    req.on('end', () => {
      seen.push({ headers: req.headers, rawHeaders: req.rawHeaders, bodySha256: hash.digest('hex'), peer: req.socket.remoteAddress, url: req.url ?? '' });
      res.writeHead(200, { 'content-type': 'text/plain', 'x-target': 'yes' });
      res.write('hello ');
      setTimeout(() => res.end('world'), 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const skip = skipWithoutOpenssl();

/** The fields of `got` that `want` names. */
function pick<T extends object>(got: T, want: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.keys(want).map((k) => [k, got[k as keyof T]])) as Partial<T>;
}

describe('ALB emulator', { skip }, () => {
  const dir = tempDir();
  let pki: TestPki;
  let clientA: TestCertificate;
  let expired: TestCertificate;
  let stranger: TestCertificate;
  let strangerExpired: TestCertificate;
  let serverOnly: TestCertificate;
  let target: Awaited<ReturnType<typeof echoTarget>>;
  const running: AlbEmulator[] = [];
  const start = async (o: Partial<AlbEmulatorOptions>): Promise<AlbEmulator> => {
    const e = await startAlbEmulator({ target: target.url, trustStore: pki.trustStorePem, ...o } as AlbEmulatorOptions);
    running.push(e);
    return e;
  };
  const as = (e: AlbEmulator, cert: TestCertificate | undefined, extra: Partial<Parameters<typeof send>[0]> = {}) =>
    send({ url: e.url + '/path?q=1', ca: e.serverCaPem, ...(cert ? { cert: cert.chainPem, key: cert.keyPem } : {}), ...extra });
  const last = (): Seen => target.seen[target.seen.length - 1]!;

  before(async () => {
    pki = await createTestPki({ intermediate: true });
    const other = await createTestPki({ rootSubject: 'CN=Test Root CA,O=express-alb-mtls testing' }); // same name, other key
    clientA = await pki.issueClient({ subject: 'CN=clientA,OU=ops+O=Sue\\, Grabbit,C=EE', serialNumber: '03A5B1' });
    const past = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };
    expired = await pki.issueClient({ subject: 'CN=old', ...past });
    stranger = await other.issueClient({ subject: 'CN=clientA' });
    strangerExpired = await other.issueClient({ subject: 'CN=clientA', ...past });
    serverOnly = await pki.issueClient({ subject: 'CN=clientA', eku: ['serverAuth'] });
    writeFileSync(join(dir, 'clientA.pem'), clientA.pem);
    target = await echoTarget();
  });
  after(async () => {
    await Promise.all(running.map((e) => e.close()));
    await target.close();
  });

  test('verify mode: the five headers, as openssl prints the fields, plus X-Forwarded-*', async () => {
    const e = await start({});
    const res = await as(e, clientA);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'hello world');
    assert.equal(res.headers['x-target'], 'yes');
    const h = last().headers;
    const fields = readOpensslFields(join(dir, 'clientA.pem'));
    assert.equal(h['x-amzn-mtls-clientcert-subject'], fields.subject);
    assert.equal(h['x-amzn-mtls-clientcert-issuer'], fields.issuer);
    assert.equal(h['x-amzn-mtls-clientcert-serial-number'], '03A5B1');
    assert.equal(h['x-amzn-mtls-clientcert-validity'], `NotBefore=${fields.notBefore};NotAfter=${fields.notAfter}`);
    const leaf = decodeURIComponent(String(h['x-amzn-mtls-clientcert-leaf']));
    assert.ok(new X509Certificate(leaf).raw.equals(Buffer.from(clientA.der)));
    assert.equal(h['x-amzn-mtls-clientcert'], undefined);
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'https');
    assert.equal(h['x-forwarded-port'], String(e.port));
    assert.equal(h.host, `127.0.0.1:${e.port}`);
    assert.match(String(h['x-amzn-trace-id']), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(last().url, '/path?q=1');
  });

  test('inbound X-Amzn-Mtls-* headers are removed, whatever their case; X-Forwarded-For is appended to', async () => {
    const e = await start({});
    await as(e, clientA, { headers: {
      'X-Amzn-Mtls-Clientcert-Subject': 'CN=admin', 'x-amzn-mtls-clientcert': 'junk', 'X-AMZN-MTLS-OTHER': 'x',
      'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'http',
    } });
    const { headers, rawHeaders } = last();
    assert.equal(rawHeaders.filter((n) => /^x-amzn-mtls-clientcert-subject$/i.test(n)).length, 1);
    assert.notEqual(headers['x-amzn-mtls-clientcert-subject'], 'CN=admin');
    assert.equal(headers['x-amzn-mtls-clientcert'], undefined);
    assert.equal(headers['x-amzn-mtls-other'], undefined);
    assert.equal(headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(headers['x-forwarded-proto'], 'https');
  });

  test('verify mode refuses: no certificate, an unknown CA, expired, an EKU without clientAuth', async () => {
    const e = await start({});
    const before = target.seen.length;
    await assert.rejects(as(e, undefined), { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    for (const cert of [stranger, expired, serverOnly]) await assert.rejects(as(e, cert), (err: Error) => err instanceof Error);
    assert.equal(target.seen.length, before, 'nothing reached the target');
  });

  test('ignoreClientCertificateExpiry forwards an expired certificate and nothing else more', async () => {
    const e = await start({ ignoreClientCertificateExpiry: true });
    const res = await as(e, expired);
    assert.equal(res.status, 200);
    assert.equal(last().headers['x-amzn-mtls-clientcert-validity'], 'NotBefore=2020-01-01T00:00:00Z;NotAfter=2021-01-01T00:00:00Z');
    const before = target.seen.length;
    for (const cert of [undefined, stranger, strangerExpired]) await assert.rejects(as(e, cert));
    assert.equal(target.seen.length, before);
    assert.equal((await as(e, clientA)).status, 200);
  });

  test('ignoreClientCertificateExpiry waives the leaf\'s expiry only: a wrong EKU or a pathLen violation still refuses', async () => {
    const past = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };
    const serverOnlyExpired = await pki.issueClient({ subject: 'CN=clientA', eku: ['serverAuth'], ...past });
    const e = await start({ ignoreClientCertificateExpiry: true });
    const before = target.seen.length;
    await assert.rejects(as(e, serverOnlyExpired));
    assert.equal(target.seen.length, before, 'an expired certificate without clientAuth was forwarded');
    // root (pathLenConstraint 0) -> intermediate -> expired leaf: the intermediate is one CA too many.
    const rootKey = newKey();
    const root = makeCert({ subject: cn('PathLen Root'), key: rootKey, extensions: caExtensions(rootKey, rootKey, { bc: X.bc(true, 0) }) });
    const ica = makeCert({ subject: cn('PathLen ICA'), key: newKey(), issuer: root, ca: true });
    const leafKey = newKey();
    const leaf = makeCert({ subject: cn('clientA'), key: leafKey, issuer: ica, ...past });
    const tooDeep = await start({ ignoreClientCertificateExpiry: true, trustStore: pem(root.der) });
    await assert.rejects(send({ url: tooDeep.url + '/', ca: tooDeep.serverCaPem, cert: pem(leaf.der) + pem(ica.der),
      key: leafKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }));
    assert.equal(target.seen.length, before, 'an expired certificate breaking pathLenConstraint was forwarded');
  });

  /** Starts an emulator that records its refusals; `next()` resolves with the next one. */
  const recording = async (o: Partial<AlbEmulatorOptions>): Promise<{ e: AlbEmulator; next(): Promise<TlsRefusal> }> => {
    const queue: TlsRefusal[] = [];
    const waiting: Array<(r: TlsRefusal) => void> = [];
    const e = await start({ ...o, onRefusal: (r) => (waiting.length > 0 ? waiting.shift()!(r) : queue.push(r)) });
    return { e, next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve))) };
  };

  test('every refusal is reported with its reason: verify mode, real TLS clients', async () => {
    const { e, next } = await recording({});
    const cases: Array<[TestCertificate | undefined, Partial<TlsRefusal>]> = [
      [undefined, { reason: 'no-certificate', code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', subject: undefined }],
      [expired, { reason: 'leaf-expired', code: 'CERT_HAS_EXPIRED', subject: 'CN=old' }],
      [stranger, { reason: 'untrusted', subject: 'CN=clientA' }],
      [serverOnly, { reason: 'eku', code: 'INVALID_PURPOSE', subject: 'CN=clientA' }],
    ];
    for (const [cert, want] of cases) {
      await assert.rejects(as(e, cert));
      const got = await next();
      assert.deepEqual(pick(got, want), want, `${cert?.subject ?? 'no certificate'}: ${JSON.stringify(got)}`);
      assert.equal(got.client, '127.0.0.1');
      assert.ok(got.message.length > 0);
    }
    await assert.rejects(send({ url: e.url + '/' })); // a client that does not trust the generated server certificate
    assert.deepEqual(pick(await next(), { reason: 'handshake' }), { reason: 'handshake' });
    await assert.rejects(send({ url: e.url.replace('https:', 'http:') + '/' }));
    assert.deepEqual(pick(await next(), { reason: 'handshake', code: 'ERR_SSL_HTTP_REQUEST' }), { reason: 'handshake', code: 'ERR_SSL_HTTP_REQUEST' });
    assert.equal((await as(e, clientA)).status, 200);
  });

  test('every refusal is reported with its reason: ignoreClientCertificateExpiry, where the emulator decides', async () => {
    const serverOnlyExpired = await pki.issueClient({ subject: 'CN=clientA', eku: ['serverAuth'],
      notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const { e, next } = await recording({ ignoreClientCertificateExpiry: true });
    const cases: Array<[TestCertificate | undefined, Partial<TlsRefusal>]> = [
      [undefined, { reason: 'no-certificate', subject: undefined }],
      [stranger, { reason: 'untrusted', subject: 'CN=clientA' }],
      [strangerExpired, { reason: 'untrusted', subject: 'CN=clientA' }],
      [serverOnlyExpired, { reason: 'eku', subject: 'CN=clientA' }],
    ];
    for (const [cert, want] of cases) {
      await assert.rejects(as(e, cert));
      const got = await next();
      assert.deepEqual(pick(got, want), want, `${cert?.subject ?? 'no certificate'}: ${JSON.stringify(got)}`);
      assert.equal(got.client, '127.0.0.1');
    }
    assert.equal((await as(e, expired)).status, 200);
  });

  test('passthrough forwards the chain the client sent, unverified; no certificate, no header', async () => {
    const e = await start({ mode: 'passthrough', trustStore: undefined });
    await as(e, clientA);
    const blocks = decodeURIComponent(String(last().headers['x-amzn-mtls-clientcert']))
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
    assert.deepEqual(blocks.map((b) => new X509Certificate(b).fingerprint256),
      [clientA.pem, pki.intermediate!.pem].map((p) => new X509Certificate(p).fingerprint256));
    assert.equal(last().headers['x-amzn-mtls-clientcert-subject'], undefined);
    assert.equal((await as(e, stranger)).status, 200);
    assert.ok(last().headers['x-amzn-mtls-clientcert']);
    assert.equal((await as(e, undefined, { headers: { 'X-Amzn-Mtls-Clientcert': 'forged' } })).status, 200);
    assert.equal(last().headers['x-amzn-mtls-clientcert'], undefined);
  });

  test('bodies stream both ways; a down target is a 502, a silent one a 504', async () => {
    const e = await start({});
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const res = await as(e, clientA, { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.equal(last().bodySha256, createHash('sha256').update(body).digest('hex'));
    const down = await start({ target: 'http://127.0.0.1:1' });
    const bad = await as(down, clientA);
    assert.equal(bad.status, 502);
    assert.match(bad.body, /502 Bad Gateway/);
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    after(() => { silent.closeAllConnections(); silent.close(); });
    const slow = await start({ target: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, idleTimeout: 0.3 });
    assert.equal((await as(slow, clientA)).status, 504);
  });

  test('renamed headers are sent under their new names, and inbound copies removed', async () => {
    const e = await start({ headerNames: { subject: 'X-Client-Subject', leaf: 'x-client-leaf' } });
    await as(e, clientA, { headers: { 'x-client-subject': 'CN=admin' } });
    const h = last().headers;
    assert.equal(h['x-client-subject'], readOpensslFields(join(dir, 'clientA.pem')).subject);
    assert.ok(h['x-client-leaf']);
    assert.equal(h['x-amzn-mtls-clientcert-subject'], undefined);
  });

  test('sourceAddress: the target sees the emulator as that address', async (t) => {
    if (!(await canBind('127.0.0.2'))) return t.skip('127.0.0.2 is not a local address here');
    const e = await start({ sourceAddress: '127.0.0.2' });
    await as(e, clientA);
    assert.equal(last().peer, '127.0.0.2');
  });

  test('in front of albMtls(): verify mode decoded; passthrough verified by the library, CRL included', async () => {
    const revoked = await pki.issueClient({ subject: 'CN=revoked' });
    const crl = await pki.issueCrl([revoked.serialNumber]);
    const report = (app: express.Express): express.Express => app
      .use((req, res) => { res.json({ cn: req.clientCert?.commonName ?? null, by: req.clientCert?.verifiedBy ?? null }); })
      .use((err: { status: number; code: string }, _q: express.Request, res: express.Response, _n: express.NextFunction) => {
        res.status(err.status).json({ code: err.code });
      });
    const verifyApp = report(express().use(albMtls()));
    const passApp = report(express().use(albMtls({ mode: 'passthrough', trustStore: pki.trustStorePem, crls: crl.pem })));
    const servers = await Promise.all([verifyApp, passApp].map((app) => new Promise<http.Server>((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve(server));
    })));
    after(() => servers.forEach((server) => { server.closeAllConnections(); server.close(); }));
    const url = (i: number): string => `http://127.0.0.1:${(servers[i]!.address() as AddressInfo).port}`;
    const verify = await start({ target: url(0) });
    const pass = await start({ target: url(1), mode: 'passthrough', trustStore: undefined });
    assert.deepEqual(JSON.parse((await as(verify, clientA)).body), { cn: 'clientA', by: 'alb' });
    assert.deepEqual(JSON.parse((await as(pass, clientA)).body), { cn: 'clientA', by: 'local' });
    const strangerAnswer = await as(pass, stranger);
    assert.deepEqual([strangerAnswer.status, JSON.parse(strangerAnswer.body)], [401, { code: 'ERR_MTLS_CHAIN_INVALID' }]);
    const revokedAnswer = await as(pass, revoked);
    assert.deepEqual([revokedAnswer.status, JSON.parse(revokedAnswer.body)], [401, { code: 'ERR_MTLS_CERT_REVOKED' }]);
    assert.deepEqual(JSON.parse((await as(pass, undefined)).body), { cn: null, by: null });
  });

  test('bad options are TypeErrors naming the option', async () => {
    const cases: Array<[Partial<AlbEmulatorOptions>, RegExp]> = [
      [{ trustStore: undefined }, /trustStore: is required/],
      [{ mode: 'passthrough' }, /trustStore: applies to mode 'verify'/],
      [{ target: 'https://127.0.0.1:1' }, /target: must be an http/],
      [{ port: 70000 }, /port/],
      [{ cert: 'x' }, /cert and key go together/],
      [{ trustStore: 'not pem' }, /trustStore\[0\]/],
    ];
    for (const [o, message] of cases) await assert.rejects(start(o), (e: unknown) => e instanceof TypeError && message.test(e.message));
  });
});

interface CliRun {
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout matches `pattern` (rejects if the process exits first). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  interrupt(): void;
}

/** Runs the real bin (through tsx), killed after 20 s whatever happens. */
function runCli(args: string[]): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c; });
  child.stderr.on('data', (c: Buffer) => { stderr += c; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { clearTimeout(timer); resolve(code); }));
  return {
    exited, output: () => ({ stdout, stderr }), interrupt: () => child.kill('SIGINT'),
    waitFor: (pattern) => new Promise((resolve, reject) => {
      const check = (): void => {
        const m = pattern.exec(stdout);
        if (m) resolve(m);
      };
      child.stdout.on('data', check);
      check();
      void exited.then(() => reject(new Error(`exited before printing ${pattern}: ${stderr}`)));
    }),
  };
}

async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runCli(args);
  const code = await run.exited;
  return { code, ...run.output() };
}

describe('express-alb-mtls proxy (the bin)', { skip }, () => {
  const dir = tempDir();

  test('--help documents every flag and exits 0', async () => {
    const [r, main] = await Promise.all([runToEnd(['proxy', '--help']), runToEnd(['--help'])]);
    assert.equal(r.code, 0);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /proxy/);
    for (const flag of ['--target', '--mode', '--trust-store', '--ignore-client-certificate-expiry', '--cert', '--key', '--port',
      '--host', '--source-address', '--header-name', '--idle-timeout', '--quiet', '--help']) assert.ok(r.stdout.includes(flag), flag);
  });

  test('usage mistakes: one line on stderr, exit 2', async () => {
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello');
    const cases = [
      ['proxy', '--bogus'], ['proxy', '--target', 'http://127.0.0.1:1', '--mode', 'sideways', '--trust-store', 'x'],
      ['proxy', '--target', 'http://127.0.0.1:1', '--trust-store', join(dir, 'missing.pem')],
      ['proxy', '--target', 'http://127.0.0.1:1', '--trust-store', join(dir, 'not-a-cert.pem')],
      ['proxy', '--target', 'http://127.0.0.1:1', '--mode', 'passthrough', '--port', 'eighty'],
      ['proxy'], ['frobnicate'], [],
    ];
    const results = await Promise.all(cases.map(runToEnd)); // each start of tsx takes a second or two
    for (const [i, r] of results.entries()) {
      const args = cases[i]!.join(' ');
      assert.equal(r.code, 2, args);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^express-alb-mtls: [^\n]+\n$/, args);
    }
  });

  test('an unknown flag close to a known one gets a did-you-mean', async () => {
    const [camel, far] = await Promise.all([runToEnd(['proxy', '--trustStore', 'x']), runToEnd(['proxy', '--zzz'])]);
    assert.equal(camel.code, 2);
    assert.match(camel.stderr, /Unknown option '--trustStore'\. Did you mean "--trust-store"\?/);
    assert.equal(far.code, 2);
    assert.doesNotMatch(far.stderr, /Did you mean/);
  });

  test('logs why each TLS connection was refused (curl as the client), in verify mode and with --ignore-client-certificate-expiry, even with --quiet', async (t) => {
    const hasCurl = await new Promise<boolean>((resolve) => execFile('curl', ['--version'], (error) => resolve(!error)));
    if (!hasCurl) return t.skip('curl is not installed');
    const pki = await createTestPki();
    const other = await createTestPki();
    const past = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };
    const certs = {
      expired: await pki.issueClient({ subject: 'CN=old', ...past }),
      stranger: await other.issueClient({ subject: 'CN=stranger' }),
      serverOnly: await pki.issueClient({ subject: 'CN=server-only', eku: ['serverAuth'], ...past }),
    };
    writeFileSync(join(dir, 'ca.pem'), pki.trustStorePem);
    for (const [name, cert] of Object.entries(certs)) {
      writeFileSync(join(dir, `${name}.pem`), cert.chainPem);
      writeFileSync(join(dir, `${name}.key`), cert.keyPem);
    }
    const target = await echoTarget();
    const client = (url: string, name?: string): Promise<void> => new Promise((resolve) => {
      execFile('curl', ['-sk', '--max-time', '5', ...(name ? ['--cert', join(dir, `${name}.pem`), '--key', join(dir, `${name}.key`)] : []), url],
        () => resolve());
    });
    for (const extra of [[], ['--ignore-client-certificate-expiry']]) {
      const run = runCli(['proxy', '--port', '0', '--quiet', '--target', target.url, '--trust-store', join(dir, 'ca.pem'), ...extra]);
      try {
        const url = (await run.waitFor(/listening on (https:\/\/\S+)/))[1]! + '/';
        const expect: Array<[keyof typeof certs | undefined, RegExp]> = [
          [undefined, /refused TLS connection from 127\.0\.0\.1: no-certificate: /],
          ['stranger', /refused TLS connection from 127\.0\.0\.1: untrusted: .*subject "CN=stranger"/],
          ['serverOnly', /refused TLS connection from 127\.0\.0\.1: eku: .*subject "CN=server-only"/],
        ];
        if (extra.length === 0) expect.push(['expired', /refused TLS connection from 127\.0\.0\.1: leaf-expired: .*CERT_HAS_EXPIRED.*subject "CN=old"/]);
        for (const [name, line] of expect) {
          await client(url, name);
          await run.waitFor(line).catch((error: Error) => { throw new Error(`${error.message}\n${run.output().stdout}`); });
        }
        assert.equal(target.seen.length, 0, 'a refused client reached the target');
      } finally {
        run.interrupt();
        await run.exited;
      }
      assert.equal(await run.exited, 0, run.output().stderr);
    }
    await target.close();
  });

  test('runs, forwards, and stops on SIGINT with status 0', async () => {
    const target = await echoTarget();
    const run = runCli(['proxy', '--mode', 'passthrough', '--port', '0', '--target', target.url]);
    try {
      const url = (await run.waitFor(/listening on (https:\/\/\S+)/))[1]!;
      // The generated server certificate is not trusted by default: a refusal proves TLS is on.
      await assert.rejects(send({ url }), /self-signed|unable to verify|certificate/i);
      const status = await new Promise<number>((resolve, reject) => {
        https.get(url + '/x', { rejectUnauthorized: false, timeout: 5000 }, (m) => {
          m.resume();
          resolve(m.statusCode ?? 0);
        }).on('error', reject);
      });
      assert.equal(status, 200);
      assert.equal(target.seen.length, 1);
      await run.waitFor(/"GET \/x" 200/);
    } finally {
      run.interrupt();
      assert.equal(await run.exited, 0);
      await target.close();
    }
  });
});
