/**
 * Whole-request pairs: one server process holding two complete Express apps (scenario A, usually bare
 * Express, and scenario B), each with its middleware mounted as ordinary layers. Every request goes to one
 * of them at random and the time of its whole synchronous dispatch is recorded: routing, the middleware, the
 * handler, `res.send` and the socket write. Both apps share the process, the JIT, the connections and every
 * moment of a noisy machine, so the ratio of their times is steady where separate servers differ by ±30 %.
 *
 * What it leaves out is the same for both apps (HTTP parsing before the `request` event, the kernel), so the
 * ratio it gives is the conservative one: the middleware's share of the part of the request it can affect.
 * `node --import tsx bench/http/paired-server.ts <scenario A> <scenario B> <4|5>`, driven by paired-suite.ts.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { readFixtures } from '../fixtures.js';
import { createApp, errorHandler, finalHandler } from './app.js';
import { SCENARIOS } from './scenarios.js';

/** Median and mean dispatch time of each app over the window, µs. */
export interface PairedStats {
  readonly medianUs: readonly [number, number];
  readonly meanUs: readonly [number, number];
  readonly requests: readonly [number, number];
  /** Requests whose response was not finished when the dispatch returned (their time is incomplete). */
  readonly unfinished: number;
}

async function buildApp(id: string, version: string): Promise<Express> {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (scenario === undefined) throw new Error(`unknown scenario ${id}`);
  const app = await createApp(version);
  for (const handler of await scenario.build(readFixtures())) app.use(handler);
  app.get('/', finalHandler(scenario.expectsCert));
  app.use(errorHandler);
  return app;
}

function summarize(samples: readonly number[][], unfinished: number): PairedStats {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
  const mean = (xs: number[]): number => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const [a, b] = samples as [number[], number[]];
  return { medianUs: [median(a), median(b)], meanUs: [mean(a), mean(b)], requests: [a.length, b.length], unfinished };
}

async function main(): Promise<void> {
  const [idA = 'bare', idB = 'requireCN', version = '5'] = process.argv.slice(2);
  const apps = [await buildApp(idA, version), await buildApp(idB, version)] as const;
  let samples: number[][] = [[], []];
  let unfinished = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const which = Math.random() < 0.5 ? 0 : 1;
    const start = process.hrtime.bigint();
    apps[which](req, res);
    samples[which]!.push(Number(process.hrtime.bigint() - start) / 1000);
    if (!res.writableEnded) unfinished++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'reset') {
      samples = [[], []];
      unfinished = 0;
      process.send!({ type: 'reset' });
    } else if (message.type === 'stats') {
      process.send!({ type: 'stats', paired: summarize(samples, unfinished) });
    } else if (message.type === 'exit') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
