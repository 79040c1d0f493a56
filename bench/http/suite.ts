/**
 * The HTTP suite: one server process per scenario, warmed up, then several rounds in which every scenario
 * (bare Express included) is loaded once, in an order that rotates between rounds, so that each ratio to
 * bare Express compares runs made minutes apart at most on the same noisy machine.
 * @module
 */
import { loadavg } from 'node:os';
import { passthroughHeaders, verifyHeaders, type Fixtures } from '../fixtures.js';
import { runLoad, ServerProcess, type LoadResult } from './load.js';
import type { HeaderKind, Scenario } from './scenarios.js';
import type { WindowStats } from './timing.js';

/** Settings of one suite run. */
export interface SuiteOptions {
  readonly express: string;
  readonly scenarios: readonly Scenario[];
  readonly rounds: number;
  /** Target length of one measured run; the request count is calibrated on bare Express to match it. */
  readonly seconds: number;
  /** Warm-up of each server: this many requests (enough for V8 to optimise the code under test)... */
  readonly warmupRequests: number;
  /** ...or this long, whichever comes first. */
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly profileDir: string | undefined;
  readonly log: (line: string) => void;
}

/** One scenario in one round. */
export interface Measurement {
  readonly scenario: string;
  readonly round: number;
  readonly load: LoadResult;
  readonly stats: WindowStats;
  /** 1-minute load average when the run started: how busy the shared machine was. */
  readonly loadAverage: number;
}

/** Everything measured for one Express major. */
export interface SuiteResult {
  readonly express: string;
  /** Requests per measured run. */
  readonly amount: number;
  readonly measurements: readonly Measurement[];
  /** Scenarios that could not run, with the reason. */
  readonly unavailable: Readonly<Record<string, string>>;
}

/** Per-request headers for a scenario; the pool index keeps counting across runs so a cold run never restarts warm. */
export function headerSource(kind: HeaderKind, fixtures: Fixtures): (i: number) => Record<string, string> {
  if (kind === 'none') return () => ({});
  if (kind === 'warm') {
    const headers = verifyHeaders(fixtures.ecdsa.leaf);
    return () => headers;
  }
  if (kind === 'passthrough') {
    const headers = passthroughHeaders(fixtures.ecdsa);
    return () => headers;
  }
  const pool = fixtures.pool.map(verifyHeaders);
  let next = 0;
  return () => pool[next++ % pool.length]!;
}

interface Running {
  readonly scenario: Scenario;
  readonly server: ServerProcess;
  readonly headersFor: (i: number) => Record<string, string>;
}

/** One request that must answer 200 `ok`: a scenario that rejects its traffic would look fast. */
async function sanityCheck(running: Running): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${running.server.port}/`, { headers: running.headersFor(0) });
  const body = await response.text();
  if (response.status !== 200 || body !== 'ok') throw new Error(`sanity request answered ${response.status} ${body}`);
}

/** Starts every scenario's server at once (start-up is mostly tsx compiling), then checks each. */
async function startAll(options: SuiteOptions, fixtures: Fixtures, unavailable: Record<string, string>): Promise<Running[]> {
  const started = await Promise.all(options.scenarios.map(async (scenario): Promise<Running | undefined> => {
    let server: ServerProcess | undefined;
    try {
      server = await ServerProcess.start(scenario.id, options.express, options.profileDir);
      const entry = { scenario, server, headersFor: headerSource(scenario.headers, fixtures) };
      await sanityCheck(entry);
      return entry;
    } catch (error) {
      await server?.stop();
      unavailable[scenario.id] = String((error as Error).message ?? error).split('\n').slice(0, 3).join(' ');
      options.log(`  ${scenario.id}: unavailable (${unavailable[scenario.id]})`);
      return undefined;
    }
  }));
  return started.filter((r): r is Running => r !== undefined);
}

async function measure(entry: Running, amount: number, options: SuiteOptions): Promise<Omit<Measurement, 'round'>> {
  const loadAverage = loadavg()[0] ?? Number.NaN;
  await entry.server.ask({ type: 'reset' });
  const load = await runLoad(entry.server.port, {
    amount, maxSeconds: options.seconds * 4, connections: options.connections, headersFor: entry.headersFor,
  });
  const { stats } = await entry.server.ask({ type: 'stats' });
  return { scenario: entry.scenario.id, load, stats: stats!, loadAverage };
}

/** Runs the whole suite for one Express major. */
export async function runHttpSuite(fixtures: Fixtures, options: SuiteOptions): Promise<SuiteResult> {
  const unavailable: Record<string, string> = {};
  const running = await startAll(options, fixtures, unavailable);
  const measurements: Measurement[] = [];
  let amount = 0;
  try {
    const bare = running.find((r) => r.scenario.number === 0);
    if (bare === undefined) throw new Error('bare Express did not start: nothing to compare with');
    // Warm-up (JIT, caches, connection setup), also calibrating the request count on bare Express.
    for (const entry of running) {
      const warm = await runLoad(entry.server.port, {
        amount: options.warmupRequests, maxSeconds: options.warmupSeconds, connections: options.connections,
        headersFor: entry.headersFor,
      });
      if (entry === bare) amount = Math.max(1000, Math.round(warm.requestsPerSecond * options.seconds));
    }
    options.log(`  ${amount} requests per run, ${options.connections} connections`);
    for (let round = 0; round < options.rounds; round++) {
      const order = running.map((_, i) => running[(i + round) % running.length]!);
      for (const entry of order) {
        const m = { ...(await measure(entry, amount, options)), round };
        measurements.push(m);
        options.log(`  round ${round + 1} ${m.scenario.padEnd(12)} ${Math.round(m.load.requestsPerSecond)} req/s, ` +
          `${m.stats.cpuPerRequestUs.toFixed(1)} µs CPU/req, middleware ${m.stats.middlewareMedianUs.toFixed(2)} µs, ` +
          `load ${m.loadAverage.toFixed(1)}` +
          (m.load.non2xx + m.load.errors > 0 ? `, ${m.load.non2xx} non-2xx, ${m.load.errors} errors` : ''));
      }
    }
  } finally {
    for (const entry of running) await entry.server.stop();
  }
  return { express: options.express, amount, measurements, unavailable };
}
