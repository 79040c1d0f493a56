/**
 * The in-process A/B of toggle.ts for each scenario: one server per scenario in toggle mode, warmed up,
 * then loaded for a fixed number of blocks; the server reports every block's CPU per request.
 * @module
 */
import type { Fixtures } from '../fixtures.js';
import { runLoad, ServerProcess } from './load.js';
import type { Scenario } from './scenarios.js';
import { headerSource } from './suite.js';

/** Settings of the A/B runs. */
export interface AbOptions {
  readonly express: string;
  readonly scenarios: readonly Scenario[];
  /** Pairs of blocks (with, without) per scenario. */
  readonly pairs: number;
  readonly blockSize: number;
  readonly warmupRequests: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

/** Block CPU per request of one scenario, with and without the middleware, in the order they ran. */
export interface AbResult {
  readonly express: string;
  readonly scenario: string;
  readonly on: readonly number[];
  readonly off: readonly number[];
  readonly unavailable?: string;
}

async function runOne(scenario: Scenario, fixtures: Fixtures, o: AbOptions): Promise<AbResult> {
  const server = await ServerProcess.start(scenario.id, o.express, undefined, o.blockSize);
  try {
    const headersFor = headerSource(scenario.headers, fixtures);
    const load = (amount: number): ReturnType<typeof runLoad> =>
      runLoad(server.port, { amount, maxSeconds: 60, connections: o.connections, headersFor });
    await load(o.warmupRequests);
    await server.ask({ type: 'reset' });
    // One block more than needed: a block is recorded when the first request of the next one arrives.
    const result = await load((o.pairs * 2 + 1) * o.blockSize);
    if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx} non-2xx responses, ${result.errors} errors`);
    const { toggle } = await server.ask({ type: 'stats' });
    return { express: o.express, scenario: scenario.id, on: toggle!.on, off: toggle!.off };
  } finally {
    await server.stop();
  }
}

/** Runs the A/B for every scenario but bare Express (which has nothing to toggle), one server at a time. */
export async function runAbSuite(fixtures: Fixtures, o: AbOptions): Promise<AbResult[]> {
  const results: AbResult[] = [];
  for (const scenario of o.scenarios.filter((s) => s.number !== 0)) {
    try {
      const r = await runOne(scenario, fixtures, o);
      const med = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
      o.log(`  A/B ${scenario.id.padEnd(12)} with ${med(r.on).toFixed(1)} µs CPU/req, without ${med(r.off).toFixed(1)} (${r.on.length} pairs)`);
      results.push(r);
    } catch (error) {
      const why = String((error as Error).message ?? error).split('\n')[0]!;
      o.log(`  A/B ${scenario.id}: unavailable (${why})`);
      results.push({ express: o.express, scenario: scenario.id, on: [], off: [], unavailable: why });
    }
  }
  return results;
}
