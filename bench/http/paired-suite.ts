/**
 * Runs paired-server.ts for each pair of scenarios (bare Express against each warm scenario, the hand-rolled
 * baseline against the cold path) and reports the ratio of whole-request times, round by round.
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { Fixtures } from '../fixtures.js';
import { markdownTable, median } from '../stats.js';
import { runLoad, ServerProcess } from './load.js';
import type { PairedStats } from './paired-server.js';
import { SCENARIOS } from './scenarios.js';
import { headerSource } from './suite.js';

const ENTRY = fileURLToPath(new URL('./paired-server.ts', import.meta.url));

/** A pair: the reference A, the scenario B, and the least B may keep of A's throughput (time A ÷ time B). */
export interface Pair {
  readonly a: string;
  readonly b: string;
  readonly target: number;
  readonly aim?: number;
}

/**
 * Issue 6's whole-request targets, as pairs, with references (target 0): one empty middleware layer; one that
 * only writes `req.clientCert`; scenario 2 written by hand with the least work (least.ts), in both forms, and
 * scenario 2 against `leastAccessor`.
 */
export const PAIRS: readonly Pair[] = [
  { a: 'bare', b: 'emptyLayer', target: 0 },
  { a: 'bare', b: 'propertyLayer', target: 0 },
  { a: 'bare', b: 'verify', target: 0.95 },
  { a: 'bare', b: 'requireCN', target: 0.95 },
  { a: 'bare', b: 'requireCNLayer', target: 0 },
  { a: 'bare', b: 'leastProperty', target: 0 },
  { a: 'bare', b: 'leastAccessor', target: 0 },
  // In one server, so the same moments of the machine: what the library costs over that floor.
  { a: 'leastAccessor', b: 'requireCN', target: 0 },
  { a: 'bare', b: 'routeByCert', target: 0.9 },
  { a: 'bare', b: 'passthrough', target: 0.95 },
  { a: 'handrolled', b: 'cold', target: 1.0, aim: 1.5 },
];

