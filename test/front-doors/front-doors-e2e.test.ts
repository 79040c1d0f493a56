/**
 * End to end against TLS terminators we did not write: Debian's HAProxy and Caddy forward the client
 * certificate as RFC 9440 `Client-Cert` to an app using `mtls({ source: 'rfc9440' })`, Debian's Apache httpd
 * forwards it as the URL-escaped PEM plus `SSL_CLIENT_VERIFY` to an app using `mtls({ source: 'nginx' })`.
 * Each proxy runs with the config the docs show (`helpers/proxy-configs.ts`). Asserted for every DN corpus
 * certificate: what the proxy forwards (byte for byte, and as `frontDoorHeaders()` writes it) and the fields
 * the app decodes, against openssl's and node:crypto's reading of the same certificate;
 * and that a client without a certificate, with a forged header, or with a certificate from a CA the proxy
 * does not trust gets no certificate into the app.
 *
 * Without a proxy binary its tests skip, saying why; with `CI` set, a missing binary is a failure.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestPki, frontDoorHeaders } from '../../src/testing/index.js';
import { buildDnCorpus, EXPECTED_CN, type CorpusEntry, type DnCorpus } from '../helpers/dn-corpus.js';
import { startProxyApp, type DecodedReport, type ProxyApp, type ProxySource } from '../helpers/servers/proxy-app.js';
import { send, type ClientResponse } from '../helpers/servers/https-client.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';
import { findProxy, startProxy, type FrontDoor, type RunningProxy } from '../helpers/servers/proxies.js';

function proxySkip(door: FrontDoor): string | false {
  const lookup = findProxy(door);
  if (!('missing' in lookup)) return skipWithoutOpenssl();
  if (process.env.CI) throw new Error(`${door} end-to-end test cannot run in CI: ${lookup.missing}`);
  process.stderr.write(`front-doors-e2e: ${door} skipped: ${lookup.missing}\n`);
  return lookup.missing;
}

const b64 = (der: Uint8Array): string => Buffer.from(der).toString('base64');
const isoNoMillis = (iso: string): string => iso.replace(/\.000Z$/, 'Z');
type Headers = Record<string, string | string[] | undefined>;

/** Every header a client could forge, for both sources, all naming `decoy` (a real, trusted certificate). */
function forgedHeaders(decoy: CorpusEntry): Record<string, string> {
  return {
    'Client-Cert': `:${b64(decoy.der)}:`, 'Client-Cert-Chain': `:${b64(decoy.der)}:`,
    'SSL-Client-Cert': encodeURIComponent(decoy.pem), 'SSL-Client-Verify': 'SUCCESS',
    'SSL-Client-Subject-DN': decoy.expected.subject, 'SSL-Client-Issuer-DN': decoy.expected.issuer,
  };
}

/**
 * OpenSSL's `-nameopt RFC2253` text with its `\XX` escapes of bytes >= 0x80 turned back into those bytes:
 * Apache's DN (`XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB`), as the latin1 string Node makes of a header.
 * Trailing spaces go: HTTP strips them.
 */
function withoutMsbEscapes(openssl: string): string {
  return openssl.replace(/\\(?:([89A-F][0-9A-F])|([^]))/g, (_, hex?: string, other?: string) =>
    hex === undefined ? `\\${other}` : String.fromCharCode(parseInt(hex, 16))).replace(/[ \t]+$/, '');
}

/**
 * What the proxy forwarded, checked against the certificate the client really presented (or none): the
 * exact RFC 9440 byte sequence, or Apache's escaped PEM and verify result; never a client-sent copy.
 */
function assertForwarded(source: ProxySource, h: Headers, presented: CorpusEntry | undefined): void {
  if (source === 'rfc9440') {
    assert.equal(h['client-cert'], presented && `:${b64(presented.der)}:`);
    assert.equal(h['client-cert-chain'], undefined);
    return;
  }
  const cert = h['ssl-client-cert'];
  if (presented === undefined) assert.equal(cert, undefined);
  else assert.deepEqual(new X509Certificate(decodeURIComponent(String(cert))).raw, Buffer.from(presented.der));
  assert.equal(h['ssl-client-verify'], presented ? 'SUCCESS' : 'NONE');
  assert.equal(h['ssl-client-subject-dn'], presented && withoutMsbEscapes(presented.expected.subject));
  assert.equal(h['ssl-client-issuer-dn'], presented && withoutMsbEscapes(presented.expected.issuer));
}

/** `frontDoorHeaders()` (for tests of apps behind a proxy) writes what the real proxy wrote. */
function assertHelperAgrees(source: ProxySource, h: Headers, entry: CorpusEntry): void {
  const ours = frontDoorHeaders(source, entry.pem);
  if (source === 'rfc9440') assert.equal(ours['client-cert'], h['client-cert']);
  // nginx's escaping (which the helper copies) also escapes + / =, Apache's does not: equal once decoded.
  else assert.equal(decodeURIComponent(ours['ssl-client-cert']!), decodeURIComponent(String(h['ssl-client-cert'])));
}

