/**
 * `npm run bench:sources`: the warm cost of every front door. For each source, one server mounts
 * `mtls({ source })` + `requireCN('clientA')` and runs it, or nothing (bare Express), at random for every
 * request; the requests carry that source's headers for one certificate, as its front door writes them.
 * The time inside the chain is recorded, and compared with bare Express's CPU per request in the same run
 * (the server's whole CPU per request, less the mean time inside the chain).
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

async function serve(express: string, index: number): Promise<void> {
  const { default: createApp } = express === '4' ? await import('express4') : await import('express');
  const app = (createApp as unknown as () => import('express').Express)();
  const chains: RequestHandler[][] = [[], [mtls(CHAINS[index]![1]!), requireCN('clientA')]];
  let samples: number[][] = chains.map(() => []);
  let cpuStart = process.cpuUsage();
  app.use((req, res, next) => {
    void req.headers;
    const which = Math.floor(Math.random() * chains.length);
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
  const results: Stats[][] = [];
  for (let index = 1; index < CHAINS.length; index++) {
    const headers = headersFor(index, leaf);
    const server = await ServerProcess.fork(fileURLToPath(import.meta.url), ['--serve', values.express!, String(index)]);
    const perRound: Stats[] = [];
    try {
      const load = { amount: Number(values.requests), maxSeconds: 120, connections: Number(values.connections), headersFor: () => headers };
      await runLoad(server.port, load);
      for (let round = 0; round < Number(values.rounds); round++) {
        await server.ask({ type: 'reset' });
        const result = await runLoad(server.port, load);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${CHAINS[index]![0]}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        perRound.push((await server.ask({ type: 'stats' }) as unknown as { sources: Stats }).sources);
      }
    } finally {
      await server.stop();
    }
    results.push(perRound);
  }
  report(results, values.express!);
}

function report(results: ReadonlyArray<readonly Stats[]>, express: string): void {
  const rows = results.map((rounds, i) => {
    // Bare Express's CPU per request: the whole process's, less the mean time spent inside the chain.
    const bare = rounds.map((r) => r.cpuPerRequestUs - r.insideMean);
    const inside = rounds.map((r) => r.medians[1]! - r.medians[0]!);
    const share = inside.map((us, k) => (us / bare[k]!) * 100);
    const sorted = [...share].sort((a, b) => a - b);
    return [CHAINS[i + 1]![0], median(inside).toFixed(2), median(bare).toFixed(1),
      `${median(share).toFixed(2)} % (${sorted[0]!.toFixed(2)}-${sorted.at(-1)!.toFixed(2)})`];
  });
  console.log(`**Warm cost per source, Express ${express}, ${results[0]?.length ?? 0} rounds per source**\n`);
  console.log(markdownTable(['source (mtls + requireCN)', 'inside, µs (median)', 'bare Express CPU µs/request', 'inside ÷ bare (median, range)'], rows));
}

if (process.argv[2] === '--serve') serve(process.argv[3] ?? '5', Number(process.argv[4])).catch(failed);
else await main();