/** Settings of the paired runs. */
export interface PairedOptions {
  readonly express: string;
  readonly pairs: readonly Pair[];
  readonly rounds: number;
  readonly requestsPerRound: number;
  readonly warmupRequests: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

/** One pair on one Express major: every round's figures. */
export interface PairedResult {
  readonly express: string;
  readonly pair: Pair;
  readonly rounds: readonly PairedStats[];
}

async function runPair(pair: Pair, fixtures: Fixtures, o: PairedOptions): Promise<PairedResult> {
  const kind = SCENARIOS.find((s) => s.id === pair.b)!.headers;
  const server = await ServerProcess.fork(ENTRY, [pair.a, pair.b, o.express]);
  try {
    const load = { amount: o.requestsPerRound, maxSeconds: 60, connections: o.connections, headersFor: headerSource(kind, fixtures) };
    await runLoad(server.port, { ...load, amount: o.warmupRequests });
    const rounds: PairedStats[] = [];
    for (let round = 0; round < o.rounds; round++) {
      await server.ask({ type: 'reset' });
      const result = await runLoad(server.port, load);
      if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx} non-2xx responses, ${result.errors} errors`);
      rounds.push((await server.ask({ type: 'stats' })).paired!);
    }
    return { express: o.express, pair, rounds };
  } finally {
    await server.stop();
  }
}

/** Time of A ÷ time of B in each round: the throughput B keeps of A's, if the server were CPU-bound. */
export function ratios(result: PairedResult, of: 'medianUs' | 'meanUs'): number[] {
  return result.rounds.map((r) => r[of][0] / r[of][1]);
}

/** Runs every pair, one server at a time. */
export async function runPairedSuite(fixtures: Fixtures, o: PairedOptions): Promise<PairedResult[]> {
  const results: PairedResult[] = [];
  for (const pair of o.pairs) {
    const result = await runPair(pair, fixtures, o);
    o.log(`  paired ${pair.a} / ${pair.b}: ${ratios(result, 'medianUs').map((r) => r.toFixed(3)).join(' ')}`);
    results.push(result);
  }
  return results;
}

const range = (xs: readonly number[], digits: number): string => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `${median(xs).toFixed(digits)} (${sorted[0]!.toFixed(digits)}–${sorted.at(-1)!.toFixed(digits)})`;
};

/**
 * Each round's throughput kept by B against bare Express, when the time B adds is added to bare's whole
 * CPU per request, both measured in that round: bare's whole CPU is the server's CPU per request less B's
 * share of the added mean time. Measuring both in the same round keeps them at the same machine speed
 * (this machine's speed moves by ±30 % between phases of one run).
 */
export function keptOfBare(result: PairedResult): number[] {
  return result.rounds.map((r) => {
    const added = r.medianUs[1] - r.medianUs[0];
    const shareB = r.requests[1] / (r.requests[0] + r.requests[1]);
    const bareWhole = r.cpuPerRequestUs - shareB * (r.meanUs[1] - r.meanUs[0]);
    return bareWhole / (bareWhole + added);
  });
}

/** Bare Express's whole CPU per request in each round (see {@link keptOfBare}). */
function bareWholeCpu(result: PairedResult): number[] {
  return result.rounds.map((r) => r.cpuPerRequestUs - (r.requests[1] / (r.requests[0] + r.requests[1])) * (r.meanUs[1] - r.meanUs[0]));
}

/** The value a pair is judged on, per round: kept of bare's whole CPU, or the time ratio A ÷ B. */
function decisive(r: PairedResult): number[] {
  return r.pair.a === 'bare' ? keptOfBare(r) : ratios(r, 'medianUs');
}

/** Met or missed by the median over rounds; "inconclusive" when the rounds fall on both sides of the limit. */
function verdict(pair: Pair, values: readonly number[]): string {
  if (pair.target === 0) return '(reference)';
  const value = median(values);
  const byMedian = value >= (pair.aim ?? Infinity) ? 'met (aim met)' : value >= pair.target ? 'met' : '**missed**';
  const low = Math.min(...values) >= pair.target;
  const high = Math.max(...values) >= pair.target;
  return low === high ? byMedian : `inconclusive: rounds on both sides (median: ${byMedian})`;
}

/** Target rows (Express, target, measured, result) of one Express major's pairs, for the targets table. */
export function pairedTargets(results: readonly PairedResult[]): string[][] {
  return results.filter((r) => r.pair.target > 0).map((r) => {
    const values = decisive(r);
    const added = median(r.rounds.map((s) => s.medianUs[1] - s.medianUs[0]));
    const what = r.pair.a === 'bare'
      ? `× bare, ${added.toFixed(1)} µs added to bare's whole CPU of ${median(bareWholeCpu(r)).toFixed(0)} µs, same rounds`
      : `time ratio ${r.pair.a} ÷ ${r.pair.b}`;
    return [`Express ${r.express}`, `pairs, ${r.pair.b}: ${what} (≥ ${r.pair.target}${r.pair.aim ? `, aim ${r.pair.aim}` : ''})`,
      range(values, 3), verdict(r.pair, values)];
  });
}

/**
 * The Markdown table of one Express major's pairs. Pairs against bare Express are judged on the throughput
 * the added time implies on bare's whole CPU per request, both from the same round ({@link keptOfBare});
 * cold against hand-rolled on the time ratio.
 */
export function pairedTable(results: readonly PairedResult[]): string {
  const rows = results.map((r) => {
    const added = r.rounds.map((s) => s.medianUs[1] - s.medianUs[0]);
    const onWhole = r.pair.a === 'bare';
    return [`${r.pair.b} against ${r.pair.a}`, range(r.rounds.map((s) => s.medianUs[0]), 1), range(r.rounds.map((s) => s.medianUs[1]), 1),
      range(added, 1), range(ratios(r, 'medianUs'), 3), range(ratios(r, 'meanUs'), 3),
      onWhole ? range(bareWholeCpu(r), 0) : '—', onWhole ? range(keptOfBare(r), 3) : '—',
      r.pair.target === 0 ? '—' : `≥ ${r.pair.target}${r.pair.aim ? ` (aim ${r.pair.aim})` : ''}`, verdict(r.pair, decisive(r))];
  });
  const unfinished = results.reduce((n, r) => n + r.rounds.reduce((m, s) => m + s.unfinished, 0), 0);
  return markdownTable(['pair (B against A)', 'A: median µs', 'B: median µs', 'B − A µs', 'A ÷ B by median', 'A ÷ B by mean',
    "bare's whole CPU µs/request", '× bare on its whole CPU', 'target', 'result'], rows) +
    (unfinished > 0 ? `\n\n${unfinished} responses finished after their dispatch returned: their times are incomplete.` : '');
}
