/**
 * `npm run demo`: examples/route-by-cn.ts behind the local ALB emulator, with real mutual TLS on loopback.
 * Generates a PKI in a temporary folder, makes the requests the README talks about, prints each outcome,
 * exits 1 if any is not the expected one, and removes everything it made.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createApp } from '../examples/route-by-cn.js';
import { startAlbEmulator, type AlbEmulator } from '../src/testing/emulator/emulator.js';
import { albMtls } from '../src/middleware.js';
import { albHeaders, createTestPki, type TestCertificate } from '../src/testing/index.js';
import { canBind, send, type ClientRequest } from '../test/helpers/servers/https-client.js';
import { checkOutcome, type Expectation, type Outcome } from './demo-check.js';

/** Which loopback addresses play "ALB node" and "somebody else" here. */
interface Hops {
  readonly albNode: string;
  readonly attacker: string;
  readonly appHost: string;
  readonly why: string;
}

async function chooseHops(): Promise<Hops> {
  // Linux routes all of 127/8 to loopback: the emulator connects from 127.0.0.2, anybody else from 127.0.0.1.
  if (await canBind('127.0.0.2')) {
    return { albNode: '127.0.0.2', attacker: '127.0.0.1', appHost: '127.0.0.1', why: 'the emulator connects from 127.0.0.2' };
  }
  // macOS has only 127.0.0.1 on lo0 by default, but IPv6 loopback too: the attacker comes from ::1.
  return { albNode: '127.0.0.1', attacker: '::1', appHost: '::', why: 'the emulator connects from 127.0.0.1, the attacker from ::1' };
}

function listen(app: express.Express, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, host, () => resolve(server));
    server.once('error', reject);
  });
}

async function attempt(label: string, request: ClientRequest, expected: Expectation): Promise<boolean> {
  let outcome: Outcome;
  try {
    const res = await send(request);
    outcome = { kind: 'answer', status: res.status, body: res.body };
  } catch (error) {
    outcome = { kind: 'refused', reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
  const { ok, line } = checkOutcome(outcome, expected);
  console.log(`${ok ? ' ok ' : ' UNEXPECTED '} ${label}\n       -> ${line}${ok ? '' : `   (expected ${expected.describe})`}`);
  return ok;
}

function tls(cert: TestCertificate | undefined): Pick<ClientRequest, 'cert' | 'key'> {
  return cert ? { cert: cert.chainPem, key: cert.keyPem } : {};
}

async function run(dir: string, closers: Array<() => Promise<void> | void>): Promise<boolean> {
  const pki = await createTestPki({ intermediate: true, rootSubject: 'CN=Demo Root CA,O=express-alb-mtls demo',
    intermediateSubject: 'CN=Demo Issuing CA,O=express-alb-mtls demo' });
  const clientA = await pki.issueClient({ subject: 'CN=clientA,OU=demo,O=Example Corp' });
  const clientB = await pki.issueClient({ subject: 'CN=clientB,OU=demo,O=Example Corp' });
  for (const [name, text] of [['root-ca.pem', pki.root.pem], ['clientA.pem', clientA.chainPem], ['clientA.key', clientA.keyPem],
    ['clientB.pem', clientB.chainPem], ['clientB.key', clientB.keyPem]] as const) writeFileSync(join(dir, name), text);
  const hops = await chooseHops();

  // The example app as is, behind a stricter albMtls(): mTLS headers count only from the "ALB node". In AWS
  // that address list is your load balancer's subnets (the default trusts every private address).
  const app = express();
  app.use(albMtls({ trustedProxies: hops.albNode }));
  app.use(createApp({ onWarning: () => undefined }));
  // Express's default handler would print a stack trace per refused request; one line is enough here.
  app.use((err: { status?: number; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).type('text').send(err.message ?? 'error');
  });
  const server = await listen(app, hops.appHost);
  closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const appPort = (server.address() as AddressInfo).port;
  const emulator: AlbEmulator = await startAlbEmulator({
    target: `http://127.0.0.1:${appPort}`, trustStore: pki.trustStorePem, sourceAddress: hops.albNode,
  });
  closers.push(() => emulator.close());

  console.log(`PKI:      ${pki.root.subject} > ${pki.intermediate!.subject} > clientA, clientB\n          (in ${dir}, removed at the end)`);
  console.log(`app:      examples/route-by-cn.ts on http://127.0.0.1:${appPort}, trusting mTLS headers only from ${hops.albNode}`);
  console.log(`emulator: ${emulator.url} (verify mode, trust store: the demo root CA) -> app; ${hops.why}\n`);

  const via = { ca: emulator.serverCaPem! };
  const forged = albHeaders(clientA.pem); // perfectly well-formed headers for clientA, minus the certificate
  // Straight to the app, over the address family of the source address.
  const direct = (from: string): string => `http://${from.includes(':') ? '[::1]' : '127.0.0.1'}:${appPort}/listener`;
  const results = [
    await attempt('clientA via the emulator: GET /listener (the ALB listener rule, run in the app)',
      { url: `${emulator.url}/listener`, ...via, ...tls(clientA) }, { status: 200, body: 'Success!!', describe: '200 Success!!' }),
    await attempt('clientA via the emulator: GET / (routeByCert { cn: "clientA" })',
      { url: `${emulator.url}/`, ...via, ...tls(clientA) }, { status: 200, body: 'target A: hello clientA', describe: '200' }),
    await attempt('clientB via the emulator: GET /listener',
      { url: `${emulator.url}/listener`, ...via, ...tls(clientB) }, { status: 403, describe: '403 (no rule matched)' }),
    await attempt('clientB via the emulator: GET /',
      { url: `${emulator.url}/`, ...via, ...tls(clientB) }, { status: 403, describe: '403 Forbidden' }),
    await attempt('no certificate via the emulator: GET /listener',
      { url: `${emulator.url}/listener`, ...via }, { refused: true, describe: 'TLS handshake refused' }),
    await attempt('clientB via the emulator with forged X-Amzn-Mtls-* headers of clientA (the emulator removes them)',
      { url: `${emulator.url}/listener`, ...via, ...tls(clientB), headers: forged }, { status: 403, describe: '403' }),
    await attempt(`forged X-Amzn-Mtls-* headers of clientA sent straight to the app from ${hops.attacker} (untrusted hop)`,
      { url: direct(hops.attacker), headers: forged, localAddress: hops.attacker }, { status: 403, describe: '403: headers ignored' }),
    // The contrast, and the reason for security groups: whoever can connect from the trusted address is believed.
    await attempt(`(contrast) the same forged headers straight to the app from ${hops.albNode}, the trusted ALB-node address`,
      { url: direct(hops.albNode), headers: forged, localAddress: hops.albNode }, { status: 200, body: 'Success!!', describe: '200: believed' }),
  ];
  console.log('\nIn AWS, only the load balancer may reach the app (security groups), and trustedProxies lists its subnets.');
  const good = results.filter(Boolean).length;
  console.log(good === results.length ? `\nall ${good} outcomes as expected` : `\n${results.length - good} of ${results.length} outcomes UNEXPECTED`);
  return good === results.length;
}

async function main(): Promise<void> {
  console.log('express-alb-mtls demo: an Express app behind a local ALB emulator, with real mutual TLS\n');
  const dir = mkdtempSync(join(tmpdir(), 'alb-mtls-demo-'));
  const closers: Array<() => Promise<void> | void> = [];
  let ok = false;
  try {
    ok = await run(dir, closers);
  } catch (error) {
    console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
  } finally {
    for (const close of closers.reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = ok ? 0 : 1;
}

await main();
