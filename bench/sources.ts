/**
 * `npm run bench:sources`: the warm cost of every front door, measured in one server so the figures are
 * comparable. The server mounts, for each source, `mtls({ source })` + `requireCN('clientA')`, and runs one
 * of them (or none: bare Express) at random for every request; every request carries every source's
 * headers for the same certificate. The time inside each chain is recorded; the bare share of the
 * server's CPU per request is what the added time is compared with.
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
import { failed } from './http/paired-server.js';
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

/** Every source's headers for one certificate, at once (each middleware reads only its own). */
export function allHeaders(leaf: string): Record<string, string> {
  const partial = frontDoorHeaders('envoy', leaf, { details: ['Subject', 'URI', 'DNS'] })['x-forwarded-client-cert']!;
  return {
    ...verifyHeaders(leaf), 'x-xfcc-partial': partial,
    ...(['envoy', 'rfc9440', 'nginx', 'traefik', 'gcp', 'cloudfront'] as const).reduce((all, s) => ({ ...all, ...frontDoorHeaders(s, leaf) }), {}),
    ...frontDoorHeaders('azure', leaf, { mode: 'application-gateway' }),
  };
}

async function serve(express: string): Promise<void> {
  const { default: createApp } = express === '4' ? await import('express4') : await import('express');
  const app = (createApp as unknown as () => import('express').Express)();
  const chains: RequestHandler[][] = CHAINS.map(([, options]) => (options ? [mtls(options), requireCN('clientA')] : []));
  let samples: number[][] = chains.map(() => []);
  let cpuStart = process.cpuUsage();
  app.use((req, res, next) => {
    void req.headers;
    const which = Math.floor(Math.random() * chains.length);
    const handlers = chains[which]!;
    let error: unknown;
    const start = process.hrtime.bigint();
    let index = 0;
    const step = (e?: unknown): void => {
      if (e !== undefined) error = e;
      else if (index < handlers.length) void handlers[index++]!(req, res, step);
    };
    step();
    samples[which]!.push(Number(process.hrtime.bigint() - start) / 1000);
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
  const headers = allHeaders(readFixtures().ecdsa.leaf);
  const server = await ServerProcess.fork(fileURLToPath(import.meta.url), ['--serve', values.express]);
  const perRound: Stats[] = [];
  try {
    const load = { amount: Number(values.requests), maxSeconds: 120, connections: Number(values.connections), headersFor: () => headers };
    await runLoad(server.port, load);
    for (let round = 0; round < Number(values.rounds); round++) {
      await server.ask({ type: 'reset' });
      const result = await runLoad(server.port, load);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
      perRound.push((await server.ask({ type: 'stats' }) as unknown as { sources: Stats }).sources);
    }
  } finally {
    await server.stop();
  }
  report(perRound, values.express!);
}

function report(rounds: readonly Stats[], express: string): void {
  // Bare Express's CPU per request: the whole process's, less the mean time spent inside the chains.
  const bare = rounds.map((r) => r.cpuPerRequestUs - r.insideMean);
  const rows = CHAINS.slice(1).map(([name], i) => {
    const inside = rounds.map((r) => r.medians[i + 1]! - r.medians[0]!);
    const share = inside.map((us, k) => (us / bare[k]!) * 100);
    const sorted = [...share].sort((a, b) => a - b);
    return [name, median(inside).toFixed(2), `${median(share).toFixed(2)} % (${sorted[0]!.toFixed(2)}-${sorted.at(-1)!.toFixed(2)})`];
  });
  console.log(`**Warm cost per source, Express ${express}, ${rounds.length} rounds; bare Express ${median(bare).toFixed(1)} µs CPU per request**\n`);
  console.log(markdownTable(['source (mtls + requireCN)', 'inside, µs (median)', '% of bare Express CPU (median, range)'], rows));
}

if (process.argv[2] === '--serve') serve(process.argv[3] ?? '5').catch(failed);
else await main();
