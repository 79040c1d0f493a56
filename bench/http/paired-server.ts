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
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Express, Request, RequestHandler, Response } from 'express';
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
  /**
   * The server process's whole CPU (user + system, `process.cpuUsage()`) per request over the window, both
   * apps' requests together: HTTP parsing, GC and the kernel included.
   */
  readonly cpuPerRequestUs: number;
}

async function buildApp(id: string, version: string): Promise<Express> {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (scenario === undefined) throw new Error(`unknown scenario ${id}`);
  const app = await createApp(version);
  for (const handler of await scenario.build(readFixtures())) app.use(handler);
  app.get('/', ...(await scenario.route?.() ?? []), finalHandler(scenario.expectsCert));
  app.use(errorHandler);
  return app;
}

function summarize(samples: readonly number[][], unfinished: number, cpu: NodeJS.CpuUsage): PairedStats {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
  const mean = (xs: number[]): number => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const [a, b] = samples as [number[], number[]];
  const cpuPerRequestUs = (cpu.user + cpu.system) / (a.length + b.length);
  return { medianUs: [median(a), median(b)], meanUs: [mean(a), mean(b)], requests: [a.length, b.length], unfinished, cpuPerRequestUs };
}

/**
 * Runs Express handlers one after the other on one request, synchronously, as Express would: the µs it
 * took, and the error one passed to `next`, if any.
 */
export function runTimed(handlers: readonly RequestHandler[], req: Request, res: Response): { us: number; error: unknown } {
  let error: unknown;
  let index = 0;
  const start = process.hrtime.bigint();
  const step = (e?: unknown): void => {
    if (e !== undefined) error = e;
    else if (index < handlers.length) void handlers[index++]!(req, res, step);
  };
  step();
  return { us: Number(process.hrtime.bigint() - start) / 1000, error };
}

/** Records one request's time (µs) for version 0 or 1. */
export type RecordTime = (which: 0 | 1, us: number) => void;

/** Picks one of two request listeners at random for every request and records its whole synchronous dispatch. */
export function randomDispatch(listeners: readonly [RequestListener, RequestListener], record: RecordTime): RequestListener {
  return (req, res) => {
    // At random, not alternately: a request that follows another one closely runs faster (warm CPU caches),
    // and strict alternation gave the second listener that edge, 4 % in an A/A run.
    const which = Math.random() < 0.5 ? 0 : 1;
    const start = process.hrtime.bigint();
    listeners[which](req, res);
    record(which, Number(process.hrtime.bigint() - start) / 1000);
  };
}

/**
 * Runs a pair server in this (forked) process: `build` gets the recorder and returns the request listener.
 * Speaks the protocol of load.ts's `ServerProcess`: ready, reset, stats (`paired`), exit.
 */
export async function servePair(build: (record: RecordTime) => RequestListener | Promise<RequestListener>): Promise<void> {
  let samples: number[][] = [[], []];
  const listener = await build((which, us) => void samples[which]!.push(us));
  let unfinished = 0;
  let cpuStart = process.cpuUsage();
  const server = createServer((req, res) => {
    listener(req, res);
    if (!res.writableEnded) unfinished++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'reset') {
      samples = [[], []];
      unfinished = 0;
      cpuStart = process.cpuUsage();
      process.send!({ type: 'reset' });
    } else if (message.type === 'stats') {
      process.send!({ type: 'stats', paired: summarize(samples, unfinished, process.cpuUsage(cpuStart)) });
    } else if (message.type === 'exit') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
}

/** Reports a start-up failure to the parent (ServerProcess.fork shows it). */
export function failed(error: unknown): void {
  process.send?.({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
}

// Run as a script (not when imported by compare.ts): the scenario pair from the command line.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [idA = 'bare', idB = 'requireCN', version = '5'] = process.argv.slice(2);
  servePair(async (record) => randomDispatch([await buildApp(idA, version), await buildApp(idB, version)], record)).catch(failed);
}
