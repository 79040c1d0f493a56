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

/** Issue 6's whole-request targets, as pairs, after a reference (target 0): one empty middleware layer. */
export const PAIRS: readonly Pair[] = [
  { a: 'bare', b: 'emptyLayer', target: 0 },
  { a: 'bare', b: 'verify', target: 0.95 },
  { a: 'bare', b: 'requireCN', target: 0.95 },
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

/** `bareCpuUs / (bareCpuUs + added)`: the throughput kept when the added time is added to bare's whole CPU. */
function implied(added: number, bareCpuUs: number | undefined): number | undefined {
  return bareCpuUs === undefined ? undefined : bareCpuUs / (bareCpuUs + added);
}

function verdict(pair: Pair, value: number): string {
  if (pair.target === 0) return '(reference)';
  if (value >= (pair.aim ?? Infinity)) return 'met (aim met)';
  return value >= pair.target ? 'met' : '**missed**';
}


/** Target rows (Express, target, measured, result) of one Express major's pairs, for the targets table. */
export function pairedTargets(results: readonly PairedResult[], bareCpuUs?: number): string[][] {
  return results.filter((r) => r.pair.target > 0).map((r) => {
    const added = median(r.rounds.map((s) => s.medianUs[1] - s.medianUs[0]));
    const onWhole = r.pair.a === 'bare' ? implied(added, bareCpuUs) : undefined;
    const value = onWhole ?? median(ratios(r, 'medianUs'));
    const what = onWhole === undefined ? `time ratio ${r.pair.a} ÷ ${r.pair.b}` : `× bare, ${added.toFixed(1)} µs added to bare's whole CPU`;
    return [`Express ${r.express}`, `pairs, ${r.pair.b}: ${what} (≥ ${r.pair.target}${r.pair.aim ? `, aim ${r.pair.aim}` : ''})`,
      value.toFixed(3), verdict(r.pair, value)];
  });
}

/**
 * The Markdown table of one Express major's pairs. With `bareCpuUs` (bare Express's whole CPU per request,
 * measured by the HTTP suite in the same run), pairs against bare Express are judged on the throughput the
 * added time implies on that whole CPU; otherwise, and for cold against hand-rolled, on the time ratio.
 */
export function pairedTable(results: readonly PairedResult[], bareCpuUs?: number): string {
  const rows = results.map((r) => {
    const byMedian = ratios(r, 'medianUs');
    const added = r.rounds.map((s) => s.medianUs[1] - s.medianUs[0]);
    const onWhole = r.pair.a === 'bare' ? implied(median(added), bareCpuUs) : undefined;
    const decisive = onWhole ?? median(byMedian);
    return [`${r.pair.b} against ${r.pair.a}`, range(r.rounds.map((s) => s.medianUs[0]), 1), range(r.rounds.map((s) => s.medianUs[1]), 1),
      range(added, 1), range(byMedian, 3), range(ratios(r, 'meanUs'), 3), onWhole === undefined ? '—' : onWhole.toFixed(3),
      r.pair.target === 0 ? '—' : `≥ ${r.pair.target}${r.pair.aim ? ` (aim ${r.pair.aim})` : ''}`, verdict(r.pair, decisive)];
  });
  const unfinished = results.reduce((n, r) => n + r.rounds.reduce((m, s) => m + s.unfinished, 0), 0);
  const cpu = bareCpuUs === undefined ? 'not measured in this run' : `${bareCpuUs.toFixed(1)} µs`;
  return markdownTable(['pair (B against A)', 'A: median µs', 'B: median µs', 'B − A µs', 'A ÷ B by median', 'A ÷ B by mean',
    `× bare on its whole CPU (${cpu})`, 'target', 'result'], rows) +
    (unfinished > 0 ? `\n\n${unfinished} responses finished after their dispatch returned: their times are incomplete.` : '');
}