/** The decoded fields, against `openssl x509 -nameopt RFC2253` and node:crypto for the same certificate. */
function assertDecoded(res: ClientResponse, entry: CorpusEntry, source: ProxySource): void {
  assert.equal(res.status, 200, res.body);
  const body = JSON.parse(res.body) as DecodedReport;
  assert.equal(body.subject, entry.expected.subject);
  assert.equal(body.issuer, entry.expected.issuer);
  assert.equal(body.serialNumber, entry.expected.serial);
  assert.equal(isoNoMillis(body.notBefore), entry.expected.notBefore);
  assert.equal(isoNoMillis(body.notAfter), entry.expected.notAfter);
  assert.equal(body.commonName, EXPECTED_CN[entry.name] ?? null);
  assert.equal(body.fingerprint256, new X509Certificate(entry.pem).fingerprint256);
  assert.equal(body.raw, b64(entry.der));
  assert.deepEqual(new X509Certificate(body.pem).raw, Buffer.from(entry.der));
  assert.equal(body.chain, 0);
  assert.equal(body.source, source);
  assert.equal(body.verifiedBy, 'proxy');
}

const DOORS: ReadonlyArray<{ door: FrontDoor; source: ProxySource }> = [
  { door: 'haproxy', source: 'rfc9440' },
  { door: 'caddy', source: 'rfc9440' },
  { door: 'apache', source: 'nginx' },
];

type ClientCert = CorpusEntry | { pem: string; keyPem: string };
type Through = (path: string, o?: { cert?: ClientCert; headers?: Record<string, string> }) => Promise<ClientResponse>;

/** What the tests of one proxy share, filled in by before(). */
interface Harness {
  corpus: DnCorpus;
  app: ProxyApp;
  /** A client certificate from a CA the proxy does not trust. */
  stranger: { pem: string; keyPem: string };
  /** One request through the proxy, with the server name and Host the proxy's site expects. */
  through: Through;
}

/** Registers before()/after() that build the corpus and start the app and the proxy in front of it. */
function harness(door: FrontDoor, source: ProxySource): Harness {
  const dir = tempDir(`alb-mtls-${door}-`);
  const h = {} as Harness;
  let proxy: RunningProxy | undefined;
  before(async () => {
    h.corpus = buildDnCorpus(dir);
    h.app = await startProxyApp(source);
    const pki = await createTestPki({ rootSubject: `CN=${door} e2e server CA` });
    const server = await pki.issueServer();
    h.stranger = await pki.issueClient({ subject: 'CN=stranger' });
    const lookup = findProxy(door);
    if ('missing' in lookup) throw new Error(lookup.missing);
    const running = await startProxy(door, lookup, { dir: join(dir, door), serverCertPem: server.pem, serverKeyPem: server.keyPem,
      clientCaPems: h.corpus.caPaths.map((p) => readFileSync(p, 'latin1')), appPort: h.app.port });
    proxy = running;
    h.through = (path, o = {}) => send({ url: running.url + path, ca: pki.root.pem, servername: running.servername,
      headers: { ...o.headers, host: running.host }, cert: o.cert?.pem,
      key: o.cert && ('keyPem' in o.cert ? o.cert.keyPem : readFileSync(o.cert.keyPath, 'utf8')) });
  });
  after(async () => {
    await proxy?.stop();
    await h.app?.close();
  });
  return h;
}

const headersSeen = async (h: Harness, o?: Parameters<Through>[1]): Promise<Headers> =>
  JSON.parse((await h.through('/headers', o)).body) as Headers;

/** No certificate, forged headers, an untrusted CA: nothing reaches the app as a certificate. */
function refusalTests(h: Harness, source: ProxySource): void {
  for (const forged of [false, true]) {
    test(`no client certificate${forged ? ', forged certificate headers' : ''}: the proxy forwards none, 401 ERR_MTLS_CERT_REQUIRED`, async () => {
      const headers = forged ? forgedHeaders(h.corpus.entries[0]!) : undefined;
      assertForwarded(source, await headersSeen(h, { headers }), undefined);
      const res = await h.through('/', { headers });
      assert.equal(res.status, 401, res.body);
      assert.deepEqual(JSON.parse(res.body), { error: 'ERR_MTLS_CERT_REQUIRED' });
    });
  }
  test('forged certificate headers next to a real client certificate: the real one reaches the app', async () => {
    const [decoy, real] = [h.corpus.entries[0]!, h.corpus.entries[1]!];
    const headers = forgedHeaders(decoy);
    assertForwarded(source, await headersSeen(h, { cert: real, headers }), real);
    assertDecoded(await h.through('/', { cert: real, headers }), real, source);
  });
  test('a certificate from a CA the proxy does not trust never reaches the app', async () => {
    const before = h.app.hits();
    const outcome = await h.through('/', { cert: h.stranger }).then((r) => `HTTP ${r.status}`, (e: Error) => e.message);
    assert.doesNotMatch(outcome, /^HTTP 2/);
    assert.equal(h.app.hits(), before, `the app was reached: ${outcome}`);
  });
}

for (const { door, source } of DOORS) {
  describe(`${door} in front of mtls({ source: '${source}' }), on the DN corpus`, { skip: proxySkip(door) }, () => {
    const h = harness(door, source);
    refusalTests(h, source);
    test('every corpus certificate: forwarded as frontDoorHeaders() writes it, decoded as openssl and node:crypto read it', async (t) => {
      for (const entry of h.corpus.entries) {
        await t.test(entry.name, async () => {
          const forwarded = await headersSeen(h, { cert: entry });
          assertForwarded(source, forwarded, entry);
          assertHelperAgrees(source, forwarded, entry);
          assertDecoded(await h.through('/', { cert: entry }), entry, source);
        });
      }
    });
    test('the corpus reached the proxy whole', () => {
      assert.ok(h.corpus.entries.length >= 15);
      assert.deepEqual(Object.keys(EXPECTED_CN).sort(), h.corpus.entries.map((e) => e.name).sort());
    });
  });
}
