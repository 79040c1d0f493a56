/**
 * `npm run bench:sources`: the warm cost of every front door, all in one server so that the figures share
 * the machine's state. The server mounts, for each source, `mtls({ source })` + `requireCN('clientA')`, and
 * bare Express (no handler). The load cycles through them: each request carries one source's headers for
 * one certificate, as its front door writes them, and a header naming the chain to run. The time inside
 * each chain is recorded, less bare's (the timers' own floor), and compared with ALB's and with bare
 * Express's CPU per request (the server's whole CPU per request, less the mean time inside the chains).
 *
 *   npm run bench:sources -- --rounds 5 --requests 30000 --express 5
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RequestHandler } from 'express';
import { loadFixtures, readFixtures, verifyHeaders } from './fixtures.js';
import { runLoad, ServerProcess } from './http/load.js';
import { failed, runTimed } from './http/paired-server.js';
import { markdownTable, median } from './stats.js';
import { mtls, requireCN, type MtlsOptions } from '../src/index.js';
import { frontDoorHeaders } from '../src/testing/index.js';

const CHAINS: ReadonlyArray<readonly [string, MtlsOptions | undefined]> = [
  ['bare Express', undefined],
  ['alb (verify)', { source: 'alb' }],
  ['envoy', { source: 'envoy' }],
  ['envoy, no Cert (partial)', { source: 'envoy', headerNames: { xfcc: 'x-xfcc-partial' } }],
  ['rfc9440', { source: 'rfc9440' }],
  ['nginx', { source: 'nginx' }],
  ['traefik', { source: 'traefik' }],
  ['gcp', { source: 'gcp' }],
  ['azure (application-gateway)', { source: 'azure', mode: 'application-gateway' }],
  ['cloudfront', { source: 'cloudfront' }],
];

/** The headers chain `index`'s front door sends for `leaf`. */
function headersFor(index: number, leaf: string): Record<string, string> {
  const options = CHAINS[index]![1]!;
  if (options.source === 'alb') return verifyHeaders(leaf);
  if (index === PARTIAL) return { 'x-xfcc-partial': frontDoorHeaders('envoy', leaf, { details: ['Subject', 'URI', 'DNS'] })['x-forwarded-client-cert']! };
  if (options.source === 'azure') return frontDoorHeaders('azure', leaf, { mode: 'application-gateway' });
  return frontDoorHeaders(options.source as 'envoy', leaf);
}
const PARTIAL = 3;

const CHAIN_HEADER = 'x-bench-chain';

async function serve(express: string): Promise<void> {
  const { default: createApp } = express === '4' ? await import('express4') : await import('express');
  const app = (createApp as unknown as () => import('express').Express)();
  const chains: RequestHandler[][] = CHAINS.map(([, options]) => (options ? [mtls(options), requireCN('clientA')] : []));
  let samples: number[][] = chains.map(() => []);
  let cpuStart = process.cpuUsage();
  app.use((req, res, next) => {
    void req.headers;
    const which = Number(req.headers[CHAIN_HEADER]);
    const { us, error } = runTimed(chains[which]!, req, res);
    samples[which]!.push(us);
    if (error !== undefined || (which > 0 && req.clientCert === undefined)) res.status(500).end();
    else next();
  });
  app.get('/', (_req, res) => { res.send('ok'); });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'reset') {
      samples = chains.map(() => []);
      cpuStart = process.cpuUsage();
      process.send!({ type: 'reset' });
    } else if (message.type === 'stats') {
      const cpu = process.cpuUsage(cpuStart);
      const count = samples.reduce((n, s) => n + s.length, 0);
      const insideMean = samples.reduce((sum, s) => sum + s.reduce((a, b) => a + b, 0), 0) / count;
      process.send!({ type: 'stats', sources: { medians: samples.map(median), cpuPerRequestUs: (cpu.user + cpu.system) / count, insideMean } });
    } else if (message.type === 'exit') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
}

interface Stats { readonly medians: number[]; readonly cpuPerRequestUs: number; readonly insideMean: number }

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    rounds: { type: 'string', default: '5' }, requests: { type: 'string', default: '30000' },
    connections: { type: 'string', default: '10' }, express: { type: 'string', default: '5' },
  } });
  await loadFixtures(2000, (line) => console.error(line));
  const leaf = readFixtures().ecdsa.leaf;
  // Request i runs chain i mod n; bare Express gets ALB's headers (it reads none).
  const sets = CHAINS.map((_, index) => ({ ...headersFor(index === 0 ? 1 : index, leaf), [CHAIN_HEADER]: String(index) }));
  const server = await ServerProcess.fork(fileURLToPath(import.meta.url), ['--serve', values.express!]);
  const rounds: Stats[] = [];
  try {
    const load = { amount: Number(values.requests), maxSeconds: 180, connections: Number(values.connections), headersFor: (i: number) => sets[i % sets.length]! };
    await runLoad(server.port, load);
    for (let round = 0; round < Number(values.rounds); round++) {
      await server.ask({ type: 'reset' });
      const result = await runLoad(server.port, load);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
      rounds.push((await server.ask({ type: 'stats' }) as unknown as { sources: Stats }).sources);
    }
  } finally {
    await server.stop();
  }
  report(rounds, values.express!);
}

function report(rounds: readonly Stats[], express: string): void {
  // Bare Express's CPU per request: the whole process's, less the mean time spent inside the chains.
  const bare = rounds.map((r) => r.cpuPerRequestUs - r.insideMean);
  const inside = (r: Stats, i: number): number => r.medians[i]! - r.medians[0]!;
  const range = (xs: number[], digits: number): string => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `${median(xs).toFixed(digits)} (${sorted[0]!.toFixed(digits)}–${sorted.at(-1)!.toFixed(digits)})`;
  };
  const rows = CHAINS.slice(1).map(([name], k) => {
    const i = k + 1;
    return [name, range(rounds.map((r) => inside(r, i)), 2), range(rounds.map((r) => inside(r, i) / inside(r, 1)), 2),
      range(rounds.map((r, n) => (inside(r, i) / bare[n]!) * 100), 2)];
  });
  console.log(`**Warm cost per source, Express ${express}, ${rounds.length} rounds; bare Express ${median(bare).toFixed(1)} µs CPU per request**\n`);
  console.log(markdownTable(['source (mtls + requireCN)', 'inside, µs', '× alb', '% of bare Express CPU'], rows));
}

if (process.argv[2] === '--serve') serve(process.argv[3] ?? '5').catch(failed);
else await main();
